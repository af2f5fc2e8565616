// Internals of the indexing kinds (slice, gather, select, expand, tile):
// their checks and element moves, called from infer() and execute()
// (cpu_op_index.cpp). Their work is the bytes they write.
#pragma once

#include <vector>

#include "nn/cpuops/cpu_op.h"

namespace nnvp::cpuops::detail {

tensor_info infer_index(const op& o, const std::vector<tensor_info>& ins);
nn::tensor execute_index(const op& o, const std::vector<const nn::tensor*>& ins,
                         const tensor_info& out);

}  // namespace nnvp::cpuops::detail
