// The trainer's kernels against hand-computed values.
#include "sw/train/kernels.h"

#include <gtest/gtest.h>

#include <numeric>
#include <vector>

namespace {

using namespace nnvp::train;

TEST(train_kernels, dot_matches_a_plain_sum) {
    std::vector<float> a(37), b(37);
    double want = 0.0;
    for (int i = 0; i < 37; ++i) {
        a[i] = 0.25f * static_cast<float>(i);
        b[i] = static_cast<float>(i % 5) - 2.0f;
        want += static_cast<double>(a[i]) * b[i];
    }
    EXPECT_EQ(dot(a.data(), b.data(), 37), static_cast<float>(want));  // exact in binary
    EXPECT_EQ(dot(a.data(), b.data(), 0), 0.0f);
}

TEST(train_kernels, conv_forward_hand_computed) {
    // 3x3 input 1..9, one 2x2 filter [[1, 0], [0, 1]], bias 0.5, no padding.
    conv_dims d;
    d.in_c = 1, d.in_h = 3, d.in_w = 3, d.out_c = 1, d.kernel = 2, d.pad = 0;
    const std::vector<float> in = {1, 2, 3, 4, 5, 6, 7, 8, 9};
    const std::vector<float> w = {1, 0, 0, 1}, b = {0.5f};
    std::vector<float> col(static_cast<std::size_t>(d.taps() * d.pixels())), out(4);
    conv_forward(d, in.data(), w.data(), b.data(), col.data(), out.data());
    EXPECT_EQ(out, (std::vector<float>{6.5f, 8.5f, 12.5f, 14.5f}));

    // Padding 1: 4x4 output; the corner sees only in[0][0] through w[1][1].
    d.pad = 1;
    col.assign(static_cast<std::size_t>(d.taps() * d.pixels()), 0.0f);
    out.assign(16, 0.0f);
    conv_forward(d, in.data(), w.data(), b.data(), col.data(), out.data());
    EXPECT_EQ(out[0], 1.5f);
    EXPECT_EQ(out[5], 1.0f + 5.0f + 0.5f);
    EXPECT_EQ(out[15], 9.0f + 0.5f);
}

TEST(train_kernels, conv_weights_are_ohwi) {
    // Two input channels (CHW planes) of one pixel, 1x1 kernel, two filters:
    // w[o][ci] in OHWI order.
    conv_dims d;
    d.in_c = 2, d.in_h = 1, d.in_w = 1, d.out_c = 2, d.kernel = 1, d.pad = 0;
    const std::vector<float> in = {3, 5}, w = {1, 10, 100, 1000}, b = {0, 0};
    std::vector<float> col(2), out(2);
    conv_forward(d, in.data(), w.data(), b.data(), col.data(), out.data());
    EXPECT_EQ(out, (std::vector<float>{53, 5300}));
}

TEST(train_kernels, conv_backward_hand_computed) {
    conv_dims d;
    d.in_c = 1, d.in_h = 3, d.in_w = 3, d.out_c = 1, d.kernel = 2, d.pad = 0;
    const std::vector<float> in = {1, 2, 3, 4, 5, 6, 7, 8, 9};
    const std::vector<float> w = {1, 2, 3, 4}, b = {0};
    std::vector<float> col(16), out(4), dcol(16), din(9);
    conv_forward(d, in.data(), w.data(), b.data(), col.data(), out.data());
    const std::vector<float> dout = {1, 0, 0, 2};
    std::vector<float> dw(4, 0.0f), db(1, 0.0f);
    conv_backward(d, col.data(), dout.data(), w.data(), dw.data(), db.data(), dcol.data(),
                  din.data());
    // dw[kh][kw] = sum_p dout[p] * in[p + (kh, kw)].
    EXPECT_EQ(dw, (std::vector<float>{1 + 2 * 5, 2 + 2 * 6, 4 + 2 * 8, 5 + 2 * 9}));
    EXPECT_EQ(db[0], 3.0f);
    // din: output 0 spreads w at (0..1, 0..1); output 3 spreads 2w at (1..2, 1..2).
    EXPECT_EQ(din, (std::vector<float>{1, 2, 0, 3, 4 + 2, 4, 0, 6, 8}));
}

TEST(train_kernels, maxpool_forward_and_backward) {
    // One 2x4 plane: two windows.
    const std::vector<float> in = {1, 7, 3, 3, 2, 5, 3, 0};
    std::vector<float> out(2), din(8);
    std::vector<int> arg(2);
    maxpool2_forward(1, 2, 4, in.data(), out.data(), arg.data());
    EXPECT_EQ(out, (std::vector<float>{7, 3}));
    EXPECT_EQ(arg, (std::vector<int>{1, 2}));  // first of the tied 3s
    const std::vector<float> dout = {0.5f, -1.0f};
    maxpool2_backward(1, 2, 4, dout.data(), arg.data(), din.data());
    EXPECT_EQ(din, (std::vector<float>{0, 0.5f, -1.0f, 0, 0, 0, 0, 0}));
}

TEST(train_kernels, relu_and_fc) {
    std::vector<float> x = {-1, 0, 2};
    relu_forward(x.data(), 3);
    EXPECT_EQ(x, (std::vector<float>{0, 0, 2}));
    std::vector<float> dx = {5, 5, 5};
    relu_backward(x.data(), dx.data(), 3);
    EXPECT_EQ(dx, (std::vector<float>{0, 0, 5}));

    // y = W x + b with W = [[1, 2], [3, 4], [5, 6]], x = [1, -1], b = [0, 1, 2].
    const std::vector<float> in = {1, -1}, w = {1, 2, 3, 4, 5, 6}, b = {0, 1, 2};
    std::vector<float> y(3);
    fc_forward(2, 3, in.data(), w.data(), b.data(), y.data());
    EXPECT_EQ(y, (std::vector<float>{-1, 0, 1}));
    const std::vector<float> dy = {1, 0, 2};
    std::vector<float> dw(6, 0.0f), db(3, 0.0f), dxin(2);
    fc_backward(2, 3, in.data(), dy.data(), w.data(), dw.data(), db.data(), dxin.data());
    EXPECT_EQ(dw, (std::vector<float>{1, -1, 0, 0, 2, -2}));
    EXPECT_EQ(db, (std::vector<float>{1, 0, 2}));
    EXPECT_EQ(dxin, (std::vector<float>{1 + 10, 2 + 12}));
}

}  // namespace
