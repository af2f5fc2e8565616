// A complete NN-core program for one layer: the DRAM image (input, second
// operand, weights, bias, tables, output area, command stream) and a command
// stream that loads the constant operands once, then walks the output in
// tiles with double buffering:
//
//   LOAD weights, bias, table            (tag 0)
//   LOAD input tile 0 -> in slot 0       (tag 1)
//   for tile i (slot s = i % 2):
//     LOAD input tile i+1 -> in slot 1-s (tag 1 + (1-s))   before computing tile i
//     BARRIER {in tag of s, out tag of s (store of tile i-2), tag 0 for i = 0}
//     COMPUTE tile i: in slot s -> out slot s
//     STORE out slot s -> DRAM           (tag 3 + s)
//   BARRIER all; END
//
// Local memory (input_kb + weight_kb + output_kb KiB, in that order): the
// input buffer holds two input slots (a tile's input rows with their halo,
// then for add / mul the second operand's rows), the weight buffer holds
// weights, bias and the table image, the output buffer two output slots.
//
// Tiles (tiler.h, chosen by mapper.h): conv2d, max/avg pool, add, mul and
// activation are tiled over output rows of one image (each tile loads the
// input rows its windows touch, with the padding of the tile's edge rows
// adjusted so that the tile computes exactly its rows of the whole layer);
// conv2d and pools also over blocks of output columns (each block row one
// strided move), which is what lets a wide layer fit small buffers.
// fully_connected and global pools are tiled over whole images (batch rows).
// Sub-byte tensors (int4, binary) whose rows do not fill whole bytes are
// tiled over whole images, or as one tile.
// Compressed weights (program_options::weight_format, sw/compiler/weight_blob.h):
// the DRAM image holds the blob at dram.weights (dram.weight_bytes = blob
// bytes), and the first command is a LOAD_COMPRESSED (tag 0) that stages the
// blob at local.weight_staging and expands it to local.weights at the first
// BARRIER. The staging area lies in the weight buffer after the tables when
// it fits there, else at the start of the output buffer (free until the first
// compute, which comes after that BARRIER); when it fits neither, automatic
// keeps the weights dense and an explicit format is rejected.
// Layers whose weights + bias + tables exceed the weight buffer are REJECTED
// (std::invalid_argument): tiling over output channels is left to the
// network compiler, which can split such a layer into several commands.
// With program_options::channel_split an integer conv2d / fully_connected
// runs in passes over its input channels instead (channel_split.h).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "arch/nncore/command.h"
#include "nn/cost/core_params.h"
#include "sw/compiler/weight_blob.h"
#include "nn/ref/layer.h"
#include "nn/tensor/tensor.h"

namespace nnvp::compiler {

// The core's buffer sizes (INPUT_KB, WEIGHT_KB, OUTPUT_KB).
struct buffer_sizes {
    uint32_t input_kb = 64;
    uint32_t weight_kb = 128;
    uint32_t output_kb = 64;

