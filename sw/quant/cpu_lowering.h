// CPU nodes of the network IR (softmax, flatten, reshape, concat, LRN) as
// firmware CPU ops (nn/cpuops), shared by the FP32 executor and the
// quantizer so that both run exactly the same op.
#pragma once

#include "nn/cpuops/cpu_op.h"
#include "sw/net/graph.h"

namespace nnvp::quant {

// The cpuops op of CPU node `n` of the validated graph `g`. Concat carries no
// output scale here (the quantizer adds one). Throws net::graph_error for a
// core op.
cpuops::op to_cpu_op(const net::graph& g, const net::node& n);

}  // namespace nnvp::quant
