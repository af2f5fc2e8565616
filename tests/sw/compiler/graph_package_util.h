// Builders and a host runner shared by the package tests: options at fixed
// load and arena addresses, seeded INT8 operands and layers, and a run of a
// package's steps like the firmware runtime's (core streams on the host
// interpreter, CPU ops through nn/cpuops).
#pragma once

#include <gtest/gtest.h>

#include <random>

#include "arch/package/validator.h"
#include "nn/ref/quant.h"
#include "nn/tensor/tensor_pack.h"
#include "sw/compiler/builder.h"
#include "sw/compiler/interpreter.h"

namespace nnvp::test {

using namespace nnvp::package;
using namespace nnvp::compiler;

constexpr uint64_t dram_base = 0x80000000, dram_size = 1ull << 30;
constexpr uint64_t load_at = dram_base + 0x1000000, arena_at = dram_base + 0x2000000;

inline build_options options() {
    build_options o;
    o.load_address = load_at;
    o.arena_base = arena_at;
    o.buffers = {64, 128, 64};
    return o;
}

inline nn::tensor random_int8(std::mt19937& rng, nn::shape4 s) {
    nn::tensor x(nn::dtype::int8, s);
    for (std::size_t i = 0; i < x.size(); ++i)
        x.set_int(i, std::uniform_int_distribution<int>(-20, 20)(rng));
    return x;
}

inline const ref::quant_params q_act{0.1f, 0};

inline ref::layer int8_layer(const char* name, ref::op_kind op, int out_channels, int k = 1) {
    ref::layer l;
    l.name = name;
    l.op = op;
    l.prec = ref::precision::int8;
    l.out_channels = out_channels;
    l.geo.kernel_h = l.geo.kernel_w = k;
    l.geo.pad_top = l.geo.pad_bottom = l.geo.pad_left = l.geo.pad_right = k / 2;
    l.in_q = l.in2_q = l.out_q = q_act;
    if (op == ref::op_kind::conv2d || op == ref::op_kind::fully_connected)
        for (int c = 0; c < out_channels; ++c)
            l.w_scales.push_back(0.002f + 0.0001f * static_cast<float>(c % 7));
    ref::lower_quantization(l);
    return l;
}

// Runs the package like the firmware runtime: returns the DRAM image.
inline std::vector<uint8_t> run_on_host(const built_package& p, const std::vector<nn::tensor>& inputs,
                                 const compiler::buffer_sizes& buffers = options().buffers) {
    package_view v;
    const validation r = validate(p.image.data(), p.image.size(), load_at, {dram_base, dram_size}, &v);
    EXPECT_TRUE(r.ok()) << r.message;
    std::vector<uint8_t> mem(arena_at + p.arena_size - load_at, 0xcd);
    std::copy(p.image.begin(), p.image.end(), mem.begin());
    std::size_t k = 0;
    for (std::size_t t = 0; t < v.tensors.size(); ++t)
        if (v.tensors[t].role == tensor_role::input) {
            const std::vector<uint8_t>& b = inputs[k++].bytes();
            std::copy(b.begin(), b.end(), mem.begin() + static_cast<long>(v.tensors[t].address - load_at));
        }
    auto read = [&](uint16_t t) {
        const tensor_record& r = v.tensors[t];
        return nn::unpack(r.dtype(), r.shape, mem.data() + (r.address - load_at), r.bytes());
    };
    compiler::stream_interpreter interp(mem, load_at, buffers.local_bytes());
    for (const step_record& s : v.steps) {
        if (s.kind == static_cast<uint8_t>(step_kind::core)) {
            interp.run(p.image.data() + s.code_offset, s.code_bytes);
            continue;
        }
        EXPECT_EQ(s.kind, static_cast<uint8_t>(step_kind::cpu_op));
        const cpuops::encoded e = cpuops::decode(p.image.data() + s.code_offset, s.code_bytes);
        std::vector<nn::tensor> vals;
        std::vector<cpuops::tensor_info> infos;
        for (uint16_t t : e.inputs) {
            vals.push_back(read(t));
            infos.push_back({v.tensors[t].shape, v.tensors[t].dtype(), {v.tensors[t].scale, v.tensors[t].zero_point}});
        }
        std::vector<const nn::tensor*> ptrs;
        for (const nn::tensor& x : vals)
            ptrs.push_back(&x);
        const tensor_record& o = v.tensors[s.output];
        const nn::tensor out = cpuops::execute(e.o, ptrs, infos, {o.shape, o.dtype(), {o.scale, o.zero_point}});
        std::copy(out.bytes().begin(), out.bytes().end(), mem.begin() + static_cast<long>(o.address - load_at));
    }
    return mem;
}

inline std::vector<uint8_t> output_bytes(const built_package& p, const network& net,
                                  const std::vector<uint8_t>& mem) {
    const tensor_desc& o = p.tensors[static_cast<std::size_t>(net.output_index())];
    const auto at = mem.begin() + static_cast<long>(o.address - load_at);
    return {at, at + static_cast<long>(nn::storage_bytes(o.type, o.shape.count()))};
}

}  // namespace nnvp::test
