// Internal: every layer the core runs, seen as a (possibly grouped) sliding
// window over an NHWC input, so every op shares one set of formulas.
// conv2d is itself; fully_connected is a 1x1 conv over the view [1, N, 1, K]
// (its batch rows become output rows); pooling, add, mul and activation are
// channel-wise (groups = C, one channel per group) and have no weights.
#pragma once

#include <cstdint>

#include "nn/cost/layer_cost.h"
#include "nn/ref/layer.h"
#include "nn/tensor/tensor.h"

namespace nnvp::cost::detail {

struct layer_view {
    ref::op_kind op = ref::op_kind::conv2d;
    ref::precision prec = ref::precision::fp32;  // costed precision
    bool on_array = true;                        // conv2d / fully_connected
    uint64_t N = 1, H = 1, W = 1, C = 1;         // input (view) shape
    uint64_t Eh = 1, Ew = 1, O = 1;              // output shape (N images)
    uint64_t R = 1, S = 1;                       // window
    uint64_t stride_h = 1, stride_w = 1, dilation_h = 1, dilation_w = 1;
    uint64_t pad_top = 0, pad_left = 0;
    uint64_t groups = 1, cpg = 1, opg = 1;  // channels per group in / out
    unsigned in_bits = 32, w_bits = 0, out_bits = 32, acc_bits = 32;
    unsigned inputs = 1;  // operand tensors read (add / mul: 2)
    bool float_function = false;  // a piecewise-evaluated activation on a float path
    bool partial_in = false;      // conv2d / fully_connected: starts from partial sums

    uint64_t gemm_p() const { return N * Eh * Ew; }
    uint64_t gemm_k() const { return R * S * cpg; }
    uint64_t window() const { return R * S; }
    uint64_t output_count() const { return N * Eh * Ew * O; }
};

// Throws std::invalid_argument naming the layer when it is malformed.
layer_view view_of(const ref::layer& l, nn::shape4 in);

// cost() on a view (layer_cost.cpp).
layer_cost cost_view(const layer_view& v, dataflow flow, const core_params& params,
                     const sparsity& sp, objective obj);

}  // namespace nnvp::cost::detail
