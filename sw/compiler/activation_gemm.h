// The matrix product of two activations on the NN core (net_op::
// weights_operand): C = A · B with A [batch, M, K] and B given transposed,
// Bᵀ [batch, N, K], both row-major in their tensors (any stored shape whose
// last dim is K), C [batch, M, N] (A's stored shape with N for K). Each of
// the `batch` products is a fully_connected layer whose input is A's slice
// (M rows of K) and whose weights are Bᵀ's slice (N rows of K), loaded from
// the arena at run time instead of a constant blob: Q·Kᵀ reads the keys as
// they are, P·V reads Vᵀ. The layer's precision and scales are the fully
// connected layer's (integer paths: w_scales holds Bᵀ's one scale; its zero
// point must be 0).
#pragma once

#include <functional>

#include "nn/ref/layer.h"
#include "nn/tensor/tensor.h"

namespace nnvp::compiler {

struct gemm_dims {
    int batch = 1, m = 0, k = 0, n = 0;
};

// The product's dims from its operands' stored shapes; throws
// std::invalid_argument when they do not fit one another.
gemm_dims activation_gemm_dims(const ref::layer& l, int batch, const nn::shape4& a,
                               const nn::shape4& bt);

// C's stored shape: A's with N channels.
nn::shape4 activation_gemm_shape(const ref::layer& l, const nn::shape4& a);

// One product's fully connected layer executed by `fc` (the reference
// executor or the fast kernels), batch by batch.
using fc_executor = std::function<nn::tensor(const ref::layer&, const nn::tensor& in,
                                             const nn::tensor& weights)>;
nn::tensor activation_gemm(const ref::layer& l, int batch, const nn::tensor& a,
                           const nn::tensor& bt, const fc_executor& fc);

}  // namespace nnvp::compiler
