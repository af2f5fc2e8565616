// The FP32 graph executor: runs a validated net::graph whose parameters are
// materialized on fp32 inputs and returns every tensor by name. It is the
// accuracy reference of the quantizer and the source of its calibration
// ranges. Core ops run through the NN core's fast kernels (bit-exact with
// ref::execute, docs/numerics.md), CPU ops through nn/cpuops, so a ResNet-50
// inference takes seconds, not minutes.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "sw/net/graph.h"
#include "nn/tensor/tensor.h"

namespace nnvp::quant {

struct float_exec_options {
    // Also keep, for core nodes with a table activation (leaky ReLU,
    // sigmoid, tanh), the value before the activation: the integer paths
    // look those up in a table indexed in that domain (ref::layer::act_q).
    bool pre_activations = false;
    unsigned threads = 1;  // worker threads inside one layer
};

struct float_run {
    std::map<std::string, nn::tensor> values;          // every tensor, by tensor name
    std::map<std::string, nn::tensor> pre_activation;  // by node name (see above)
};

// inputs[i] feeds graph input i (fp32, its shape). Throws net::graph_error
// naming the network and the node or input at fault (missing weights, wrong
// input count, shape or type).
float_run run_float(const net::graph& g, const std::vector<nn::tensor>& inputs,
                    const float_exec_options& opt = {});

}  // namespace nnvp::quant
