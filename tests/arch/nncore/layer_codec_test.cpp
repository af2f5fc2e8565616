// encode_layer / decode: every compute_cmd field mapped, the table image
// layout, every op x precision x flag round trip, and clear errors.
#include "arch/nncore/layer_codec.h"

#include <gtest/gtest.h>

#include <cstring>
#include <stdexcept>

#include "tests/sw/compiler/compiler_test_util.h"

using namespace nnvp;
using namespace nnvp::nncore_cmd;
using ref::act_kind;
using ref::op_kind;
using ref::precision;
using nn::shape4;

namespace {

uint32_t le32(const std::vector<uint8_t>& b, std::size_t at) {
    return uint32_t{b[at]} | uint32_t{b[at + 1]} << 8 | uint32_t{b[at + 2]} << 16 |
           uint32_t{b[at + 3]} << 24;
}

// The fields of two layers that execution depends on are equal.
void expect_same_execution_fields(const ref::layer& a, const ref::layer& b, bool act_zp) {
    EXPECT_EQ(a.op, b.op);
    EXPECT_EQ(a.prec, b.prec);
    EXPECT_EQ(a.geo.kernel_h, b.geo.kernel_h);
    EXPECT_EQ(a.geo.kernel_w, b.geo.kernel_w);
    EXPECT_EQ(a.geo.stride_h, b.geo.stride_h);
    EXPECT_EQ(a.geo.stride_w, b.geo.stride_w);
    EXPECT_EQ(a.geo.dilation_h, b.geo.dilation_h);
    EXPECT_EQ(a.geo.dilation_w, b.geo.dilation_w);
    EXPECT_EQ(a.geo.pad_top, b.geo.pad_top);
    EXPECT_EQ(a.geo.pad_bottom, b.geo.pad_bottom);
    EXPECT_EQ(a.geo.pad_left, b.geo.pad_left);
    EXPECT_EQ(a.geo.pad_right, b.geo.pad_right);
    EXPECT_EQ(a.geo.groups, b.geo.groups);
    EXPECT_EQ(a.has_bias, b.has_bias);
    EXPECT_EQ(a.act.kind, b.act.kind);
    if (a.act.kind == act_kind::hard_sigmoid)  // clip_lo carries beta
        EXPECT_EQ(a.act.beta, b.act.beta);
    else
        EXPECT_EQ(a.act.clip_lo, b.act.clip_lo);
    EXPECT_EQ(a.act.clip_hi, b.act.clip_hi);
    if (a.op == op_kind::normalize)  // alpha carries epsilon
        EXPECT_EQ(a.norm_epsilon, b.norm_epsilon);
    else
        EXPECT_EQ(a.act.alpha, b.act.alpha);
    EXPECT_EQ(a.count_include_pad, b.count_include_pad);
    EXPECT_EQ(a.binary_input, b.binary_input);
    EXPECT_EQ(a.binary_output, b.binary_output);
    if (a.prec == precision::binary) {
        EXPECT_EQ(a.bin_scale, b.bin_scale);
        if (a.bin_scale == ref::binary_scale::fp32) {
            EXPECT_EQ(a.bin_alpha, b.bin_alpha);
        }
    }
    EXPECT_EQ(a.in_q.zero_point, b.in_q.zero_point);
    if (a.op == op_kind::add || a.op == op_kind::mul) {
        EXPECT_EQ(a.in2_q.zero_point, b.in2_q.zero_point);
    }
    const bool int_epi = a.prec != precision::fp32 && a.prec != precision::fp16 &&
                         !(a.prec == precision::binary && a.bin_scale == ref::binary_scale::fp32);
    if (act_zp && int_epi) {
        EXPECT_EQ(a.act_q.zero_point, b.act_q.zero_point);
    }
    EXPECT_EQ(a.out_q.zero_point, b.out_q.zero_point);
    if (int_epi) {
        // Pools carry no multiplier: the command then holds exactly 1.0.
        ASSERT_EQ(std::max<std::size_t>(a.out_mult.size(), 1), b.out_mult.size());
        if (a.out_mult.empty()) {
            EXPECT_EQ(b.out_mult[0].multiplier, 1 << 30);
            EXPECT_EQ(b.out_mult[0].shift, 30);
        }
        for (std::size_t i = 0; i < a.out_mult.size(); ++i) {
            EXPECT_EQ(a.out_mult[i].multiplier, b.out_mult[i].multiplier);
            EXPECT_EQ(a.out_mult[i].shift, b.out_mult[i].shift);
        }
        EXPECT_EQ(a.act_min, b.act_min);
        EXPECT_EQ(a.act_max, b.act_max);
        EXPECT_EQ(a.act_lut, b.act_lut);
    }
    if (a.op == op_kind::add) {
        EXPECT_EQ(a.in_mult.multiplier, b.in_mult.multiplier);
        EXPECT_EQ(a.in_mult.shift, b.in_mult.shift);
        EXPECT_EQ(a.in2_mult.multiplier, b.in2_mult.multiplier);
        EXPECT_EQ(a.in2_mult.shift, b.in2_mult.shift);
        EXPECT_EQ(a.add_shift, b.add_shift);
    }
}

}  // namespace

