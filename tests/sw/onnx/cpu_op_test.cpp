// The CPU ops the ONNX importer added to nn/cpuops: transpose, pad, matmul
// and the half-to-even rounding of convert.
#include "nn/cpuops/cpu_op.h"

#include <gtest/gtest.h>

namespace nnvp::cpuops {
namespace {

nn::tensor iota(nn::shape4 s) {
    nn::tensor t(nn::dtype::fp32, s);
    for (std::size_t i = 0; i < t.size(); ++i)
        t.set_float(i, static_cast<float>(i));
    return t;
}

nn::tensor run(const op& o, const std::vector<const nn::tensor*>& ins) {
    std::vector<tensor_info> infos;
    for (const nn::tensor* t : ins)
        infos.push_back({t->shape(), t->type(), {}});
    return execute(o, ins, infos, infer(o, infos));
}

TEST(OnnxCpuOps, TransposeMovesAxes) {
    const nn::tensor in = iota({1, 1, 2, 3});  // [[0 1 2] [3 4 5]]
    const nn::tensor out = run({kind::transpose, {0, 1, 3, 2}, {}}, {&in});
    ASSERT_EQ(out.shape(), (nn::shape4{1, 1, 3, 2}));
    const float want[6] = {0, 3, 1, 4, 2, 5};
    for (std::size_t i = 0; i < 6; ++i)
        EXPECT_FLOAT_EQ(out.get_float(i), want[i]);
    EXPECT_THROW(infer({kind::transpose, {0, 1, 1, 2}, {}}, {{in.shape(), in.type(), {}}}),
                 op_error);
}

TEST(OnnxCpuOps, PadConstantEdgeReflect) {
    const nn::tensor in = iota({1, 1, 1, 3});  // [0 1 2]
    const auto padded = [&](int mode) {
        return run({kind::pad, {mode, 0, 0, 0, 2, 0, 0, 0, 1}, {9.0f}}, {&in});
    };
    const float constant[6] = {9, 9, 0, 1, 2, 9};
    const float edge[6] = {0, 0, 0, 1, 2, 2};
    const float reflect[6] = {2, 1, 0, 1, 2, 1};
    for (std::size_t i = 0; i < 6; ++i) {
        EXPECT_FLOAT_EQ(padded(0).get_float(i), constant[i]);
        EXPECT_FLOAT_EQ(padded(1).get_float(i), edge[i]);
        EXPECT_FLOAT_EQ(padded(2).get_float(i), reflect[i]);
    }
    // Reflect needs pads smaller than the dim.
    EXPECT_THROW(
        infer({kind::pad, {2, 0, 0, 0, 3, 0, 0, 0, 0}, {0.0f}}, {{in.shape(), in.type(), {}}}),
        op_error);
}

TEST(OnnxCpuOps, MatmulBroadcastsB) {
    const nn::tensor a = iota({2, 1, 1, 2});  // batch 0: [0 1], batch 1: [2 3]
    const nn::tensor b = iota({1, 1, 2, 2});  // [[0 1] [2 3]]
    const nn::tensor out = run({kind::matmul, {}, {}}, {&a, &b});
    ASSERT_EQ(out.shape(), (nn::shape4{2, 1, 1, 2}));
    const float want[4] = {2, 3, 6, 11};
    for (std::size_t i = 0; i < 4; ++i)
        EXPECT_FLOAT_EQ(out.get_float(i), want[i]);
}

TEST(OnnxCpuOps, ConvertRoundsHalfToEvenWhenAsked) {
    nn::tensor in(nn::dtype::fp32, {1, 1, 1, 4});
    const float x[4] = {0.5f, 1.5f, 2.5f, -2.5f};
    for (std::size_t i = 0; i < 4; ++i)
        in.set_float(i, x[i]);
    const int t = static_cast<int>(nn::dtype::int8);
    const nn::tensor even = run({kind::convert, {t, 1}, {1.0f, 0.0f}}, {&in});
    const nn::tensor away = run({kind::convert, {t}, {1.0f, 0.0f}}, {&in});
    const int64_t want_even[4] = {0, 2, 2, -2}, want_away[4] = {1, 2, 3, -3};
    for (std::size_t i = 0; i < 4; ++i) {
        EXPECT_EQ(even.get_int(i), want_even[i]);
        EXPECT_EQ(away.get_int(i), want_away[i]);
    }
}

}  // namespace
}  // namespace nnvp::cpuops
