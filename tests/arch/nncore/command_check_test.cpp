// The core's command rules without a simulation: head, move and compute
// checks with their exact error codes, and decode_layer's field-by-field
// mapping.
#include <gtest/gtest.h>

#include <cstring>

#include "arch/nncore/command_check.h"
#include "arch/nncore/layer_codec.h"

using namespace nnvp;
using namespace nnvp::nncore_cmd;
using nncore_regs::error_code;

namespace {

constexpr uint64_t local = 320 * 1024;

command conv_cmd() {
    ref::layer l;
    l.op = ref::op_kind::conv2d;
    l.prec = ref::precision::int8;
    l.out_channels = 6;
    l.geo = {3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1};
    l.out_mult = {{1 << 30, 31}};
    operand_offsets at;
    at.weights = 131072;
    at.out = 262144;
    command c = encode_layer(l, {1, 8, 8, 4}, at, cost::dataflow::output_stationary).cmd;
    c.compute.table_offset = 200000;  // where tests below put per-channel tables
    return c;
}

command encoded(const ref::layer& l, nn::shape4 in, nn::shape4 in2 = {}) {
    return encode_layer(l, in, {}, cost::dataflow::output_stationary, in2).cmd;
}

error_code code_of(const command& c) {
    compute_plan p;
    check_result r = check_common(c);
    if (r.ok())
        r = check_compute(c, local, p);
    return r.code;
}

}  // namespace

TEST(command_check, common_rules) {
    command c;  // all zero: END
    EXPECT_TRUE(check_common(c).ok());
    c.raw[100] = 1;
    EXPECT_EQ(check_common(c).code, error_code::bad_field);
    command u;
    u.op = static_cast<nncore_cmd::opcode>(5);
    EXPECT_EQ(check_common(u).code, error_code::unknown_opcode);
    command b;
    b.op = nncore_cmd::opcode::barrier;
    b.barrier_mask = 0xffff;
    EXPECT_TRUE(check_common(b).ok());
    b.flags = 1;
    EXPECT_EQ(check_common(b).code, error_code::bad_field);
}

TEST(command_check, move_rules) {
    command m;
    m.op = nncore_cmd::opcode::load;
    m.move.dram_addr = 0x80000000u;
    m.move.len = 64;
    m.move.count1 = 4;
    m.move.local_stride1 = 128;
    m.move.local_offset = static_cast<uint32_t>(local - 3 * 128 - 64);
    EXPECT_TRUE(check_move(m, local).ok());
    m.move.local_offset += 1;
    EXPECT_EQ(check_move(m, local).code, error_code::buffer_overrun);
    m.move.local_offset = 0;
    m.move.len = 0;
    EXPECT_EQ(check_move(m, local).code, error_code::bad_dims);
    m.move.len = 64;
    m.move.dram_addr = ~uint64_t{0} - 10;
    EXPECT_EQ(check_move(m, local).code, error_code::bad_dims);
    m.move.dram_addr = 0;
    m.move.local_stride1 = 0;  // rows overlap, but 4 x 96 KiB is more than the memory
    m.move.len = 96 * 1024;
    EXPECT_EQ(check_move(m, local).code, error_code::bad_dims);
    m.move.len = 64;
    m.tag = 16;
    EXPECT_EQ(check_move(m, local).code, error_code::bad_field);
}

