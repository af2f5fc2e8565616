// From IR nodes to the reference executor's layer description, which the
// NN core's layer command mirrors field by field: the compiler emits its
// commands from these, and the reference executor runs them for golden
// results. Precision and quantization fields stay at their fp32 defaults;
// the quantizer fills them later.
#pragma once

#include "sw/net/graph.h"
#include "nn/ref/layer.h"

namespace nnvp::net {

// ref::op_kind of a core op (runs_on_core(op) must hold).
ref::op_kind to_op_kind(op_type op);

// The ref::layer of node `n` of the validated graph `g`. Pooling in ceil mode
// becomes explicit bottom/right padding (the extra rows are ignored by max
// pooling and, with count_include_pad = false, by average pooling, exactly
// as ceil mode defines them; with count_include_pad = true the divisor would
// count them too, which no zoo network uses). Throws graph_error for CPU ops.
ref::layer to_ref_layer(const graph& g, const node& n);

}  // namespace nnvp::net
