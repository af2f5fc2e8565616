// Scales the quantizer picks for each scheme (hand-computed on the tiny
// graph), bit-exactness against the reference chained by hand, and errors.
#include "sw/quant/quantizer.h"

#include <gtest/gtest.h>

#include <cmath>

#include "sw/net/lower.h"
#include "sw/net/weights.h"
#include "sw/net/zoo.h"
#include "sw/quant/network_exec.h"
#include "nn/ref/ops.h"
#include "nn/ref/quant.h"
#include "tests/sw/quant/tiny_graph.h"

namespace {

using namespace nnvp;
using namespace nnvp::quant;
using ref::precision;

quant_options options(scheme s, precision p = precision::int8) {
    quant_options o;
    o.scheme = s;
    o.precision = p;
    return o;
}

TEST(quant_quantizer, static_fixed_uses_one_q_format_for_activations_and_one_for_weights) {
    const compiler::network q =
        quantize(test::tiny_graph(), options(scheme::static_fixed), test::tiny_ranges());
    ASSERT_EQ(q.ops.size(), 2u);
    // Activations: |x| <= max(3, 10, 20) = 20 -> Q5.2 (scale 2^-2: 20 * 4 = 80 <= 127 < 160).
    EXPECT_EQ(q.input_type, nn::dtype::int8);
    EXPECT_EQ(q.input_q.scale, 0.25f);
    for (const compiler::net_op& op : q.ops) {
        EXPECT_EQ(op.layer.prec, precision::int8);
        EXPECT_EQ(op.layer.in_q.scale, 0.25f) << op.name;
        EXPECT_EQ(op.layer.out_q.scale, 0.25f) << op.name;
        EXPECT_EQ(op.layer.in_q.zero_point, 0);
        // Weights: |w| <= 1.5 -> 2^-6 (1.5 * 64 = 96 <= 127 < 192).
        EXPECT_EQ(op.layer.w_scales, std::vector<float>{1.0f / 64}) << op.name;
    }
    // c: w = {0.5, -0.25, 1.5, 0.1} * 64 = {32, -16, 96, 6.4 -> 6}
    const nn::tensor& w = *q.ops[0].weights;
    EXPECT_EQ(w.type(), nn::dtype::int8);
    EXPECT_EQ(w.get_int(0), 32);
    EXPECT_EQ(w.get_int(1), -16);
    EXPECT_EQ(w.get_int(2), 96);
    EXPECT_EQ(w.get_int(3), 6);
    // Bias in accumulator units: 0.1 / (0.25 / 64) = 25.6 -> 26; -0.2 -> -51.2 -> -51.
    EXPECT_EQ(q.ops[0].bias->type(), nn::dtype::int32);
    EXPECT_EQ(q.ops[0].bias->get_int(0), 26);
    EXPECT_EQ(q.ops[0].bias->get_int(1), -51);
}

TEST(quant_quantizer, dynamic_fixed_picks_a_q_format_per_tensor_and_per_layer) {
    const compiler::network q =
        quantize(test::tiny_graph(), options(scheme::dynamic_fixed), test::tiny_ranges());
    const ref::layer& c = q.ops[0].layer;
    const ref::layer& f = q.ops[1].layer;
    EXPECT_EQ(q.input_q.scale, 1.0f / 32);  // 3 -> f = 5
    EXPECT_EQ(c.in_q.scale, 1.0f / 32);
    EXPECT_EQ(c.out_q.scale, 1.0f / 8);  // 10 -> f = 3 (80 <= 127 < 160)
    EXPECT_EQ(f.in_q.scale, 1.0f / 8);
    EXPECT_EQ(f.out_q.scale, 1.0f / 4);                     // 20 -> f = 2
    EXPECT_EQ(c.w_scales, std::vector<float>{1.0f / 64});   // 1.5 -> f = 6
    EXPECT_EQ(f.w_scales, std::vector<float>{1.0f / 512});  // 0.2 -> f = 9 (102.4 <= 127)
    // The lowered multiplier of c: s_in * s_w / s_out = 2^-5 * 2^-6 / 2^-3 = 2^-8, exact.
    ASSERT_EQ(c.out_mult.size(), 1u);
    EXPECT_EQ(c.out_mult[0].multiplier, 1 << 30);
    EXPECT_EQ(c.out_mult[0].shift, 38);
    EXPECT_EQ(c.act_min, 0);  // ReLU clamps at the zero point
    EXPECT_EQ(c.act_max, 127);
}

TEST(quant_quantizer, per_channel_weight_scales_are_max_abs_over_127) {
    const net::graph g = test::tiny_graph();
    const compiler::network q = quantize(g, options(scheme::per_channel), test::tiny_ranges());
    const ref::layer& c = q.ops[0].layer;
    EXPECT_EQ(c.w_scales, (std::vector<float>{0.5f / 127, 1.5f / 127}));
    EXPECT_EQ(c.in_q.scale, 3.0f / 127);
    EXPECT_EQ(c.out_q.scale, 10.0f / 127);
    EXPECT_EQ(q.ops[1].layer.out_q.scale, 20.0f / 127);
    const net::node& f = g.nodes()[g.find_node("f")];
    ASSERT_EQ(q.ops[1].layer.w_scales.size(), 3u);
    for (int o = 0; o < 3; ++o) {
        float m = 0;
        for (std::size_t k = 0; k < 8; ++k)
            m = std::max(m, std::fabs(f.weights.get_float(static_cast<std::size_t>(o) * 8 + k)));
        EXPECT_EQ(q.ops[1].layer.w_scales[static_cast<std::size_t>(o)], m / 127) << o;
    }
    // The channel's largest weight maps onto +-127.
    EXPECT_EQ(q.ops[0].weights->get_int(2), 127);
    EXPECT_EQ(q.ops[0].weights->get_int(0), 127);
}

TEST(quant_quantizer, asymmetric_activations_get_a_zero_point) {
    quant_options o = options(scheme::per_channel);
    o.asymmetric = true;
    const compiler::network q = quantize(test::tiny_graph(), o, test::tiny_ranges());
    // c's output [0, 10]: scale 10 / 255, real 0 at -128.
    EXPECT_FLOAT_EQ(q.ops[0].layer.out_q.scale, 10.0f / 255);
    EXPECT_EQ(q.ops[0].layer.out_q.zero_point, -128);
    EXPECT_EQ(q.ops[1].layer.in_q.zero_point, -128);
    EXPECT_EQ(q.ops[0].layer.act_min, -128);  // ReLU at the zero point
}

TEST(quant_quantizer, output_equals_the_reference_chained_by_hand) {
    const net::graph g = test::tiny_graph();
    const compiler::network q = quantize(g, options(scheme::per_channel), test::tiny_ranges());
    const nn::tensor x = test::tiny_input();

    // What the quantizer should have produced, built by hand.
    const net::node& nc = g.nodes()[g.find_node("c")];
    const net::node& nf = g.nodes()[g.find_node("f")];
    ref::layer c = net::to_ref_layer(g, nc);
    c.prec = precision::int8;
    c.in_q = {3.0f / 127, 0};
    c.out_q = {10.0f / 127, 0};
    c.w_scales = {0.5f / 127, 1.5f / 127};
    ref::lower_quantization(c);
    ref::layer f = net::to_ref_layer(g, nf);
    f.prec = precision::int8;
    f.in_q = c.out_q;
    f.out_q = {20.0f / 127, 0};
    f.w_scales = q.ops[1].layer.w_scales;  // checked in per_channel_weight_scales...
    ref::lower_quantization(f);
    const nn::tensor xq = ref::quantize(x, c.in_q, nn::dtype::int8);
    const nn::tensor wc = ref::quantize_weights(nc.weights, c.w_scales, nn::dtype::int8);
    const nn::tensor bc = ref::quantize_bias(nc.bias, c.in_q.scale, c.w_scales, nn::dtype::int32);
    const nn::tensor wf = ref::quantize_weights(nf.weights, f.w_scales, nn::dtype::int8);
    const nn::tensor bf = ref::quantize_bias(nf.bias, f.in_q.scale, f.w_scales, nn::dtype::int32);
    const nn::tensor y = ref::execute(f, ref::execute(c, xq, &wc, &bc), &wf, &bf);

    EXPECT_EQ(quantize_input(q, x).bytes(), xq.bytes());
    EXPECT_EQ(q.ops[0].weights->bytes(), wc.bytes());
    EXPECT_EQ(q.ops[1].bias->bytes(), bf.bytes());
    const std::vector<nn::tensor> all = run_network(q, quantize_input(q, x));
    ASSERT_EQ(all.size(), 3u);
    EXPECT_EQ(all[2].type(), nn::dtype::int8);
    EXPECT_EQ(all[2].bytes(), y.bytes());
    // dequantize_output gives the real values of the int8 result.
    const nn::tensor real = dequantize_output(q, all[2]);
    EXPECT_EQ(real.get_float(1), ref::dequantize_value(y.get_int(1), f.out_q));
}

template <typename F>
std::string error_of(F&& f) {
    try {
        f();
    } catch (const std::exception& e) {
        return e.what();
    }
    return "(no error)";
}

TEST(quant_quantizer, names_the_field_of_bad_options_and_overrides) {
    const net::graph g = test::tiny_graph();
    const calibration cal = test::tiny_ranges();
    const auto msg = [&](const quant_options& o) { return error_of([&] { quantize(g, o, cal); }); };
    quant_options o = options(scheme::per_channel);
    o.overrides["nope"] = precision::int16;
    EXPECT_NE(msg(o).find("override 'nope': no node of that name"), std::string::npos) << msg(o);

    EXPECT_NE(msg(options(scheme::none, precision::int8))
                  .find("precision int8 with scheme none: expected fp32 or fp16"),
              std::string::npos);
    EXPECT_NE(msg(options(scheme::per_channel, precision::fp32))
                  .find("precision fp32 with scheme per_channel: expected int16, int8, int4 or "
                        "binary"),
              std::string::npos);
    o = options(scheme::dynamic_fixed);
    o.bits = 9;
    EXPECT_NE(msg(o).find("bits 9 with precision int8: expected 0 or 2..8"), std::string::npos)
        << msg(o);
    o = options(scheme::dynamic_fixed);
    o.asymmetric = true;
    EXPECT_NE(msg(o).find("asymmetric with scheme dynamic_fixed: expected scheme per_channel"),
              std::string::npos);
    o = options(scheme::none, precision::fp32);
    o.overrides["c"] = precision::int8;
    EXPECT_NE(msg(o).find("override 'c' = int8 with scheme none"), std::string::npos) << msg(o);
    o = options(scheme::per_channel);
    o.calibration = range_method::percentile;
    o.percentile = 20;
    EXPECT_NE(msg(o).find("percentile 20.000000: expected a value in (50, 100]"), std::string::npos)
        << msg(o);
    EXPECT_NE(error_of([] {
                  parse_scheme("float");
              }).find("scheme 'float': expected none, static_fixed, dynamic_fixed or per_channel"),
              std::string::npos);
    EXPECT_NE(error_of([] { parse_precision("int2"); }).find("precision 'int2': expected"),
              std::string::npos);
}

TEST(quant_quantizer, rejects_overrides_of_cpu_ops_and_binary_pools) {
    net::graph g = net::lenet5();
    net::materialize_weights(g, 1);
    const calibration none;
    quant_options o = options(scheme::per_channel);
    o.overrides["prob"] = precision::int16;
    EXPECT_NE(error_of([&] {
                  quantize(g, o, none);
              }).find("override 'prob': node is a CPU op (softmax): expected a core layer"),
              std::string::npos);
    o.overrides.clear();
    o.overrides["s2"] = precision::binary;
    EXPECT_NE(error_of([&] { quantize(g, o, none); })
                  .find("override 's2' = binary: node is avg_pool, expected conv2d or "
                        "fully_connected"),
              std::string::npos)
        << error_of([&] { quantize(g, o, none); });
}

TEST(quant_quantizer, needs_calibration_inputs_and_weights) {
    net::graph g = net::lenet5();
    EXPECT_NE(error_of([&] {
                  quantize(g, options(scheme::per_channel), calibration{});
              }).find("network 'lenet5': node 'c1': weights: not materialized"),
              std::string::npos);
    net::materialize_weights(g, 1);
    EXPECT_NE(error_of([&] {
                  quantize(g, options(scheme::per_channel), std::vector<nn::tensor>{});
              }).find("no calibration inputs"),
              std::string::npos);
    // The float scheme needs none.
    EXPECT_EQ(
        quantize(g, options(scheme::none, precision::fp32), std::vector<nn::tensor>{}).input_type,
        nn::dtype::fp32);
    const compiler::network q = quantize(g, options(scheme::per_channel), calibration{});
    EXPECT_NE(error_of([&] {
                  quantize_input(q, nn::tensor(nn::dtype::fp32, {1, 2, 2, 1}));
              }).find("input is fp32 [1,2,2,1], expected fp32 [1,32,32,1]"),
              std::string::npos);
}

}  // namespace
