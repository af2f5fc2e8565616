// Internal to the compiler: the mapper of single-layer programs. Among the
// tilings that fit the buffers (tiler.h) it keeps the one that is best for
// the platform's objective, costing each tile with the fold model
// (nn/cost) and its DRAM traffic:
//   cycles: least sum over tiles of max(compute cycles, DRAM time: bytes /
//           bandwidth, or its bursts' latency when rows are short)
//           (loads of the next tile overlap this one's compute);
//           ties: fewer DRAM bytes, then the larger tile;
//   energy: least core energy + DRAM bytes x pJ per byte; ties: fewer
//           estimated cycles, then the larger tile;
//   edp:    least product of the two.
// Without the core's parameters it keeps the largest tiles (the first
// tiling that fits). The choice and every candidate are kept in the
// program (program::mapping) for `nnvp info --mapping`.
#pragma once

#include <vector>

#include "sw/compiler/program.h"
#include "sw/compiler/tiler.h"

namespace nnvp::compiler::detail {

// Core cycles a move of `rows` rows of `row_bytes` bytes keeps the DMA busy:
// max(bytes / bandwidth, bursts x burst cycles) (program_options).
uint64_t transfer_cycles(uint64_t rows, uint64_t row_bytes, const program_options& opt);

// What the objective minimises: cycles, energy, or their product (edp).
double objective_value(double energy_j, double cycles, cost::objective obj);
// `a` beats `b` under obj; ties: fewer cycles, then fewer DRAM bytes.
bool better(const tiling_candidate& a, const tiling_candidate& b, cost::objective obj);

// The tiles of the chosen tiling; throws like fail_no_fit when none fits.
std::vector<tile_plan> map_layer(const plan_input& p, const slots& s, const program_options& opt,
                                 mapping_choice& choice);

}  // namespace nnvp::compiler::detail
