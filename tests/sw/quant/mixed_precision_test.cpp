// Mixed precision and type changes: convert ops where consecutive layers
// differ, LRN in fp32, concat with one shared scale, fp16, binary, bits.
#include <gtest/gtest.h>

#include <cmath>

#include "sw/net/builder.h"
#include "sw/net/weights.h"
#include "sw/net/zoo.h"
#include "sw/quant/network_exec.h"
#include "sw/quant/quantizer.h"

namespace {

using namespace nnvp;
using namespace nnvp::quant;
using ref::act_kind;
using ref::precision;

net::graph lenet() {
    net::graph g = net::lenet5();
    net::materialize_weights(g, 1);
    return g;
}

std::vector<nn::tensor> samples(const net::graph& g, int n) {
    std::vector<nn::tensor> v;
    for (int k = 1; k <= n; ++k)
        v.push_back(net::generate_input(g, 0, static_cast<uint64_t>(k)));
    return v;
}

std::vector<std::string> names(const compiler::network& q) {
    std::vector<std::string> v;
    for (const compiler::net_op& op : q.ops)
        v.push_back(op.name);
    return v;
}

std::size_t op_index(const compiler::network& q, const std::string& name) {
    for (std::size_t i = 0; i < q.ops.size(); ++i)
        if (q.ops[i].name == name)
            return i;
    return q.ops.size();
}

// The pool after c3 (no weights, no override of its own) stays in int16, so
// the convert back to int8 comes after it: 5x5x16 values instead of 10x10x16.
TEST(quant_mixed, an_int16_layer_in_an_int8_network_gets_converts_around_it) {
    const net::graph g = lenet();
    quant_options o;
    o.overrides["c3"] = precision::int16;
    const compiler::network q = quantize(g, o, samples(g, 2));
    EXPECT_EQ(names(q), (std::vector<std::string>{"c1", "s2", "s2/to_int16", "c3", "s4",
                                                  "s4/to_int8", "c5", "f6", "output", "prob"}));
    const compiler::net_op& in = q.ops[op_index(q, "s2/to_int16")];
    const compiler::net_op& c3 = q.ops[op_index(q, "c3")];
    EXPECT_EQ(in.type, compiler::op_type::cpu);
    EXPECT_EQ(in.cpu.k, cpuops::kind::convert);
    EXPECT_EQ(in.cpu.ints, std::vector<int32_t>{static_cast<int32_t>(nn::dtype::int16)});
    EXPECT_EQ(in.cpu.floats, (std::vector<float>{c3.layer.in_q.scale, 0.0f}));
    EXPECT_EQ(in.in, std::vector<int>{2});  // s2's output
    EXPECT_EQ(c3.in, std::vector<int>{3});  // the converted copy
    EXPECT_EQ(c3.layer.prec, precision::int16);
    EXPECT_EQ(c3.weights->type(), nn::dtype::int16);
    EXPECT_EQ(c3.bias->type(), nn::dtype::int64);
    const compiler::net_op& s4 = q.ops[op_index(q, "s4")];
    EXPECT_EQ(s4.layer.prec, precision::int16);
    EXPECT_EQ(s4.layer.in_q.scale, c3.layer.out_q.scale);  // pools keep the scale
    const compiler::net_op& back = q.ops[op_index(q, "s4/to_int8")];
    EXPECT_EQ(back.cpu.ints, std::vector<int32_t>{static_cast<int32_t>(nn::dtype::int8)});
    EXPECT_EQ(q.ops[op_index(q, "c5")].layer.in_q.scale, back.cpu.floats[0]);
    // It runs, and the int8 softmax input needs no convert.
    const std::vector<nn::tensor> t = run_network(q, quantize_input(q, samples(g, 1)[0]));
    EXPECT_EQ(t.back().type(), nn::dtype::fp32);
}

TEST(quant_mixed, a_float_layer_in_an_int8_network) {
    const net::graph g = lenet();
    quant_options o;
    o.overrides["c5"] = precision::fp32;
    const compiler::network q = quantize(g, o, samples(g, 2));
    EXPECT_EQ(names(q), (std::vector<std::string>{"c1", "s2", "c3", "s4", "s4/to_fp32", "c5",
                                                  "c5/to_int8", "f6", "output", "prob"}));
    EXPECT_TRUE(q.ops[op_index(q, "s4/to_fp32")].cpu.floats.empty());
    EXPECT_EQ(q.ops[op_index(q, "c5")].weights->type(), nn::dtype::fp32);
    EXPECT_EQ(tensor_infos(q)[op_index(q, "c5") + 1].type, nn::dtype::fp32);
}

TEST(quant_mixed, lrn_runs_in_fp32_between_integer_layers) {
    net::graph_builder b("lrn_net");
    std::string x = b.input("x", {1, 4, 4, 3});
    x = b.conv(x, "c", 8, 3, 1, 1);
    x = b.lrn(x, "n", net::lrn_params{});
    x = b.conv(x, "d", 4, 1);
    net::graph g = b.finish({x});
    net::materialize_weights(g, 2);
    const compiler::network q = quantize(g, quant_options{}, samples(g, 1));
    EXPECT_EQ(names(q), (std::vector<std::string>{"c", "c/to_fp32", "n", "n/to_int8", "d"}));
    EXPECT_EQ(q.ops[2].cpu.k, cpuops::kind::lrn);
    EXPECT_EQ(tensor_infos(q)[3].type, nn::dtype::fp32);
}

TEST(quant_mixed, concat_inputs_share_the_output_scale_so_it_is_a_copy) {
    net::graph_builder b("cat_net");
    const std::string x = b.input("x", {1, 4, 4, 2});
    const std::string a = b.conv(x, "a", 3, 1);
    const std::string c = b.conv(x, "b", 5, 3, 1, 1);
    std::string y = b.concat({a, c}, "cat");
    y = b.max_pool(y, "p", 2, 2);
    y = b.conv(y, "d", 2, 1);
    net::graph g = b.finish({y});
    net::materialize_weights(g, 3);
    calibration cal;
    cal.tensors = {{"x", {-1, 1}},  {"a", {0, 2}}, {"b", {0, 8}},
                   {"cat", {0, 8}}, {"p", {0, 8}}, {"d", {0, 4}}};
    const compiler::network q = quantize(g, quant_options{}, cal);
    EXPECT_EQ(names(q), (std::vector<std::string>{"a", "b", "cat", "p", "d"}));
    const float s = 8.0f / 127;
    EXPECT_EQ(q.ops[0].layer.out_q.scale, s);  // a's range [0, 2] widened to the group's
    EXPECT_EQ(q.ops[1].layer.out_q.scale, s);
    EXPECT_EQ(q.ops[2].cpu.floats, (std::vector<float>{s, 0.0f}));
    EXPECT_EQ(q.ops[2].in, (std::vector<int>{1, 2}));
    EXPECT_EQ(q.ops[3].layer.in_q.scale, s);  // pools keep the scale
    EXPECT_EQ(q.ops[3].layer.out_q.scale, s);
    EXPECT_EQ(q.ops[4].layer.in_q.scale, s);
    // int4 has no byte-wise concat: the concat runs in int8 between converts.
    quant_options o4;
    o4.precision = precision::int4;
    const compiler::network q4 = quantize(g, o4, cal);
    EXPECT_EQ(names(q4), (std::vector<std::string>{"a", "b", "a/to_int8", "b/to_int8", "cat",
                                                   "cat/to_int4", "p", "d"}));
}

TEST(quant_mixed, fp16_network_converts_its_input_and_the_softmax_input) {
    const net::graph g = lenet();
    quant_options o;
    o.scheme = scheme::none;
    o.precision = precision::fp16;
    const compiler::network q = quantize(g, o, std::vector<nn::tensor>{});
    EXPECT_EQ(q.input_type, nn::dtype::fp16);
    EXPECT_EQ(names(q).back(), "prob");
    EXPECT_EQ(q.ops[op_index(q, "output/to_fp32")].cpu.ints,
              std::vector<int32_t>{static_cast<int32_t>(nn::dtype::fp32)});
    EXPECT_EQ(q.ops[0].weights->type(), nn::dtype::fp16);
    EXPECT_EQ(q.ops[0].bias->type(), nn::dtype::fp32);
    const nn::tensor in = quantize_input(q, samples(g, 1)[0]);
    EXPECT_EQ(in.type(), nn::dtype::fp16);
    EXPECT_EQ(run_network(q, in).back().type(), nn::dtype::fp32);
}

TEST(quant_mixed, binary_weights_with_per_channel_scales_and_int8_activations) {
    const net::graph g = lenet();
    quant_options o;
    o.precision = precision::binary;
    const compiler::network q = quantize(g, o, samples(g, 2));
    const compiler::net_op& c1 = q.ops[op_index(q, "c1")];
    EXPECT_EQ(c1.layer.prec, precision::binary);
    EXPECT_EQ(c1.layer.bin_scale, ref::binary_scale::fixed);
    EXPECT_EQ(c1.weights->type(), nn::dtype::binary);
    EXPECT_EQ(q.ops[op_index(q, "s2")].layer.prec, precision::int8);
    // alpha_c = s_in * mean |w_c|, weights are their signs.
    const net::node& n = g.nodes()[g.find_node("c1")];
    const std::size_t per = n.weights.size() / 6;
    for (std::size_t c = 0; c < 6; ++c) {
        double sum = 0;
        for (std::size_t i = c * per; i < (c + 1) * per; ++i) {
            sum += std::fabs(n.weights.get_float(i));
            EXPECT_EQ(c1.weights->get_int(i), n.weights.get_float(i) >= 0 ? 1 : -1);
        }
        EXPECT_FLOAT_EQ(c1.layer.bin_alpha[c],
                        static_cast<float>(c1.layer.in_q.scale * sum / static_cast<double>(per)));
    }
    EXPECT_EQ(run_network(q, quantize_input(q, samples(g, 1)[0])).back().type(), nn::dtype::fp32);
}

TEST(quant_mixed, bits_narrow_int8_storage_to_a_six_bit_range) {
    const net::graph g = lenet();
    quant_options o;
    o.scheme = scheme::dynamic_fixed;
    o.bits = 6;
    const compiler::network q = quantize(g, o, samples(g, 2));
    for (const compiler::net_op& op : q.ops) {
        if (op.type != compiler::op_type::layer)
            continue;
        EXPECT_GE(op.layer.act_min, -32) << op.name;
        EXPECT_LE(op.layer.act_max, 31) << op.name;
        for (int32_t v : op.layer.act_lut)
            ASSERT_TRUE(v >= -32 && v <= 31) << op.name;
        if (!op.weights)
            continue;
        int64_t lo = 0, hi = 0;
        for (std::size_t i = 0; i < op.weights->size(); ++i) {
            lo = std::min(lo, op.weights->get_int(i));
            hi = std::max(hi, op.weights->get_int(i));
        }
        EXPECT_GE(lo, -32) << op.name;
        EXPECT_LE(hi, 31) << op.name;
        EXPECT_GT(hi, 15) << op.name;  // the 6-bit range is used
    }
}

}  // namespace
