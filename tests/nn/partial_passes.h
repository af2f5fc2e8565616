// A conv2d / fully_connected run in passes over its input channels
// (ref::layer::partial_in / partial_out), for the reference and the fast
// kernels alike: the passes' result must equal the unsplit layer bit for bit.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <functional>
#include <random>
#include <string>

#include "nn/ref/ops.h"
#include "nn/ref/quant.h"

namespace nnvp::test {

// An executor of one layer call: (layer, input, weights, bias, partials).
using layer_fn = std::function<nn::tensor(const ref::layer&, const nn::tensor&, const nn::tensor&,
                                          const nn::tensor*, const nn::tensor*)>;

// Channels [c0, c0 + n) of the last axis (C) of every row of t, reshaped to `s`.
inline nn::tensor last_axis_slice(const nn::tensor& t, int c0, int n, nn::shape4 s) {
    const std::size_t c = static_cast<std::size_t>(t.shape().c), rows = t.size() / c;
    nn::tensor out(t.type(), s);
    std::size_t k = 0;
    for (std::size_t r = 0; r < rows; ++r)
        for (int i = 0; i < n; ++i)
            out.set_int(k++, t.get_int(r * c + static_cast<std::size_t>(c0 + i)));
    return out;
}

// Runs `l` over groups of `kg` input channels (fully connected: of K) and
// returns the last pass's output; every intermediate is checked to be at
// accumulator width.
inline nn::tensor run_in_passes(const layer_fn& run, const ref::layer& l, const nn::tensor& x,
                                const nn::tensor& w, const nn::tensor* bias, int kg) {
    const bool fc = l.op == ref::op_kind::fully_connected;
    const nn::shape4 xs = x.shape();
    const nn::tensor rows = fc ? x.reshaped({xs.n, 1, 1, xs.h * xs.w * xs.c}) : x;
    const int C = rows.shape().c, passes = (C + kg - 1) / kg;
    nn::tensor acc;
    for (int g = 0; g < passes; ++g) {
        const int c0 = g * kg, n = std::min(kg, C - c0);
        nn::shape4 in_s = rows.shape(), w_s = w.shape();
        in_s.c = n;
        w_s.c = n;
        const ref::layer lp = ref::input_channel_pass(l, g, passes);
        acc = run(lp, last_axis_slice(rows, c0, n, in_s), last_axis_slice(w, c0, n, w_s),
                  lp.has_bias ? bias : nullptr, g > 0 ? &acc : nullptr);
        if (lp.partial_out) {
            EXPECT_EQ(acc.type(), ref::accumulator_type(l)) << l.name;
        }
    }
    return acc;
}

// A quantized conv2d (3x3, stride 2, padding 1, per-channel, ReLU) or fully
// connected layer at precision p; binary layers take +-1 inputs.
inline ref::layer split_test_layer(ref::op_kind op, ref::precision p, int oc,
                                   ref::binary_scale bs = ref::binary_scale::fixed) {
    ref::layer l;
    l.name = std::string(ref::to_string(op)) + " " + ref::to_string(p);
    l.op = op;
    l.prec = p;
    l.out_channels = oc;
    l.has_bias = true;
    if (op == ref::op_kind::conv2d) {
        l.geo.kernel_h = l.geo.kernel_w = 3;
        l.geo.stride_h = l.geo.stride_w = 2;
        l.geo.pad_top = l.geo.pad_bottom = l.geo.pad_left = l.geo.pad_right = 1;
    }
    l.act.kind = ref::act_kind::relu;
    const float unit = 1.0f / static_cast<float>(nn::max_of(ref::activation_type(p)));
    l.in_q = {3 * unit, 1};
    l.out_q = {40 * unit, -1};
    if (p == ref::precision::binary) {
        l.binary_input = true;
        l.bin_scale = bs;
        for (int c = 0; c < oc; ++c)
            l.bin_alpha.push_back(0.05f + 0.01f * static_cast<float>(c));
    }
    for (int c = 0; c < oc; ++c)
        l.w_scales.push_back(0.01f + 0.002f * static_cast<float>(c));
    ref::lower_quantization(l);
    return l;
}

inline nn::tensor split_test_tensor(std::mt19937& rng, nn::dtype t, nn::shape4 s) {
    nn::tensor x(t, s);
    for (std::size_t i = 0; i < x.size(); ++i) {
        if (t == nn::dtype::binary)
            x.set_int(i, (rng() & 1u) ? 1 : -1);
        else if (nn::is_float(t))
            x.set_float(i, std::uniform_real_distribution<float>(-1.0f, 1.0f)(rng));
        else
            x.set_int(i, std::uniform_int_distribution<int64_t>(std::max<int64_t>(nn::min_of(t), -60),
                                                                std::min<int64_t>(nn::max_of(t), 60))(rng));
    }
    return x;
}

}  // namespace nnvp::test
