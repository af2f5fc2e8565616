// The one error path of the CPU ops, shared by their checks (cpu_op_infer.cpp)
// and kernels (cpu_op_execute.cpp): every message names the op's kind.
#pragma once

#include <string>
#include <vector>

#include "nn/cpuops/cpu_op.h"

namespace nnvp::cpuops::detail {

// Throws op_error "cpu op <kind>: <what>".
[[noreturn]] void fail(const op& o, const std::string& what);

// Fails unless `o` has n_in inputs, ints_lo..ints_hi ints and `floats` floats.
void need_counts(const op& o, const std::vector<tensor_info>& ins, std::size_t n_in,
                 std::size_t ints_lo, std::size_t ints_hi, std::size_t floats);

}  // namespace nnvp::cpuops::detail
