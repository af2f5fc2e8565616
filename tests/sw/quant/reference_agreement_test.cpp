// The quantizer's fast runner (network_exec.h, NN-core kernels) agrees bit
// for bit with the lead's golden compiler::reference_run (ref::execute) on
// quantized networks of every kind the quantizer produces.
#include <gtest/gtest.h>

#include "sw/net/builder.h"
#include "sw/net/weights.h"
#include "sw/net/zoo.h"
#include "sw/compiler/reference.h"
#include "sw/quant/network_exec.h"
#include "sw/quant/quantizer.h"

namespace {

using namespace nnvp;
using ref::precision;

void expect_same_run(const net::graph& g, const quant::quant_options& o) {
    std::vector<nn::tensor> cal{net::generate_input(g, 0, 1), net::generate_input(g, 0, 2)};
    const compiler::network q = quant::quantize(g, o, cal);
    const nn::tensor in = quant::quantize_input(q, net::generate_input(g, 0, 99));
    const std::vector<nn::tensor> mine = quant::run_network(q, in);
    const std::vector<nn::tensor> golden = compiler::reference_run(q, {in});
    ASSERT_EQ(mine.size(), golden.size());
    for (std::size_t i = 0; i < mine.size(); ++i) {
        EXPECT_EQ(mine[i].type(), golden[i].type()) << g.name() << " tensor " << i;
        EXPECT_EQ(mine[i].bytes(), golden[i].bytes()) << g.name() << " tensor " << i;
    }
}

quant::quant_options opts(quant::scheme s, precision p) {
    quant::quant_options o;
    o.scheme = s;
    o.precision = p;
    return o;
}

TEST(quant_reference, lenet5_in_every_precision) {
    net::graph g = net::lenet5();
    net::materialize_weights(g, 1);
    expect_same_run(g, opts(quant::scheme::none, precision::fp32));
    expect_same_run(g, opts(quant::scheme::none, precision::fp16));
    expect_same_run(g, opts(quant::scheme::per_channel, precision::int16));
    expect_same_run(g, opts(quant::scheme::per_channel, precision::int8));
    expect_same_run(g, opts(quant::scheme::dynamic_fixed, precision::int4));
    expect_same_run(g, opts(quant::scheme::static_fixed, precision::binary));
    quant::quant_options mixed = opts(quant::scheme::per_channel, precision::int8);
    mixed.asymmetric = true;
    mixed.overrides = {{"c3", precision::int16}, {"c5", precision::fp32}};
    expect_same_run(g, mixed);
}

TEST(quant_reference, residual_concat_and_lrn) {
    net::graph_builder b("branches");
    const std::string x = b.input("x", {1, 6, 6, 4});
    const std::string a = b.conv(x, "a", 4, 3, 1, 1);
    const std::string s = b.add(a, x, "res", ref::act_kind::relu);
    const std::string c = b.conv(s, "c", 3, 1);
    const std::string cat = b.concat({s, c}, "cat");
    const std::string n = b.lrn(cat, "norm", net::lrn_params{});
    const std::string p = b.global_avg_pool(n, "gap");
    const std::string f = b.flatten(p, "flat");
    const std::string y = b.softmax(b.fc(f, "fc", 5, ref::act_kind::none), "prob");
    net::graph g = b.finish({y});
    net::materialize_weights(g, 4);
    const compiler::network q = quant::quantize(g, opts(quant::scheme::per_channel, precision::int8),
                                               {net::generate_input(g, 0, 1)});
    std::vector<std::string> names;
    for (const compiler::net_op& op : q.ops)
        names.push_back(op.name);
    EXPECT_EQ(names, (std::vector<std::string>{"a", "res", "c", "cat", "cat/to_fp32", "norm",
                                               "norm/to_int8", "gap", "flat", "fc", "prob"}));
    expect_same_run(g, opts(quant::scheme::per_channel, precision::int8));
    expect_same_run(g, opts(quant::scheme::dynamic_fixed, precision::int16));
}

}  // namespace
