// Test helpers that build NN-core command streams (no SystemC): LOAD, STORE,
// BARRIER, END, and compute commands encoded from a reference layer, field by
// field (the inverse of the core's to_layer), with the table bytes the
// command points at.
#pragma once

#include <cstdint>
#include <cstring>
#include <vector>

#include "arch/nncore/command.h"
#include "nn/ref/layer.h"
#include "nn/tensor/tensor.h"

namespace nnvp::test {

using nncore_cmd::command;
using nncore_cmd::opcode;

struct stream {
    std::vector<command> cmds;

    command& add(const command& c) {
        cmds.push_back(c);
        return cmds.back();
    }
    void move(opcode op, uint64_t dram, uint32_t local, uint32_t len, uint8_t tag) {
        command c;
        c.op = op;
        c.tag = tag;
        c.move.dram_addr = dram;
        c.move.local_offset = local;
        c.move.len = len;
        add(c);
    }
    void load(uint64_t dram, uint32_t local, uint32_t len, uint8_t tag = 0) {
        move(opcode::load, dram, local, len, tag);
    }
    void store(uint32_t local, uint64_t dram, uint32_t len, uint8_t tag = 0) {
        move(opcode::store, dram, local, len, tag);
    }
    void barrier(uint16_t mask = 0xffff) {
        command c;
        c.op = opcode::barrier;
        c.barrier_mask = mask;
        add(c);
    }
    void end() { add(command{}); }