TEST(layer_codec, conv_fields_map_one_to_one) {
    ref::layer l = test::make_layer(op_kind::conv2d, precision::int8, 6, act_kind::relu6, true);
    l.geo = {3, 5, 2, 1, 1, 2, 0, 3, 1, 2, 3};  // kh kw sh sw pt pb pl pr dh dw groups
    l.has_bias = true;
    test::lower(l);
    operand_offsets at{0x10, 0x20, 0x3000, 0x1000, 0x2000, 0x2800};
    const encoded_layer e =
        encode_layer(l, {1, 9, 11, 6}, at, cost::dataflow::input_stationary);
    const auto& c = e.cmd;
    const auto& k = c.compute;
    EXPECT_EQ(c.op, nncore_cmd::opcode::conv2d);
    EXPECT_EQ(c.prec, ref::precision::int8);
    EXPECT_EQ(c.act, ref::act_kind::relu6);
    EXPECT_EQ(c.df, cost::dataflow::input_stationary);
    EXPECT_EQ(c.flags, nncore_cmd::flag::has_bias | nncore_cmd::flag::per_channel);
    EXPECT_EQ(k.in.offset, 0x10u);
    EXPECT_EQ(k.in.h, 9);
    EXPECT_EQ(k.in.w, 11);
    EXPECT_EQ(k.in.c, 6);
    EXPECT_EQ(k.out_offset, 0x3000u);
    EXPECT_EQ(k.weight_offset, 0x1000u);
    EXPECT_EQ(k.bias_offset, 0x2000u);
    EXPECT_EQ(k.table_offset, 0x2800u);
    EXPECT_EQ(k.out_channels, 6);
    EXPECT_EQ(k.kernel_h, 3);
    EXPECT_EQ(k.kernel_w, 5);
    EXPECT_EQ(k.stride_h, 2);
    EXPECT_EQ(k.pad_bottom, 2);
    EXPECT_EQ(k.pad_right, 3);
    EXPECT_EQ(k.dilation_w, 2);
    EXPECT_EQ(k.groups, 3);
    EXPECT_EQ(k.in_zero_point, 3);
    EXPECT_EQ(k.out_zero_point, -1);
    EXPECT_EQ(k.act_min, l.act_min);
    EXPECT_EQ(k.act_max, l.act_max);
    EXPECT_EQ(k.clip_hi, 0.75f);
    // Table: 6 x {multiplier, shift}.
    ASSERT_EQ(e.table.size(), 48u);
    ASSERT_EQ(table_bytes(e.cmd), 48u);
    for (std::size_t i = 0; i < 6; ++i) {
        EXPECT_EQ(static_cast<int32_t>(le32(e.table, 8 * i)), l.out_mult[i].multiplier);
        EXPECT_EQ(static_cast<int32_t>(le32(e.table, 8 * i + 4)), l.out_mult[i].shift);
    }
    const decoded_layer d = decode(e.cmd, e.table.data(), e.table.size());
    expect_same_execution_fields(l, d.layer, false);
    EXPECT_EQ(d.plan.in_shape, (shape4{1, 9, 11, 6}));
    EXPECT_EQ(d.plan.w_shape, (shape4{6, 3, 5, 2}));
    EXPECT_EQ(d.plan.out_shape, ref::output_shape(l, {1, 9, 11, 6}));
    EXPECT_EQ(d.plan.bias_type, nn::dtype::int32);
    EXPECT_EQ(d.plan.bias.bytes, 24u);
}

