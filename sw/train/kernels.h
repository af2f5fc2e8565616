// FP32 training kernels for one image at a time, activations channel-major
// (CHW: one contiguous plane per channel) so that the inner loops run along a
// plane and vectorise without reassociating sums: results are the same bits
// on every run. Weights are OHWI, exactly as the graph stores them, so the
// trained tensors go to the graph unchanged.
//
// Convolution goes through im2col (Chellapilla et al., "High performance
// convolutional neural networks for document processing", 2006): col[k][p]
// holds input tap k = (kh * KW + kw) * C + ci of output pixel p, so a conv is
// out[o][p] = b[o] + sum_k w[o][k] * col[k][p].
#pragma once

#include <cstddef>

namespace nnvp::train {

// Sum of a[i] * b[i] over eight fixed lanes, then the lanes in a fixed tree:
// vectorisable and deterministic.
float dot(const float* a, const float* b, int n);

struct conv_dims {
    int in_c = 1, in_h = 1, in_w = 1;
    int out_c = 1, kernel = 1, pad = 0;  // stride 1, square kernel
    int out_h() const { return in_h + 2 * pad - kernel + 1; }
    int out_w() const { return in_w + 2 * pad - kernel + 1; }
    int taps() const { return kernel * kernel * in_c; }  // K
    int pixels() const { return out_h() * out_w(); }     // P
};

// col: K x P scratch (filled here); out: O x P.
void conv_forward(const conv_dims& d, const float* in, const float* w, const float* b, float* col,
                  float* out);
// Accumulates dw (O x K) and db (O) from dout (O x P) and the forward's col.
// When din is not null, also writes the input gradient (C x H x W), using
// dcol (K x P) as scratch.
void conv_backward(const conv_dims& d, const float* col, const float* dout, const float* w,
                   float* dw, float* db, float* dcol, float* din);

// Max pooling 2x2, stride 2, per channel plane (H and W even). arg records
// the winning input index of every output for the backward pass.
void maxpool2_forward(int c, int h, int w, const float* in, float* out, int* arg);
// din (c x h x w) is overwritten: zero except the winners.
void maxpool2_backward(int c, int h, int w, const float* dout, const int* arg, float* din);

void relu_forward(float* x, int n);
// Zeroes the gradient where the (post-ReLU) output y is not positive.
void relu_backward(const float* y, float* dx, int n);

// Fully connected: y[o] = b[o] + sum_k w[o][k] x[k], w is O x K.
void fc_forward(int k, int o, const float* x, const float* w, const float* b, float* y);
// Accumulates dw and db; writes dx when it is not null.
void fc_backward(int k, int o, const float* x, const float* dy, const float* w, float* dw,
                 float* db, float* dx);

}  // namespace nnvp::train
