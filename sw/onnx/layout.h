// How ONNX tensors (row-major, any rank) map onto nnvp's 4-D tensors.
//
// The rule (docs/onnx_conformance.md, "Tensor layout"): an ONNX tensor of
// rank r <= 4 is first right-aligned to rank 4 by leading 1s, [d0..d(r-1)] ->
// [1,..,1,d0,..,d(r-1)] = [a,b,c,d]. Then it lives in one of two layouts:
//   plain  (n,h,w,c) = (a,b,c,d): the ONNX row-major order itself, so
//          reshape / flatten / matmul are byte-order preserving;
//   nhwc   (n,h,w,c) = (a,c,d,b): [a,b,c,d] read as NCHW and stored NHWC,
//          the layout of the NN core's spatial ops (conv, pools, BN).
// Both layouts keep numpy broadcasting: a right-aligned operand of lower
// rank lines up with the other's dims in either layout. The importer picks
// a layout per tensor and inserts a transpose where an op needs the other.
// Ranks 5 and 6 exist in the plain layout only, their leading rank - 3 dims
// folded into n (the same bytes in the same order): element-wise ops,
// reshapes and ops along the last three axes work on them; an op along a
// folded axis is refused (our_axis), and a transpose reduces to 4 axes where
// it can.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "nn/tensor/tensor.h"

namespace nnvp::onnx_import {

enum class layout : uint8_t { plain, nhwc };

constexpr std::size_t max_rank = 6;

const char* to_string(layout l);

// The ONNX dims right-aligned to rank 4 ([a,b,c,d]). Throws
// std::invalid_argument naming `what` for rank > 4 or a dim < 1 or > 2^31-1.
std::array<int, 4> aligned_dims(const std::vector<int64_t>& dims, const std::string& what);

// shape4 of an ONNX tensor in layout `l` (rank 5-6: plain only, leading dims
// folded into n). Throws std::invalid_argument naming `what` otherwise.
nn::shape4 to_shape4(const std::vector<int64_t>& dims, layout l, const std::string& what);

// shape4 axis (0..3 = n,h,w,c) holding ONNX axis `axis` (0..rank-1) of a
// rank-`rank` tensor in layout `l`. Throws std::invalid_argument for a
// folded axis of a rank-5/6 tensor.
int our_axis(int axis, int rank, layout l);

// Numpy-style transpose of a 4-D tensor: output axis i is input axis perm[i].
nn::tensor transpose(const nn::tensor& in, const std::array<int, 4>& perm);

// The permutation that turns a tensor stored in layout `from` into layout
// `to` (identity when equal).
std::array<int, 4> relayout_perm(layout from, layout to);

// Host-side conversion of data between a plain tensor (ONNX order) and
// layout `l`, e.g. at the graph boundary.
nn::tensor from_plain(const nn::tensor& plain, layout l);
nn::tensor to_plain(const nn::tensor& t, layout l);

}  // namespace nnvp::onnx_import
