#include "sw/train/kernels.h"

#include <algorithm>

namespace nnvp::train {

float dot(const float* a, const float* b, int n) {
    float lane[8] = {0, 0, 0, 0, 0, 0, 0, 0};
    int i = 0;
    for (; i + 8 <= n; i += 8)
        for (int j = 0; j < 8; ++j)
            lane[j] += a[i + j] * b[i + j];
    float s =
        ((lane[0] + lane[1]) + (lane[2] + lane[3])) + ((lane[4] + lane[5]) + (lane[6] + lane[7]));
    for (; i < n; ++i)
        s += a[i] * b[i];
    return s;
}

namespace {

// col[k][p] for k = (kh * KW + kw) * C + ci (OHWI order of the weights).
void im2col(const conv_dims& d, const float* in, float* col) {
    const int oh = d.out_h(), ow = d.out_w(), p = d.pixels();
    for (int kh = 0; kh < d.kernel; ++kh)
        for (int kw = 0; kw < d.kernel; ++kw)
            for (int ci = 0; ci < d.in_c; ++ci) {
                float* row = col + static_cast<std::size_t>((kh * d.kernel + kw) * d.in_c + ci) * p;
                const float* plane = in + static_cast<std::size_t>(ci) * d.in_h * d.in_w;
                for (int y = 0; y < oh; ++y) {
                    const int iy = y + kh - d.pad;
                    float* dst = row + y * ow;
                    if (iy < 0 || iy >= d.in_h) {
                        std::fill(dst, dst + ow, 0.0f);
                        continue;
                    }
                    for (int x = 0; x < ow; ++x) {
                        const int ix = x + kw - d.pad;
                        dst[x] = (ix < 0 || ix >= d.in_w) ? 0.0f : plane[iy * d.in_w + ix];
                    }
                }
            }
}

// The adjoint of im2col: din is overwritten with the sum of every tap.
void col2im(const conv_dims& d, const float* dcol, float* din) {
    const int oh = d.out_h(), ow = d.out_w(), p = d.pixels();
    std::fill(din, din + static_cast<std::size_t>(d.in_c) * d.in_h * d.in_w, 0.0f);
    for (int kh = 0; kh < d.kernel; ++kh)
        for (int kw = 0; kw < d.kernel; ++kw)
            for (int ci = 0; ci < d.in_c; ++ci) {
                const float* row =
                    dcol + static_cast<std::size_t>((kh * d.kernel + kw) * d.in_c + ci) * p;
                float* plane = din + static_cast<std::size_t>(ci) * d.in_h * d.in_w;
                for (int y = 0; y < oh; ++y) {
                    const int iy = y + kh - d.pad;
                    if (iy < 0 || iy >= d.in_h)
                        continue;
                    for (int x = 0; x < ow; ++x) {
                        const int ix = x + kw - d.pad;
                        if (ix >= 0 && ix < d.in_w)
                            plane[iy * d.in_w + ix] += row[y * ow + x];
                    }
                }
            }
}

}  // namespace

void conv_forward(const conv_dims& d, const float* in, const float* w, const float* b, float* col,
                  float* out) {
    const int k = d.taps(), p = d.pixels();
    im2col(d, in, col);
    for (int o = 0; o < d.out_c; ++o) {
        float* dst = out + static_cast<std::size_t>(o) * p;
        std::fill(dst, dst + p, b[o]);
        const float* wo = w + static_cast<std::size_t>(o) * k;
        for (int t = 0; t < k; ++t) {
            const float wv = wo[t];
            const float* src = col + static_cast<std::size_t>(t) * p;
            for (int i = 0; i < p; ++i)
                dst[i] += wv * src[i];
        }
    }
}

void conv_backward(const conv_dims& d, const float* col, const float* dout, const float* w,
                   float* dw, float* db, float* dcol, float* din) {
    const int k = d.taps(), p = d.pixels();
    for (int o = 0; o < d.out_c; ++o) {
        const float* g = dout + static_cast<std::size_t>(o) * p;
        float s = 0.0f;
        for (int i = 0; i < p; ++i)
            s += g[i];
        db[o] += s;
        float* dwo = dw + static_cast<std::size_t>(o) * k;
        for (int t = 0; t < k; ++t)
            dwo[t] += dot(g, col + static_cast<std::size_t>(t) * p, p);
    }
    if (!din)
        return;
    for (int t = 0; t < k; ++t) {
        float* dst = dcol + static_cast<std::size_t>(t) * p;
        std::fill(dst, dst + p, 0.0f);
        for (int o = 0; o < d.out_c; ++o) {
            const float wv = w[static_cast<std::size_t>(o) * k + t];
            const float* g = dout + static_cast<std::size_t>(o) * p;
            for (int i = 0; i < p; ++i)
                dst[i] += wv * g[i];
        }
    }
    col2im(d, dcol, din);
}

void maxpool2_forward(int c, int h, int w, const float* in, float* out, int* arg) {
    const int oh = h / 2, ow = w / 2;
    for (int ch = 0; ch < c; ++ch)
        for (int y = 0; y < oh; ++y)
            for (int x = 0; x < ow; ++x) {
                // Scan order (dy, dx) and strict '>' keep the first maximum,
                // as the reference executor does.
                int best = (ch * h + 2 * y) * w + 2 * x;
                for (int dy = 0; dy < 2; ++dy)
                    for (int dx = 0; dx < 2; ++dx) {
                        const int i = (ch * h + 2 * y + dy) * w + 2 * x + dx;
                        if (in[i] > in[best])
                            best = i;
                    }
                const int o = (ch * oh + y) * ow + x;
                out[o] = in[best];
                arg[o] = best;
            }
}

void maxpool2_backward(int c, int h, int w, const float* dout, const int* arg, float* din) {
    std::fill(din, din + static_cast<std::size_t>(c) * h * w, 0.0f);
    const int n = c * (h / 2) * (w / 2);
    for (int o = 0; o < n; ++o)
        din[arg[o]] += dout[o];
}

void relu_forward(float* x, int n) {
    for (int i = 0; i < n; ++i)
        x[i] = x[i] > 0.0f ? x[i] : 0.0f;
}

void relu_backward(const float* y, float* dx, int n) {
    for (int i = 0; i < n; ++i)
        dx[i] = y[i] > 0.0f ? dx[i] : 0.0f;
}

void fc_forward(int k, int o, const float* x, const float* w, const float* b, float* y) {
    for (int j = 0; j < o; ++j)
        y[j] = b[j] + dot(w + static_cast<std::size_t>(j) * k, x, k);
}

void fc_backward(int k, int o, const float* x, const float* dy, const float* w, float* dw,
                 float* db, float* dx) {
    for (int j = 0; j < o; ++j) {
        db[j] += dy[j];
        float* row = dw + static_cast<std::size_t>(j) * k;
        for (int i = 0; i < k; ++i)
            row[i] += dy[j] * x[i];
    }
    if (!dx)
        return;
    std::fill(dx, dx + k, 0.0f);
    for (int j = 0; j < o; ++j) {
        const float* row = w + static_cast<std::size_t>(j) * k;
        for (int i = 0; i < k; ++i)
            dx[i] += dy[j] * row[i];
    }
}

}  // namespace nnvp::train
