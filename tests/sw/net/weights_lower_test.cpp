// Seeded parameters on demand, and lowering of IR nodes to the reference
// executor's layers (checked by running LeNet-5 through the reference).
#include <gtest/gtest.h>

#include <cmath>
#include <map>

#include "sw/net/builder.h"
#include "sw/net/lower.h"
#include "sw/net/weights.h"
#include "sw/net/zoo.h"
#include "nn/ref/ops.h"

namespace {

using namespace nnvp::net;
using nnvp::nn::shape4;
using nnvp::nn::tensor;

const node& find(const graph& g, const std::string& name) {
    return g.nodes().at(g.find_node(name));
}

TEST(net_weights, materialize_is_deterministic_and_seeded) {
    graph a = lenet5();
    graph b = lenet5();
    graph c = lenet5();
    materialize_weights(a, 42);
    materialize_weights(b, 42);
    materialize_weights(c, 43);
    EXPECT_TRUE(a.valid());
    for (std::size_t i = 0; i < a.nodes().size(); ++i) {
        const node& n = a.nodes()[i];
        EXPECT_EQ(n.weights.bytes(), b.nodes()[i].weights.bytes()) << n.name;
        EXPECT_EQ(n.bias.bytes(), b.nodes()[i].bias.bytes()) << n.name;
        if (n.op != op_type::conv2d && n.op != op_type::fully_connected) {
            EXPECT_TRUE(n.weights.bytes().empty()) << n.name;
            continue;
        }
        EXPECT_NE(n.weights.bytes(), c.nodes()[i].weights.bytes()) << n.name;
        EXPECT_EQ(n.weights.shape(), a.weight_shape(n)) << n.name;
        EXPECT_EQ(n.bias.shape(), a.bias_shape(n)) << n.name;
        // He-uniform bound sqrt(6 / fan_in); biases within +-0.1.
        const shape4 ws = n.weights.shape();
        const float bound = std::sqrt(6.0f / static_cast<float>(ws.h * ws.w * ws.c));
        float lo = 0, hi = 0;
        for (std::size_t k = 0; k < n.weights.size(); ++k) {
            lo = std::min(lo, n.weights.get_float(k));
            hi = std::max(hi, n.weights.get_float(k));
        }
        EXPECT_GE(lo, -bound);
        EXPECT_LE(hi, bound);
        EXPECT_LT(lo, -0.5f * bound);  // the range is actually used
        EXPECT_GT(hi, 0.5f * bound);
        for (std::size_t k = 0; k < n.bias.size(); ++k)
            EXPECT_LE(std::fabs(n.bias.get_float(k)), 0.1f);
    }
}

TEST(net_weights, a_node_draws_the_same_values_in_any_graph) {
    graph g = lenet5();
    graph_builder b("other");
    std::string x = b.input("x", {1, 32, 32, 1});
    x = b.activation(x, "first", nnvp::ref::act_kind::relu);
    x = b.conv(x, "c1", 6, 5, 1, 0, nnvp::ref::act_kind::tanh);
    graph h = b.finish({x});
    EXPECT_EQ(generate_weights(g, find(g, "c1"), 7).bytes(),
              generate_weights(h, find(h, "c1"), 7).bytes());
    EXPECT_EQ(generate_bias(g, find(g, "c1"), 7).bytes(),
              generate_bias(h, find(h, "c1"), 7).bytes());
    EXPECT_TRUE(generate_weights(g, find(g, "s2"), 7).bytes().empty());
}

TEST(net_weights, imported_values_are_kept) {
    graph g = lenet5();
    std::vector<node>& nodes = g.edit_nodes();
    nodes[0].weights = tensor(nnvp::nn::dtype::fp32, {6, 5, 5, 1});
    nodes[0].weights.set_float(3, 1.5f);
    materialize_weights(g, 1);
    EXPECT_EQ(g.nodes()[0].weights.get_float(3), 1.5f);
    EXPECT_EQ(g.nodes()[0].weights.get_float(4), 0.0f);
    EXPECT_FALSE(g.nodes()[0].bias.bytes().empty());  // generated
}

TEST(net_lower, every_core_node_of_the_zoo_lowers_to_a_layer_of_the_same_shape) {
    for (const zoo_entry& e : zoo()) {
        const graph g = e.build();
        for (std::size_t i : g.order()) {
            const node& n = g.nodes()[i];
            if (!runs_on_core(n.op)) {
                EXPECT_THROW(to_ref_layer(g, n), graph_error);
                continue;
            }
            const nnvp::ref::layer l = to_ref_layer(g, n);
            EXPECT_EQ(l.name, n.name);
            EXPECT_EQ(nnvp::ref::output_shape(l, g.tensor(n.inputs[0]).shape),
                      g.tensor(n.outputs[0]).shape)
                << e.name << " " << n.name;
        }
    }
}

TEST(net_lower, fields_map_one_to_one_and_ceil_mode_becomes_padding) {
    const graph a = alexnet();
    const nnvp::ref::layer c2 = to_ref_layer(a, find(a, "conv2"));
    EXPECT_EQ(c2.op, nnvp::ref::op_kind::conv2d);
    EXPECT_EQ(c2.out_channels, 256);
    EXPECT_EQ(c2.geo.groups, 2);
    EXPECT_EQ(c2.geo.kernel_h, 5);
    EXPECT_EQ(c2.geo.pad_left, 2);
    EXPECT_TRUE(c2.has_bias);
    EXPECT_EQ(c2.act.kind, nnvp::ref::act_kind::relu);
    EXPECT_EQ(to_ref_layer(a, find(a, "fc8")).act.kind, nnvp::ref::act_kind::none);

    const graph g = googlenet();
    // 112 -> 56 with a 3x3/2 window needs one extra row and column.
    const nnvp::ref::layer p1 = to_ref_layer(g, find(g, "pool1/3x3_s2"));
    EXPECT_EQ(p1.op, nnvp::ref::op_kind::max_pool);
    EXPECT_EQ(p1.geo.pad_top, 0);
    EXPECT_EQ(p1.geo.pad_bottom, 1);
    EXPECT_EQ(p1.geo.pad_left, 0);
    EXPECT_EQ(p1.geo.pad_right, 1);
}

// Softmax over channels (a CPU op; the reference executor has none).
tensor softmax(const tensor& in) {
    tensor out(in.type(), in.shape());
    float m = in.get_float(0);
    for (std::size_t i = 1; i < in.size(); ++i)
        m = std::max(m, in.get_float(i));
    double sum = 0;
    for (std::size_t i = 0; i < in.size(); ++i)
        sum += std::exp(static_cast<double>(in.get_float(i) - m));
    for (std::size_t i = 0; i < in.size(); ++i)
        out.set_float(i, static_cast<float>(std::exp(in.get_float(i) - m) / sum));
    return out;
}

std::vector<float> run_lenet(uint64_t seed) {
    graph g = lenet5();
    materialize_weights(g, seed);
    std::map<std::string, tensor> values;
    values["input"] = generate_input(g, 0, seed);
    for (std::size_t i : g.order()) {
        const node& n = g.nodes()[i];
        const tensor& in = values.at(n.inputs[0]);
        if (n.op == op_type::softmax) {
            values[n.outputs[0]] = softmax(in);
            continue;
        }
        const nnvp::ref::layer l = to_ref_layer(g, n);
        values[n.outputs[0]] =
            nnvp::ref::execute(l, in, n.weights.bytes().empty() ? nullptr : &n.weights,
                               n.has_bias ? &n.bias : nullptr);
    }
    const tensor& prob = values.at(g.outputs()[0]);
    std::vector<float> r;
    for (std::size_t i = 0; i < prob.size(); ++i)
        r.push_back(prob.get_float(i));
    return r;
}

TEST(net_lower, lenet5_runs_through_the_reference_executor) {
    const std::vector<float> p = run_lenet(5);
    ASSERT_EQ(p.size(), 10u);
    double sum = 0;
    for (float v : p) {
        EXPECT_GT(v, 0.0f);
        sum += v;
    }
    EXPECT_NEAR(sum, 1.0, 1e-5);
    EXPECT_EQ(p, run_lenet(5));  // bit for bit
    EXPECT_NE(p, run_lenet(6));
}

}  // namespace
