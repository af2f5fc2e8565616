// The indexing CPU ops (slice, gather, select, expand, tile): element moves
// checked against hand-written results, on int8 (exact for any type) and
// fp32, and the errors of out-of-range parameters.
#include <gtest/gtest.h>

#include "nn/cpuops/cpu_op.h"

namespace nnvp::cpuops {
namespace {

// [1,1,2,3] int8: [[0 1 2] [3 4 5]]
nn::tensor grid() {
    nn::tensor t(nn::dtype::int8, {1, 1, 2, 3});
    for (std::size_t i = 0; i < 6; ++i)
        t.set_int(i, static_cast<int64_t>(i));
    return t;
}

tensor_info info_of(const nn::tensor& t) {
    return {t.shape(), t.type(), {}};
}

std::vector<int64_t> run(const op& o, const std::vector<const nn::tensor*>& ins) {
    std::vector<tensor_info> infos;
    for (const nn::tensor* t : ins)
        infos.push_back(info_of(*t));
    const nn::tensor out = execute(o, ins, infos, infer(o, infos));
    std::vector<int64_t> v;
    for (std::size_t i = 0; i < out.size(); ++i)
        v.push_back(out.get_int(i));
    return v;
}

TEST(CpuIndexOps, SliceWithNegativeStep) {
    const nn::tensor x = grid();
    // rows 1..0 (step -1), columns 0 and 2 (step 2): [[3 5] [0 2]]
    const op o{kind::slice, {0, 0, 1, 0, 1, 1, -1, 2, 1, 1, 2, 2}, {}};
    EXPECT_EQ(run(o, {&x}), (std::vector<int64_t>{3, 5, 0, 2}));
    const op past{kind::slice, {0, 0, 1, 0, 1, 1, 1, 1, 1, 1, 2, 3}, {}};  // row 2 does not exist
    EXPECT_THROW(infer(past, {info_of(x)}), op_error);
}

TEST(CpuIndexOps, GatherRepeatsAndReorders) {
    const nn::tensor x = grid();
    EXPECT_EQ(run({kind::gather, {3, 2, 0, 2}, {}}, {&x}),
              (std::vector<int64_t>{2, 0, 2, 5, 3, 5}));
    EXPECT_THROW(infer({kind::gather, {3, 3}, {}}, {info_of(x)}), op_error);
}

TEST(CpuIndexOps, SelectBroadcastsTheCondition) {
    const nn::tensor x = grid();
    nn::tensor y(nn::dtype::int8, {1, 1, 1, 1});
    y.set_int(0, -1);
    nn::tensor cond(nn::dtype::int8, {1, 1, 1, 3});  // columns 0 and 2 from x
    cond.set_int(0, 1);
    cond.set_int(2, 1);
    EXPECT_EQ(run({kind::select, {}, {}}, {&cond, &x, &y}),
              (std::vector<int64_t>{0, -1, 2, 3, -1, 5}));
    nn::tensor f(nn::dtype::fp32, {1, 1, 1, 1});
    EXPECT_THROW(infer({kind::select, {}, {}}, {info_of(cond), info_of(x), info_of(f)}), op_error);
}

TEST(CpuIndexOps, ExpandAndTile) {
    nn::tensor col(nn::dtype::int8, {1, 1, 2, 1});
    col.set_int(0, 7);
    col.set_int(1, 8);
    EXPECT_EQ(run({kind::expand, {1, 1, 2, 3}, {}}, {&col}),
              (std::vector<int64_t>{7, 7, 7, 8, 8, 8}));
    EXPECT_EQ(run({kind::tile, {1, 1, 2, 1}, {}}, {&col}), (std::vector<int64_t>{7, 8, 7, 8}));
    const nn::tensor x = grid();
    EXPECT_THROW(infer({kind::expand, {1, 1, 4, 3}, {}}, {info_of(x)}), op_error);  // 2 -> 4
    EXPECT_THROW(infer({kind::tile, {1, 1, 0, 1}, {}}, {info_of(x)}), op_error);
    const op t{kind::tile, {1, 1, 2, 1}, {}};
    EXPECT_EQ(cost(t, {info_of(col)}, infer(t, {info_of(col)})).bytes, 4u);
}

TEST(CpuIndexOps, SpreadInsertsZerosBetweenPixels) {
    nn::tensor x(nn::dtype::int8, {1, 2, 2, 1});  // [[1 2] [3 4]]
    for (std::size_t i = 0; i < 4; ++i)
        x.set_int(i, static_cast<int64_t>(i + 1));
    EXPECT_EQ(run({kind::spread, {2, 3}, {}}, {&x}),
              (std::vector<int64_t>{1, 0, 0, 2, 0, 0, 0, 0, 3, 0, 0, 4}));  // [3, 4]
    tensor_info q = info_of(x);
    q.q.zero_point = 5;  // the inserted zeros would not be zeros
    EXPECT_THROW(infer({kind::spread, {2, 2}, {}}, {q}), op_error);
}

TEST(CpuIndexOps, ResizeNearestAndLinear) {
    nn::tensor x(nn::dtype::fp32, {1, 1, 1, 2});  // [10 20]
    x.set_float(0, 10);
    x.set_float(1, 20);
    const std::vector<tensor_info> in = {info_of(x)};
    const auto resized = [&](resize_mode m, resize_coord c) {
        const op o{kind::resize,
                   {static_cast<int32_t>(m), static_cast<int32_t>(c),
                    static_cast<int32_t>(resize_round::floor), 1, 1, 1, 4},
                   {1, 1, 1, 2}};
        const nn::tensor out = execute(o, {&x}, in, infer(o, in));
        std::vector<float> v;
        for (std::size_t i = 0; i < out.size(); ++i)
            v.push_back(out.get_float(i));
        return v;
    };
    // nearest, asymmetric, floor: source x / 2 -> 0 0 1 1
    EXPECT_EQ(resized(resize_mode::nearest, resize_coord::asymmetric),
              (std::vector<float>{10, 10, 20, 20}));
    // linear, half_pixel: sources -0.25 0.25 0.75 1.25, clamped to [0, 1]
    EXPECT_EQ(resized(resize_mode::linear, resize_coord::half_pixel),
              (std::vector<float>{10, 12.5f, 17.5f, 20}));
    // linear, align_corners: x (2 - 1) / (2 * 2 - 1) -> 0 1/3 2/3 1
    const std::vector<float> ac = resized(resize_mode::linear, resize_coord::align_corners);
    EXPECT_FLOAT_EQ(ac[1], 10 + 10.0f / 3);
    EXPECT_FLOAT_EQ(ac[3], 20);
    EXPECT_THROW(infer({kind::resize, {3, 0, 0, 1, 1, 1, 4}, {1, 1, 1, 2}}, in), op_error);
}

// Cubic (Keys, a = -0.75): a ramp 0 1 2 3 resized to 7 with align_corners
// reads sources 0, 0.5, ..., 3; where all four taps lie inside, the cubic
// reproduces the ramp; at the edge the clamped taps bend it. exclude_outside
// drops those taps instead: at source 0.5 the weights of 0, 1, 2 renormalise.
TEST(CpuIndexOps, ResizeCubic) {
    nn::tensor x(nn::dtype::fp32, {1, 1, 1, 4});
    for (int i = 0; i < 4; ++i)
        x.set_float(static_cast<std::size_t>(i), static_cast<float>(i));
    const std::vector<tensor_info> in = {info_of(x)};
    const auto resized = [&](int32_t exclude) {
        const op o{kind::resize,
                   {static_cast<int32_t>(resize_mode::cubic),
                    static_cast<int32_t>(resize_coord::align_corners), 0, 1, 1, 1, 7, exclude},
                   {1, 1, 1, 1.75f, -0.75f}};
        return execute(o, {&x}, in, infer(o, in));
    };
    const nn::tensor out = resized(0);
    ASSERT_EQ(out.shape().c, 7);
    EXPECT_FLOAT_EQ(out.get_float(2), 1.0f);  // source 1: an input pixel itself
    EXPECT_FLOAT_EQ(out.get_float(3), 1.5f);  // source 1.5: taps 0..3, the ramp itself
    // Source 0.5, r = 0.5: weights of taps -1, 0, 1, 2 (Keys, a = -0.75).
    const double r = 0.5, a = -0.75;
    const double w[4] = {((a * (r + 1) - 5 * a) * (r + 1) + 8 * a) * (r + 1) - 4 * a,
                         ((a + 2) * r - (a + 3)) * r * r + 1,
                         ((a + 2) * (1 - r) - (a + 3)) * (1 - r) * (1 - r) + 1,
                         ((a * (2 - r) - 5 * a) * (2 - r) + 8 * a) * (2 - r) - 4 * a};
    EXPECT_NEAR(out.get_float(1), w[2] * 1 + w[3] * 2, 1e-6);  // tap -1 reads x[0] = 0
    EXPECT_NEAR(resized(1).get_float(1), (w[2] * 1 + w[3] * 2) / (w[1] + w[2] + w[3]), 1e-6);
}

}  // namespace
}  // namespace nnvp::cpuops
