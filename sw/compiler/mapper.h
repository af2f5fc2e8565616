// Internal to the compiler: the mapper of single-layer programs. Among the
// tilings that fit the buffers (tiler.h) it keeps the one that is best for
// the platform's objective, costing each tile with the fold model
// (nn/cost) and its DRAM traffic:
//   cycles: least sum over tiles of max(compute cycles, DRAM bytes /
//           bandwidth) (loads of the next tile overlap this one's compute);
//           ties: fewer DRAM bytes, then the larger tile;
//   energy: least core energy + DRAM bytes x pJ per byte; ties: fewer
//           estimated cycles, then the larger tile.
// Without the core's parameters it keeps the largest tiles (the first
// tiling that fits). The choice and every candidate are kept in the
// program (program::mapping) for `nnvp info --mapping`.
#pragma once

#include <vector>

#include "sw/compiler/program.h"
#include "sw/compiler/tiler.h"

namespace nnvp::compiler::detail {

// The tiles of the chosen tiling; throws like fail_no_fit when none fits.
std::vector<tile_plan> map_layer(const plan_input& p, const slots& s, const program_options& opt,
                                 mapping_choice& choice);

}  // namespace nnvp::compiler::detail
