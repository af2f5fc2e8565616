#include "sw/onnx/check_importer.h"

#include <gtest/gtest.h>

#include "sw/compiler/reference.h"
#include "tests/sw/onnx/conv_bn_model.h"

namespace nnvp::onnx_import {
namespace {

using test::conv_bn;

// The network's output computed by the host reference executor.
nn::tensor host_run(const compiler::network& net, const std::vector<nn::tensor>& inputs) {
    return compiler::reference_run(net, inputs)[static_cast<std::size_t>(net.output_index())];
}

onnx_tensor x_value() {
    std::vector<float> x;
    for (int i = 0; i < 18; ++i)
        x.push_back(0.25f * static_cast<float>(i) - 2.0f);
    return from_proto(test::float_tensor("X", {1, 2, 3, 3}, x), "x.pb");
}

TEST(CheckImporter, ConvBnReluRunsAndMatchesAHandComputedResult) {
    const conv_bn cb;
    const onnx_tensor x = x_value();
    const check_network cn = import_for_check(cb.model(), {{"X", x}}, "m.onnx");
    ASSERT_EQ(cn.net.ops.size(), 1u);  // conv with BN folded and the Relu fused
    const compiler::net_op& conv = cn.net.ops[0];
    EXPECT_EQ(conv.layer.op, ref::op_kind::conv2d);
    EXPECT_EQ(conv.layer.prec, ref::precision::fp32);
    for (int o = 0; o < 2; ++o)
        for (int kh = 0; kh < 2; ++kh)
            for (int kw = 0; kw < 2; ++kw)
                for (int i = 0; i < 2; ++i)
                    EXPECT_FLOAT_EQ(conv.weights->get_float(conv.weights->index(o, kh, kw, i)),
                                    static_cast<float>(cb.folded_w(o, i, kh, kw)));
    EXPECT_EQ(conv.layer.act.kind, ref::act_kind::relu);
    ASSERT_EQ(cn.inputs.size(), 1u);
    EXPECT_EQ(cn.inputs[0].lay, layout::nhwc);

    const nn::tensor out = host_run(cn.net, {to_package(cn.inputs[0], x)});
    const onnx_tensor y = from_package(cn.output, out);
    ASSERT_EQ(y.dims, (std::vector<int64_t>{1, 2, 2, 2}));
    for (int o = 0; o < 2; ++o)
        for (int oh = 0; oh < 2; ++oh)
            for (int ow = 0; ow < 2; ++ow) {
                double acc = cb.b[o];
                for (int i = 0; i < 2; ++i)
                    for (int kh = 0; kh < 2; ++kh)
                        for (int kw = 0; kw < 2; ++kw)
                            acc +=
                                cb.wv(o, i, kh, kw) *
                                x.value(static_cast<std::size_t>((i * 3 + oh + kh) * 3 + ow + kw));
                const double bn = (acc - cb.mean[o]) * cb.s(o) + cb.beta[o];
                EXPECT_NEAR(y.value(static_cast<std::size_t>((o * 2 + oh) * 2 + ow)),
                            std::max(0.0, bn), 1e-5);
            }
}

// The Relu stays its own step when the conv's output is read elsewhere too
// (here: a graph output), so that value keeps its pre-activation numbers.
TEST(CheckImporter, ActivationStaysApartWhenItsInputIsReadElsewhere) {
    const conv_bn cb;
    onnx::ModelProto m = cb.model();
    test::add_value_info(m.mutable_graph()->add_output(), "bn", {1, 2, 2, 2});
    const check_network cn = import_for_check(m, {{"X", x_value()}}, "m.onnx");
    ASSERT_EQ(cn.net.ops.size(), 2u);
    EXPECT_EQ(cn.net.ops[0].layer.act.kind, ref::act_kind::none);
    EXPECT_EQ(cn.net.ops[1].layer.op, ref::op_kind::activation);
    EXPECT_EQ(cn.net.ops[1].layer.act.kind, ref::act_kind::relu);
}

TEST(CheckImporter, GraphInputsFeedingParameterSlotsBecomeConstants) {
    // Conv whose weights are a graph input (as the ONNX node tests give them).
    onnx::ModelProto m = test::new_model();
    onnx::GraphProto* g = m.mutable_graph();
    test::add_value_info(g->add_input(), "X", {1, 1, 2, 2});
    test::add_value_info(g->add_input(), "W", {1, 1, 1, 1});
    test::add_node(g, "Conv", {"X", "W"}, {"Y"}, "conv");
    test::add_value_info(g->add_output(), "Y", {1, 1, 2, 2});
    const onnx_tensor x = from_proto(test::float_tensor("X", {1, 1, 2, 2}, {1, 2, 3, 4}), "x");
    const onnx_tensor w = from_proto(test::float_tensor("W", {1, 1, 1, 1}, {-2}), "w");
    const check_network cn = import_for_check(m, {{"X", x}, {"W", w}}, "m.onnx");
    ASSERT_EQ(cn.inputs.size(), 1u);
    EXPECT_EQ(cn.inputs[0].name, "X");
    const onnx_tensor y = from_package(cn.output, host_run(cn.net, {to_package(cn.inputs[0], x)}));
    EXPECT_FLOAT_EQ(y.value(3), -8.0f);
}

// Opset 18's num_outputs splits 7 values as 3, 3, 1 (the last part smaller);
// parts that do not add up to the axis are refused.
TEST(CheckImporter, SplitByNumOutputsAndBadParts) {
    onnx::ModelProto m = test::new_model(18);
    onnx::GraphProto* g = m.mutable_graph();
    test::add_value_info(g->add_input(), "X", {7});
    test::set_int(test::add_node(g, "Split", {"X"}, {"A", "B", "C"}, "split"), "num_outputs", 3);
    for (const auto& [name, n] : {std::pair{"A", 3}, {"B", 3}, {"C", 1}})
        test::add_value_info(g->add_output(), name, {n});
    const onnx_tensor x =
        from_proto(test::float_tensor("X", {7}, {0, 1, 2, 3, 4, 5, 6}), "x");
    const check_network cn = import_for_check(m, {{"X", x}}, "m.onnx");
    const std::vector<nn::tensor> all = compiler::reference_run(cn.net, {to_package(cn.inputs[0], x)});
    const onnx_tensor b = from_package(cn.extra_outputs.at(0), all[static_cast<std::size_t>(cn.extra_outputs[0].tensor)]);
    const onnx_tensor c = from_package(cn.extra_outputs.at(1), all[static_cast<std::size_t>(cn.extra_outputs[1].tensor)]);
    EXPECT_EQ(b.dims, (std::vector<int64_t>{3}));
    EXPECT_EQ(b.value(0), 3.0);
    EXPECT_EQ(c.dims, (std::vector<int64_t>{1}));
    EXPECT_EQ(c.value(0), 6.0);

    onnx::ModelProto bad = test::new_model(13);
    g = bad.mutable_graph();
    test::add_value_info(g->add_input(), "X", {7});
    *g->add_initializer() = test::int64_tensor("parts", {2}, {3, 3});
    test::add_node(g, "Split", {"X", "parts"}, {"A", "B"}, "split");
    test::add_value_info(g->add_output(), "A", {3});
    try {
        import_for_check(bad, {{"X", x}}, "m.onnx");
        FAIL();
    } catch (const onnx_error& e) {
        EXPECT_STREQ(e.what(), "m.onnx: node 'split' (Split): split: 2 parts of 6 in all, "
                               "expected 2 parts of 7");
    }
}

// Conv1d on [N, C, L] (as speech models write it) runs as the 2-D conv over
// [N, C, 1, L]: y[i] = x[i-1] - x[i+1] with one zero of padding each side.
TEST(CheckImporter, Conv1dRunsAsItsTwoDimensionalForm) {
    onnx::ModelProto m = test::new_model(13);
    onnx::GraphProto* g = m.mutable_graph();
    test::add_value_info(g->add_input(), "X", {1, 1, 5});
    *g->add_initializer() = test::float_tensor("W", {1, 1, 3}, {1, 0, -1});
    onnx::NodeProto* conv = test::add_node(g, "Conv", {"X", "W"}, {"Y"}, "conv1d");
    test::set_ints(conv, "pads", {1, 1});
    test::set_ints(conv, "kernel_shape", {3});
    test::add_value_info(g->add_output(), "Y", {1, 1, 5});
    const onnx_tensor x = from_proto(test::float_tensor("X", {1, 1, 5}, {1, 2, 3, 4, 5}), "x");
    const check_network cn = import_for_check(m, {{"X", x}}, "m.onnx");
    const onnx_tensor y = from_package(cn.output, host_run(cn.net, {to_package(cn.inputs[0], x)}));
    ASSERT_EQ(y.dims, (std::vector<int64_t>{1, 1, 5}));
    const double want[] = {-2, -2, -2, -2, 4};
    for (std::size_t i = 0; i < 5; ++i)
        EXPECT_EQ(y.value(i), want[i]) << i;
    conv->mutable_attribute(0)->add_ints(1);  // pads {1, 1, 1}: not a 1-D window's
    try {
        import_for_check(m, {{"X", x}}, "m.onnx");
        FAIL();
    } catch (const onnx_error& e) {
        EXPECT_STREQ(e.what(),
                     "m.onnx: node 'conv1d' (Conv): pads: expected 2 values for a 1-D window");
    EXPECT_EQ(conv->attribute(0).name(), "pads");
    }
}

TEST(CheckImporter, UnknownOpAndMissingValueAreNamed) {
    const conv_bn cb;
    onnx::ModelProto m = cb.model();
    m.mutable_graph()->mutable_node(2)->set_op_type("Foo");
    try {
        import_for_check(m, {{"X", x_value()}}, "m.onnx");
        FAIL();
    } catch (const onnx_error& e) {
        EXPECT_STREQ(e.what(), "m.onnx: node 'relu' (Foo): op Foo is not supported by nnvp");
    }
    try {
        import_for_check(cb.model(), {}, "m.onnx");
        FAIL();
    } catch (const onnx_error& e) {
        EXPECT_STREQ(e.what(),
                     "m.onnx: graph input 'X': no value given (expected an input_<k>.pb)");
    }
}

TEST(CheckImporter, Uint8IsInt8WithOffset128Exactly) {
    // MaxPool on uint8: stored as int8 (value - 128), max commutes with the offset.
    onnx::ModelProto m = test::new_model();
    onnx::GraphProto* g = m.mutable_graph();
    test::add_value_info(g->add_input(), "X", {1, 1, 1, 2}, onnx::TensorProto::UINT8);
    onnx::NodeProto* n = test::add_node(g, "MaxPool", {"X"}, {"Y"}, "pool");
    test::set_ints(n, "kernel_shape", {1, 2});
    test::add_value_info(g->add_output(), "Y", {1, 1, 1, 1}, onnx::TensorProto::UINT8);
    onnx::TensorProto xp;
    xp.set_data_type(onnx::TensorProto::UINT8);
    for (int64_t d : {1, 1, 1, 2})
        xp.add_dims(d);
    xp.add_int32_data(255);
    xp.add_int32_data(3);
    const onnx_tensor x = from_proto(xp, "x");
    const check_network cn = import_for_check(m, {{"X", x}}, "m.onnx");
    const nn::tensor in = to_package(cn.inputs[0], x);
    EXPECT_EQ(in.type(), nn::dtype::int8);
    EXPECT_EQ(in.get_int(0), 127);
    EXPECT_EQ(in.get_int(1), -125);
    const onnx_tensor y = from_package(cn.output, host_run(cn.net, {in}));
    EXPECT_EQ(y.int_value(0), 255);
}

}  // namespace
}  // namespace nnvp::onnx_import
