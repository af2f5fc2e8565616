// Internal: the per-action energy of a costed command (action_energy.cpp).
#pragma once

#include "nn/cost/layer_cost.h"
#include "nn/cost/layer_view.h"

namespace nnvp::cost::detail {

// Fills c.energy except vector_j from c's counts (bytes, cycles, MACs):
// buffers by name, noc, clock; for PE-array commands also mac and spad.
void add_action_energy(layer_cost& c, const layer_view& v, const core_params& params);

}  // namespace nnvp::cost::detail
