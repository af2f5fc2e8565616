// Builders shared by the command-stream builder tests: seeded random
// operands, quantized layers lowered by the reference's own quantizer, and a
// "program == reference" check through the host stream interpreter.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <random>

#include "sw/compiler/interpreter.h"
#include "sw/compiler/program.h"
#include "nn/ref/ops.h"
#include "nn/ref/quant.h"

namespace nnvp::test {

inline nn::tensor random_tensor(std::mt19937& rng, nn::dtype t, nn::shape4 s, int64_t lo = -20,
                                int64_t hi = 20) {
    nn::tensor x(t, s);
    for (std::size_t i = 0; i < x.size(); ++i) {
        if (nn::is_float(t)) {
            x.set_float(i, std::uniform_real_distribution<float>(-2.0f, 2.0f)(rng));
        } else if (t == nn::dtype::binary) {
            x.set_int(i, (rng() & 1u) ? 1 : -1);
        } else {
            const int64_t a = std::max(lo, nn::min_of(t));
            const int64_t b = std::min(hi, nn::max_of(t));
            x.set_int(i, std::uniform_int_distribution<int64_t>(a, b)(rng));
        }
    }
    return x;
}

// A layer of op `k` at precision `p` with a plausible quantization
// description (asymmetric activations, per-channel weights when
// `per_channel`), lowered with ref::lower_quantization.
inline ref::layer make_layer(ref::op_kind k, ref::precision p, int out_channels = 1,
                             ref::act_kind act = ref::act_kind::none, bool per_channel = false) {
    ref::layer l;
    l.name = std::string(ref::to_string(k)) + "_" + ref::to_string(p);
    l.op = k;
    l.prec = p;
    l.out_channels = out_channels;
    l.act.kind = act;
    l.act.clip_lo = -0.5f;
    l.act.clip_hi = 0.75f;
    l.act.alpha = 0.125f;
    l.in_q = {0.05f, 3};
    l.in2_q = {0.04f, -2};
    l.out_q = {0.1f, -1};
    l.act_q = {0.08f, 2};
    const bool pool = k == ref::op_kind::max_pool || k == ref::op_kind::avg_pool ||
                      k == ref::op_kind::global_avg_pool || k == ref::op_kind::global_max_pool;
    if (pool && !ref::uses_table(act))
        l.out_q = l.in_q;
    for (int c = 0; c < (per_channel ? out_channels : 1); ++c)
        l.w_scales.push_back(0.01f + 0.002f * static_cast<float>(c));
    if (p == ref::precision::binary)
        for (int c = 0; c < out_channels; ++c)
            l.bin_alpha.push_back(0.05f + 0.01f * static_cast<float>(c));
    return l;
}

inline void lower(ref::layer& l) {
    ref::lower_quantization(l);
}

struct program_run {
    compiler::program prog;
    compiler::interpreter_stats stats;
    nn::tensor got, want;
};

// Builds the program, interprets it, and compares the DRAM output with
// ref::execute of the whole layer, byte for byte.
inline program_run run_and_compare(const ref::layer& l, const nn::tensor& in,
                                   const nn::tensor* second, const nn::tensor* bias,
                                   compiler::buffer_sizes buffers, uint64_t dram_base = 0x8000'0000) {
    program_run r;
    compiler::program_options opt;
    opt.dram_base = dram_base;
    r.prog = compiler::single_layer_program(l, in, second, bias, buffers, opt);
    std::vector<uint8_t> dram = r.prog.image;
    compiler::stream_interpreter it(dram, dram_base, buffers.local_bytes());
    r.stats = it.run(r.prog.stream);
    r.got = compiler::read_output(r.prog, dram);
    r.want = ref::execute(l, in, second, bias);
    EXPECT_EQ(r.got.type(), r.want.type());
    EXPECT_EQ(r.got.shape(), r.want.shape());
    EXPECT_EQ(r.got.bytes(), r.want.bytes()) << l.name;
    return r;
}

}  // namespace nnvp::test
