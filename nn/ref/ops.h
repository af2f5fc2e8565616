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
sw::shape4 output_shape(const layer& l, const sw::shape4& in);

// conv2d: in NHWC, w OHWI with I = C / groups, bias [1,1,1,O] or nullptr.
sw::tensor conv2d(const layer& l, const sw::tensor& in, const sw::tensor& w,
                  const sw::tensor* bias = nullptr);
// fully_connected / matmul: in [N,H,W,C] read as N rows of K = H*W*C, w [O,1,1,K]
// (the transposed right-hand matrix), out [N,1,1,O].
sw::tensor fully_connected(const layer& l, const sw::tensor& in, const sw::tensor& w,
                           const sw::tensor* bias = nullptr);
// max_pool, avg_pool, global_avg_pool, global_max_pool.
sw::tensor pool(const layer& l, const sw::tensor& in);
// add, mul: out has a's shape; every dim of b equals a's or is 1.
sw::tensor eltwise(const layer& l, const sw::tensor& a, const sw::tensor& b);
// The activation op alone.
sw::tensor activate(const layer& l, const sw::tensor& in);

// Dispatch on l.op: `second` is the weights (conv2d, fully_connected) or the
// second operand (add, mul); unused otherwise.
sw::tensor execute(const layer& l, const sw::tensor& in, const sw::tensor* second = nullptr,
                   const sw::tensor* bias = nullptr);

}  // namespace nnvp::ref
