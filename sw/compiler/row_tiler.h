// Internal to the compiler: the tiler of single-layer programs (program.h),
// the one tiler of the project. A layer is cut into tiles of output rows of
// one image, or of whole images, that fit half of the input and output
// buffers (the other half is being filled or drained by the DMA).
#pragma once

#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

#include "nn/ref/layer.h"
#include "nn/tensor/tensor.h"
#include "sw/compiler/program.h"

namespace nnvp::compiler::detail {

[[noreturn]] inline void fail_layer(const ref::layer& l, const std::string& field,
                                    const std::string& what) {
    throw std::invalid_argument("layer '" + l.name + "': " + field + ": " + what);
}

inline uint64_t align_to(uint64_t v, uint64_t a) {
    return (v + a - 1) / a * a;
}

// Ops whose tiles read a window of input rows (with halo and padding).
inline bool windowed(ref::op_kind k) {
    return k == ref::op_kind::conv2d || k == ref::op_kind::max_pool ||
           k == ref::op_kind::avg_pool;
}

// Everything the tiler needs about the layer.
struct plan_input {
    const ref::layer& l;
    nn::shape4 in, in2, out;
    nn::dtype in_t, in2_t, out_t;
    bool has_in2;
};

// The second operand's shape in a tile of `images` images and `rows` rows.
nn::shape4 in2_tile_shape(const plan_input& p, int images, int rows);

// Largest tiles whose input (both operands, the first aligned to `align`)
// fits `in_slot` bytes and whose output fits `out_slot`: rows of one image
// when every row starts a byte, else whole images (several per tile), else
// the whole tensor. Throws std::invalid_argument naming the layer when even
// the smallest tile does not fit.
std::vector<tile_plan> plan_tiles(const plan_input& p, std::size_t in_slot, std::size_t out_slot,
                                  uint64_t align);

}  // namespace nnvp::compiler::detail