TEST(layer_codec, table_activation_carries_the_lut_and_act_zero_point) {
    ref::layer l = test::make_layer(op_kind::conv2d, precision::int8, 2, act_kind::sigmoid);
    test::lower(l);
    const encoded_layer e = encode_layer(l, {1, 4, 4, 3}, {});
    ASSERT_EQ(e.table.size(), 256u * 4u);  // per tensor: no multipliers, int8 LUT
    for (std::size_t i = 0; i < 256; ++i)
        ASSERT_EQ(static_cast<int32_t>(le32(e.table, 4 * i)), l.act_lut[i]);
    EXPECT_EQ(e.cmd.compute.act_zero_point, l.act_q.zero_point);
    EXPECT_EQ(e.cmd.compute.out_zero_point, l.out_q.zero_point);
    EXPECT_EQ(e.cmd.compute.out_mult, l.out_mult[0].multiplier);
    EXPECT_EQ(e.cmd.compute.out_shift, l.out_mult[0].shift);
    const decoded_layer d = decode(e.cmd, e.table.data(), e.table.size());
    expect_same_execution_fields(l, d.layer, true);
}

TEST(layer_codec, binary_scales_and_lut_layouts) {
    // fp32 scale: O floats.
    ref::layer l = test::make_layer(op_kind::conv2d, precision::binary, 3);
    l.binary_input = true;
    const encoded_layer e = encode_layer(l, {1, 3, 3, 8}, {});
    EXPECT_EQ(e.cmd.flags, nncore_cmd::flag::binary_input);
    ASSERT_EQ(e.table.size(), 12u);
    for (std::size_t i = 0; i < 3; ++i) {
        float a;
        const uint32_t u = le32(e.table, 4 * i);
        std::memcpy(&a, &u, 4);
        EXPECT_EQ(a, l.bin_alpha[i]);
    }
    // fixed scale, per channel, binary output and a table: multipliers then LUT.
    ref::layer f = test::make_layer(op_kind::conv2d, precision::binary, 3, act_kind::tanh);
    f.bin_scale = ref::binary_scale::fixed;
    f.binary_output = true;
    test::lower(f);
    const encoded_layer g = encode_layer(f, {1, 3, 3, 8}, {});
    EXPECT_EQ(g.cmd.flags, nncore_cmd::flag::binary_output | nncore_cmd::flag::binary_fixed_scale |
                               nncore_cmd::flag::per_channel);
    EXPECT_EQ(g.table.size(), 3u * 8u + 256u * 4u);
    EXPECT_EQ(static_cast<int32_t>(le32(g.table, 24)), f.act_lut[0]);
    expect_same_execution_fields(f, decode(g.cmd, g.table.data(), g.table.size()).layer, true);
    EXPECT_NE(f.act_q.zero_point, f.out_q.zero_point);  // both travel, in two fields
}

