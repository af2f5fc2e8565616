// Activation fusion: which activation nodes fold into their producer.
#include "sw/quant/fuse.h"

#include <gtest/gtest.h>

#include "sw/net/builder.h"

namespace {

using namespace nnvp;
using net::op_type;
using ref::act_kind;

TEST(quant_fuse, folds_an_activation_into_its_only_producer) {
    net::graph_builder b("t");
    std::string x = b.input("x", {1, 4, 4, 2});
    x = b.conv(x, "c", 3, 3, 1, 1, act_kind::none);
    x = b.activation(x, "r", act_kind::relu6);
    x = b.max_pool(x, "p", 2, 2);
    x = b.activation(x, "r2", act_kind::relu);
    const net::graph f = quant::fuse_activations(b.finish({x}));
    ASSERT_EQ(f.nodes().size(), 2u);
    const net::node& c = f.nodes()[f.find_node("c")];
    EXPECT_EQ(c.act.kind, act_kind::relu6);
    EXPECT_EQ(c.outputs[0], "r");  // writes the activation's tensor
    const net::node& p = f.nodes()[f.find_node("p")];
    EXPECT_EQ(p.inputs[0], "r");
    EXPECT_EQ(p.act.kind, act_kind::relu);
    EXPECT_EQ(f.outputs()[0], "r2");
    EXPECT_EQ(f.tensor("r2").shape, (nn::shape4{1, 2, 2, 3}));
}

TEST(quant_fuse, keeps_activations_it_cannot_fold) {
    net::graph_builder b("t");
    const std::string in = b.input("x", {1, 4, 4, 2});
    const std::string c = b.conv(in, "c", 2, 1, 1, 0, act_kind::none);
    const std::string r = b.activation(c, "r", act_kind::relu);  // c is also read by "a"
    const std::string a = b.add(r, c, "a");
    const std::string d = b.conv(a, "d", 2, 1, 1, 0, act_kind::relu);
    const std::string r2 = b.activation(d, "r2", act_kind::tanh);  // d has an act already
    const std::string cc = b.concat({r2, a}, "cat");
    const std::string r3 = b.activation(cc, "r3", act_kind::relu);  // concat: CPU op
    const net::graph f = quant::fuse_activations(b.finish({r3}));
    EXPECT_EQ(f.nodes().size(), 7u);
    EXPECT_EQ(f.nodes()[f.find_node("c")].act.kind, act_kind::none);
    EXPECT_EQ(f.nodes()[f.find_node("d")].act.kind, act_kind::relu);
}

TEST(quant_fuse, does_not_fold_into_a_graph_output) {
    net::graph_builder b("t");
    const std::string in = b.input("x", {1, 2, 2, 1});
    const std::string c = b.conv(in, "c", 1, 1, 1, 0, act_kind::none);
    const std::string r = b.activation(c, "r", act_kind::relu);
    const net::graph f = quant::fuse_activations(b.finish({c, r}));
    EXPECT_EQ(f.nodes().size(), 2u);
    EXPECT_TRUE(quant::takes_fused_activation(op_type::global_avg_pool));
    EXPECT_FALSE(quant::takes_fused_activation(op_type::concat));
}

}  // namespace
