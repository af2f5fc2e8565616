// SmoothQuant-style scale migration (sw/quant/smoothing.h): which tensors
// are smoothed, the factors against their hand-computed values, the float
// function kept, and the INT8 error it removes when one channel is an outlier.
#include "sw/quant/smoothing.h"

#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "sw/compiler/reference.h"
#include "sw/quant/network_quantizer.h"
#include "tests/sw/quant/network_test_support.h"

namespace nnvp::quant {
namespace {

using nn::dtype;
using ref::op_kind;
using test::layer_of;

constexpr int rows = 8, channels = 16, outputs = 12, outlier = 3;

nn::tensor seeded(nn::shape4 s, unsigned seed, float lo, float hi) {
    std::mt19937 rng(seed);
    std::uniform_real_distribution<float> d(lo, hi);
    nn::tensor t(dtype::fp32, s);
    for (std::size_t i = 0; i < t.size(); ++i)
        t.set_float(i, d(rng));
    return t;
}


// x [8 rows, 16] -> normalize -> "gamma" (mul by γ, channel 3 = 100: an
// outlier channel as LayerNorms of large transformers have) -> "beta" (add
// β) -> "fc" 16 -> 12, whose weights for channel 3 are 100 times smaller (as
// trained weights balance such a channel: every channel's products count).
compiler::network layer_norm_then_linear() {
    compiler::network net;
    net.name = "ln_fc";
    net.input_type = dtype::fp32;
    net.input_shape = {rows, 1, 1, channels};
    net.constants.push_back({"gamma", seeded({1, 1, 1, channels}, 1, 0.5f, 1.5f), {}});
    net.constants[0].value.set_float(outlier, 100.0f);
    net.constants.push_back({"beta", seeded({1, 1, 1, channels}, 2, -0.1f, 0.1f), {}});
    net.ops.push_back(compiler::layer_op(layer_of("norm", op_kind::normalize)));
    net.ops.push_back(compiler::layer_op(layer_of("gamma", op_kind::mul)));
    net.ops.push_back(compiler::layer_op(layer_of("beta", op_kind::add)));
    ref::layer fc = layer_of("fc", op_kind::fully_connected);
    fc.out_channels = outputs;
    nn::tensor w = seeded({outputs, 1, 1, channels}, 3, -0.3f, 0.3f);
    for (int n = 0; n < outputs; ++n)
        w.set_float(static_cast<std::size_t>(n * channels + outlier),
                    w.get_float(static_cast<std::size_t>(n * channels + outlier)) / 100.0f);
    net.ops.push_back(compiler::layer_op(fc, w));
    net.ops[1].in = {1, net.constant_index(0)};
    net.ops[2].in = {2, net.constant_index(1)};
    return net;
}

std::vector<std::vector<nn::tensor>> samples(unsigned first, unsigned n) {
    std::vector<std::vector<nn::tensor>> s;
    for (unsigned k = first; k < first + n; ++k)
        s.push_back({seeded({rows, 1, 1, channels}, 100 + k, -2.0f, 2.0f)});
    return s;
}

// SQNR (dB) of the INT8 network's output against the float original's.
double int8_sqnr(const compiler::network& original, const compiler::network& to_quantize) {
    const network_calibration cal =
        calibrate_network(to_quantize, samples(0, 8), range_method::max_abs, 100);
    const compiler::network q = quantize_network(to_quantize, quant_options{}, cal);
    return test::sqnr_db(original, original.output_index(), q, q.output_index(), samples(20, 4));
}

TEST(Smoothing, FactorsFoldIntoTheAffineConstantsAndTheWeights) {
    const compiler::network f = layer_norm_then_linear();
    const smoothing_result r = smooth_network(f, samples(0, 8), 0.5);
    ASSERT_EQ(r.smoothed, (std::vector<std::string>{"gamma"}));
    // By hand: s_j = sqrt(max|X_j| / max|W_j|) over the samples and the weights.
    std::vector<float> x_max(channels, 0.0f), w_max(channels, 0.0f);
    for (const auto& s : samples(0, 8)) {
        const nn::tensor x = compiler::reference_run(f, s)[3];
        for (std::size_t e = 0; e < x.size(); ++e)
            x_max[e % channels] = std::max(x_max[e % channels], std::fabs(x.get_float(e)));
    }
    const nn::tensor& w = *f.ops[3].weights;
    for (std::size_t e = 0; e < w.size(); ++e)
        w_max[e % channels] = std::max(w_max[e % channels], std::fabs(w.get_float(e)));
    ASSERT_EQ(r.net.constants.size(), 4u);  // γ/s and β/s added, the originals kept
    EXPECT_EQ(r.net.ops[1].in, (std::vector<int>{1, r.net.constant_index(2)}));
    EXPECT_EQ(r.net.ops[2].in, (std::vector<int>{2, r.net.constant_index(3)}));
    for (std::size_t j = 0; j < channels; ++j) {
        const float s = std::sqrt(x_max[j] / w_max[j]);
        EXPECT_NEAR(r.net.constants[2].value.get_float(j),
                    f.constants[0].value.get_float(j) / s, 1e-5f * std::fabs(f.constants[0].value.get_float(j) / s));
        EXPECT_NEAR(r.net.constants[3].value.get_float(j), f.constants[1].value.get_float(j) / s,
                    1e-6f);
        EXPECT_NEAR(r.net.ops[3].weights->get_float(j), w.get_float(j) * s,
                    1e-5f * std::fabs(w.get_float(j) * s));
    }
    // The float function is kept.
    for (const auto& s : samples(30, 2)) {
        const nn::tensor a = compiler::reference_run(f, s)[4];  // fc's output
        const nn::tensor b = compiler::reference_run(r.net, s)[4];
        for (std::size_t i = 0; i < a.size(); ++i)
            EXPECT_NEAR(b.get_float(i), a.get_float(i), 1e-4f * (1 + std::fabs(a.get_float(i))));
    }
}

// The outlier channel sets the per-tensor activation scale: the other 15
// channels get a few levels of INT8. Smoothed, the ranges even out.
TEST(Smoothing, RemovesTheErrorOfAnOutlierChannel) {
    const compiler::network f = layer_norm_then_linear();
    const double plain = int8_sqnr(f, f);
    const double smoothed = int8_sqnr(f, smooth_network(f, samples(0, 8), 0.5).net);
    std::printf("int8 SQNR: plain %.1f dB, smoothed %.1f dB\n", plain, smoothed);
    EXPECT_GT(smoothed, plain + 10.0) << "plain " << plain << " dB, smoothed " << smoothed << " dB";
}

// A LayerNorm output that a residual add also reads cannot be divided (the
// add would see X / s), nor can one that is a network output.
TEST(Smoothing, OnlyTensorsReadByLinearLayersAlone) {
    compiler::network residual = layer_norm_then_linear();
    residual.ops[3].layer.out_channels = channels;
    residual.ops[3].weights = seeded({channels, 1, 1, channels}, 4, -0.3f, 0.3f);
    residual.ops.push_back(compiler::layer_op(layer_of("residual", op_kind::add)));
    residual.ops.back().in = {3, 4};
    residual.ops[1].in = {1, residual.constant_index(0)};  // constants follow the ops
    residual.ops[2].in = {2, residual.constant_index(1)};
    EXPECT_TRUE(smooth_network(residual, samples(0, 2), 0.5).smoothed.empty());

    compiler::network output = layer_norm_then_linear();
    output.extra_outputs = {3};
    EXPECT_TRUE(smooth_network(output, samples(0, 2), 0.5).smoothed.empty());

    EXPECT_THROW(smooth_network(layer_norm_then_linear(), samples(0, 2), 0.0), quant_error);
    EXPECT_THROW(smooth_network(layer_norm_then_linear(), samples(0, 2), 1.5), quant_error);
    EXPECT_THROW(smooth_network(layer_norm_then_linear(), {}, 0.5), quant_error);
}

}  // namespace
}  // namespace nnvp::quant