TEST(layer_codec, every_op_precision_and_flag_round_trips) {
    std::vector<op_kind> ops;
    for (int k = 0; k <= static_cast<int>(op_kind::last); ++k)
        ops.push_back(static_cast<op_kind>(k));
    std::vector<act_kind> acts;
    for (int a = 0; a <= static_cast<int>(act_kind::last); ++a)
        acts.push_back(static_cast<act_kind>(a));
    int encoded = 0;
    for (op_kind k : ops)
        for (int p = 0; p <= 5; ++p)
            for (act_kind a : acts)
                for (int variant = 0; variant < 4; ++variant) {
                    const auto prec = static_cast<precision>(p);
                    const bool weights = k == op_kind::conv2d || k == op_kind::fully_connected;
                    if (prec == precision::binary && !weights)
                        continue;
                    const bool float_only = k == op_kind::div || ref::is_row_op(k);
                    if (float_only && !nn::is_float(ref::activation_type(prec)))
                        continue;  // (errors test below)
                    if (k == op_kind::normalize &&
                        (a == act_kind::leaky_relu || a == act_kind::hard_sigmoid))
                        continue;  // alpha carries epsilon
                    if (prec == precision::int16 && ref::uses_table(a) && variant > 0)
                        continue;  // 65536-entry tables: once is enough
                    ref::layer l = test::make_layer(k, prec, 4, a, variant & 1);
                    l.has_bias = weights && (variant & 2);
                    l.count_include_pad = k == op_kind::avg_pool && (variant & 2);
                    if (k == op_kind::max_pool || k == op_kind::avg_pool) {
                        l.geo.kernel_h = l.geo.kernel_w = 2;
                        l.geo.pad_top = variant & 1;
                    }
                    if (prec == precision::binary) {
                        l.binary_input = variant & 1;
                        l.binary_output = (variant & 2) && !ref::uses_table(a);
                        l.bin_scale =
                            (variant & 1) ? ref::binary_scale::fixed : ref::binary_scale::fp32;
                    }
                    test::lower(l);
                    const shape4 in{1, 5, 4, 4};
                    const shape4 in2{1, 1, 4, 4};
                    SCOPED_TRACE(l.name + " act " + ref::to_string(a) + " variant " +
                                 std::to_string(variant));
                    const encoded_layer e = encode_layer(l, in, {0, 64, 128, 256, 512, 1024},
                                                       cost::dataflow::automatic, in2);
                    EXPECT_EQ(e.table.size(), table_bytes(e.cmd));
                    const decoded_layer d = decode(e.cmd, e.table.data(), e.table.size());
                    const bool act_zp = ref::uses_table(a) &&
                                        (weights || ref::is_eltwise(k) || ref::is_reduce(k));
                    expect_same_execution_fields(l, d.layer, act_zp);
                    EXPECT_EQ(d.plan.out_shape, ref::output_shape(l, in));
                    EXPECT_EQ(d.plan.in_type, ref::input_type(l));
                    EXPECT_EQ(d.plan.out_type, ref::output_type(l));
                    if (ref::is_eltwise(k)) {
                        EXPECT_EQ(d.plan.in2_shape, in2);
                    }
                    ++encoded;
                }
    EXPECT_GT(encoded, 1000);
}

TEST(layer_codec, errors_name_the_layer_and_field) {
    auto expect_error = [](const ref::layer& l, shape4 in, const char* field) {
        try {
            encode_layer(l, in, {});
            ADD_FAILURE() << "accepted, expected an error on " << field;
        } catch (const std::invalid_argument& e) {
            const std::string m = e.what();
            EXPECT_NE(m.find("layer '" + l.name + "'"), std::string::npos) << m;
            EXPECT_NE(m.find(field), std::string::npos) << m;
        }
    };
    ref::layer l = test::make_layer(op_kind::conv2d, precision::fp32, 4);
    l.geo.kernel_h = 300;
    expect_error(l, {1, 400, 4, 4}, "geo.kernel_h");
    l = test::make_layer(op_kind::conv2d, precision::fp32, 70000);
    expect_error(l, {1, 4, 4, 4}, "out_channels");
    l = test::make_layer(op_kind::conv2d, precision::fp32, 4);
    expect_error(l, {1, 4, 4, 70000}, "input.c");
    l.geo.groups = 3;
    expect_error(l, {1, 4, 4, 4}, "geo.groups");
    l = test::make_layer(op_kind::conv2d, precision::fp32, 4);
    l.geo.kernel_h = 9;
    expect_error(l, {1, 4, 4, 4}, "geometry");
    l = test::make_layer(op_kind::conv2d, precision::int8, 4, act_kind::tanh);
    test::lower(l);
    l.act_lut.pop_back();
    expect_error(l, {1, 4, 4, 4}, "act_lut");
    l = test::make_layer(op_kind::conv2d, precision::binary, 4);
    l.bin_alpha.resize(2);
    expect_error(l, {1, 4, 4, 4}, "bin_alpha");
    l = test::make_layer(op_kind::max_pool, precision::int8);
    l.binary_input = true;
    expect_error(l, {1, 4, 4, 4}, "binary_input");
    l = test::make_layer(op_kind::add, precision::int8);
    test::lower(l);
    try {
        encode_layer(l, {1, 4, 4, 4}, {}, cost::dataflow::automatic, {1, 3, 4, 4});
        ADD_FAILURE();
    } catch (const std::invalid_argument& e) {
        EXPECT_NE(std::string(e.what()).find("in2"), std::string::npos);
    }
}

