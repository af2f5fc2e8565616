// A small seeded sequential network for demos and tests of packages and the
// runtime, and its host-side reference: the layers chained through the
// reference executor and softmax written out plainly.
//
//   input int8 [1, size, size, channels]
//   conv1   3x3, stride 1, pad 1, int8, ReLU, per-channel scales -> c1 ch
//   conv2   3x3, stride 2, pad 1, int8, ReLU                     -> c2 ch
//   gap     global average pool (int8)
//   fc      fully connected int8 -> classes (int8 logits)
//   softmax fp32 probabilities (an op the NN core lacks: CPU fallback)
#pragma once

#include <cstdint>
#include <vector>

#include "sw/compiler/builder.h"

namespace nnvp::compiler {

struct sample_shape {
    int size = 16;
    int channels = 8;
    int c1 = 16;
    int c2 = 32;
    int classes = 10;
};

network tiny_classifier(uint32_t seed, const sample_shape& s = {});

// A random input for `net` (int8 in -20..20, fp32 in -1..1).
nn::tensor random_input(const network& net, uint32_t seed);

// Every tensor of the network for `input` (element 0 is the input, element
// i + 1 the output of op i): compiler::reference_run (reference.h).
std::vector<nn::tensor> reference_run(const network& net, const nn::tensor& input);

}  // namespace nnvp::compiler
