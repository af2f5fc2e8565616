// Import-time fusion: the decomposed GELU, HardSwish and LayerNorm forms
// exporters write become one node; a value read elsewhere blocks it; the
// fused model computes what the decomposed one did (reference executor).
#include <gtest/gtest.h>

#include <cmath>
#include <functional>

#include "sw/compiler/reference.h"
#include "sw/onnx/check_importer.h"
#include "sw/onnx/fuse_patterns.h"
#include "tests/sw/onnx/onnx_test_util.h"

using namespace nnvp;
using namespace nnvp::onnx_import;
namespace t = nnvp::test;

namespace {

void scalar(onnx::GraphProto* g, const std::string& name, float v) {
    *g->add_initializer() = t::float_tensor(name, {}, {v});
}

// X [1, 4] -> ... -> Y [1, 4], the graph built by `body`.
template <typename Body>
onnx::ModelProto model(Body body) {
    onnx::ModelProto m = t::new_model(13);
    onnx::GraphProto* g = m.mutable_graph();
    t::add_value_info(g->add_input(), "X", {1, 4});
    body(g);
    t::add_value_info(g->add_output(), "Y", {1, 4});
    return m;
}

std::vector<std::string> ops(const onnx::ModelProto& m) {
    std::vector<std::string> r;
    for (const auto& n : m.graph().node())
        r.push_back(n.op_type());
    return r;
}

// Y for X = {-2, -0.5, 0.5, 3} on the host reference executor.
std::vector<float> run(const onnx::ModelProto& m) {
    std::map<std::string, onnx_tensor> bound;
    bound["X"] = from_proto(t::float_tensor("X", {1, 4}, {-2, -0.5f, 0.5f, 3}), "X");
    const check_network cn = import_for_check(m, bound, "model.onnx");
    const std::vector<nn::tensor> all =
        compiler::reference_run(cn.net, {to_package(cn.inputs[0], bound["X"])});
    const nn::tensor& y = all[static_cast<std::size_t>(cn.output.tensor)];
    std::vector<float> r;
    for (std::size_t i = 0; i < y.size(); ++i)
        r.push_back(y.get_float(i));
    return r;
}

void gelu_body(onnx::GraphProto* g) {
    scalar(g, "sqrt2", 1.4142135f);
    scalar(g, "one", 1.0f);
    scalar(g, "half", 0.5f);
    t::add_node(g, "Div", {"X", "sqrt2"}, {"a"}, "div");
    t::add_node(g, "Erf", {"a"}, {"b"}, "erf");
    t::add_node(g, "Add", {"b", "one"}, {"c"}, "add");
    t::add_node(g, "Mul", {"X", "c"}, {"d"}, "mul");
    t::add_node(g, "Mul", {"d", "half"}, {"Y"}, "gelu");
}

}  // namespace

TEST(fuse_patterns, gelu_as_torch_writes_it) {
    onnx::ModelProto m = model(gelu_body);
    const std::vector<float> before = run(m);
    const std::vector<fusion> f = fuse_patterns(m);
    ASSERT_EQ(f.size(), 1u);
    EXPECT_EQ(to_string(f[0]), "GELU 'gelu' from 5 nodes (Div, Erf, Add, Mul, Mul)");
    EXPECT_EQ(ops(m), (std::vector<std::string>{"Gelu"}));
    const std::vector<float> after = run(m);
    for (std::size_t i = 0; i < 4; ++i)
        EXPECT_NEAR(after[i], before[i], 1e-6f) << i;
    EXPECT_NEAR(after[3], 3 * 0.5 * (1 + std::erf(3 / std::sqrt(2.0))), 1e-6);
}

