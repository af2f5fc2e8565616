// Rank-5 and rank-6 tensors (sw/onnx/layout.h): stored with their leading
// dims folded into n, so reshapes, element-wise ops, ops along the last three
// axes and transposes that reduce to four axes run; an op along a folded axis
// is refused by name. Expected values are computed here by index arithmetic.
#include <gtest/gtest.h>

#include "sw/compiler/reference.h"
#include "sw/onnx/check_importer.h"
#include "tests/sw/onnx/onnx_test_util.h"

namespace nnvp::onnx_import {
namespace {

onnx_tensor ramp(const std::string& name, const std::vector<int64_t>& dims) {
    std::vector<float> v;
    int64_t n = 1;
    for (int64_t d : dims)
        n *= d;
    for (int64_t i = 0; i < n; ++i)
        v.push_back(static_cast<float>(i) * 0.5f - 3.0f);
    return from_proto(test::float_tensor(name, dims, v), name + ".pb");
}

// The graph's outputs for input X, as ONNX values.
std::vector<onnx_tensor> run(const onnx::ModelProto& m, const onnx_tensor& x) {
    const check_network cn = import_for_check(m, {{"X", x}}, "m.onnx");
    const std::vector<nn::tensor> all =
        compiler::reference_run(cn.net, {to_package(cn.inputs.at(0), x)});
    std::vector<onnx_tensor> r = {
        from_package(cn.output, all[static_cast<std::size_t>(cn.net.output_index())])};
    for (const port& p : cn.extra_outputs)
        r.push_back(from_package(p, all[static_cast<std::size_t>(p.tensor)]));
    return r;
}

// A ShuffleNet channel shuffle: [1, 6, 2, 3] -> [1, 2, 3, 2, 3] -> swap the
// group axes -> [1, 6, 2, 3]; and beside it a rank-6 Unsqueeze of the rank-5
// value with an Add broadcast over the last axis.
TEST(HighRank, ChannelShuffleAndRank6ElementWise) {
    onnx::ModelProto m = test::new_model();
    onnx::GraphProto* g = m.mutable_graph();
    test::add_value_info(g->add_input(), "X", {1, 6, 2, 3});
    *g->add_initializer() = test::int64_tensor("split_shape", {5}, {1, 2, 3, 2, 3});
    *g->add_initializer() = test::int64_tensor("back_shape", {4}, {1, 6, 2, 3});
    *g->add_initializer() = test::int64_tensor("axes", {1}, {0});
    *g->add_initializer() = test::float_tensor("bias", {3}, {10, 20, 30});
    test::add_node(g, "Reshape", {"X", "split_shape"}, {"g"}, "split");
    test::set_ints(test::add_node(g, "Transpose", {"g"}, {"t"}, "shuffle"), "perm",
                   {0, 2, 1, 3, 4});
    test::add_node(g, "Reshape", {"t", "back_shape"}, {"Y"}, "merge");
    test::add_node(g, "Unsqueeze", {"g", "axes"}, {"u"}, "unsqueeze");
    test::add_node(g, "Add", {"u", "bias"}, {"Z"}, "add");
    test::add_value_info(g->add_output(), "Y", {1, 6, 2, 3});
    test::add_value_info(g->add_output(), "Z", {1, 1, 2, 3, 2, 3});
    const onnx_tensor x = ramp("X", {1, 6, 2, 3});
    const std::vector<onnx_tensor> out = run(m, x);
    ASSERT_EQ(out.size(), 2u);
    ASSERT_EQ(out[0].dims, (std::vector<int64_t>{1, 6, 2, 3}));
    // Output channel c = j * 2 + i reads input channel i * 3 + j (i < 2, j < 3).
    for (int i = 0; i < 2; ++i)
        for (int j = 0; j < 3; ++j)
            for (int k = 0; k < 6; ++k)
                EXPECT_EQ(out[0].value(static_cast<std::size_t>((j * 2 + i) * 6 + k)),
                          x.value(static_cast<std::size_t>((i * 3 + j) * 6 + k)))
                    << i << j << k;
    ASSERT_EQ(out[1].dims, (std::vector<int64_t>{1, 1, 2, 3, 2, 3}));
    for (std::size_t e = 0; e < 36; ++e)
        EXPECT_EQ(out[1].value(e), x.value(e) + 10.0 * static_cast<double>(e % 3 + 1)) << e;
}

// Along the last axis of a rank-5 tensor a reduction runs; a
// reduction along a folded axis is refused, naming the node and the axis.
TEST(HighRank, LastAxesRunFoldedAxesAreRefused) {
    onnx::ModelProto m = test::new_model();
    onnx::GraphProto* g = m.mutable_graph();
    test::add_value_info(g->add_input(), "X", {2, 2, 1, 2, 3});
    *g->add_initializer() = test::int64_tensor("axes", {1}, {-1});
    test::add_node(g, "ReduceSum", {"X", "axes"}, {"Y"}, "sum");
    test::add_value_info(g->add_output(), "Y", {2, 2, 1, 2, 1});
    const onnx_tensor x = ramp("X", {2, 2, 1, 2, 3});
    const std::vector<onnx_tensor> out = run(m, x);
    ASSERT_EQ(out[0].dims, (std::vector<int64_t>{2, 2, 1, 2, 1}));
    for (std::size_t r = 0; r < 8; ++r)
        EXPECT_DOUBLE_EQ(out[0].value(r), x.value(3 * r) + x.value(3 * r + 1) + x.value(3 * r + 2));

    m.mutable_graph()->mutable_initializer(0)->set_int64_data(0, 1);
    m.mutable_graph()->mutable_output(0)->mutable_type()->mutable_tensor_type()->mutable_shape()
        ->mutable_dim(1)->set_dim_value(1);
    try {
        run(m, x);
        FAIL() << "a reduction along a folded axis ran";
    } catch (const onnx_error& e) {
        EXPECT_EQ(std::string(e.what()),
                  "m.onnx: node 'sum' (ReduceSum): axis 1 of a rank-5 tensor: its first 2 dims "
                  "are stored as one, so ops along them are not supported");
    }
}

// Transposes of constants fold at import (GPT-2's head is the token table
// transposed): no CPU transpose is left, the product reads Wᵀ, and a rank-5
// constant folds through the same 4-axis reduction as a runtime value.
TEST(HighRank, ConstantTransposesFold) {
    onnx::ModelProto m = test::new_model();
    onnx::GraphProto* g = m.mutable_graph();
    test::add_value_info(g->add_input(), "X", {1, 2, 3});
    std::vector<float> w, c;
    for (int i = 0; i < 9; ++i)
        w.push_back(static_cast<float>(i + 1));
    for (int i = 0; i < 6; ++i)
        c.push_back(static_cast<float>(100 * (i + 1)));
    *g->add_initializer() = test::float_tensor("W", {3, 3}, w);
    *g->add_initializer() = test::float_tensor("C", {1, 1, 2, 1, 3}, c);
    *g->add_initializer() = test::int64_tensor("shape5", {5}, {1, 1, 3, 1, 2});
    test::set_ints(test::add_node(g, "Transpose", {"W"}, {"Wt"}, "w_t"), "perm", {1, 0});
    test::add_node(g, "MatMul", {"X", "Wt"}, {"Y"}, "head");
    test::set_ints(test::add_node(g, "Transpose", {"C"}, {"Ct"}, "c_t"), "perm", {0, 1, 4, 3, 2});
    test::add_node(g, "Reshape", {"X", "shape5"}, {"X5"}, "x5");
    test::add_node(g, "Add", {"X5", "Ct"}, {"Z"}, "add");
    test::add_value_info(g->add_output(), "Y", {1, 2, 3});
    test::add_value_info(g->add_output(), "Z", {1, 1, 3, 1, 2});
    const onnx_tensor x = ramp("X", {1, 2, 3});
    for (const compiler::net_op& op : import_for_check(m, {{"X", x}}, "m.onnx").net.ops)
        EXPECT_FALSE(op.type == compiler::op_type::cpu && op.cpu.k == cpuops::kind::transpose)
            << op.name;
    const std::vector<onnx_tensor> out = run(m, x);
    ASSERT_EQ(out.size(), 2u);
    for (int r = 0; r < 2; ++r)
        for (int o = 0; o < 3; ++o) {  // Y[r][o] = sum_k X[r][k] W[o][k]
            double want = 0;
            for (int k = 0; k < 3; ++k)
                want += x.value(static_cast<std::size_t>(r * 3 + k)) * w[static_cast<std::size_t>(o * 3 + k)];
            EXPECT_NEAR(out[0].value(static_cast<std::size_t>(r * 3 + o)), want, 1e-5) << r << o;
        }
    ASSERT_EQ(out[1].dims, (std::vector<int64_t>{1, 1, 3, 1, 2}));
    for (int i = 0; i < 3; ++i)
        for (int j = 0; j < 2; ++j) {  // Ct[i][j] = C[j][i]
            const auto e = static_cast<std::size_t>(i * 2 + j);
            EXPECT_EQ(out[1].value(e), x.value(e) + c[static_cast<std::size_t>(j * 3 + i)]) << e;
        }
}

}  // namespace
}  // namespace nnvp::onnx_import
