// Graph pass: a stand-alone activation node folds into the op that produces
// its input, since the NN core applies an activation in every layer's
// epilogue for free (docs/numerics.md) while a separate node costs a full
// pass over the tensor.
#pragma once

#include "sw/net/graph.h"

namespace nnvp::quant {

// True when the reference executor applies a fused activation after `op`.
bool takes_fused_activation(net::op_type op);

// A copy of the validated graph `g` in which every activation node whose
// input is produced by a takes_fused_activation() op without an activation
// of its own, and read by nothing else (no other node, not a graph output),
// is removed: the producer takes the activation and writes the activation's
// output tensor. Everything else is kept as it is. Returns a validated graph.
net::graph fuse_activations(const net::graph& g);

}  // namespace nnvp::quant
