// The fine-tuning tool's weight fake-quantization: hand-computed values, and
// the same real weights as the SoC's quantizer (sw/quant) derives from the
// committed Fashion-MNIST weights, so training sees what the SoC will run.
#include "tools/accuracy/fake_quant.h"

#include <gtest/gtest.h>

#include <cmath>

#include "sw/dataset/fmnist_model.h"
#include "sw/quant/quantizer.h"

namespace {

using namespace nnvp;

TEST(fake_quant, binary_rows_are_mean_magnitude_times_sign) {
    // Row 0: mean |w| = (1 + 3 + 0 + 4) / 4 = 2; sign(0) = +1. Row 1: 0.5.
    const std::vector<float> w = {1, -3, 0, 4, -0.5f, 0.5f, 0.5f, -0.5f};
    const std::vector<float> want = {2, -2, 2, 2, -0.5f, 0.5f, 0.5f, -0.5f};
    EXPECT_EQ(accuracy::binarize_rows(w, 2), want);
}

TEST(fake_quant, int4_rows_use_a_per_row_scale_and_round_half_away) {
    // Row 0: absmax 7, s = 1: 2.5 -> 3, -2.5 -> -3, 0.49 -> 0. Row 1: absmax
    // 14, s = 2: 3 / 2 = 1.5 -> 2 steps = 4, -1 / 2 = -0.5 -> -1 step = -2.
    const std::vector<float> w = {7, 2.5f, -2.5f, 0.49f, 14, 3, -1, 0};
    const std::vector<float> want = {7, 3, -3, 0, 14, 4, -2, 0};
    EXPECT_EQ(accuracy::quantize_rows(w, 2, 7), want);
    EXPECT_EQ(accuracy::quantize_rows({0, 0}, 1, 7), std::vector<float>({0, 0}));
}

TEST(fake_quant, bad_shapes_are_refused) {
    EXPECT_THROW(accuracy::binarize_rows({1, 2, 3}, 2), std::invalid_argument);
    EXPECT_THROW(accuracy::quantize_rows({1, 2}, 0, 7), std::invalid_argument);
    EXPECT_THROW(accuracy::quantize_rows({1, 2}, 1, 0), std::invalid_argument);
}

// The quantized network's weights of `node`, as real values.
std::vector<float> deployed(const compiler::network& q, const std::string& node) {
    for (const compiler::net_op& op : q.ops) {
        if (op.name != node)
            continue;
        const nn::tensor& w = *op.weights;
        const std::size_t per = w.size() / static_cast<std::size_t>(w.shape().n);
        std::vector<float> out(w.size());
        for (std::size_t i = 0; i < w.size(); ++i) {
            const std::size_t c = i / per;
            const double s = op.layer.prec == ref::precision::binary
                                 ? op.layer.bin_alpha[c] / op.layer.in_q.scale
                                 : op.layer.w_scales[c];
            out[i] = static_cast<float>(static_cast<double>(w.get_int(i)) * s);
        }
        return out;
    }
    ADD_FAILURE() << "no op " << node;
    return {};
}

std::vector<float> float_weights(const net::graph& g, const std::string& node) {
    for (const net::node& n : g.nodes())
        if (n.name == node) {
            std::vector<float> out(n.weights.size());
            for (std::size_t i = 0; i < out.size(); ++i)
                out[i] = n.weights.get_float(i);
            return out;
        }
    ADD_FAILURE() << "no node " << node;
    return {};
}

void expect_close(const std::vector<float>& got, const std::vector<float>& want) {
    ASSERT_EQ(got.size(), want.size());
    for (std::size_t i = 0; i < got.size(); ++i)
        ASSERT_NEAR(got[i], want[i], 1e-6 * std::max(1.0f, std::fabs(want[i]))) << "weight " << i;
}

compiler::network quantized_lenet(ref::precision p) {
    const net::graph g = dataset::fmnist_lenet(dataset::fmnist_default_weights());
    quant::quant_options o;
    o.scheme = quant::scheme::per_channel;
    o.precision = p;
    o.overrides["conv1"] = ref::precision::int8;
    o.overrides["fc3"] = ref::precision::int8;
    nn::tensor x(nn::dtype::fp32, {1, 28, 28, 1});
    for (std::size_t i = 0; i < x.size(); ++i)
        x.set_float(i, static_cast<float>(i % 256) / 255.0f);
    return quant::quantize(g, o, {x});
}

TEST(fake_quant, matches_the_quantizer_on_the_committed_weights) {
    const net::graph g = dataset::fmnist_lenet(dataset::fmnist_default_weights());
    const compiler::network q4 = quantized_lenet(ref::precision::int4);
    const compiler::network qb = quantized_lenet(ref::precision::binary);
    const std::pair<const char*, int> layers[] = {{"conv2", 16}, {"fc1", 120}, {"fc2", 84}};
    for (const auto& [node, rows] : layers) {
        SCOPED_TRACE(node);
        expect_close(deployed(q4, node), accuracy::quantize_rows(float_weights(g, node), rows, 7));
        expect_close(deployed(qb, node), accuracy::binarize_rows(float_weights(g, node), rows));
    }
}

}  // namespace
