#include "sw/onnx/graph_importer.h"

#include <gtest/gtest.h>

#include "sw/onnx/model.h"
#include "tests/sw/onnx/conv_bn_model.h"

namespace nnvp::onnx_import {
namespace {

using test::conv_bn;

std::string import_error(const onnx::ModelProto& m) {
    try {
        import_graph(m, "m.onnx");
    } catch (const onnx_error& e) {
        return e.what();
    }
    return "no error";
}

TEST(GraphImporter, ConvBnReluFoldsBnAndFusesReluWithOhwiWeights) {
    const conv_bn cb;
    const net::graph g = import_graph(cb.model(), "m.onnx");
    ASSERT_EQ(g.inputs().size(), 1u);
    EXPECT_EQ(g.inputs()[0].shape, (nn::shape4{1, 3, 3, 2}));  // NCHW [1,2,3,3] -> NHWC
    ASSERT_EQ(g.nodes().size(), 1u);                           // BN folded, Relu fused
    const net::node& n = g.nodes()[0];
    EXPECT_EQ(n.op, net::op_type::conv2d);
    EXPECT_EQ(n.act.kind, ref::act_kind::relu);
    ASSERT_TRUE(n.has_bias);
    ASSERT_EQ(n.weights.shape(), (nn::shape4{2, 2, 2, 2}));  // OHWI
    for (int o = 0; o < 2; ++o) {
        for (int kh = 0; kh < 2; ++kh)
            for (int kw = 0; kw < 2; ++kw)
                for (int i = 0; i < 2; ++i)
                    EXPECT_FLOAT_EQ(n.weights.get_float(n.weights.index(o, kh, kw, i)),
                                    static_cast<float>(cb.folded_w(o, i, kh, kw)))
                        << o << kh << kw << i;
        EXPECT_NEAR(n.bias.get_float(static_cast<std::size_t>(o)), cb.folded_b(o), 1e-6);
    }
    EXPECT_EQ(g.tensor(g.outputs()[0]).shape, (nn::shape4{1, 2, 2, 2}));
}

// A BatchNormalization with no Conv to fold into (here on the graph input)
// becomes a depthwise 1x1 conv: y = x * s + (beta - mean * s) per channel,
// s = scale / sqrt(var + eps).
TEST(GraphImporter, BnWithoutAConvBecomesADepthwiseScaleAndShift) {
    const conv_bn cb;
    onnx::ModelProto m = test::new_model();
    onnx::GraphProto* g = m.mutable_graph();
    test::add_value_info(g->add_input(), "X", {1, 2, 3, 3});
    *g->add_initializer() = test::float_tensor("scale", {2}, cb.scale);
    *g->add_initializer() = test::float_tensor("beta", {2}, cb.beta);
    *g->add_initializer() = test::float_tensor("mean", {2}, cb.mean);
    *g->add_initializer() = test::float_tensor("var", {2}, cb.var);
    test::add_node(g, "BatchNormalization", {"X", "scale", "beta", "mean", "var"}, {"Y"}, "bn");
    test::add_value_info(g->add_output(), "Y", {1, 2, 3, 3});
    const net::graph ir = import_graph(m, "m.onnx");
    ASSERT_EQ(ir.nodes().size(), 1u);
    const net::node& n = ir.nodes()[0];
    EXPECT_EQ(n.op, net::op_type::conv2d);
    EXPECT_EQ(n.geo.groups, 2);
    EXPECT_EQ(n.geo.kernel_h, 1);
    EXPECT_EQ(n.out_channels, 2);
    ASSERT_EQ(n.weights.shape(), (nn::shape4{2, 1, 1, 1}));
    ASSERT_TRUE(n.has_bias);
    for (int o = 0; o < 2; ++o) {
        const double s = cb.scale[o] / std::sqrt(static_cast<double>(cb.var[o]) + 1e-5);
        EXPECT_NEAR(n.weights.get_float(static_cast<std::size_t>(o)), s, 1e-6);
        EXPECT_NEAR(n.bias.get_float(static_cast<std::size_t>(o)), cb.beta[o] - cb.mean[o] * s, 1e-6);
    }
    EXPECT_EQ(ir.tensor(ir.outputs()[0]).shape, (nn::shape4{1, 3, 3, 2}));
}

TEST(GraphImporter, FlattenThenGemmPermutesWeightsToNhwcOrder) {
    onnx::ModelProto m = test::new_model();
    onnx::GraphProto* g = m.mutable_graph();
    test::add_value_info(g->add_input(), "X", {1, 2, 1, 2});  // C=2, H=1, W=2
    // B [K=4, N=1]: column k of ONNX's CHW flatten gets weight k.
    *g->add_initializer() = test::float_tensor("B", {4, 1}, {0, 1, 2, 3});
    test::add_node(g, "Flatten", {"X"}, {"f"}, "flat");
    test::add_node(g, "Gemm", {"f", "B"}, {"Y"}, "fc");
    test::add_value_info(g->add_output(), "Y", {1, 1});
    const net::graph ir = import_graph(m, "m.onnx");
    const net::node& fc = ir.nodes()[1];
    // NHWC flatten order: (w0,c0) (w0,c1) (w1,c0) (w1,c1) = CHW 0, 2, 1, 3.
    EXPECT_FLOAT_EQ(fc.weights.get_float(0), 0.0f);
    EXPECT_FLOAT_EQ(fc.weights.get_float(1), 2.0f);
    EXPECT_FLOAT_EQ(fc.weights.get_float(2), 1.0f);
    EXPECT_FLOAT_EQ(fc.weights.get_float(3), 3.0f);
}

TEST(GraphImporter, ErrorsNameTheNodeAndTheField) {
    const conv_bn cb;
    onnx::ModelProto m = cb.model();
    m.mutable_graph()->mutable_node(2)->set_op_type("Foo");
    EXPECT_EQ(import_error(m), "m.onnx: node 'relu' (Foo): op Foo is not supported by nnvp");

    m = cb.model();
    test::set_string(m.mutable_graph()->mutable_node(0), "auto_pad", "FOO");
    EXPECT_EQ(import_error(m),
              "m.onnx: node 'conv' (Conv): auto_pad 'FOO': expected NOTSET, "
              "SAME_UPPER, SAME_LOWER or VALID");

    m = cb.model();
    test::set_int(m.mutable_graph()->mutable_node(0), "strides", 2);
    EXPECT_EQ(import_error(m),
              "m.onnx: node 'conv' (Conv): attribute 'strides': type INT, expected INTS");

    m = cb.model();
    test::set_int(m.mutable_graph()->mutable_node(0), "foo", 1);
    EXPECT_EQ(import_error(m),
              "m.onnx: node 'conv' (Conv): attribute 'foo' is not supported by nnvp");
}

TEST(ModelLoader, TruncatedFileAndMissingInitializer) {
    const conv_bn cb;
    const test::temp_file f("model.onnx");
    const std::string bytes = cb.model().SerializeAsString();
    f.write(bytes.substr(0, bytes.size() / 2));
    try {
        load_model(f.path);
        FAIL();
    } catch (const onnx_error& e) {
        EXPECT_EQ(std::string(e.what()),
                  f.path + ": not a valid ONNX model (truncated or corrupt protobuf)");
    }
    onnx::ModelProto m = cb.model();
    m.mutable_graph()->mutable_initializer()->DeleteSubrange(0, 1);  // W
    f.write(m.SerializeAsString());
    try {
        load_model(f.path);
        FAIL();
    } catch (const onnx_error& e) {
        EXPECT_EQ(std::string(e.what()),
                  f.path +
                      ": node 'conv' (Conv): input 'W' is neither a graph input, an "
                      "initializer nor the output of an earlier node");
    }
    EXPECT_THROW(load_model("/nonexistent/model.onnx"), onnx_error);
}

}  // namespace
}  // namespace nnvp::onnx_import
