// Internal to the compiler: single-layer programs of an integer conv2d or
// fully_connected layer split over its input channels (fully connected: over
// K), for layers whose weights or input rows do not fit the buffers whole.
// Each tile of output rows (fully connected: of images) runs one pass per
// group of input channels; the passes add up in an accumulator area of the
// output buffer at accumulator width (int32, INT16: int64), and only the
// last pass adds the bias, requantizes and stores:
//
//   LOAD bias, table (tag 0); the weights too when every pass's fit (tag 0)
//   for tile i, pass g (step s):
//     LOAD step s+1's input channels -> in slot (tag 1 + slot)
//     LOAD step s+1's weights -> weight slot (tag 5 + slot)  (unless resident)
//     BARRIER {step s's tags, the store that last used out slot i % 2}
//     CONV/FC pass g: partial_in from the accumulators (g > 0),
//                     partial_out to them (g < last), else to out slot i % 2
//     STORE out slot i % 2 after the last pass                (tag 3 + slot)
//
// The DRAM image stores the weights pass by pass ([pass][O][kh][kw][kg]), so
// each pass's weights are one contiguous LOAD; a pass's input is a strided
// LOAD of kg channels of every pixel of the tile's input rows.
// Integer sums are exact in any order, so the result equals the unsplit
// layer bit for bit; float layers are never split (ref::layer::partial_in).
#pragma once

#include "sw/compiler/program.h"

namespace nnvp::compiler::detail {

// Whether `l` can be split over its input channels: conv2d with one group
// or fully_connected, at INT8 or INT16, dense weights.
bool channel_splittable(const ref::layer& l, const program_options& opt);

// The program with the best input-channel group size (objective as
// mapper.h; without the core's parameters the largest group that fits).
// Throws std::invalid_argument naming the layer when no group size fits.
program channel_split_program(const ref::layer& l, const nn::tensor& input,
                              const nn::tensor& weights, const nn::tensor* bias,
                              const buffer_sizes& buffers, const program_options& opt);

}  // namespace nnvp::compiler::detail
