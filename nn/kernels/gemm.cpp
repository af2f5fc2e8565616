#include "nn/kernels/gemm.h"

#include <algorithm>
#include <cstring>

// GCC function multiversioning: one clone per x86-64 micro-architecture level,
// picked by the dynamic loader from the running CPU. The loops are plain C++
// that GCC's vectoriser turns into pmaddwd / vpdpwssd dot products (integer)
// and broadcast-multiply-add over output channels (float). -ffp-contract=off
// (CMakeLists.txt) keeps the float clones from fusing multiply and add, which
// would change the rounding against the reference.
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
#define NNVP_CLONES __attribute__((target_clones("default", "arch=x86-64-v3", "arch=x86-64-v4")))
#else
#define NNVP_CLONES
#endif
#define NNVP_INLINE inline __attribute__((always_inline))

namespace nnvp::kernels::detail {

namespace {

// PB pixels x OB output channels of dot products over k taps: each a-row is
// loaded once per OB channels, each weight row once per PB pixels.
template <int PB, int OB, typename T, typename Acc>
NNVP_INLINE void dot_block(const T* a, std::size_t lda, const T* w, std::size_t ldw, int k,
                           int64_t* out, std::size_t ldo)
{
    Acc s[PB][OB] = {};
    for (int j = 0; j < k; ++j) {
#pragma GCC unroll 4
        for (int p = 0; p < PB; ++p)
#pragma GCC unroll 4
            for (int o = 0; o < OB; ++o)
                s[p][o] += static_cast<Acc>(a[p * lda + j]) * static_cast<Acc>(w[o * ldw + j]);
    }
    for (int p = 0; p < PB; ++p)
        for (int o = 0; o < OB; ++o)
            out[p * ldo + o] += s[p][o];
}

template <typename T, typename Acc>
NNVP_INLINE void gemm_int(const T* a, std::size_t lda, int np, const T* w, std::size_t ldw,
                          int no, int k, int64_t* out, std::size_t ldo)
{
    int o = 0;
    for (; o + 4 <= no; o += 4) {
        int p = 0;
        for (; p + 2 <= np; p += 2)
            dot_block<2, 4, T, Acc>(a + p * lda, lda, w + o * ldw, ldw, k, out + p * ldo + o,
                                    ldo);
        for (; p < np; ++p)
            dot_block<1, 4, T, Acc>(a + p * lda, lda, w + o * ldw, ldw, k, out + p * ldo + o,
                                    ldo);
    }
    for (; o < no; ++o)
        for (int p = 0; p < np; ++p)
            dot_block<1, 1, T, Acc>(a + p * lda, lda, w + o * ldw, ldw, k, out + p * ldo + o,
                                    ldo);
}

// f32_block lanes as a GCC generic vector: lowered to whatever vector
// registers the clone's target has (4 xmm, 2 ymm or 1 zmm), so every clone
// keeps the PB accumulators in registers.
typedef float vf32 __attribute__((vector_size(f32_block * sizeof(float))));

// PB pixels x f32_block channels; the k loop is sequential for every lane.
template <int PB>
NNVP_INLINE void f32_block_kernel(const float* a, std::size_t lda, const float* wt,
                                  std::size_t ldw, int no, int k, float* out, std::size_t ldo)
{
    vf32 s[PB];
    for (int p = 0; p < PB; ++p)
        s[p] = vf32{} + 0.0f;  // +0.0 seeds, as in the reference
    for (int j = 0; j < k; ++j) {
        vf32 w;
        std::memcpy(&w, wt + static_cast<std::size_t>(j) * ldw, sizeof w);
#pragma GCC unroll 8
        for (int p = 0; p < PB; ++p)
            s[p] += a[p * lda + j] * w;
    }
    for (int p = 0; p < PB; ++p) {
        float lanes[f32_block];
        std::memcpy(lanes, &s[p], sizeof lanes);
        for (int o = 0; o < no && o < f32_block; ++o)
            out[p * ldo + o] = lanes[o];
    }
}

}  // namespace

NNVP_CLONES
void gemm_i16(const int16_t* a, std::size_t lda, int np, const int16_t* w, std::size_t ldw,
              int no, int k, int64_t* out, std::size_t ldo)
{
    gemm_int<int16_t, int32_t>(a, lda, np, w, ldw, no, k, out, ldo);
}

NNVP_CLONES
void gemm_i32(const int32_t* a, std::size_t lda, int np, const int32_t* w, std::size_t ldw,
              int no, int k, int64_t* out, std::size_t ldo)
{
    gemm_int<int32_t, int64_t>(a, lda, np, w, ldw, no, k, out, ldo);
}

NNVP_CLONES
void gemm_f32(const float* a, std::size_t lda, int np, const float* wt, std::size_t ldw, int no,
              int k, float* out, std::size_t ldo)
{
    for (int o = 0; o < no; o += f32_block) {
        const int nb = no - o;
        int p = 0;
        for (; p + 6 <= np; p += 6)
            f32_block_kernel<6>(a + p * lda, lda, wt + o, ldw, nb, k, out + p * ldo + o, ldo);
        for (; p + 2 <= np; p += 2)
            f32_block_kernel<2>(a + p * lda, lda, wt + o, ldw, nb, k, out + p * ldo + o, ldo);
        for (; p < np; ++p)
            f32_block_kernel<1>(a + p * lda, lda, wt + o, ldw, nb, k, out + p * ldo + o, ldo);
    }
}

NNVP_CLONES
void gemm_f32_rows(const float* a, std::size_t lda, int np, const float* w, std::size_t ldw,
                   int no, int k, float* out, std::size_t ldo)
{
    constexpr int kc = 64;  // taps per transposed tile
    vf32 tile[kc];
    for (int p0 = 0; p0 < np; p0 += 4) {
        const int pn = std::min(4, np - p0);
        const float* ap = a + static_cast<std::size_t>(p0) * lda;
        for (int o0 = 0; o0 < no; o0 += f32_block) {
            const int nb = std::min(f32_block, no - o0);
            vf32 s[4];
            for (vf32& v : s)
                v = vf32{} + 0.0f;  // +0.0 seeds, as in the reference
            for (int j0 = 0; j0 < k; j0 += kc) {
                const int jn = std::min(kc, k - j0);
                float(*t)[f32_block] = reinterpret_cast<float(*)[f32_block]>(tile);
                for (int o = 0; o < f32_block; ++o)
                    for (int j = 0; j < jn; ++j)
                        t[j][o] = o < nb ? w[static_cast<std::size_t>(o0 + o) * ldw + j0 + j]
                                         : 0.0f;
                // The partial sums carry over from tile to tile: each lane still
                // adds its taps one by one in j order.
                for (int j = 0; j < jn; ++j)
                    for (int p = 0; p < pn; ++p)
                        s[p] += ap[static_cast<std::size_t>(p) * lda + j0 + j] * tile[j];
            }
            for (int p = 0; p < pn; ++p) {
                float lanes[f32_block];
                std::memcpy(lanes, &s[p], sizeof lanes);
                for (int o = 0; o < nb; ++o)
                    out[static_cast<std::size_t>(p0 + p) * ldo + o0 + o] = lanes[o];
            }
        }
    }
}

}  // namespace nnvp::kernels::detail