// The other form: x · (1/√2) first (constant on the left), x · ½ before the
// product with (1 + erf).
TEST(fuse_patterns, gelu_with_the_inverse_scale_and_the_half_first) {
    onnx::ModelProto m = model([](onnx::GraphProto* g) {
        scalar(g, "inv_sqrt2", 0.70710678f);
        scalar(g, "one", 1.0f);
        scalar(g, "half", 0.5f);
        t::add_node(g, "Mul", {"inv_sqrt2", "X"}, {"a"}, "scale");
        t::add_node(g, "Erf", {"a"}, {"b"}, "erf");
        t::add_node(g, "Add", {"one", "b"}, {"c"}, "add");
        t::add_node(g, "Mul", {"X", "half"}, {"h"}, "half_x");
        t::add_node(g, "Mul", {"h", "c"}, {"Y"}, "gelu");
    });
    const std::vector<float> before = run(m);
    const std::vector<fusion> f = fuse_patterns(m);
    ASSERT_EQ(f.size(), 1u);
    EXPECT_EQ(to_string(f[0]), "GELU 'gelu' from 5 nodes (Mul, Erf, Add, Mul, Mul)");
    EXPECT_EQ(ops(m), (std::vector<std::string>{"Gelu"}));
    const std::vector<float> after = run(m);
    for (std::size_t i = 0; i < 4; ++i)
        EXPECT_NEAR(after[i], before[i], 1e-6f) << i;
}

TEST(fuse_patterns, an_intermediate_read_elsewhere_blocks_the_fusion) {
    onnx::ModelProto m = model([](onnx::GraphProto* g) {
        gelu_body(g);
        t::add_node(g, "Neg", {"b"}, {"Z"}, "uses_erf");  // erf's output has a second reader
        t::add_value_info(g->add_output(), "Z", {1, 4});
    });
    EXPECT_TRUE(fuse_patterns(m).empty());
    EXPECT_EQ(ops(m).size(), 6u);
}

TEST(fuse_patterns, hard_swish_both_forms) {
    onnx::ModelProto clip = model([](onnx::GraphProto* g) {
        scalar(g, "three", 3);
        scalar(g, "zero", 0);
        scalar(g, "six", 6);
        t::add_node(g, "Add", {"X", "three"}, {"a"}, "add");
        t::add_node(g, "Clip", {"a", "zero", "six"}, {"c"}, "relu6");
        t::add_node(g, "Mul", {"X", "c"}, {"m"}, "mul");
        t::add_node(g, "Div", {"m", "six"}, {"Y"}, "hswish");
    });
    const std::vector<float> before = run(clip);
    ASSERT_EQ(fuse_patterns(clip).size(), 1u);
    EXPECT_EQ(ops(clip), (std::vector<std::string>{"HardSwish"}));
    const std::vector<float> after = run(clip);
    for (std::size_t i = 0; i < 4; ++i)
        EXPECT_NEAR(after[i], before[i], 1e-6f) << i;

    onnx::ModelProto gate = model([](onnx::GraphProto* g) {
        onnx::NodeProto* hs = t::add_node(g, "HardSigmoid", {"X"}, {"h"}, "gate");
        onnx::AttributeProto* a = hs->add_attribute();
        a->set_name("alpha");
        a->set_type(onnx::AttributeProto::FLOAT);
        a->set_f(1.0f / 6);
        t::add_node(g, "Mul", {"h", "X"}, {"Y"}, "hswish");
    });
    const std::vector<fusion> f = fuse_patterns(gate);
    ASSERT_EQ(f.size(), 1u);
    EXPECT_EQ(to_string(f[0]), "HardSwish 'hswish' from 2 nodes (HardSigmoid, Mul)");
}

