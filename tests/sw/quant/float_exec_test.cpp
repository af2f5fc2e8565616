// The FP32 graph executor against the reference executor chained by hand.
#include "sw/quant/float_exec.h"

#include <gtest/gtest.h>

#include <cmath>

#include "sw/net/lower.h"
#include "sw/net/weights.h"
#include "sw/net/zoo.h"
#include "nn/ref/ops.h"

namespace {

using namespace nnvp;

const net::node& node_of(const net::graph& g, const std::string& name) {
    return g.nodes().at(g.find_node(name));
}

TEST(quant_float_exec, lenet5_matches_ref_execute_layer_by_layer) {
    net::graph g = net::lenet5();
    net::materialize_weights(g, 7);
    const nn::tensor x = net::generate_input(g, 0, 3);
    quant::float_exec_options opt;
    opt.pre_activations = true;
    const quant::float_run run = quant::run_float(g, {x}, opt);

    const net::node& c1 = node_of(g, "c1");
    const nn::tensor c1_out = ref::execute(net::to_ref_layer(g, c1), x, &c1.weights, &c1.bias);
    EXPECT_EQ(run.values.at("c1").bytes(), c1_out.bytes());  // bit-exact
    const nn::tensor s2_out = ref::execute(net::to_ref_layer(g, node_of(g, "s2")), c1_out);
    EXPECT_EQ(run.values.at("s2").bytes(), s2_out.bytes());

    // Table activations also keep the value before the activation.
    const nn::tensor& pre = run.pre_activation.at("c1");
    for (std::size_t i = 0; i < pre.size(); i += 97)
        EXPECT_EQ(run.values.at("c1").get_float(i), std::tanh(pre.get_float(i)));
    // Every tensor is there, the softmax output sums to 1.
    EXPECT_EQ(run.values.size(), g.nodes().size() + 1);
    const nn::tensor& prob = run.values.at("prob");
    double sum = 0;
    for (std::size_t i = 0; i < prob.size(); ++i)
        sum += prob.get_float(i);
    EXPECT_NEAR(sum, 1.0, 1e-6);
}

TEST(quant_float_exec, rejects_missing_weights_and_bad_inputs) {
    net::graph g = net::lenet5();
    const nn::tensor x = net::generate_input(g, 0, 3);
    try {
        quant::run_float(g, {x});
        FAIL() << "expected an error";
    } catch (const net::graph_error& e) {
        EXPECT_NE(std::string(e.what()).find("node 'c1': weights: not materialized"),
                  std::string::npos)
            << e.what();
    }
    try {
        quant::run_float(g, {nn::tensor(nn::dtype::fp32, {1, 28, 28, 1})});
        FAIL() << "expected an error";
    } catch (const net::graph_error& e) {
        EXPECT_NE(std::string(e.what()).find("expected fp32 [1,32,32,1]"), std::string::npos)
            << e.what();
    }
}

}  // namespace
