// The IR's structure checks, shape inference and error messages on small
// hand-built graphs.
#include "sw/net/graph.h"

#include <gtest/gtest.h>

#include "sw/net/builder.h"

namespace {

using namespace nnvp::net;
using nnvp::ref::act_kind;
using nnvp::nn::shape4;

// The message of the graph_error `build` throws ("" when none).
template <typename F>
std::string error_of(F&& build) {
    try {
        build();
    } catch (const graph_error& e) {
        return e.what();
    }
    return "";
}

TEST(net_graph, conv_and_pool_shapes_follow_the_window_arithmetic) {
    graph_builder b("t");
    std::string x = b.input("in", {1, 227, 227, 3});
    x = b.conv(x, "c1", 96, 11, 4, 0);                // (227 - 11) / 4 + 1 = 55
    const std::string p = b.max_pool(x, "p1", 3, 2);  // (55 - 3) / 2 + 1 = 27
    const std::string c2 = b.conv(p, "c2", 256, 5, 1, 2, act_kind::relu, 2);
    const std::string d = b.conv(c2, "dw", 256, 3, 2, 1, act_kind::relu, 256);  // 14
    const std::string f = b.fc(d, "fc", 10);
    graph g = b.finish({f});
    EXPECT_EQ(g.tensor("c1").shape, (shape4{1, 55, 55, 96}));
    EXPECT_EQ(g.tensor("p1").shape, (shape4{1, 27, 27, 96}));
    EXPECT_EQ(g.tensor("c2").shape, (shape4{1, 27, 27, 256}));
    EXPECT_EQ(g.tensor("dw").shape, (shape4{1, 14, 14, 256}));
    EXPECT_EQ(g.tensor("fc").shape, (shape4{1, 1, 1, 10}));
    // Parameters: OHWI with I = C / groups; FC reads H*W*C.
    EXPECT_EQ(g.weight_shape(g.nodes()[2]), (shape4{256, 5, 5, 48}));
    EXPECT_EQ(g.weight_shape(g.nodes()[3]), (shape4{256, 3, 3, 1}));
    EXPECT_EQ(g.weight_shape(g.nodes()[4]), (shape4{10, 1, 1, 14 * 14 * 256}));
    EXPECT_EQ(g.bias_shape(g.nodes()[4]), (shape4{1, 1, 1, 10}));
    EXPECT_EQ(g.bias_shape(g.nodes()[1]), (shape4{0, 0, 0, 0}));  // a pool has none
}

TEST(net_graph, ceil_mode_rounds_up_but_the_last_window_starts_inside) {
    // 112 -> 3x3/2: floor 55, ceil 56 (GoogLeNet pool1).
    EXPECT_EQ(window_output(112, 3, 2, 0, 0, 1, false), 55);
    EXPECT_EQ(window_output(112, 3, 2, 0, 0, 1, true), 56);
    // 6 -> 2x2/2 pad 1 each side: ceil would give 5, but window 4 would
    // start at 8 >= 6 + 1, so it is dropped (PyTorch/ONNX rule).
    EXPECT_EQ(window_output(6, 2, 2, 1, 1, 1, true), 4);
    EXPECT_EQ(window_output(6, 2, 2, 1, 1, 1, false), 4);
    EXPECT_EQ(window_output(2, 3, 1, 0, 0, 1, false), 0);  // does not fit
    EXPECT_EQ(window_output(7, 3, 1, 0, 0, 2, false), 3);  // dilated: span 5
}

TEST(net_graph, branches_concat_and_residual_add) {
    graph_builder b("t");
    const std::string in = b.input("in", {1, 28, 28, 192});
    const std::string a = b.conv(in, "a", 64, 1);
    const std::string c = b.conv(b.conv(in, "c_reduce", 96, 1), "c", 128, 3, 1, 1);
    const std::string p = b.conv(b.max_pool(in, "pool", 3, 1, 1), "proj", 32, 1);
    const std::string cat = b.concat({a, c, p}, "cat");
    const std::string sc = b.conv(cat, "short", 224, 1, 1, 0, act_kind::none);
    const std::string sum = b.add(sc, cat, "sum", act_kind::relu);
    graph g = b.finish({sum});
    EXPECT_EQ(g.tensor("cat").shape, (shape4{1, 28, 28, 64 + 128 + 32}));
    EXPECT_EQ(g.tensor("sum").shape, (shape4{1, 28, 28, 224}));
    EXPECT_EQ(g.order().size(), g.nodes().size());
}

TEST(net_graph, nodes_added_out_of_order_are_sorted_topologically) {
    graph g("t");
    g.add_input("in", {1, 8, 8, 4});
    node second;
    second.name = "second";
    second.op = op_type::activation;
    second.inputs = {"first"};
    second.outputs = {"second"};
    node first = second;
    first.name = "first";
    first.inputs = {"in"};
    first.outputs = {"first"};
    g.add_node(second);
    g.add_node(first);
    g.add_output("second");
    g.validate();
    EXPECT_EQ(g.order(), (std::vector<std::size_t>{1, 0}));
    EXPECT_EQ(g.tensor("second").shape, (shape4{1, 8, 8, 4}));
}

TEST(net_graph, flatten_reshape_softmax_lrn_and_broadcast_mul) {
    graph_builder b("t");
    const std::string in = b.input("in", {2, 4, 4, 8});
    const std::string f = b.flatten(in, "flat");
    node r;
    r.name = "reshape";
    r.op = op_type::reshape;
    r.inputs = {f};
    r.target = {2, 8, 4, 4};
    const std::string rs = b.add_node(r);
    const std::string gp = b.global_avg_pool(in, "gap");
    node m;
    m.name = "scale";
    m.op = op_type::mul;
    m.inputs = {in, gp};  // [2,1,1,8] broadcast over H and W
    const std::string sc = b.add_node(m);
    const std::string n = b.lrn(sc, "norm", lrn_params{});
    const std::string s = b.softmax(n, "prob");
    graph g = b.finish({s, rs});
    EXPECT_EQ(g.tensor("flat").shape, (shape4{2, 1, 1, 128}));
    EXPECT_EQ(g.tensor("reshape").shape, (shape4{2, 8, 4, 4}));
    EXPECT_EQ(g.tensor("gap").shape, (shape4{2, 1, 1, 8}));
    EXPECT_EQ(g.tensor("scale").shape, (shape4{2, 4, 4, 8}));
    EXPECT_EQ(g.tensor("prob").shape, (shape4{2, 4, 4, 8}));
    EXPECT_FALSE(runs_on_core(op_type::lrn));
    EXPECT_TRUE(runs_on_core(op_type::mul));
}

TEST(net_graph, dangling_input_names_the_node_and_tensor) {
    const std::string msg = error_of([] {
        graph_builder b("t");
        b.input("in", {1, 8, 8, 3});
        b.conv("missing", "c1", 8, 3);
        b.finish({"c1"});
    });
    EXPECT_NE(msg.find("network 't': node 'c1' (conv2d): inputs[0]: tensor 'missing'"),
              std::string::npos)
        << msg;
    EXPECT_NE(msg.find("dangling"), std::string::npos) << msg;
}

TEST(net_graph, a_cycle_is_reported_with_its_nodes) {
    const std::string msg = error_of([] {
        graph_builder b("t");
        b.input("in", {1, 8, 8, 3});
        b.add("in", "b", "a");
        b.activation("a", "b", act_kind::relu);
        b.finish({"b"});
    });
    EXPECT_NE(msg.find("cycle through node(s) 'a', 'b'"), std::string::npos) << msg;
}

TEST(net_graph, add_with_mismatched_shapes_is_refused) {
    const std::string msg = error_of([] {
        graph_builder b("t");
        const std::string in = b.input("in", {1, 8, 8, 3});
        const std::string c = b.conv(in, "c", 4, 3, 1, 1);
        b.finish({b.add(c, in, "sum")});
    });
    EXPECT_NE(msg.find("node 'sum' (add): inputs[1]: shape [1,8,8,3] ('in') does not match "
                       "or broadcast to [1,8,8,4] ('c')"),
              std::string::npos)
        << msg;
}

TEST(net_graph, concat_with_mismatched_spatial_size_is_refused) {
    const std::string msg = error_of([] {
        graph_builder b("t");
        const std::string in = b.input("in", {1, 8, 8, 3});
        const std::string p = b.max_pool(in, "p", 2, 2);
        b.finish({b.concat({in, p}, "cat")});
    });
    EXPECT_NE(msg.find("node 'cat' (concat): inputs[1]: shape [1,4,4,3] ('p') differs from "
                       "[1,8,8,3] ('in') outside axis 3"),
              std::string::npos)
        << msg;
}

TEST(net_graph, bad_geometry_names_the_field) {
    const auto conv_error = [](int out, int kernel, int stride, int pad, int groups) {
        return error_of([&] {
            graph_builder b("t");
            const std::string in = b.input("in", {1, 8, 8, 6});
            b.finish({b.conv(in, "c", out, kernel, stride, pad, act_kind::relu, groups)});
        });
    };
    EXPECT_NE(conv_error(4, 0, 1, 0, 1).find("node 'c' (conv2d): geometry.kernel: 0x0: expected"),
              std::string::npos);
    EXPECT_NE(conv_error(4, 3, 0, 0, 1).find("geometry.stride: 0x0"), std::string::npos);
    EXPECT_NE(conv_error(4, 3, 1, -1, 1).find("geometry.pad: expected >= 0"), std::string::npos);
    EXPECT_NE(conv_error(0, 3, 1, 0, 1).find("out_channels: 0: expected >= 1"), std::string::npos);
    EXPECT_NE(conv_error(4, 3, 1, 0, 4)
                  .find("geometry.groups: 4 must divide the input "
                        "channels (6) and out_channels (4)"),
              std::string::npos);
    EXPECT_NE(conv_error(4, 11, 1, 0, 1)
                  .find("geometry.kernel: window 11x11 (dilation 1x1) "
                        "larger than the padded input [1,8,8,6]"),
              std::string::npos);
    const std::string pool = error_of([] {
        graph_builder b("t");
        b.finish({b.max_pool(b.input("in", {1, 8, 8, 6}), "p", 2, 2, 2)});
    });
    EXPECT_NE(pool.find("node 'p' (max_pool): geometry.pad: padding must be smaller than the "
                        "kernel"),
              std::string::npos)
        << pool;
}

TEST(net_graph, structural_errors) {
    EXPECT_NE(error_of([] {
                  graph_builder b("t");
                  const std::string in = b.input("in", {1, 8, 8, 3});
                  b.activation(in, "a", act_kind::relu);
                  b.activation(in, "a", act_kind::relu);
                  b.finish({"a"});
              }).find("node 'a' (activation): name: used by another node"),
              std::string::npos);
    EXPECT_NE(error_of([] {
                  graph_builder b("t");
                  b.input("in", {1, 8, 8, 3});
                  b.finish({"nowhere"});
              }).find("outputs: tensor 'nowhere' is produced by no node"),
              std::string::npos);
    EXPECT_NE(error_of([] {
                  graph_builder b("t");
                  b.input("in", {1, 0, 8, 3});
                  b.finish({b.activation("in", "a", act_kind::relu)});
              }).find("input 'in': shape [1,0,8,3]: expected every dimension >= 1"),
              std::string::npos);
    EXPECT_NE(error_of([] {
                  graph_builder b("t");
                  const std::string in = b.input("in", {1, 8, 8, 3});
                  node r;
                  r.name = "r";
                  r.op = op_type::reshape;
                  r.inputs = {in};
                  r.target = {1, 1, 1, 100};
                  b.finish({b.add_node(r)});
              })
                  .find("node 'r' (reshape): target: [1,1,1,100] holds 100 elements, input "
                        "[1,8,8,3] holds 192"),
              std::string::npos);
    EXPECT_NE(error_of([] {
                  graph g("t");
                  g.add_input("in", {1, 8, 8, 3});
                  g.add_output("in");
                  g.tensor("in");  // not validated yet
              }).find("validate() the graph first"),
              std::string::npos);
}

}  // namespace
