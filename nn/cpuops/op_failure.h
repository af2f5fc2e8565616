// The one error path of the CPU ops, shared by their checks (cpu_op_infer.cpp)
// and kernels (cpu_op_execute.cpp): every message names the op's kind.
#pragma once

#include <string>

#include "nn/cpuops/cpu_op.h"

namespace nnvp::cpuops::detail {

// Throws op_error "cpu op <kind>: <what>".
[[noreturn]] void fail(const op& o, const std::string& what);

}  // namespace nnvp::cpuops::detail
