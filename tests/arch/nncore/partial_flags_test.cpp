// The partial-sum flags of conv2d / fully_connected commands (an input-channel
// pass): encoded from the layer and decoded back, the partial sums' operand
// planned at in2.offset with the output's shape at accumulator width, and
// every misuse the core's modelled error.
#include <gtest/gtest.h>

#include <stdexcept>

#include "arch/nncore/layer_codec.h"
#include "tests/sw/compiler/compiler_test_util.h"

using namespace nnvp;
using namespace nnvp::nncore_cmd;
using nncore_regs::error_code;
using ref::act_kind;
using ref::op_kind;
using ref::precision;
using nn::shape4;

namespace {

const operand_offsets at{0, 4096, 8192, 12288, 16384, 20480};

ref::layer conv_pass(precision p, bool in, bool out) {
    ref::layer l = test::make_layer(op_kind::conv2d, p, 4, out ? act_kind::none : act_kind::relu,
                                    true);
    l.geo.kernel_h = l.geo.kernel_w = 3;
    l.geo.pad_top = l.geo.pad_bottom = l.geo.pad_left = l.geo.pad_right = 1;
    l.has_bias = !out;
    l.partial_in = in;
    l.partial_out = out;
    test::lower(l);
    return l;
}

check_result check(const command& c, compute_plan& p) {
    return check_compute(c, 65536, p);
}

}  // namespace

TEST(partial_flags, passes_round_trip_with_the_partial_sums_operand) {
    for (precision p : {precision::int8, precision::int16}) {
        const ref::layer first = conv_pass(p, false, true);
        const ref::layer middle = conv_pass(p, true, true);
        const ref::layer last = conv_pass(p, true, false);
        const shape4 in{1, 5, 6, 3}, out{1, 5, 6, 4};
        const nn::dtype acc = p == precision::int16 ? nn::dtype::int64 : nn::dtype::int32;

        const encoded_layer e0 = encode_layer(first, in, at);
        EXPECT_EQ(e0.cmd.flags & (flag::partial_in | flag::partial_out), flag::partial_out);
        EXPECT_TRUE(e0.table.empty());  // no requantization, no per-channel table
        const decoded_layer d0 = decode(e0.cmd, nullptr, 0);
        EXPECT_TRUE(d0.layer.partial_out);
        EXPECT_FALSE(d0.layer.partial_in);
        EXPECT_EQ(d0.plan.out_type, acc);
        EXPECT_EQ(d0.plan.out.bytes, nn::storage_bytes(acc, out.count()));
        EXPECT_EQ(d0.plan.partials.bytes, 0u);

        const encoded_layer e1 = encode_layer(middle, in, at);
        const decoded_layer d1 = decode(e1.cmd, nullptr, 0);
        EXPECT_TRUE(d1.layer.partial_in && d1.layer.partial_out);
        EXPECT_EQ(d1.plan.partials.offset, at.in2);
        EXPECT_EQ(d1.plan.partials.bytes, nn::storage_bytes(acc, out.count()));
        EXPECT_EQ(d1.plan.partials_type, acc);

        const encoded_layer e2 = encode_layer(last, in, at);
        const decoded_layer d2 = decode(e2.cmd, e2.table.data(), e2.table.size());
        EXPECT_TRUE(d2.layer.partial_in);
        EXPECT_FALSE(d2.layer.partial_out);
        EXPECT_EQ(d2.plan.out_type, ref::activation_type(p));
        EXPECT_EQ(d2.layer.out_mult.size(), 4u);  // per-channel table on the last pass
        EXPECT_TRUE(d2.layer.has_bias);
    }
}

TEST(partial_flags, misuse_is_the_modelled_error) {
    compute_plan p;
    const command mid = encode_layer(conv_pass(precision::int8, true, true), {1, 5, 6, 3}, at).cmd;
    ASSERT_TRUE(check(mid, p).ok());

    command c = mid;  // a float precision: sums would depend on their order
    c.prec = precision::fp32;
    EXPECT_EQ(check(c, p).code, error_code::unsupported);
    c = mid;  // an op without weights
    c.op = opcode::max_pool;
    c.compute.out_channels = 0;
    EXPECT_EQ(check(c, p).code, error_code::bad_field);
    c = mid;  // raw sums with a bias, an activation, a per-channel table
    c.flags |= flag::has_bias;
    EXPECT_EQ(check(c, p).code, error_code::bad_field);
    c = mid;
    c.act = act_kind::relu;
    EXPECT_EQ(check(c, p).code, error_code::bad_field);
    c = mid;
    c.flags |= flag::per_channel;
    EXPECT_EQ(check(c, p).code, error_code::bad_field);
    c = mid;  // partial sums of another shape than the output
    c.compute.in2.w = 5;
    EXPECT_EQ(check(c, p).code, error_code::bad_dims);
    c = mid;  // partial sums past the local memory
    c.compute.in2.offset = 65536 - 16;
    const check_result r = check(c, p);
    EXPECT_EQ(r.code, error_code::buffer_overrun);
    EXPECT_NE(r.what.find("partial sums"), std::string::npos) << r.what;

    // The encoder refuses what the core would.
    ref::layer l = conv_pass(precision::int8, false, true);
    l.has_bias = true;
    EXPECT_THROW(encode_layer(l, {1, 5, 6, 3}, at), std::invalid_argument);
    l = conv_pass(precision::int8, false, true);
    l.act.kind = act_kind::relu;
    EXPECT_THROW(encode_layer(l, {1, 5, 6, 3}, at), std::invalid_argument);
    ref::layer f = test::make_layer(op_kind::fully_connected, precision::fp16, 2);
    f.partial_in = true;
    EXPECT_THROW(encode_layer(f, {1, 1, 1, 8}, at), std::invalid_argument);
    ref::layer pool = test::make_layer(op_kind::max_pool, precision::int8);
    pool.geo.kernel_h = pool.geo.kernel_w = 2;
    pool.partial_out = true;
    EXPECT_THROW(encode_layer(pool, {1, 4, 4, 2}, at), std::invalid_argument);
}