    nncore_cmd::stream_header header() const {
        nncore_cmd::stream_header h;
        h.command_count = static_cast<uint32_t>(cmds.size());
        h.checksum = nncore_cmd::checksum(cmds.data(), h.command_count);
        return h;
    }
    std::vector<uint8_t> bytes() const { return bytes_with(header()); }
    std::vector<uint8_t> bytes_with(const nncore_cmd::stream_header& h) const {
        std::vector<uint8_t> out(sizeof h + cmds.size() * sizeof(command));
        std::memcpy(out.data(), &h, sizeof h);
        if (!cmds.empty())
            std::memcpy(out.data() + sizeof h, cmds.data(), cmds.size() * sizeof(command));
        return out;
    }
};

// Local-memory offsets of one compute command's operands.
struct placement {
    uint32_t in = 0, in2 = 0, weights = 0, bias = 0, table = 0, out = 0;
};

inline opcode opcode_of(ref::op_kind k) {
    switch (k) {
        case ref::op_kind::conv2d:
            return opcode::conv2d;
        case ref::op_kind::fully_connected:
            return opcode::fully_connected;
        case ref::op_kind::max_pool:
            return opcode::max_pool;
        case ref::op_kind::avg_pool:
            return opcode::avg_pool;
        case ref::op_kind::global_avg_pool:
            return opcode::global_avg_pool;
        case ref::op_kind::global_max_pool:
            return opcode::global_max_pool;
        case ref::op_kind::add:
            return opcode::add;
        case ref::op_kind::mul:
            return opcode::mul;
        case ref::op_kind::activation:
            return opcode::activation;
    }
    return opcode::end;
}

inline bool has_weights(const ref::layer& l) {
    return l.op == ref::op_kind::conv2d || l.op == ref::op_kind::fully_connected;
}

// Per-channel multipliers (when out_mult has one entry per channel), binary
// fp32 scales, then the activation table: the layout arch/nncore/command.h defines.
inline std::vector<uint8_t> table_bytes(const ref::layer& l) {
    std::vector<uint8_t> out;
    const auto push = [&out](const void* p, std::size_t n) {
        const auto* b = static_cast<const uint8_t*>(p);
        out.insert(out.end(), b, b + n);
    };
    const bool bin_fp32 =
        l.prec == ref::precision::binary && l.bin_scale == ref::binary_scale::fp32;
    if (bin_fp32) {
        for (float a : l.bin_alpha)
            push(&a, 4);
    } else if (has_weights(l) && l.out_mult.size() > 1) {
        for (const auto& m : l.out_mult) {
            push(&m.multiplier, 4);
            push(&m.shift, 4);
        }
    }
    const bool float_path = l.prec == ref::precision::fp32 || l.prec == ref::precision::fp16;
    if (!float_path && !bin_fp32 && ref::uses_table(l.act.kind))
        for (int32_t v : l.act_lut)
            push(&v, 4);
    return out;
}

inline command encode(const ref::layer& l, nn::shape4 in, nn::shape4 in2, const placement& at,
                      cost::dataflow df = cost::dataflow::output_stationary) {
    namespace f = nncore_cmd::flag;
    command c;
    c.op = opcode_of(l.op);
    c.prec = l.prec;
    c.act = static_cast<ref::act_kind>(l.act.kind);
    c.df = df;
    uint16_t flags = 0;
    if (l.has_bias)
        flags |= f::has_bias;
    const bool bin_fp32 =
        l.prec == ref::precision::binary && l.bin_scale == ref::binary_scale::fp32;
    if (has_weights(l) && !bin_fp32 && l.out_mult.size() > 1)
        flags |= f::per_channel;
    if (l.count_include_pad && l.op == ref::op_kind::avg_pool)
        flags |= f::count_include_pad;
    if (l.prec == ref::precision::binary) {
        if (l.binary_input)
            flags |= f::binary_input;
        if (l.binary_output)
            flags |= f::binary_output;
        if (l.bin_scale == ref::binary_scale::fixed)
            flags |= f::binary_fixed_scale;
    }
    c.flags = flags;
    auto& k = c.compute;
    const auto ref_of = [](uint32_t off, nn::shape4 s) {
        return nncore_cmd::tensor_ref{off, static_cast<uint16_t>(s.n), static_cast<uint16_t>(s.h),
                                      static_cast<uint16_t>(s.w), static_cast<uint16_t>(s.c)};
    };
    k.in = ref_of(at.in, in);
    if (l.op == ref::op_kind::add || l.op == ref::op_kind::mul)
        k.in2 = ref_of(at.in2, in2);
    k.out_offset = at.out;
    k.weight_offset = at.weights;
    k.bias_offset = at.bias;
    k.table_offset = at.table;
    k.out_channels = has_weights(l) ? static_cast<uint16_t>(l.out_channels) : 0;
    const bool geo = l.op == ref::op_kind::conv2d || l.op == ref::op_kind::max_pool ||
                     l.op == ref::op_kind::avg_pool;
    if (geo) {
        k.kernel_h = static_cast<uint8_t>(l.geo.kernel_h);
        k.kernel_w = static_cast<uint8_t>(l.geo.kernel_w);
        k.stride_h = static_cast<uint8_t>(l.geo.stride_h);
        k.stride_w = static_cast<uint8_t>(l.geo.stride_w);
        k.pad_top = static_cast<uint8_t>(l.geo.pad_top);
        k.pad_bottom = static_cast<uint8_t>(l.geo.pad_bottom);
        k.pad_left = static_cast<uint8_t>(l.geo.pad_left);
        k.pad_right = static_cast<uint8_t>(l.geo.pad_right);
    }
    if (l.op == ref::op_kind::conv2d) {
        k.dilation_h = static_cast<uint8_t>(l.geo.dilation_h);
        k.dilation_w = static_cast<uint8_t>(l.geo.dilation_w);
        k.groups = static_cast<uint16_t>(l.geo.groups);
    }
    k.in_zero_point = l.in_q.zero_point;
    k.in2_zero_point = l.in2_q.zero_point;
    k.out_zero_point = l.out_q.zero_point;
    k.act_zero_point = l.act_q.zero_point;
    k.act_min = l.act_min;
    k.act_max = l.act_max;
    if (!l.out_mult.empty()) {
        k.out_mult = l.out_mult[0].multiplier;
        k.out_shift = l.out_mult[0].shift;
    }
    k.in_mult = l.in_mult.multiplier;
    k.in_shift = l.in_mult.shift;
    k.in2_mult = l.in2_mult.multiplier;
    k.in2_shift = l.in2_mult.shift;
    k.add_shift = l.add_shift;
    k.clip_lo = l.act.clip_lo;
    k.clip_hi = l.act.clip_hi;
    k.alpha = l.act.alpha;
    return c;
}

}  // namespace nnvp::test
