// Tiling of a layer into compute commands whose operands fit the local
// buffers with double buffering (each tile gets half of every buffer, so the
// DMA loads the next tile while the array works on this one). Used by the
// compiler to cut layers and by the core model to know what one tile moves.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "nn/cost/core_params.h"
#include "nn/ref/layer.h"
#include "nn/tensor/tensor.h"

namespace nnvp::nncore {

// One output tile: output rows x output columns x output channels of image n,
// and the input window it reads (halo included, padding excluded). For
// fully_connected the layer is viewed as [1, N, 1, H*W*C]: n is 0 and the
// output rows oh are the batch rows.
struct tile {
    uint64_t n = 0;
    uint64_t oh0 = 0, oh_count = 0;
    uint64_t ow0 = 0, ow_count = 0;
    uint64_t oc0 = 0, oc_count = 0;
    uint64_t ih0 = 0, ih_count = 0;
    uint64_t iw0 = 0, iw_count = 0;
    uint64_t ic0 = 0, ic_count = 0;
    uint64_t input_bytes = 0;   // input window (both operands of add / mul)
    uint64_t weight_bytes = 0;  // filters oc0 .. oc0 + oc_count
    uint64_t psum_bytes = 0;    // output-buffer footprint at accumulator width
    uint64_t output_bytes = 0;  // finished outputs at the output type
    uint64_t macs = 0;
    uint64_t compute_cycles = 0;  // fold model (dense) or vector unit
    bool weights_reused = false;  // same filters as the previous tile: no reload
};

struct tile_plan {
    std::string error;  // non-empty: the layer cannot be tiled (tiles empty)
    dataflow flow = dataflow::output_stationary;  // used for every tile
    std::vector<tile> tiles;
    uint64_t input_budget = 0;  // bytes a tile may use in each buffer
    uint64_t weight_budget = 0;
    uint64_t output_budget = 0;
    uint64_t compute_cycles = 0;  // sum over tiles
    bool ok() const { return error.empty(); }
};

// Plans the tiles of `l` on input `in`: the most output channels whose
// filters fit half the weight buffer (whole groups for grouped convs), then
// the most full output rows whose input rows (with halo) fit half the input
// buffer and whose partial sums fit half the output buffer; when one full row
// does not fit, runs of output columns of one row; when one output pixel does
// not fit, the channel count halves. Tiles are ordered channel range, image,
// rows, columns (filters stay loaded across a channel range). Errors (no
// exception): a malformed layer, or one output pixel of one channel not
// fitting. automatic resolves to cost()'s choice for the whole layer.
tile_plan plan_tiles(const ref::layer& l, sw::shape4 in, const core_params& params,
                     dataflow flow = dataflow::automatic);

}  // namespace nnvp::nncore
