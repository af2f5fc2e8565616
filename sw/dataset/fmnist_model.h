// The Fashion-MNIST classifier: a LeNet-5-style CNN on 28x28x1 inputs in
// [0, 1], made of ops the NN core runs (conv2d, max_pool, fully_connected,
// ReLU), weights OHWI, activations NHWC:
//
//   conv1  5x5, 6 filters, pad 2, ReLU     28x28x6
//   pool1  max 2x2 stride 2                14x14x6
//   conv2  5x5, 16 filters, ReLU           10x10x16
//   pool2  max 2x2 stride 2                5x5x16
//   fc1    120, ReLU   (K = 400, read in HWC order)
//   fc2    84, ReLU
//   fc3    10 logits   (the graph output; argmax is the class)
//
// Departures from LeCun et al. 1998 (as in most modern re-implementations):
// ReLU and max pooling instead of scaled tanh and trainable subsampling,
// padding 2 on conv1 in place of the paper's 32x32 input, a dense C3, and
// plain logits instead of RBF units. Weights come from sw/train (nnvp_train)
// and live in models/fmnist/ (docs/fashion_mnist.md).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "sw/dataset/weights_file.h"
#include "sw/net/graph.h"

namespace nnvp::dataset {

constexpr const char* fmnist_network_name = "fmnist_lenet";

// The architecture with empty parameters (batch 1).
net::graph fmnist_lenet_architecture();

// The committed weights: $NNVP_FMNIST_WEIGHTS when set, else
// models/fmnist/lenet_fp32.nnw in the source tree this was built from.
std::string fmnist_default_weights();

// The architecture with the weights of `weights_path` (see weights_file.h;
// tensors "<node>.weight" and "<node>.bias" with the graph's shapes).
// Throws weights_error naming the file and the tensor.
net::graph fmnist_lenet(const std::string& weights_path);

// Parameters of every conv2d / fully_connected node, named as above.
std::vector<named_tensor> graph_parameters(const net::graph& g);
// Sets them; every parameter of `g` must be present with its shape.
void set_graph_parameters(net::graph& g, const std::vector<named_tensor>& params,
                          const std::string& source);

// Runs a single-input, single-output graph of core ops on the FP32
// reference executor (net::to_ref_layer + ref::execute). The input may hold
// any batch size N; the output is [N, ...]. Throws for CPU ops.
nn::tensor reference_forward(const net::graph& g, const nn::tensor& input);

// Index of the largest of the C values of row `row` of [N,1,1,C] logits
// (the first one on ties).
int argmax_row(const nn::tensor& logits, int row);

// Images whose argmax matches their label, running `batch` images at a time.
std::size_t count_correct(const net::graph& g, const nn::tensor& images,
                          const std::vector<uint8_t>& labels, int batch = 100);
// count_correct / N.
double accuracy(const net::graph& g, const nn::tensor& images, const std::vector<uint8_t>& labels);

}  // namespace nnvp::dataset