TEST(layer_codec, decode_rejects_malformed_commands) {
    ref::layer l = test::make_layer(op_kind::conv2d, precision::int8, 4, act_kind::sigmoid);
    test::lower(l);
    const encoded_layer e = encode_layer(l, {1, 4, 4, 4}, {});
    auto bad = e.cmd;
    bad.prec = static_cast<ref::precision>(9);
    EXPECT_THROW(decode(bad, e.table.data(), e.table.size()), std::invalid_argument);
    bad = e.cmd;
    bad.flags = 0x8000;
    EXPECT_THROW(decode(bad, e.table.data(), e.table.size()), std::invalid_argument);
    bad = e.cmd;
    bad.compute.in.h = 0;
    EXPECT_THROW(decode(bad, e.table.data(), e.table.size()), std::invalid_argument);
    bad = e.cmd;
    bad.compute.groups = 0;
    EXPECT_THROW(decode(bad, e.table.data(), e.table.size()), std::invalid_argument);
    EXPECT_THROW(decode(e.cmd, e.table.data(), 100), std::invalid_argument);  // short table
    EXPECT_THROW(decode(e.cmd, nullptr, 0), std::invalid_argument);
    bad = e.cmd;
    bad.op = nncore_cmd::opcode::load;
    EXPECT_THROW(decode(bad, nullptr, 0), std::invalid_argument);
}

TEST(layer_codec, normalize_carries_epsilon_and_integer_row_ops_no_activation) {
    ref::layer l = test::make_layer(op_kind::normalize, precision::fp32);
    l.norm_epsilon = 1e-3f;
    encoded_layer e = encode_layer(l, {1, 2, 3, 8}, {0, 64, 128, 256, 512, 1024});
    EXPECT_EQ(decode(e.cmd, e.table.data(), e.table.size()).layer.norm_epsilon, 1e-3f);
    compute_plan p;
    e.cmd.act = act_kind::leaky_relu;
    EXPECT_EQ(check_compute(e.cmd, UINT64_MAX, p).code, nncore_regs::error_code::bad_field);
    e.cmd.prec = precision::int8;
    e.cmd.act = act_kind::relu;
    const check_result r = check_compute(e.cmd, UINT64_MAX, p);
    EXPECT_EQ(r.code, nncore_regs::error_code::unsupported);
    EXPECT_NE(r.what.find("integer normalize takes no activation"), std::string::npos) << r.what;
}

// Integer row ops travel whole: softmax's exp table and normalize's epsilon
// in input steps squared (the command has no scales); the decoded layer
// computes what the host's does, bit for bit.
TEST(layer_codec, integer_row_ops_round_trip) {
    for (op_kind k : {op_kind::softmax, op_kind::normalize}) {
        ref::layer l = test::make_layer(k, precision::int8);
        l.in_q = {0.037f, 3};
        l.out_q = {k == op_kind::softmax ? 1.0f / 255 : 0.03f, k == op_kind::softmax ? -128 : 0};
        l.norm_epsilon = 1e-3f;
        ref::lower_quantization(l);
        const encoded_layer e = encode_layer(l, {1, 2, 3, 8}, {0, 64, 128, 256, 512, 1024});
        const ref::layer d = decode(e.cmd, e.table.data(), e.table.size()).layer;
        std::mt19937 rng(7);
        const nn::tensor x = test::random_tensor(rng, nn::dtype::int8, {1, 2, 3, 8}, -100, 100);
        EXPECT_EQ(ref::execute(d, x).bytes(), ref::execute(l, x).bytes()) << ref::to_string(k);
    }
}

// The vector unit divides at float precisions only: an integer div command
// is the modelled unsupported error, not a wrong answer.
TEST(layer_codec, integer_div_is_unsupported) {
    ref::layer l = test::make_layer(op_kind::div, precision::fp32);
    encoded_layer e = encode_layer(l, {1, 2, 2, 4}, {0, 64, 128, 256, 512, 1024},
                                   cost::dataflow::automatic, {1, 1, 1, 4});
    compute_plan p;
    EXPECT_TRUE(check_compute(e.cmd, UINT64_MAX, p).ok());
    e.cmd.prec = precision::int8;
    const check_result r = check_compute(e.cmd, UINT64_MAX, p);
    EXPECT_EQ(r.code, nncore_regs::error_code::unsupported);
    EXPECT_NE(r.what.find("div has no integer path"), std::string::npos) << r.what;
}
