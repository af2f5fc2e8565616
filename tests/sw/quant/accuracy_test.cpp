// Error against the FP32 reference (error_report.h) on seeded networks:
// LeNet-5 (seeded weights, seed 1), calibrated on inputs of seeds 1..32,
// measured on inputs of seeds 1001..1016 (uniform in [-1, 1)).
#include <gtest/gtest.h>

#include <cmath>

#include "sw/net/builder.h"
#include "sw/net/weights.h"
#include "sw/net/zoo.h"
#include "sw/quant/error_report.h"
#include "sw/quant/quantizer.h"

namespace {

using namespace nnvp;
using namespace nnvp::quant;
using ref::precision;

std::vector<nn::tensor> inputs(const net::graph& g, uint64_t first, int n) {
    std::vector<nn::tensor> v;
    for (int k = 0; k < n; ++k)
        v.push_back(net::generate_input(g, 0, first + static_cast<uint64_t>(k)));
    return v;
}

struct quant_lenet : ::testing::Test {
    static void SetUpTestSuite() {
        g = new net::graph(net::lenet5());
        net::materialize_weights(*g, 1);
    }
    static void TearDownTestSuite() { delete g; }

    static error_report measure(scheme s, precision p, int bits = 0) {
        quant_options o;
        o.scheme = s;
        o.precision = p;
        o.bits = bits;
        const compiler::network q = quantize(*g, o, inputs(*g, 1, 32));
        return measure_error(*g, q, inputs(*g, 1001, 16));
    }
    static net::graph* g;
};
net::graph* quant_lenet::g = nullptr;

TEST_F(quant_lenet, int8_per_channel_sqnr_is_above_30_db) {
    const error_report r = measure(scheme::per_channel, precision::int8);
    // Measured: 40.0 dB on the softmax output, every layer above 31 dB.
    EXPECT_GT(r.output_sqnr_db, 30.0);
    EXPECT_EQ(r.top1_agreement, 1.0);
    EXPECT_EQ(r.inputs, 16u);
    ASSERT_EQ(r.layers.size(), 8u);  // c1 s2 c3 s4 c5 f6 output prob
    EXPECT_EQ(r.layers.front().name, "c1");
    EXPECT_EQ(r.layers.front().precision, "int8");
    EXPECT_EQ(r.layers.back().precision, "cpu");
    for (const layer_error& e : r.layers)
        EXPECT_GT(e.sqnr_db, 30.0) << e.name;
    const std::string json = to_json(r);
    EXPECT_NE(json.find("\"top1_agreement\": 1.0"), std::string::npos) << json;
    EXPECT_NE(json.find("\"name\": \"c1\""), std::string::npos);
}

TEST_F(quant_lenet, narrower_precisions_lose_more) {
    const double i16 = measure(scheme::per_channel, precision::int16).output_sqnr_db;
    const double i8 = measure(scheme::per_channel, precision::int8).output_sqnr_db;
    const double i6 = measure(scheme::per_channel, precision::int8, 6).output_sqnr_db;
    const double i4 = measure(scheme::per_channel, precision::int4).output_sqnr_db;
    // Measured: 82.0, 40.0, 26.0, 14.2 dB.
    EXPECT_GT(i16, i8 + 20.0);
    EXPECT_GT(i8, i6);
    EXPECT_GT(i6, i4);
    EXPECT_LT(i4, 20.0);
}

TEST_F(quant_lenet, float_schemes_are_exact_or_close) {
    const error_report fp32 = measure(scheme::none, precision::fp32);
    EXPECT_TRUE(std::isinf(fp32.output_sqnr_db));
    EXPECT_EQ(fp32.output_max_abs_err, 0.0);
    EXPECT_NE(to_json(fp32).find("\"output_sqnr_db\": null"), std::string::npos);
    EXPECT_GT(measure(scheme::none, precision::fp16).output_sqnr_db, 60.0);  // measured 71
}

// Three layers whose outputs differ in range by about 1000x: one Q format
// for the whole network (static) wastes the small layer's bits.
TEST(quant_accuracy, dynamic_fixed_point_beats_static_when_ranges_differ) {
    net::graph_builder b("ranges");
    std::string x = b.input("x", {1, 1, 1, 32});
    x = b.fc(x, "big", 64);
    x = b.fc(x, "small", 64);
    x = b.fc(x, "out", 10, ref::act_kind::none);
    net::graph g = b.finish({x});
    net::materialize_weights(g, 5);
    for (net::node& n : g.edit_nodes()) {
        const float k = n.name == "big" ? 30.0f : n.name == "small" ? 0.001f : 1.0f;
        for (std::size_t i = 0; i < n.weights.size(); ++i)
            n.weights.set_float(i, k * n.weights.get_float(i));
        for (std::size_t i = 0; i < n.bias.size(); ++i)
            n.bias.set_float(i, k * n.bias.get_float(i));
    }
    g.validate();
    const auto sqnr = [&](scheme s) {
        quant_options o;
        o.scheme = s;
        const compiler::network q = quantize(g, o, inputs(g, 1, 8));
        return measure_error(g, q, inputs(g, 1001, 8));
    };
    const error_report st = sqnr(scheme::static_fixed);
    const error_report dy = sqnr(scheme::dynamic_fixed);
    EXPECT_GT(dy.output_sqnr_db, st.output_sqnr_db + 10.0)
        << "static " << st.output_sqnr_db << " dB, dynamic " << dy.output_sqnr_db << " dB";
    EXPECT_GT(dy.output_sqnr_db, 25.0);
}

}  // namespace
