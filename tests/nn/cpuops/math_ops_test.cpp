// The element-wise and reduction CPU ops (unary, binary, reduce): values
// computed by hand, broadcasting, the axis mask, arg-reductions, their work
// in the cost model, the package encoding and the errors of bad parameters.
#include <gtest/gtest.h>

#include <cmath>

#include "nn/cpuops/cpu_op.h"

namespace nnvp::cpuops {
namespace {

nn::tensor values(nn::shape4 s, std::vector<float> v) {
    nn::tensor t(nn::dtype::fp32, s);
    for (std::size_t i = 0; i < v.size(); ++i)
        t.set_float(i, v[i]);
    return t;
}

tensor_info info_of(const nn::tensor& t) {
    return {t.shape(), t.type(), {}};
}

nn::tensor run(const op& o, const std::vector<const nn::tensor*>& ins) {
    std::vector<tensor_info> infos;
    for (const nn::tensor* t : ins)
        infos.push_back(info_of(*t));
    return execute(o, ins, infos, infer(o, infos));
}

op unary_op(unary_fn f, std::vector<float> params = {}) {
    return {kind::unary, {static_cast<int32_t>(f)}, std::move(params)};
}

TEST(CpuMathOps, UnaryFunctionsByHand) {
    const nn::tensor x = values({1, 1, 1, 4}, {-2.0f, -0.5f, 0.0f, 3.0f});
    const auto at = [&](const op& o, std::size_t i) { return run(o, {&x}).get_float(i); };
    EXPECT_FLOAT_EQ(at(unary_op(unary_fn::exp), 3), std::exp(3.0f));
    EXPECT_FLOAT_EQ(at(unary_op(unary_fn::neg), 0), 2.0f);
    EXPECT_FLOAT_EQ(at(unary_op(unary_fn::abs), 1), 0.5f);
    EXPECT_FLOAT_EQ(at(unary_op(unary_fn::round), 1), -0.0f);  // half to even
    EXPECT_FLOAT_EQ(at(unary_op(unary_fn::sign), 0), -1.0f);
    // hard_sigmoid(alpha 0.2, beta 0.5): clamp(0.2 x + 0.5, 0, 1)
    EXPECT_FLOAT_EQ(at(unary_op(unary_fn::hard_sigmoid, {0.2f, 0.5f}), 0), 0.1f);
    EXPECT_FLOAT_EQ(at(unary_op(unary_fn::hard_sigmoid, {0.2f, 0.5f}), 3), 1.0f);
    // hard_swish(3) = 3 * min(1, 3/6 + 0.5) = 3; hard_swish(-2) = -2 * (1/6)
    EXPECT_FLOAT_EQ(at(unary_op(unary_fn::hard_swish), 3), 3.0f);
    EXPECT_FLOAT_EQ(at(unary_op(unary_fn::hard_swish), 0), -2.0f / 6.0f);
    // gelu(3) = 1.5 (1 + erf(3 / sqrt 2)) = 2.99595...
    EXPECT_NEAR(at(unary_op(unary_fn::gelu), 3), 2.9959503, 1e-6);
    EXPECT_NEAR(at(unary_op(unary_fn::gelu_tanh), 3), 2.9963627, 1e-6);
    EXPECT_FLOAT_EQ(at(unary_op(unary_fn::elu, {1.0f}), 0), std::exp(-2.0f) - 1.0f);
    EXPECT_FLOAT_EQ(at(unary_op(unary_fn::shrink, {1.0f, 0.5f}), 3), 2.5f);
    EXPECT_TRUE(std::isnan(at(unary_op(unary_fn::sqrt), 0)));
}

TEST(CpuMathOps, BinaryBroadcastsEitherInput) {
    // a [1,1,2,1] (a column) op b [1,1,1,3] (a row) -> [1,1,2,3]
    const nn::tensor a = values({1, 1, 2, 1}, {10, 20});
    const nn::tensor b = values({1, 1, 1, 3}, {1, 2, 4});
    const nn::tensor sub =
        run({kind::binary, {static_cast<int32_t>(binary_fn::sub)}, {}}, {&a, &b});
    ASSERT_EQ(sub.shape(), (nn::shape4{1, 1, 2, 3}));
    const float want[6] = {9, 8, 6, 19, 18, 16};
    for (std::size_t i = 0; i < 6; ++i)
        EXPECT_FLOAT_EQ(sub.get_float(i), want[i]);
    const nn::tensor p = run({kind::binary, {static_cast<int32_t>(binary_fn::pow)}, {}}, {&a, &b});
    EXPECT_FLOAT_EQ(p.get_float(5), 160000.0f);  // 20^4
    const nn::tensor c = values({1, 1, 1, 2}, {1, 2});
    EXPECT_THROW(infer({kind::binary, {0}, {}}, {info_of(b), info_of(c)}), op_error);
}

TEST(CpuMathOps, IntegerMaxMinAreExactOtherIntegerArithmeticIsRefused) {
    nn::tensor a(nn::dtype::int8, {1, 1, 1, 3}), b(nn::dtype::int8, {1, 1, 1, 3});
    const int64_t av[3] = {-128, 5, 127}, bv[3] = {-127, 5, -128};
    for (std::size_t i = 0; i < 3; ++i) {
        a.set_int(i, av[i]);
        b.set_int(i, bv[i]);
    }
    const nn::tensor mx = run({kind::binary, {static_cast<int32_t>(binary_fn::max)}, {}}, {&a, &b});
    EXPECT_EQ(mx.type(), nn::dtype::int8);
    EXPECT_EQ(mx.get_int(0), -127);
    EXPECT_EQ(mx.get_int(2), 127);
    EXPECT_THROW(
        infer({kind::binary, {static_cast<int32_t>(binary_fn::add)}, {}}, {info_of(a), info_of(b)}),
        op_error);
}

TEST(CpuMathOps, ReduceOverMaskedAxesKeepsThemAsOnes) {
    // [1,2,1,3]: rows {1,2,3}, {4,5,6}
    const nn::tensor x = values({1, 2, 1, 3}, {1, 2, 3, 4, 5, 6});
    const auto reduce = [&](reduce_fn f, int mask) {
        return run({kind::reduce, {static_cast<int32_t>(f), mask}, {}}, {&x});
    };
    const nn::tensor rows = reduce(reduce_fn::sum, 1 << 3);  // over c
    ASSERT_EQ(rows.shape(), (nn::shape4{1, 2, 1, 1}));
    EXPECT_FLOAT_EQ(rows.get_float(0), 6.0f);
    EXPECT_FLOAT_EQ(rows.get_float(1), 15.0f);
    const nn::tensor cols = reduce(reduce_fn::mean, 1 << 1);  // over h
    ASSERT_EQ(cols.shape(), (nn::shape4{1, 1, 1, 3}));
    EXPECT_FLOAT_EQ(cols.get_float(2), 4.5f);
    EXPECT_FLOAT_EQ(reduce(reduce_fn::l2, 0xf).get_float(0), std::sqrt(91.0f));
    EXPECT_FLOAT_EQ(reduce(reduce_fn::prod, 0xf).get_float(0), 720.0f);
    EXPECT_NEAR(reduce(reduce_fn::log_sum_exp, 0xf).get_float(0), 6.4561933, 1e-5);
}

TEST(CpuMathOps, ArgMaxPicksFirstOrLastOfEquals) {
    const nn::tensor x = values({1, 1, 1, 4}, {3, 7, 7, 1});
    const auto arg = [&](reduce_fn f, int last) {
        return run({kind::reduce, {static_cast<int32_t>(f), 1 << 3, last}, {}}, {&x});
    };
    EXPECT_EQ(arg(reduce_fn::arg_max, 0).type(), nn::dtype::int32);
    EXPECT_EQ(arg(reduce_fn::arg_max, 0).get_int(0), 1);
    EXPECT_EQ(arg(reduce_fn::arg_max, 1).get_int(0), 2);
    EXPECT_EQ(arg(reduce_fn::arg_min, 0).get_int(0), 3);
    // Two axes, or a missing select_last: refused.
    EXPECT_THROW(
        infer({kind::reduce, {static_cast<int32_t>(reduce_fn::arg_max), 3, 0}, {}}, {info_of(x)}),
        op_error);
    EXPECT_THROW(
        infer({kind::reduce, {static_cast<int32_t>(reduce_fn::arg_max), 8}, {}}, {info_of(x)}),
        op_error);
}

TEST(CpuMathOps, BadParametersNameTheOp) {
    const nn::tensor x = values({1, 1, 1, 2}, {1, 2});
    const std::vector<tensor_info> in = {info_of(x)};
    try {
        infer(unary_op(unary_fn::hard_sigmoid), in);  // needs {alpha, beta}
        FAIL() << "no error";
    } catch (const op_error& e) {
        EXPECT_NE(std::string(e.what()).find("cpu op unary: floats: 0 values, expected 2"),
                  std::string::npos)
            << e.what();
    }
    EXPECT_THROW(infer({kind::unary, {99}, {}}, in), op_error);
    EXPECT_THROW(infer({kind::reduce, {0, 16}, {}}, in), op_error);
    nn::tensor i8(nn::dtype::int8, {1, 1, 1, 2});
    EXPECT_THROW(infer(unary_op(unary_fn::exp), {info_of(i8)}), op_error);
}

TEST(CpuMathOps, WorkAndPackageBytes) {
    const tensor_info x{{1, 2, 3, 4}, nn::dtype::fp32, {}};
    const op exp_op = unary_op(unary_fn::exp);
    EXPECT_EQ(cost(exp_op, {x}, infer(exp_op, {x})).transcendental, 24u);
    const op neg_op = unary_op(unary_fn::neg);
    EXPECT_EQ(cost(neg_op, {x}, infer(neg_op, {x})).elements, 24u);
    const op sum_op{kind::reduce, {static_cast<int32_t>(reduce_fn::sum), 1 << 3}, {}};
    EXPECT_EQ(cost(sum_op, {x}, infer(sum_op, {x})).elements, 24u);  // every input read once
    const op hs = unary_op(unary_fn::hard_sigmoid, {0.25f, 0.5f});
    const encoded e = decode(encode(hs, {3}).data(), encode(hs, {3}).size());
    EXPECT_EQ(e.o.k, kind::unary);
    EXPECT_EQ(e.o.ints, hs.ints);
    EXPECT_EQ(e.o.floats, hs.floats);
    EXPECT_STREQ(to_string(unary_fn::gelu), "gelu");
    EXPECT_STREQ(to_string(reduce_fn::arg_min), "arg_min");
}

}  // namespace
}  // namespace nnvp::cpuops
