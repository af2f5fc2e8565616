// The host-side golden run of a network (builder.h): every tensor computed
// with the reference executor (ref::execute) for layers and nn/cpuops for
// CPU ops, in op order. What the firmware's run on the virtual SoC must
// reproduce bit for bit (functional mode).
#pragma once

#include <vector>

#include "sw/compiler/builder.h"

namespace nnvp::compiler {

// `inputs`: tensor 0 then the extra inputs, in the network's types and
// shapes. Returns every tensor, numbered as in builder.h (constants
// included). Throws std::invalid_argument for inputs that do not match.
std::vector<nn::tensor> reference_run(const network& net, const std::vector<nn::tensor>& inputs);

}  // namespace nnvp::compiler
