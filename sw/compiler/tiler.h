// Internal to the compiler: the tiler of single-layer programs (program.h),
// the one tiler of the project. A layer is cut into tiles that fit half of
// the input and output buffers (the other half is being filled or drained by
// the DMA): blocks of output rows and columns of one image, whole rows, or
// whole images. When several tilings fit, the mapper (mapper.h) picks one.
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

// Local memory: two input slots, the weight region, two output slots
// (rejected past 4 GiB).
local_layout lay_out_local(const ref::layer& l, const buffer_sizes& buffers, uint64_t A);

// Transfer tags of single-layer streams: the constants, the two input
// slots, the two output slots and (input-channel passes) two weight slots.
constexpr uint8_t tag_const = 0;
constexpr uint8_t tag_in[2] = {1, 2};
constexpr uint8_t tag_out[2] = {3, 4};
constexpr uint8_t tag_w[2] = {5, 6};

inline uint64_t align_to(uint64_t v, uint64_t a) {
    return (v + a - 1) / a * a;
}

// Consecutive, aligned DRAM areas from `at` on (none for 0 bytes).
struct dram_placer {
    uint64_t at;
    uint64_t align;
    void operator()(uint64_t& addr, std::size_t bytes) {
        if (bytes == 0)
            return;
        addr = at;
        at = align_to(at + bytes, align);
    }
};

// A program's DRAM image from `base` on: input, second operand, weights,
// bias, table, output (their sizes set in `d`); the stream goes after.
inline dram_placer place_operands(dram_layout& d, uint64_t base, uint64_t align) {
    dram_placer place{align_to(base, align), align};
    place(d.input, d.input_bytes);
    place(d.in2, d.in2_bytes);
    place(d.weights, d.weight_bytes);
    place(d.bias, d.bias_bytes);
    place(d.table, d.table_bytes);
    place(d.output, d.output_bytes);
    return place;
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

// The layer a tile computes (its edge padding) and the input it reads.
ref::layer tile_layer(const plan_input& p, const tile_plan& t);
nn::shape4 tile_input_shape(const plan_input& p, const tile_plan& t);

// The double-buffered slots a tile must fit (bytes) and the alignment of
// the second operand after the first.
struct slots {
    std::size_t in, out;
    uint64_t align;
};

// A tiling of the output: tiles of `rows` x `cols` outputs of one image
// (cols == out.w: whole rows), or of `images` whole images.
struct tile_shape {
    int images = 1, rows = 0, cols = 0;
};

// The tiles of `shape`, edge tiles trimmed; empty when one does not fit.
// Throws std::invalid_argument naming the layer when a tile reads no input
// row (padding wider than the kernel's reach).
std::vector<tile_plan> tiles_of(const plan_input& p, const tile_shape& shape, const slots& s);

// The tilings that fit, best first by size: whole-row tiles of the most
// rows, then (windowed ops on whole-byte pixels) blocks of fewer columns,
// then groups of whole images. Each is the largest tile of its width.
std::vector<tile_shape> fitting_shapes(const plan_input& p, const slots& s);

// Throws std::invalid_argument naming the layer: even the smallest tile
// does not fit the slots.
[[noreturn]] void fail_no_fit(const plan_input& p, const slots& s);

}  // namespace nnvp::compiler::detail
