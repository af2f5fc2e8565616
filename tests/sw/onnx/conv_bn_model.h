// The Conv + BatchNormalization + Relu model both importer tests use, and
// its expected folded parameters computed by hand (in double).
#pragma once

#include <cmath>

#include "tests/sw/onnx/onnx_test_util.h"

namespace nnvp::test {

struct conv_bn {
    // X [1, 2, 3, 3]; W [2, 2, 2, 2] (OIHW); bias [2]; BN over 2 channels.
    std::vector<float> w, b{0.5f, -0.25f}, scale{2.0f, 0.5f}, beta{0.1f, -0.2f}, mean{0.3f, -0.4f},
        var{3.0f, 0.25f};
    float eps = 1e-5f;

    conv_bn() {
        for (int i = 0; i < 16; ++i)
            w.push_back(0.1f * static_cast<float>(i + 1) * (i % 3 == 0 ? -1.0f : 1.0f));
    }
    float wv(int o, int i, int kh, int kw) const {
        return w[static_cast<std::size_t>(((o * 2 + i) * 2 + kh) * 2 + kw)];
    }
    double s(int o) const { return scale[o] / std::sqrt(static_cast<double>(var[o]) + eps); }
    double folded_w(int o, int i, int kh, int kw) const { return wv(o, i, kh, kw) * s(o); }
    double folded_b(int o) const { return (b[o] - mean[o]) * s(o) + beta[o]; }

    onnx::ModelProto model() const {
        onnx::ModelProto m = new_model();
        onnx::GraphProto* g = m.mutable_graph();
        add_value_info(g->add_input(), "X", {1, 2, 3, 3});
        *g->add_initializer() = float_tensor("W", {2, 2, 2, 2}, w);
        *g->add_initializer() = float_tensor("B", {2}, b);
        *g->add_initializer() = float_tensor("scale", {2}, scale);
        *g->add_initializer() = float_tensor("beta", {2}, beta);
        *g->add_initializer() = float_tensor("mean", {2}, mean);
        *g->add_initializer() = float_tensor("var", {2}, var);
        onnx::NodeProto* c = add_node(g, "Conv", {"X", "W", "B"}, {"c"}, "conv");
        set_ints(c, "kernel_shape", {2, 2});
        onnx::NodeProto* bn =
            add_node(g, "BatchNormalization", {"c", "scale", "beta", "mean", "var"}, {"bn"}, "bn");
        auto* a = bn->add_attribute();
        a->set_name("epsilon");
        a->set_type(onnx::AttributeProto::FLOAT);
        a->set_f(eps);
        add_node(g, "Relu", {"bn"}, {"Y"}, "relu");
        add_value_info(g->add_output(), "Y", {1, 2, 2, 2});
        return m;
    }
};

}  // namespace nnvp::test
