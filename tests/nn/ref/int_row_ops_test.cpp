// The integer paths of the row ops (nn/ref/eltwise.cpp): softmax through its
// exp table, normalize from exact integer sums, each checked against the
// documented integer steps redone here and within one output step of the
// real function; int16 too.
#include <gtest/gtest.h>

#include <cmath>

#include "nn/ref/ops.h"
#include "nn/ref/quant.h"
#include "tests/nn/ref/ref_test_util.h"

using namespace nnvp;
using namespace nnvp::test;
using nn::dtype;
using ref::layer;
using ref::op_kind;
using ref::precision;

namespace {

layer int_row(op_kind k, precision p, float in_scale, int32_t in_zp, float out_scale, int32_t out_zp)
{
    layer l;
    l.op = k;
    l.prec = p;
    l.in_q = {in_scale, in_zp};
    l.out_q = {out_scale, out_zp};
    ref::lower_quantization(l);
    return l;
}

}  // namespace

TEST(int_row_ops, softmax_follows_its_table_and_the_real_function)
{
    const layer l = int_row(op_kind::softmax, precision::int8, 0.25f, 3, 1.0f / 255, -128);
    ASSERT_EQ(l.act_lut.size(), 256u);
    EXPECT_EQ(l.act_lut[0], 1 << 20);
    EXPECT_EQ(l.act_lut[4], std::llround(std::ldexp(std::exp(-1.0), 20)));  // d = 4 steps = 1.0
    const std::vector<int64_t> q = {7, 3, -1, 7, -128};
    const nn::tensor out = ref::row_op(l, make_int(dtype::int8, {1, 1, 1, 5}, q));
    int64_t sum = 0;
    for (int64_t v : q)
        sum += l.act_lut[static_cast<std::size_t>(7 - v)];
    double z = 0;
    for (int64_t v : q)
        z += std::exp(0.25 * static_cast<double>(v - 7));
    for (std::size_t k = 0; k < q.size(); ++k) {
        const int64_t e = l.act_lut[static_cast<std::size_t>(7 - q[k])];
        const int64_t p = ((e << 30) + sum / 2) / sum;
        const int64_t want =
            std::clamp<int64_t>(ref::requantize(p, l.out_mult[0]) - 128, -128, 127);
        EXPECT_EQ(out.get_int(k), want) << k;
        const double real = std::exp(0.25 * static_cast<double>(q[k] - 7)) / z;
        EXPECT_NEAR((static_cast<double>(out.get_int(k)) + 128) / 255, real, 1.0 / 255) << k;
    }
}

TEST(int_row_ops, normalize_matches_the_real_layernorm_within_a_step)
{
    layer l;
    l.norm_epsilon = 0.01f;
    for (precision p : {precision::int8, precision::int16}) {
        const dtype t = ref::activation_type(p);
        const float in_scale = p == precision::int8 ? 0.05f : 0.001f;
        const float out_scale = p == precision::int8 ? 4.0f / 127 : 4.0f / 32767;
        layer n = int_row(op_kind::normalize, p, in_scale, 2, out_scale, 0);
        n.norm_epsilon = 0.01f;
        ref::lower_quantization(n);
        const std::vector<int64_t> q = p == precision::int8
                                           ? std::vector<int64_t>{-40, 5, 90, 2, 17, -100}
                                           : std::vector<int64_t>{-4000, 500, 9000, 2, 1700, -10000};
        const nn::tensor out = ref::row_op(n, make_int(t, {1, 1, 1, 6}, q));
        double mean = 0, var = 0;
        for (int64_t v : q)
            mean += in_scale * static_cast<double>(v - 2) / 6;
        for (int64_t v : q)
            var += std::pow(in_scale * static_cast<double>(v - 2) - mean, 2) / 6;
        for (std::size_t k = 0; k < q.size(); ++k) {
            const double y = (in_scale * static_cast<double>(q[k] - 2) - mean) / std::sqrt(var + 0.01);
            EXPECT_NEAR(out_scale * static_cast<double>(out.get_int(k)), y, out_scale) << k;
        }
    }
}

TEST(int_row_ops, refusals)
{
    layer l = int_row(op_kind::softmax, precision::int8, 0.1f, 0, 1.0f / 127, 0);
    l.act.kind = ref::act_kind::relu;
    EXPECT_THROW(ref::row_op(l, make_int(dtype::int8, {1, 1, 1, 2}, {1, 2})), std::invalid_argument);
    layer s;
    s.op = op_kind::softmax;
    s.prec = precision::int8;
    s.in_q = {0.1f, 0};
    s.out_q = {1.0f / 127, 0};
    s.act.kind = ref::act_kind::sigmoid;
    EXPECT_THROW(ref::lower_quantization(s), std::invalid_argument);  // no activation there
    s.prec = precision::binary;
    EXPECT_THROW(ref::row_op(s, make_int(dtype::int8, {1, 1, 1, 2}, {1, 2})), std::invalid_argument);
}