    std::size_t local_bytes() const {
        return (std::size_t{input_kb} + weight_kb + output_kb) * 1024u;
    }
};

struct program_options {
    uint64_t dram_base = 0;  // address of the DRAM image's first byte
    cost::dataflow df = cost::dataflow::automatic;
    uint32_t align = 64;  // alignment of DRAM areas and local slots (power of 2)
    // Storage of conv2d / fully_connected weights of 8/16/32-bit elements.
    cost::weight_format weight_format = cost::weight_format::dense;
    // The mapper (mapper.h): with the core's parameters it costs every
    // tiling that fits and keeps the best for core.auto_objective; without,
    // it takes the largest tiles.
    std::optional<cost::core_params> core;
    double dram_bytes_per_cycle = 0.0;  // per core cycle; 0: compute time only
    double dram_pj_per_byte = 0.0;      // objective energy: a DRAM byte's energy
    // The DMA engine's bursts (never crossing a row of a strided move): a
    // move of many short rows is latency-bound. burst_cycles: a burst's DRAM
    // latency in core cycles over the bursts in flight; 0: bandwidth only.
    uint32_t dram_burst_bytes = 256;
    double dram_burst_cycles = 0.0;
    // Split an integer conv2d / fully_connected over its input channels, with
    // partial sums kept in the output buffer (sw/compiler/channel_split.h).
    bool channel_split = false;
    // With channel_split: choose the mapping only (program::mapping), no
    // stream or image (the builder's trials of output-channel group sizes).
    bool estimate_only = false;
};

// Absolute DRAM addresses (0 and size 0 for an absent operand).
struct dram_layout {
    uint64_t input = 0, in2 = 0, weights = 0, bias = 0, table = 0, output = 0, stream = 0;
    std::size_t input_bytes = 0, in2_bytes = 0, weight_bytes = 0, bias_bytes = 0, table_bytes = 0,
                output_bytes = 0, stream_bytes = 0;
    uint64_t end = 0;                    // one past the image
    std::size_t weight_dense_bytes = 0;  // the weights expanded (== weight_bytes when dense)
};

// Local-memory offsets.
struct local_layout {
    uint32_t in_slot[2] = {0, 0};
    uint32_t out_slot[2] = {0, 0};
    uint32_t in_slot_bytes = 0;
    uint32_t out_slot_bytes = 0;
    uint32_t weights = 0, bias = 0, table = 0;
    uint32_t weight_region = 0;        // start of the weight buffer
    uint32_t weight_region_bytes = 0;  // weight_kb KiB
    uint32_t output_region = 0;        // start of the output buffer
    uint32_t weight_staging = 0;       // compressed weights: where the blob lands
};

// One tile: images [n0, n0 + images), output rows [out_row0, out_row0 +
// out_rows) and columns [out_col0, out_col0 + out_cols) from input rows
// [in_row0, in_row0 + in_rows) and columns [in_col0, in_col0 + in_cols) with
// the padding it computes with.
struct tile_plan {
    int n0 = 0, images = 1;
    int out_row0 = 0, out_rows = 0;
    int in_row0 = 0, in_rows = 0;
    int pad_top = 0, pad_bottom = 0;
    int out_col0 = 0, out_cols = 0;
    int in_col0 = 0, in_cols = 0;
    int pad_left = 0, pad_right = 0;
    std::size_t in_bytes = 0, in2_bytes = 0, out_bytes = 0;  // what the tile moves
};

// How the mapper chose a layer's tiling (mapper.h): every tiling that fits,
// with its estimate, and the one taken.
struct tiling_candidate {
    int images = 1, rows = 0, cols = 0;  // cols 0: groups of whole images
    std::size_t tiles = 0;
    uint64_t compute_cycles = 0;  // sum over the tiles (fold model)
    uint64_t est_cycles = 0;      // sum of max(compute, DRAM bytes / bandwidth)
    uint64_t dram_bytes = 0;      // input, second operand and output moved
    double energy_j = 0.0;        // core energy + DRAM bytes' energy
    int in_channels = 0;          // channels per pass of an input-channel split (0: none)
    int passes = 1;               // passes per tile (channel_split.h)
};
struct mapping_choice {
    std::string objective;  // "cycles", "energy" or "largest" (no cost model)
    std::vector<tiling_candidate> candidates;
    std::size_t chosen = 0;
};

struct program {
    std::string layer_name;
    dram_layout dram;
    local_layout local;
    std::vector<tile_plan> tiles;
    mapping_choice mapping;
    std::vector<uint8_t> image;   // DRAM bytes [dram_base, dram.end), stream included
    std::vector<uint8_t> stream;  // the command stream (also at dram.stream)
    nn::shape4 out_shape;
    nn::dtype out_type = nn::dtype::fp32;
    cost::weight_format weight_format = cost::weight_format::dense;  // as stored (never automatic)
};

// `second` is the weights (conv2d, fully_connected) or the second operand
// (add, mul), else nullptr; `bias` when l.has_bias. Throws
// std::invalid_argument naming the layer and the field for an invalid layer,
// operands that do not match it, or buffers too small for one tile.
program single_layer_program(const ref::layer& l, const nn::tensor& input, const nn::tensor* second,
                             const nn::tensor* bias, const buffer_sizes& buffers,
                             const program_options& opt = {});

// The output tensor as it lies in `image` (a DRAM image laid out like p.image).
nn::tensor read_output(const program& p, const std::vector<uint8_t>& image);

}  // namespace nnvp::compiler