TEST(command_check, compute_rules_give_exact_codes) {
    EXPECT_EQ(code_of(conv_cmd()), error_code::none);
    command c = conv_cmd();
    c.compute.groups = 3;  // does not divide 4 input channels
    EXPECT_EQ(code_of(c), error_code::bad_dims);
    c = conv_cmd();
    c.compute.kernel_h = 0;
    EXPECT_EQ(code_of(c), error_code::bad_dims);
    c = conv_cmd();
    c.compute.kernel_h = 20;  // larger than the padded input
    EXPECT_EQ(code_of(c), error_code::bad_dims);
    c = conv_cmd();
    c.compute.weight_offset = static_cast<uint32_t>(local - 10);
    EXPECT_EQ(code_of(c), error_code::buffer_overrun);
    c = conv_cmd();
    c.flags = 1u << 9;
    EXPECT_EQ(code_of(c), error_code::bad_field);
    c = conv_cmd();
    c.prec = static_cast<ref::precision>(6);
    EXPECT_EQ(code_of(c), error_code::bad_field);
    c = conv_cmd();
    c.compute.in_zero_point = 200;  // outside int8
    EXPECT_EQ(code_of(c), error_code::bad_field);
    c = conv_cmd();
    c.flags = nncore_cmd::flag::binary_input;  // binary flag, int8 layer
    EXPECT_EQ(code_of(c), error_code::bad_field);

    ref::layer p;
    p.op = ref::op_kind::avg_pool;
    p.prec = ref::precision::int8;
    p.geo = {2, 2, 2, 2, 0, 0, 0, 0, 1, 1, 1};
    command pc = encoded(p, {1, 4, 4, 4});
    EXPECT_EQ(code_of(pc), error_code::none);
    pc.compute.pad_top = 2;  // pad_top == kernel
    EXPECT_EQ(code_of(pc), error_code::bad_dims);
    pc = encoded(p, {1, 4, 4, 4});
    pc.compute.out_zero_point = 1;  // integer pools keep the input quantization
    EXPECT_EQ(code_of(pc), error_code::bad_field);
    pc = encoded(p, {1, 4, 4, 4});
    pc.flags = nncore_cmd::flag::per_channel;
    EXPECT_EQ(code_of(pc), error_code::bad_field);
    pc = encoded(p, {1, 4, 4, 4});
    pc.prec = ref::precision::binary;
    EXPECT_EQ(code_of(pc), error_code::unsupported);

    ref::layer e;
    e.op = ref::op_kind::add;
    e.out_mult = {{1 << 30, 30}};
    command ec = encoded(e, {1, 4, 4, 4}, {1, 4, 1, 4});
    EXPECT_EQ(code_of(ec), error_code::none);
    ec.compute.in2.h = 2;  // {1, 2, 4, 4} does not broadcast onto {1, 4, 4, 4}
    EXPECT_EQ(code_of(ec), error_code::bad_dims);
}

// Per-channel multipliers then a 256-entry table for an int8 table activation.
TEST(command_check, decode_layer_maps_every_field_and_reads_the_tables) {
    command c = conv_cmd();
    c.act = ref::act_kind::sigmoid;
    c.flags = nncore_cmd::flag::per_channel | nncore_cmd::flag::has_bias;
    auto& k = c.compute;
    k.stride_h = 2;
    k.dilation_w = 2;
    k.pad_left = 0;
    k.in_zero_point = -3;
    k.out_zero_point = 4;
    k.act_zero_point = -5;
    k.act_min = -100;
    k.act_max = 90;
    k.clip_lo = -1.5f;
    k.alpha = 0.25f;
    compute_plan plan;
    ASSERT_TRUE(check_compute(c, local, plan).ok());
    EXPECT_EQ(plan.per_channel_entries, 6u);
    EXPECT_EQ(plan.lut_entries, 256u);
    EXPECT_EQ(plan.table.bytes, 6u * 8 + 256 * 4);
    EXPECT_EQ(plan.bias.bytes, 6u * 4);
    EXPECT_EQ(plan.out_shape, (nn::shape4{1, 4, 5, 6}));  // (8+2-3)/2+1, (8+1-5)+1
    std::vector<uint8_t> mem(local, 0);
    for (int32_t i = 0; i < 6; ++i) {
        const int32_t m = (1 << 30) + i, s = 31 + i;
        std::memcpy(&mem[k.table_offset + 8 * i], &m, 4);
        std::memcpy(&mem[k.table_offset + 8 * i + 4], &s, 4);
    }
    const int32_t lut_last = 77;
    std::memcpy(&mem[k.table_offset + 48 + 255 * 4], &lut_last, 4);
    const ref::layer l = decode_layer(c, plan, mem.data() + plan.table.offset);
    EXPECT_EQ(l.op, ref::op_kind::conv2d);
    EXPECT_EQ(l.prec, ref::precision::int8);
    EXPECT_EQ(l.act.kind, ref::act_kind::sigmoid);
    EXPECT_EQ(l.geo.stride_h, 2);
    EXPECT_EQ(l.geo.dilation_w, 2);
    EXPECT_EQ(l.geo.pad_left, 0);
    EXPECT_TRUE(l.has_bias);
    EXPECT_EQ(l.in_q.zero_point, -3);
    EXPECT_EQ(l.out_q.zero_point, 4);
    EXPECT_EQ(l.act_q.zero_point, -5);
    EXPECT_EQ(l.act_min, -100);
    EXPECT_EQ(l.act_max, 90);
    EXPECT_EQ(l.act.clip_lo, -1.5f);
    EXPECT_EQ(l.act.alpha, 0.25f);
    ASSERT_EQ(l.out_mult.size(), 6u);
    EXPECT_EQ(l.out_mult[5].multiplier, (1 << 30) + 5);
    EXPECT_EQ(l.out_mult[5].shift, 36);
    ASSERT_EQ(l.act_lut.size(), 256u);
    EXPECT_EQ(l.act_lut[255], 77);
}