TEST(fuse_patterns, layer_norm_over_the_last_axis) {
    onnx::ModelProto m = model([](onnx::GraphProto* g) {
        scalar(g, "two", 2);
        scalar(g, "eps", 1e-5f);
        *g->add_initializer() = t::float_tensor("gamma", {4}, {1, 2, 0.5f, -1});
        *g->add_initializer() = t::float_tensor("beta", {4}, {0, 0.1f, 0.2f, 0.3f});
        t::set_ints(t::add_node(g, "ReduceMean", {"X"}, {"m"}, "mean"), "axes", {-1});
        t::add_node(g, "Sub", {"X", "m"}, {"d"}, "sub");
        t::add_node(g, "Pow", {"d", "two"}, {"p"}, "pow");
        t::set_ints(t::add_node(g, "ReduceMean", {"p"}, {"v"}, "var"), "axes", {-1});
        t::add_node(g, "Add", {"v", "eps"}, {"e"}, "add_eps");
        t::add_node(g, "Sqrt", {"e"}, {"s"}, "sqrt");
        t::add_node(g, "Div", {"d", "s"}, {"n"}, "div");
        t::add_node(g, "Mul", {"n", "gamma"}, {"y"}, "scale");
        t::add_node(g, "Add", {"y", "beta"}, {"Y"}, "ln");
    });
    const std::vector<float> before = run(m);
    const std::vector<fusion> f = fuse_patterns(m);
    ASSERT_EQ(f.size(), 1u);
    EXPECT_EQ(f[0].pattern, "LayerNorm");
    EXPECT_EQ(ops(m), (std::vector<std::string>{"LayerNormalization"}));
    const std::vector<float> after = run(m);
    for (std::size_t i = 0; i < 4; ++i)
        EXPECT_NEAR(after[i], before[i], 1e-5f) << i;
}

// If with a condition known at import: a Constant, or one folded from the
// input's shape (Shape -> Gather -> Equal); a run-time condition is refused.
TEST(if_node, a_known_condition_inlines_the_taken_branch) {
    const auto with_if = [](const std::function<void(onnx::GraphProto*)>& cond) {
        return model([&](onnx::GraphProto* g) {
            cond(g);
            onnx::NodeProto* n = t::add_node(g, "If", {"cond"}, {"Y"}, "branch");
            for (const char* name : {"then_branch", "else_branch"}) {
                onnx::AttributeProto* a = n->add_attribute();
                a->set_name(name);
                a->set_type(onnx::AttributeProto::GRAPH);
                onnx::GraphProto* b = a->mutable_g();
                b->set_name(name);
                const bool then = std::string(name) == "then_branch";
                t::add_node(b, then ? "Neg" : "Relu", {"X"}, {then ? "yt" : "ye"}, name);
                t::add_value_info(b->add_output(), then ? "yt" : "ye", {1, 4});
            }
        });
    };
    onnx::TensorProto truth;
    truth.set_name("cond");
    truth.set_data_type(onnx::TensorProto::BOOL);
    truth.set_raw_data(std::string(1, '\1'));
    const onnx::ModelProto constant = with_if([&](onnx::GraphProto* g) { *g->add_initializer() = truth; });
    EXPECT_EQ(run(constant), (std::vector<float>{2, 0.5f, -0.5f, -3}));  // Neg
    const onnx::ModelProto folded = with_if([](onnx::GraphProto* g) {
        *g->add_initializer() = t::int64_tensor("zero", {}, {0});
        *g->add_initializer() = t::int64_tensor("four", {}, {5});
        t::add_node(g, "Shape", {"X"}, {"shape"}, "shape");
        t::set_int(t::add_node(g, "Gather", {"shape", "zero"}, {"n"}, "rows"), "axis", 0);
        t::add_node(g, "Equal", {"n", "four"}, {"cond"}, "is_five");  // 1 != 5: else
    });
    EXPECT_EQ(run(folded), (std::vector<float>{0, 0, 0.5f, 3}));  // Relu
    const onnx::ModelProto runtime = with_if([](onnx::GraphProto* g) {
        t::add_node(g, "Less", {"X", "X"}, {"cond"}, "cmp");
    });
    try {
        run(runtime);
        ADD_FAILURE() << "accepted a run-time condition";
    } catch (const onnx_error& e) {
        EXPECT_NE(std::string(e.what()).find("node 'branch' (If): condition 'cond' is computed at "
                                             "run time"),
                  std::string::npos)
            << e.what();
    }
}
