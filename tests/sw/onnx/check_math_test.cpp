// import_for_check with the element-wise and reduction ops: a LayerNorm as
// older exporters decompose it, constant folding, a reduction over the NHWC
// layout of a conv output, ArgMax's INT64 output and the refusals.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

#include "sw/compiler/reference.h"
#include "sw/onnx/check_importer.h"
#include "tests/sw/onnx/onnx_test_util.h"

namespace nnvp::onnx_import {
namespace {

onnx_tensor host_output(const check_network& cn, const std::vector<onnx_tensor>& ins) {
    std::vector<nn::tensor> data;
    for (std::size_t i = 0; i < ins.size(); ++i)
        data.push_back(to_package(cn.inputs[i], ins[i]));
    const auto outs = compiler::reference_run(cn.net, data);
    return from_package(cn.output, outs[static_cast<std::size_t>(cn.net.output_index())]);
}

std::vector<float> ramp(int n, float step, float from) {
    std::vector<float> v;
    for (int i = 0; i < n; ++i)
        v.push_back(from + step * static_cast<float>(i * i % 7) + 0.1f * static_cast<float>(i));
    return v;
}

TEST(CheckMathOps, DecomposedLayerNormMatchesAHandComputation) {
    // y = (x - mean) / sqrt(mean((x - mean)^2) + eps) * gamma + beta over the
    // last axis of X [2, 3, 4], as opset-11 exporters write LayerNorm.
    onnx::ModelProto m = test::new_model(11);
    onnx::GraphProto* g = m.mutable_graph();
    test::add_value_info(g->add_input(), "X", {2, 3, 4});
    const std::vector<float> gamma = {1.0f, 0.5f, -2.0f, 3.0f}, beta = {0.0f, 1.0f, 2.0f, -1.0f};
    *g->add_initializer() = test::float_tensor("two", {}, {2.0f});
    *g->add_initializer() = test::float_tensor("eps", {}, {1e-5f});
    *g->add_initializer() = test::float_tensor("gamma", {4}, gamma);
    *g->add_initializer() = test::float_tensor("beta", {4}, beta);
    test::set_ints(test::add_node(g, "ReduceMean", {"X"}, {"mean"}, "mean"), "axes", {-1});
    test::add_node(g, "Sub", {"X", "mean"}, {"d"}, "sub");
    test::add_node(g, "Pow", {"d", "two"}, {"d2"}, "pow");
    test::set_ints(test::add_node(g, "ReduceMean", {"d2"}, {"var"}, "var"), "axes", {-1});
    test::add_node(g, "Add", {"var", "eps"}, {"ve"}, "add_eps");
    test::add_node(g, "Sqrt", {"ve"}, {"sd"}, "sqrt");
    test::add_node(g, "Div", {"d", "sd"}, {"n"}, "div");
    test::add_node(g, "Mul", {"n", "gamma"}, {"s"}, "scale");
    test::add_node(g, "Add", {"s", "beta"}, {"Y"}, "shift");
    test::add_value_info(g->add_output(), "Y", {2, 3, 4});
    const std::vector<float> xv = ramp(24, 0.75f, -2.0f);
    const onnx_tensor x = from_proto(test::float_tensor("X", {2, 3, 4}, xv), "x.pb");
    const check_network cn = import_for_check(m, {{"X", x}}, "ln.onnx");
    const onnx_tensor y = host_output(cn, {x});
    ASSERT_EQ(y.dims, (std::vector<int64_t>{2, 3, 4}));
    for (int row = 0; row < 6; ++row) {
        double mean = 0, var = 0;
        for (int k = 0; k < 4; ++k)
            mean += xv[static_cast<std::size_t>(row * 4 + k)] / 4.0;
        for (int k = 0; k < 4; ++k)
            var += std::pow(xv[static_cast<std::size_t>(row * 4 + k)] - mean, 2) / 4.0;
        for (int k = 0; k < 4; ++k) {
            const std::size_t i = static_cast<std::size_t>(row * 4 + k);
            const double want = (xv[i] - mean) / std::sqrt(var + 1e-5) * gamma[k] + beta[k];
            EXPECT_NEAR(y.value(i), want, 1e-5) << "row " << row << " element " << k;
        }
    }
}

TEST(CheckMathOps, LayerNormalizationGivesItsThreeOutputs) {
    // X [2, 4], axis -1: Y, Mean [2, 1], InvStdDev [2, 1] as graph outputs 0..2.
    onnx::ModelProto m = test::new_model(17);
    onnx::GraphProto* g = m.mutable_graph();
    test::add_value_info(g->add_input(), "X", {2, 4});
    *g->add_initializer() = test::float_tensor("S", {4}, {1, 2, 1, 2});
    *g->add_initializer() = test::float_tensor("B", {4}, {0, 0, 1, 1});
    test::add_node(g, "LayerNormalization", {"X", "S", "B"}, {"Y", "M", "R"}, "ln");
    test::add_value_info(g->add_output(), "Y", {2, 4});
    test::add_value_info(g->add_output(), "M", {2, 1});
    test::add_value_info(g->add_output(), "R", {2, 1});
    const std::vector<float> xv = {1, 2, 3, 4, -1, -1, 3, 3};
    const onnx_tensor x = from_proto(test::float_tensor("X", {2, 4}, xv), "x.pb");
    const check_network cn = import_for_check(m, {{"X", x}}, "ln17.onnx");
    ASSERT_EQ(cn.extra_outputs.size(), 2u);
    EXPECT_EQ(cn.extra_outputs[0].name, "M");
    EXPECT_EQ(cn.extra_outputs[1].name, "R");
    EXPECT_TRUE(std::is_sorted(cn.net.extra_outputs.begin(), cn.net.extra_outputs.end()));
    const auto all = compiler::reference_run(cn.net, {to_package(cn.inputs[0], x)});
    const auto out = [&](const port& p) {
        return from_package(p, all[static_cast<std::size_t>(p.tensor)]);
    };
    const onnx_tensor mean = out(cn.extra_outputs[0]), inv = out(cn.extra_outputs[1]);
    const onnx_tensor y = out(cn.output);
    EXPECT_FLOAT_EQ(mean.value(0), 2.5f);
    EXPECT_FLOAT_EQ(mean.value(1), 1.0f);
    EXPECT_NEAR(inv.value(0), 1.0 / std::sqrt(1.25 + 1e-5), 1e-6);  // var of 1..4 = 1.25
    EXPECT_NEAR(inv.value(1), 1.0 / std::sqrt(4.0 + 1e-5), 1e-6);
    EXPECT_NEAR(y.value(3), (4 - 2.5) / std::sqrt(1.25 + 1e-5) * 2 + 1, 1e-5);
}

TEST(CheckMathOps, ConstantOperandsAreFoldedAtImport) {
    // (A - B) * X with A, B initializers: the Sub is computed here, only the Mul runs.
    onnx::ModelProto m = test::new_model();
    onnx::GraphProto* g = m.mutable_graph();
    test::add_value_info(g->add_input(), "X", {1, 3});
    *g->add_initializer() = test::float_tensor("A", {3}, {5, 6, 7});
    *g->add_initializer() = test::float_tensor("B", {3}, {1, 2, 10});
    test::add_node(g, "Sub", {"A", "B"}, {"C"}, "folded");
    test::add_node(g, "Mul", {"C", "X"}, {"Y"}, "mul");
    test::add_value_info(g->add_output(), "Y", {1, 3});
    const onnx_tensor x = from_proto(test::float_tensor("X", {1, 3}, {1, 2, 3}), "x.pb");
    const check_network cn = import_for_check(m, {{"X", x}}, "fold.onnx");
    ASSERT_EQ(cn.net.ops.size(), 1u);
    EXPECT_EQ(cn.net.ops[0].name, "mul");
    const onnx_tensor y = host_output(cn, {x});
    EXPECT_FLOAT_EQ(y.value(0), 4.0f);
    EXPECT_FLOAT_EQ(y.value(1), 8.0f);
    EXPECT_FLOAT_EQ(y.value(2), -9.0f);
}

TEST(CheckMathOps, ShapeSubgraphsFoldToConstants) {
    // As PyTorch exports x.reshape(x.shape[0], -1) * (1 + range): Shape,
    // Gather, Unsqueeze, Concat, integer Mul / Div, Range and ConstantOfShape
    // are all computed at import; only the reshape, add and mul run.
    onnx::ModelProto m = test::new_model(13);
    onnx::GraphProto* g = m.mutable_graph();
    test::add_value_info(g->add_input(), "X", {2, 3, 4});
    *g->add_initializer() = test::int64_tensor("zero", {}, {0});
    *g->add_initializer() = test::int64_tensor("axes0", {1}, {0});
    *g->add_initializer() = test::int64_tensor("six", {1}, {6});
    *g->add_initializer() = test::int64_tensor("two", {1}, {2});
    *g->add_initializer() = test::float_tensor("r0", {}, {0.0f});
    *g->add_initializer() = test::float_tensor("r1", {}, {12.0f});
    *g->add_initializer() = test::float_tensor("r2", {}, {1.0f});
    test::add_node(g, "Shape", {"X"}, {"s"}, "shape");
    test::add_node(g, "Gather", {"s", "zero"}, {"batch"}, "batch");
    test::add_node(g, "Unsqueeze", {"batch", "axes0"}, {"b1"}, "unsqueeze");
    test::add_node(g, "Mul", {"six", "two"}, {"twelve"}, "mul_dims");  // INT64 arithmetic
    test::add_node(g, "Div", {"twelve", "two"}, {"half"}, "div_dims");
    test::add_node(g, "Mul", {"half", "two"}, {"cols"}, "cols");
    test::set_int(test::add_node(g, "Concat", {"b1", "cols"}, {"target"}, "target"), "axis", 0);
    test::add_node(g, "Reshape", {"X", "target"}, {"flat"}, "reshape");
    test::add_node(g, "Range", {"r0", "r1", "r2"}, {"ramp"}, "ramp");
    test::add_node(g, "Shape", {"ramp"}, {"rs"}, "ramp_shape");
    onnx::NodeProto* ones = test::add_node(g, "ConstantOfShape", {"rs"}, {"ones"}, "ones");
    auto* val = ones->add_attribute();
    val->set_name("value");
    val->set_type(onnx::AttributeProto::TENSOR);
    *val->mutable_t() = test::float_tensor("v", {1}, {1.0f});
    test::add_node(g, "Add", {"ramp", "ones"}, {"scale"}, "scale");
    test::add_node(g, "Mul", {"flat", "scale"}, {"Y"}, "apply");
    test::add_value_info(g->add_output(), "Y", {2, 12});
    std::vector<float> xv(24);
    for (std::size_t i = 0; i < 24; ++i)
        xv[i] = static_cast<float>(i) * 0.5f;
    const onnx_tensor x = from_proto(test::float_tensor("X", {2, 3, 4}, xv), "x.pb");
    const check_network cn = import_for_check(m, {{"X", x}}, "shapes.onnx");
    ASSERT_EQ(cn.net.ops.size(), 2u);  // the reshape and the mul
    EXPECT_EQ(cn.net.ops[0].name, "reshape");
    const onnx_tensor y = host_output(cn, {x});
    ASSERT_EQ(y.dims, (std::vector<int64_t>{2, 12}));
    for (std::size_t i = 0; i < 24; ++i)
        EXPECT_FLOAT_EQ(y.value(i), xv[i] * static_cast<float>(i % 12 + 1)) << i;
}

TEST(CheckMathOps, ReduceMeanOverTheSpatialAxesOfAConvOutput) {
    // X [1,2,2,2] -> 1x1 Conv (identity weights, NHWC layout) -> ReduceMean
    // over H, W without keepdims -> Y [1, 2]: the per-channel means of X.
    onnx::ModelProto m = test::new_model();
    onnx::GraphProto* g = m.mutable_graph();
    test::add_value_info(g->add_input(), "X", {1, 2, 2, 2});
    *g->add_initializer() = test::float_tensor("W", {2, 2, 1, 1}, {1, 0, 0, 1});
    test::add_node(g, "Conv", {"X", "W"}, {"c"}, "conv");
    onnx::NodeProto* r = test::add_node(g, "ReduceMean", {"c"}, {"Y"}, "gap");
    test::set_ints(r, "axes", {2, 3});
    test::set_int(r, "keepdims", 0);
    test::add_value_info(g->add_output(), "Y", {1, 2});
    const onnx_tensor x =
        from_proto(test::float_tensor("X", {1, 2, 2, 2}, {1, 2, 3, 4, 10, 20, 30, 40}), "x.pb");
    const check_network cn = import_for_check(m, {{"X", x}}, "gap.onnx");
    const onnx_tensor y = host_output(cn, {x});
    ASSERT_EQ(y.dims, (std::vector<int64_t>{1, 2}));
    EXPECT_FLOAT_EQ(y.value(0), 2.5f);
    EXPECT_FLOAT_EQ(y.value(1), 25.0f);
}

TEST(CheckMathOps, ArgMaxGivesInt64Indices) {
    onnx::ModelProto m = test::new_model();
    onnx::GraphProto* g = m.mutable_graph();
    test::add_value_info(g->add_input(), "X", {2, 3});
    onnx::NodeProto* n = test::add_node(g, "ArgMax", {"X"}, {"Y"}, "argmax");
    test::set_int(n, "axis", 1);
    test::set_int(n, "keepdims", 0);
    test::add_value_info(g->add_output(), "Y", {2}, onnx::TensorProto::INT64);
    const onnx_tensor x = from_proto(test::float_tensor("X", {2, 3}, {1, 9, 3, 7, 2, 7}), "x.pb");
    const check_network cn = import_for_check(m, {{"X", x}}, "argmax.onnx");
    const onnx_tensor y = host_output(cn, {x});
    EXPECT_EQ(y.elem_type, onnx::TensorProto::INT64);
    ASSERT_EQ(y.dims, (std::vector<int64_t>{2}));
    EXPECT_EQ(y.int_value(0), 1);
    EXPECT_EQ(y.int_value(1), 0);  // the first of equal maxima
}

TEST(CheckMathOps, IntegerArithmeticAndRepeatedAxesAreRefusedByName) {
    onnx::ModelProto m = test::new_model();
    onnx::GraphProto* g = m.mutable_graph();
    test::add_value_info(g->add_input(), "X", {3}, onnx::TensorProto::INT32);
    test::add_node(g, "Sub", {"X", "X"}, {"Y"}, "minus");
    test::add_value_info(g->add_output(), "Y", {3}, onnx::TensorProto::INT32);
    onnx::TensorProto xi;
    xi.set_name("X");
    xi.set_data_type(onnx::TensorProto::INT32);
    xi.add_dims(3);
    for (int v : {1, 2, 3})
        xi.add_int32_data(v);
    try {
        import_for_check(m, {{"X", from_proto(xi, "x.pb")}}, "int.onnx");
        FAIL() << "no error";
    } catch (const onnx_error& e) {
        EXPECT_NE(std::string(e.what()).find(
                      "int.onnx: node 'minus' (Sub): inputs are INT32 and INT32: expected FLOAT"),
                  std::string::npos)
            << e.what();
    }
    onnx::ModelProto r = test::new_model();
    onnx::GraphProto* rg = r.mutable_graph();
    test::add_value_info(rg->add_input(), "X", {2, 2});
    test::set_ints(test::add_node(rg, "ReduceMax", {"X"}, {"Y"}, "rmax"), "axes", {1, -1});
    test::add_value_info(rg->add_output(), "Y", {2, 1});
    const onnx_tensor x = from_proto(test::float_tensor("X", {2, 2}, {1, 2, 3, 4}), "x.pb");
    EXPECT_THROW(import_for_check(r, {{"X", x}}, "r.onnx"), onnx_error);
}

}  // namespace
}  // namespace nnvp::onnx_import
