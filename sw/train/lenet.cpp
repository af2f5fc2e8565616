#include "sw/train/lenet.h"

#include <cmath>

#include "sw/dataset/fmnist_model.h"

namespace nnvp::train {

namespace {

constexpr int fc1_in = 400, fc1_out = 120, fc2_out = 84, classes = 10;

// Element counts in param_index order (the graph_parameters() order).
constexpr std::array<int, param_count> sizes = {
    6 * 25,           6,       16 * 150,         16,     fc1_out* fc1_in, fc1_out,
    fc2_out* fc1_out, fc2_out, classes* fc2_out, classes};

}  // namespace

conv_dims conv1_dims() {
    conv_dims d;
    d.in_c = 1, d.in_h = 28, d.in_w = 28, d.out_c = 6, d.kernel = 5, d.pad = 2;
    return d;
}

conv_dims conv2_dims() {
    conv_dims d;
    d.in_c = 6, d.in_h = 14, d.in_w = 14, d.out_c = 16, d.kernel = 5, d.pad = 0;
    return d;
}

lenet_params lenet_params::zeros() {
    lenet_params p;
    for (int i = 0; i < param_count; ++i)
        p.t[i].assign(static_cast<std::size_t>(sizes[i]), 0.0f);
    return p;
}

void lenet_params::set_zero() {
    for (std::vector<float>& v : t)
        std::fill(v.begin(), v.end(), 0.0f);
}

lenet_workspace::lenet_workspace() {
    const conv_dims d1 = conv1_dims(), d2 = conv2_dims();
    auto sized = [](std::vector<float>& v, int n) { v.assign(static_cast<std::size_t>(n), 0.0f); };
    sized(col1, d1.taps() * d1.pixels());
    sized(a1, 6 * 784);
    sized(p1, 6 * 196);
    sized(col2, d2.taps() * d2.pixels());
    sized(a2, 16 * 100);
    sized(p2, 16 * 25);
    sized(x3, fc1_in);
    sized(a3, fc1_out);
    sized(a4, fc2_out);
    sized(logits, classes);
    arg1.assign(6 * 196, 0);
    arg2.assign(16 * 25, 0);
    sized(dlogits, classes);
    sized(da4, fc2_out);
    sized(da3, fc1_out);
    sized(dx3, fc1_in);
    sized(dp2, 16 * 25);
    sized(da2, 16 * 100);
    sized(dcol2, d2.taps() * d2.pixels());
    sized(dp1, 6 * 196);
    sized(da1, 6 * 784);
}

lenet::lenet(const net::graph& g) : m_p(lenet_params::zeros()) {
    const std::vector<dataset::named_tensor> ps = dataset::graph_parameters(g);
    if (ps.size() != param_count)
        throw std::invalid_argument("lenet: graph '" + g.name() + "' has " +
                                    std::to_string(ps.size()) + " parameter tensors, expected " +
                                    std::to_string(param_count));
    for (int i = 0; i < param_count; ++i) {
        const nn::tensor& t = ps[static_cast<std::size_t>(i)].value;
        if (t.size() != m_p.t[i].size() || t.type() != nn::dtype::fp32)
            throw std::invalid_argument("lenet: tensor '" + ps[static_cast<std::size_t>(i)].name +
                                        "' has " + std::to_string(t.size()) +
                                        " elements, expected fp32 x " +
                                        std::to_string(m_p.t[i].size()));
        for (std::size_t k = 0; k < t.size(); ++k)
            m_p.t[i][k] = t.get_float(k);
    }
}

net::graph lenet::to_graph() const {
    net::graph g = dataset::fmnist_lenet_architecture();
    std::vector<dataset::named_tensor> ps;
    std::size_t i = 0;
    auto add = [&](const std::string& name, const nn::shape4& shape) {
        nn::tensor t(nn::dtype::fp32, shape);
        for (std::size_t k = 0; k < t.size(); ++k)
            t.set_float(k, m_p.t[i][k]);
        ps.push_back({name, std::move(t)});
        ++i;
    };
    // The same walk as dataset::graph_parameters: weights then bias per node.
    for (std::size_t n : g.order()) {
        const net::node& nd = g.nodes()[n];
        if (nd.op != net::op_type::conv2d && nd.op != net::op_type::fully_connected)
            continue;
        add(nd.name + ".weight", g.weight_shape(nd));
        add(nd.name + ".bias", g.bias_shape(nd));
    }
    dataset::set_graph_parameters(g, ps, "trainer");
    return g;
}

const float* lenet::forward(const float* image, lenet_workspace& ws) const {
    const auto& p = m_p.t;
    conv_forward(conv1_dims(), image, p[c1w].data(), p[c1b].data(), ws.col1.data(), ws.a1.data());
    relu_forward(ws.a1.data(), 6 * 784);
    maxpool2_forward(6, 28, 28, ws.a1.data(), ws.p1.data(), ws.arg1.data());
    conv_forward(conv2_dims(), ws.p1.data(), p[c2w].data(), p[c2b].data(), ws.col2.data(),
                 ws.a2.data());
    relu_forward(ws.a2.data(), 16 * 100);
    maxpool2_forward(16, 10, 10, ws.a2.data(), ws.p2.data(), ws.arg2.data());
    // CHW -> HWC: the graph flattens NHWC tensors.
    for (int c = 0; c < 16; ++c)
        for (int px = 0; px < 25; ++px)
            ws.x3[px * 16 + c] = ws.p2[c * 25 + px];
    fc_forward(fc1_in, fc1_out, ws.x3.data(), p[f1w].data(), p[f1b].data(), ws.a3.data());
    relu_forward(ws.a3.data(), fc1_out);
    fc_forward(fc1_out, fc2_out, ws.a3.data(), p[f2w].data(), p[f2b].data(), ws.a4.data());
    relu_forward(ws.a4.data(), fc2_out);
    fc_forward(fc2_out, classes, ws.a4.data(), p[f3w].data(), p[f3b].data(), ws.logits.data());
    return ws.logits.data();
}

float lenet::backward(int label, float scale, lenet_workspace& ws, lenet_params& grad) const {
    const auto& p = m_p.t;
    auto& g = grad.t;
    // Softmax cross-entropy, shifted by the largest logit for range.
    float top = ws.logits[0];
    for (int j = 1; j < classes; ++j)
        top = std::max(top, ws.logits[j]);
    float sum = 0.0f;
    for (int j = 0; j < classes; ++j) {
        ws.dlogits[j] = std::exp(ws.logits[j] - top);
        sum += ws.dlogits[j];
    }
    const float loss = std::log(sum) - (ws.logits[label] - top);
    for (int j = 0; j < classes; ++j)
        ws.dlogits[j] = scale * (ws.dlogits[j] / sum - (j == label ? 1.0f : 0.0f));

    fc_backward(fc2_out, classes, ws.a4.data(), ws.dlogits.data(), p[f3w].data(), g[f3w].data(),
                g[f3b].data(), ws.da4.data());
    relu_backward(ws.a4.data(), ws.da4.data(), fc2_out);
    fc_backward(fc1_out, fc2_out, ws.a3.data(), ws.da4.data(), p[f2w].data(), g[f2w].data(),
                g[f2b].data(), ws.da3.data());
    relu_backward(ws.a3.data(), ws.da3.data(), fc1_out);
    fc_backward(fc1_in, fc1_out, ws.x3.data(), ws.da3.data(), p[f1w].data(), g[f1w].data(),
                g[f1b].data(), ws.dx3.data());
    for (int c = 0; c < 16; ++c)
        for (int px = 0; px < 25; ++px)
            ws.dp2[c * 25 + px] = ws.dx3[px * 16 + c];
    maxpool2_backward(16, 10, 10, ws.dp2.data(), ws.arg2.data(), ws.da2.data());
    relu_backward(ws.a2.data(), ws.da2.data(), 16 * 100);
    conv_backward(conv2_dims(), ws.col2.data(), ws.da2.data(), p[c2w].data(), g[c2w].data(),
                  g[c2b].data(), ws.dcol2.data(), ws.dp1.data());
    maxpool2_backward(6, 28, 28, ws.dp1.data(), ws.arg1.data(), ws.da1.data());
    relu_backward(ws.a1.data(), ws.da1.data(), 6 * 784);
    conv_backward(conv1_dims(), ws.col1.data(), ws.da1.data(), p[c1w].data(), g[c1w].data(),
                  g[c1b].data(), nullptr, nullptr);
    return loss;
}

}  // namespace nnvp::train
