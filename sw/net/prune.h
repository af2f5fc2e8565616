// Unstructured magnitude pruning (Han et al., "Learning both weights and
// connections for efficient neural networks", NeurIPS 2015): in every
// conv2d / fully_connected node, the given share of the weights with the
// smallest magnitudes becomes exactly zero. No retraining, so accuracy falls
// with the share; what it is for is the NN core's zero-gating, zero-skipping
// and compressed weight storage, which see real zeros.
#pragma once

#include <cstdint>

#include "sw/net/graph.h"

namespace nnvp::net {

// `zero_fraction` in [0, 1): per node, floor(count * zero_fraction) weights
// (ties at the threshold broken by position) are set to 0. Weights must be
// materialized fp32. Biases are kept. Throws std::invalid_argument for a
// fraction out of range or unmaterialized weights. Returns how many weights
// are zero afterwards over all pruned nodes (zeros already there count).
uint64_t prune_weights(graph& g, double zero_fraction);

}  // namespace nnvp::net
