// Deterministic seeded parameter values, generated only on demand: building
// or inspecting a network (nnvp info) never allocates its weights.
//
// Each parameter tensor draws from its own SplitMix64 stream (Steele et al.,
// "Fast splittable pseudorandom number generators", OOPSLA 2014) seeded by
// the network seed and a hash of the node name, so a node's values do not
// depend on which other nodes exist or on the order they are generated in.
// Weights are uniform in +-sqrt(6 / fan_in) (He et al., "Delving deep into
// rectifiers", ICCV 2015, uniform form), which keeps activations of deep
// ReLU networks in a sane range for functional runs; biases are uniform in
// +-0.1.
#pragma once

#include <cstdint>

#include "sw/net/graph.h"

namespace nnvp::net {

// Fills the weights (and biases, where has_bias) of every conv2d /
// fully_connected node of the validated graph `g` whose values are still
// empty; values already present (imported) are kept. fp32 tensors.
void materialize_weights(graph& g, uint64_t seed);

// Timing mode's version: every weight tensor still empty gets its shape
// without values (nn::tensor::without_values), biases get their values.
void materialize_weight_sizes(graph& g, uint64_t seed);

// The parameter tensors of one node, generated without touching the graph
// (so a compiler can stream layer by layer). Empty tensors for ops without
// parameters.
nn::tensor generate_weights(const graph& g, const node& n, uint64_t seed);
nn::tensor generate_bias(const graph& g, const node& n, uint64_t seed);

// A seeded input tensor for graph input `index`, uniform in [-1, 1).
nn::tensor generate_input(const graph& g, std::size_t index, uint64_t seed);

}  // namespace nnvp::net
