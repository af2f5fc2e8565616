// The one error path of the reference ops (conv.cpp, pool.cpp, eltwise.cpp):
// bad arguments throw std::invalid_argument naming the layer (nn/ref/ops.h).
#pragma once

#include <string>

#include "nn/ref/layer.h"

namespace nnvp::ref::detail {

// Throws "layer '<name>' (<op>, <precision>): <what>".
[[noreturn]] void fail(const layer& l, const std::string& what);

}  // namespace nnvp::ref::detail
