// The reference executor: one plain loop nest per op, written for clarity and
// independent of the NN core's fast kernels. Every op takes the layer
// description (nn/ref/layer.h) and returns a freshly allocated output tensor.
// Bad arguments (wrong types, shapes, geometry) throw std::invalid_argument
// with a message naming the layer; nothing asserts.
#pragma once

#include "nn/ref/layer.h"
#include "nn/tensor/tensor.h"

namespace nnvp::ref {

// Output shape of `l` for an input of shape `in` (throws when it is empty).
nn::shape4 output_shape(const layer& l, const nn::shape4& in);

// conv2d: in NHWC, w OHWI with I = C / groups, bias [1,1,1,O] or nullptr;
// `partials` (the output's shape, accumulator_type) when l.partial_in.
nn::tensor conv2d(const layer& l, const nn::tensor& in, const nn::tensor& w,
                  const nn::tensor* bias = nullptr, const nn::tensor* partials = nullptr);
// fully_connected / matmul: in [N,H,W,C] read as N rows of K = H*W*C, w [O,1,1,K]
// (the transposed right-hand matrix), out [N,1,1,O].
nn::tensor fully_connected(const layer& l, const nn::tensor& in, const nn::tensor& w,
                           const nn::tensor* bias = nullptr, const nn::tensor* partials = nullptr);
// max_pool, avg_pool, global_avg_pool, global_max_pool.
nn::tensor pool(const layer& l, const nn::tensor& in);
// add, sub, mul, div, max, min: out has a's shape; every dim of b equals a's or is 1.
nn::tensor eltwise(const layer& l, const nn::tensor& a, const nn::tensor& b);
// The activation op alone.
nn::tensor activate(const layer& l, const nn::tensor& in);
// reduce_sum / reduce_max / reduce_mean over the channel axis -> [N, H, W, 1].
nn::tensor reduce(const layer& l, const nn::tensor& in);
// softmax / normalize over the channel axis (float paths): the same shape.
nn::tensor row_op(const layer& l, const nn::tensor& in);
// The float and integer (common-scale registers) arithmetic of an
// element-wise op, shared with the fast kernels.
float float_eltwise(op_kind op, float x, float y);
int64_t int_eltwise(op_kind op, int64_t x, int64_t y);

// Dispatch on l.op: `second` is the weights (conv2d, fully_connected) or the
// second operand (the element-wise ops); unused otherwise. `partials`: the
// partial sums of a conv2d / fully_connected with partial_in.
nn::tensor execute(const layer& l, const nn::tensor& in, const nn::tensor* second = nullptr,
                   const nn::tensor* bias = nullptr, const nn::tensor* partials = nullptr);

}  // namespace nnvp::ref
