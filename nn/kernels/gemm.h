// The hot loops: panel x weight products. `a` holds np rows (output pixels)
// of k taps each (an im2col panel, or the input itself for 1x1 convolutions
// and fully connected layers). Compiled for several x86-64 levels with GCC
// function multiversioning (resolved once at load time), portable C++
// everywhere else.
#pragma once

#include <cstddef>
#include <cstdint>

namespace nnvp::kernels::detail {

// Taps per int32 partial sum in gemm_i16: 65536 products of |a| <= 255 and
// |w| <= 128 stay below 2^31, so the int32 lanes never overflow.
constexpr int i16_chunk = 65536;

// out[p*ldo + o] += sum_{j<k} a[p*lda + j] * w[o*ldw + j] for p < np, o < no.
// Operands from int8 / int4 / binary layers (|a| <= 255, |w| <= 128); k <=
// i16_chunk. Integer sums are exact in any order.
void gemm_i16(const int16_t* a, std::size_t lda, int np, const int16_t* w, std::size_t ldw,
              int no, int k, int64_t* out, std::size_t ldo);

// Same with int32 operands (INT16 layers: |a| <= 65535, |w| <= 32768) and
// int64 lanes.
void gemm_i32(const int32_t* a, std::size_t lda, int np, const int32_t* w, std::size_t ldw,
              int no, int k, int64_t* out, std::size_t ldo);

// Lanes of one float vector per output channel.
constexpr int f32_block = 16;

// out[p*ldo + o] = sum_{j<k} a[p*lda + j] * wt[j*ldw + o] for p < np, o < no,
// each sum taken in j order from +0.0 (the reference's order: vector lanes
// run over output channels, never over the taps of one sum). wt is the
// weights transposed to [k][ldw]: ldw is a multiple of f32_block and the
// columns no..ldw-1 hold zeros.
void gemm_f32(const float* a, std::size_t lda, int np, const float* wt, std::size_t ldw, int no,
              int k, float* out, std::size_t ldo);

// Same sums with the weights as rows: w[o*ldw + j] (OHWI as stored), for
// few output pixels (fully connected), where transposing the whole weight
// matrix would cost as much as the products. Tiles of the weights are
// transposed on the fly; each sum is still taken in j order from +0.0.
void gemm_f32_rows(const float* a, std::size_t lda, int np, const float* w, std::size_t ldw,
                   int no, int k, float* out, std::size_t ldo);

}  // namespace nnvp::kernels::detail
