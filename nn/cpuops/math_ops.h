// Internals of the element-wise and reduction kinds (unary, binary, reduce):
// their checks, arithmetic and work, called from infer(), execute() and
// cost() (cpu_op_math.cpp).
#pragma once

#include <vector>

#include "nn/cpuops/cpu_op.h"

namespace nnvp::cpuops::detail {

tensor_info infer_math(const op& o, const std::vector<tensor_info>& ins);
nn::tensor execute_math(const op& o, const std::vector<const nn::tensor*>& ins,
                        const tensor_info& out);
work cost_math(const op& o, const std::vector<tensor_info>& ins, const tensor_info& out);

}  // namespace nnvp::cpuops::detail
