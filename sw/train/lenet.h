// The trainer's view of the Fashion-MNIST LeNet (sw/dataset/fmnist_model.h):
// its ten parameter tensors as flat float arrays in the graph's layouts, and
// a forward and backward pass for one 28x28 image. Activations run
// channel-major inside (sw/train/kernels.h); fc1 reads the pooled maps in
// HWC order, as the graph's fully_connected does on NHWC tensors.
#pragma once

#include <array>
#include <vector>

#include "sw/net/graph.h"
#include "sw/train/kernels.h"

namespace nnvp::train {

enum param_index { c1w, c1b, c2w, c2b, f1w, f1b, f2w, f2b, f3w, f3b, param_count };

struct lenet_params {
    std::array<std::vector<float>, param_count> t;

    // Zeros with the LeNet's sizes.
    static lenet_params zeros();
    void set_zero();
};

// Intermediate values of one image, kept for the backward pass.
struct lenet_workspace {
    lenet_workspace();
    std::vector<float> col1, a1, p1, col2, a2, p2, x3, a3, a4, logits;
    std::vector<int> arg1, arg2;
    // Gradients.
    std::vector<float> dlogits, da4, da3, dx3, dp2, da2, dcol2, dp1, da1;
};

class lenet {
public:
    // Parameters from a graph with the fmnist_lenet architecture and values.
    explicit lenet(const net::graph& g);

    // The fmnist_lenet graph carrying these parameters.
    net::graph to_graph() const;

    lenet_params& params() { return m_p; }
    const lenet_params& params() const { return m_p; }

    // Logits of one image (784 floats in [0, 1], row-major); they stay in
    // ws.logits.
    const float* forward(const float* image, lenet_workspace& ws) const;
    // Softmax cross-entropy of the last forward's logits against `label`;
    // accumulates scale * dloss/dparam into `grad` and returns the loss.
    float backward(int label, float scale, lenet_workspace& ws, lenet_params& grad) const;

private:
    lenet_params m_p;
};

// The layer geometry of the two convolutions.
conv_dims conv1_dims();
conv_dims conv2_dims();

}  // namespace nnvp::train
