// conv2d and fully_connected as blocked panel x weight products.
//
// For a block of output pixels of one output row, the receptive fields are
// gathered into an im2col panel (rows of K = kernel_h * kernel_w * C/groups
// taps in the reference's (kh, kw, ci) order; NHWC makes each tap a
// contiguous run of channels). Padded taps are zeros: on integer paths the
// operands are stored minus the input zero point, so a zero is the real zero
// the reference's skipped tap stands for; on binary-input layers a zero tap
// drops out of sum(a * w) exactly as the reference excludes it from K
// (2 * popcount(xnor) - K = sum of the +-1 products); on float paths adding
// the +-0 product of a padded tap leaves the +0-seeded running sum unchanged
// (the sum is never -0), provided the weights are finite, which the fast path
// requires. 1x1 unpadded convolutions and fully connected layers use the
// input itself as the panel. The epilogue then follows ref::conv2d element by
// element (nn/ref/conv.cpp).
#include "nn/kernels/detail.h"
#include "nn/kernels/gemm.h"
#include "nn/kernels/kernels.h"

#include "nn/ref/activation.h"
#include "nn/ref/ops.h"

#include <cmath>
#include <cstring>
#include <stdexcept>
#include <type_traits>

namespace nnvp::kernels {

using ref::binary_scale;
using ref::layer;
using ref::precision;
using nn::dtype;
using nn::shape4;
using nn::tensor;

namespace {

// Everything ref::conv2d checks up front, plus the lazy checks of its
// epilogue and the finite-weights condition of the float panel. false: the
// caller hands the layer to the reference.
bool conv_supported(const layer& l, const tensor& in, const tensor& w, const tensor* bias,
                    const tensor* partials)
{
    const ref::geometry& g = l.geo;
    const shape4 is = in.shape();
    if (g.groups < 1 || is.c % g.groups != 0 || l.out_channels < 1 ||
        l.out_channels % g.groups != 0)
        return false;
    if (in.type() != ref::input_type(l) || w.type() != ref::weight_type(l))
        return false;
    if (w.shape() != shape4{l.out_channels, g.kernel_h, g.kernel_w, is.c / g.groups})
        return false;
    if (l.has_bias != (bias != nullptr))
        return false;
    if (bias && (bias->type() != ref::bias_type(l) ||
                 bias->size() != static_cast<std::size_t>(l.out_channels)))
        return false;
    shape4 os;
    try {
        os = ref::output_shape(l, is);
    } catch (const std::invalid_argument&) {
        return false;
    }
    const bool float_path = l.prec == precision::fp32 || l.prec == precision::fp16;
    if (ref::uses_partials(l) &&  // the reference words every misuse
        (float_path || (l.partial_out && bias) || l.partial_in != (partials != nullptr) ||
         (partials && (partials->type() != ref::accumulator_type(l) || partials->shape() != os))))
        return false;
    if (l.partial_out)
        return true;  // no epilogue
    const bool bin = l.prec == precision::binary;
    const bool bin_f32 = bin && l.bin_scale == binary_scale::fp32;
    if (bin_f32 && l.bin_alpha.size() != static_cast<std::size_t>(l.out_channels))
        return false;
    if (!float_path && !bin_f32) {
        if (l.out_mult.size() != 1 && l.out_mult.size() != static_cast<std::size_t>(l.out_channels))
            return false;
        const dtype ot = ref::output_type(l);
        if (!detail::int_epilogue_ok(l, bin ? dtype::int8 : ot, ot != dtype::binary))
            return false;
    }
    if (float_path) {  // any inf / NaN weight (exponent all ones)?
        const uint8_t* b = w.bytes().data();
        const bool half = w.type() == dtype::fp16;
        for (std::size_t i = 0; i < w.size(); ++i) {
            const uint32_t v = half ? uint32_t{b[2 * i]} | uint32_t{b[2 * i + 1]} << 8
                                    : uint32_t{b[4 * i]} | uint32_t{b[4 * i + 1]} << 8 |
                                          uint32_t{b[4 * i + 2]} << 16 |
                                          uint32_t{b[4 * i + 3]} << 24;
            const uint32_t exp = half ? 0x7c00u : 0x7f800000u;
            if ((v & exp) == exp)
                return false;
        }
    }
    return true;
}

int64_t wrap32(int64_t v) { return static_cast<int32_t>(static_cast<uint32_t>(v)); }

// The operands of one layer, unpacked once and shared by the workers.
template <typename T>
struct conv_job {
    const layer* l = nullptr;
    shape4 is, os;
    int cpg = 0, opg = 0, k = 0;
    std::vector<T> x;       // input, NHWC, minus the zero point (integer paths)
    std::vector<T> w;       // integer: OHWI rows of k; float: per group [k][ldw]
    std::size_t ldw = 0;    // float: transposed row stride
    bool rows = false;      // float with few output pixels: w kept as OHWI rows
    bool direct = false;    // 1x1, unpadded, one group: the input is the panel
    bool depthwise = false; // groups == C == O: lanes over channels instead
    std::vector<T> wd;      // depthwise weights as [kh][kw][C]
};

// Gathers the receptive fields of output pixels [ox0, ox0 + np) of output row
// (n, oh), group grp, into panel rows of job.k taps.
template <typename T>
void gather(const conv_job<T>& j, int n, int oh, int ox0, int np, int grp, T* panel)
{
    const ref::geometry& g = j.l->geo;
    const std::size_t run = static_cast<std::size_t>(j.cpg);
    for (int p = 0; p < np; ++p) {
        T* dst = panel + static_cast<std::size_t>(p) * static_cast<std::size_t>(j.k);
        const int ow = ox0 + p;
        for (int kh = 0; kh < g.kernel_h; ++kh) {
            const int ih = oh * g.stride_h - g.pad_top + kh * g.dilation_h;
            for (int kw = 0; kw < g.kernel_w; ++kw, dst += run) {
                const int iw = ow * g.stride_w - g.pad_left + kw * g.dilation_w;
                if (ih < 0 || ih >= j.is.h || iw < 0 || iw >= j.is.w) {
                    std::memset(dst, 0, run * sizeof(T));
                    continue;
                }
                const std::size_t src =
                    ((static_cast<std::size_t>(n) * j.is.h + ih) * j.is.w + iw) * j.is.c +
                    static_cast<std::size_t>(grp) * run;
                std::memcpy(dst, &j.x[src], run * sizeof(T));
            }
        }
    }
}

// Output pixels per panel: enough to reuse each weight row many times, few
// enough that the panel stays in the L2 cache.
template <typename T>
int pixel_block(int k)
{
    const std::size_t bytes = static_cast<std::size_t>(k) * sizeof(T);
    return static_cast<int>(std::clamp<std::size_t>((96 * 1024) / std::max<std::size_t>(bytes, 1),
                                                    4, 64));
}

// Raw sums (bias and epilogue not yet applied) of output row `row`
// (n * os.h + oh), channels [o0, o1) of every group, into sums[ow][o].
template <typename T, typename S>
void row_sums(const conv_job<T>& j, int row, int o0, int o1, std::vector<T>& panel,
              std::vector<S>& sums)
{
    const int n = row / j.os.h, oh = row % j.os.h;
    const std::size_t ldo = static_cast<std::size_t>(j.os.c);
    const int pb = pixel_block<T>(j.k);
    sums.assign(static_cast<std::size_t>(j.os.w) * ldo, S{});
    const int groups = j.l->geo.groups;
    for (int grp = 0; grp < groups; ++grp) {
        // This group's slice of [o0, o1).
        const int g0 = std::max(o0, grp * j.opg), g1 = std::min(o1, (grp + 1) * j.opg);
        if (g0 >= g1)
            continue;
        for (int ox0 = 0; ox0 < j.os.w; ox0 += pb) {
            const int np = std::min(pb, j.os.w - ox0);
            const T* a;
            std::size_t lda;
            if (j.direct) {
                const ref::geometry& g = j.l->geo;
                a = &j.x[((static_cast<std::size_t>(n) * j.is.h + oh * g.stride_h) * j.is.w +
                          static_cast<std::size_t>(ox0) * g.stride_w) *
                         j.is.c];
                lda = static_cast<std::size_t>(g.stride_w) * j.is.c;
            } else {
                panel.resize(static_cast<std::size_t>(np) * j.k);
                gather(j, n, oh, ox0, np, grp, panel.data());
                a = panel.data();
                lda = static_cast<std::size_t>(j.k);
            }
            S* out = &sums[static_cast<std::size_t>(ox0) * ldo + g0];
            if constexpr (std::is_same_v<T, float>) {
                if (j.rows) {
                    const float* w = &j.w[static_cast<std::size_t>(g0) * j.k];
                    detail::gemm_f32_rows(a, lda, np, w, static_cast<std::size_t>(j.k), g1 - g0,
                                          j.k, out, ldo);
                } else {
                    const std::size_t col = static_cast<std::size_t>(g0 - grp * j.opg);
                    const float* wt = &j.w[static_cast<std::size_t>(grp) * j.k * j.ldw + col];
                    detail::gemm_f32(a, lda, np, wt, j.ldw, g1 - g0, j.k, out, ldo);
                }
            } else {
                const T* w = &j.w[static_cast<std::size_t>(g0) * j.k];
                const std::size_t ldw = static_cast<std::size_t>(j.k);
                if constexpr (std::is_same_v<T, int16_t>) {
                    for (int k0 = 0; k0 < j.k; k0 += detail::i16_chunk)
                        detail::gemm_i16(a + k0, lda, np, w + k0, ldw, g1 - g0,
                                         std::min(detail::i16_chunk, j.k - k0), out, ldo);
                } else {
                    detail::gemm_i32(a, lda, np, w, ldw, g1 - g0, j.k, out, ldo);
                }
            }
        }
    }
}

// Depthwise rows: every channel is its own group of one input and one output
// channel, so vector lanes run over channels (contiguous in NHWC and in the
// [kh][kw][C] weights) and each lane walks its valid taps in (kh, kw) order,
// skipping padded taps like the reference. Integer lanes are int32 (k taps
// of at most 255 * 128 each, k <= i16_chunk).
template <typename T, typename S>
void depthwise_row_sums(const conv_job<T>& j, int row, int o0, int o1, std::vector<S>& sums)
{
    using L = std::conditional_t<std::is_same_v<T, int16_t>, int32_t, S>;
    const ref::geometry& g = j.l->geo;
    const int n = row / j.os.h, oh = row % j.os.h;
    const std::size_t c = static_cast<std::size_t>(j.os.c);
    sums.assign(static_cast<std::size_t>(j.os.w) * c, S{});
    std::vector<L> acc(c);
    for (int ow = 0; ow < j.os.w; ++ow) {
        std::fill(acc.begin(), acc.end(), L{});
        for (int kh = 0; kh < g.kernel_h; ++kh) {
            const int ih = oh * g.stride_h - g.pad_top + kh * g.dilation_h;
            if (ih < 0 || ih >= j.is.h)
                continue;
            for (int kw = 0; kw < g.kernel_w; ++kw) {
                const int iw = ow * g.stride_w - g.pad_left + kw * g.dilation_w;
                if (iw < 0 || iw >= j.is.w)
                    continue;
                const T* x = &j.x[((static_cast<std::size_t>(n) * j.is.h + ih) * j.is.w + iw) * c];
                const T* w = &j.wd[static_cast<std::size_t>(kh * g.kernel_w + kw) * c];
                for (int o = o0; o < o1; ++o)
                    acc[static_cast<std::size_t>(o)] +=
                        static_cast<L>(x[o]) * static_cast<L>(w[o]);
            }
        }
        std::copy(acc.begin(), acc.end(), sums.begin() + static_cast<std::ptrdiff_t>(ow * c));
    }
}

// The unpacked input's storage, kept per thread from call to call: a large
// fresh allocation costs a page fault per 4 KiB page on every layer.
template <typename T>
std::vector<T>& scratch()
{
    thread_local std::vector<T> buffer;
    return buffer;
}

template <typename T>
conv_job<T> make_job(const layer& l, const tensor& in, const tensor& w)
{
    conv_job<T> j;
    j.l = &l;
    j.is = in.shape();
    j.os = ref::output_shape(l, j.is);
    const ref::geometry& g = l.geo;
    j.cpg = j.is.c / g.groups;
    j.opg = l.out_channels / g.groups;
    j.k = g.kernel_h * g.kernel_w * j.cpg;
    j.direct = g.kernel_h == 1 && g.kernel_w == 1 && g.groups == 1 && g.pad_top == 0 &&
               g.pad_left == 0 && g.pad_bottom == 0 && g.pad_right == 0;
    if constexpr (std::is_same_v<T, float>) {
        j.x = std::move(scratch<T>());
        detail::unpack_into(in, 0, j.x);
        // Few output pixels (fully connected) or depthwise: no transposed copy.
        j.rows = j.os.count() / static_cast<std::size_t>(j.os.c) <= 16;
        if (j.rows || (j.cpg == 1 && j.opg == 1)) {
            j.w = detail::unpack_f32(w);
            j.rows = true;
        } else {
            const std::vector<float> wf = detail::unpack_f32(w);
            j.ldw = static_cast<std::size_t>((j.opg + detail::f32_block - 1) / detail::f32_block *
                                             detail::f32_block);
            // One block of slack at the end: a thread's channel range may start
            // mid-block, and gemm_f32 loads whole blocks (the extra lanes are
            // never stored).
            j.w.assign(static_cast<std::size_t>(g.groups) * j.k * j.ldw + detail::f32_block, 0.0f);
            // Transposed in 16 x 64 tiles: both sides stay within a few cache
            // lines.
            for (int o0 = 0; o0 < l.out_channels; o0 += 16)
                for (int t0 = 0; t0 < j.k; t0 += 64)
                    for (int o = o0; o < std::min(o0 + 16, l.out_channels); ++o) {
                        const std::size_t grp = static_cast<std::size_t>(o / j.opg);
                        const std::size_t col = static_cast<std::size_t>(o % j.opg);
                        for (int t = t0; t < std::min(t0 + 64, j.k); ++t)
                            j.w[(grp * j.k + t) * j.ldw + col] =
                                wf[static_cast<std::size_t>(o) * j.k + t];
                    }
        }
    } else {
        const int32_t zp = (l.prec == precision::binary && l.binary_input) ? 0 : l.in_q.zero_point;
        if constexpr (std::is_same_v<T, int16_t>) {
            j.x = std::move(scratch<T>());
            detail::unpack_into(in, zp, j.x);
            j.w = detail::unpack_i16(w, 0);
        } else {
            j.x = std::move(scratch<T>());
            detail::unpack_into(in, zp, j.x);
            j.w = detail::unpack_i32(w, 0);
        }
    }
    j.depthwise = j.cpg == 1 && j.opg == 1 && g.groups > 1 && j.k <= detail::i16_chunk;
    if (j.depthwise) {
        const std::size_t c = static_cast<std::size_t>(j.is.c);
        j.wd.resize(j.w.size());
        for (std::size_t o = 0; o < c; ++o)  // j.w holds OHWI rows here
            for (std::size_t t = 0; t < static_cast<std::size_t>(j.k); ++t)
                j.wd[t * c + o] = j.w[o * j.k + t];
    }
    return j;
}

// Runs the job over (output row, channel slice) work items and applies the
// epilogue of ref::conv2d to every output element.
template <typename T>
tensor run(const layer& l, const tensor& in, const tensor& w, const tensor* bias,
           const options& opt, const tensor* partials)
{
    conv_job<T> j = make_job<T>(l, in, w);
    const dtype ot = ref::output_type(l);
    tensor out(ot, j.os);
    const bool float_path = std::is_same_v<T, float>;
    const bool bin = l.prec == precision::binary;
    const bool bin_f32 = bin && l.bin_scale == binary_scale::fp32;
    const std::vector<float> bias_f =
        (bias && (float_path || bin_f32)) ? detail::unpack_f32(*bias) : std::vector<float>{};
    const std::vector<int64_t> bias_i =
        (bias && !float_path && !bin_f32) ? detail::unpack_i64(*bias) : std::vector<int64_t>{};
    const detail::int_epilogue epi(l, bin ? dtype::int8 : ot);
    const std::vector<int64_t> partial = partials ? detail::unpack_i64(*partials)
                                                  : std::vector<int64_t>{};
    detail::out_writer y(out);

    const int rows = j.os.n * j.os.h;
    const unsigned threads = std::max(1u, opt.threads);
    // Few rows (fully connected): split the output channels instead.
    const int slices = rows >= static_cast<int>(threads) ? 1 : static_cast<int>(threads);
    const int oc = l.out_channels;
    using S = std::conditional_t<std::is_same_v<T, float>, float, int64_t>;
    detail::parallel_for(opt, int64_t{rows} * slices, [&](int64_t b, int64_t e) {
        std::vector<T> panel;
        std::vector<S> sums;
        for (int64_t item = b; item < e; ++item) {
            const int row = static_cast<int>(item / slices), sl = static_cast<int>(item % slices);
            const int o0 = oc * sl / slices, o1 = oc * (sl + 1) / slices;
            if (o0 >= o1)
                continue;
            if (j.depthwise)
                depthwise_row_sums(j, row, o0, o1, sums);
            else
                row_sums(j, row, o0, o1, panel, sums);
            for (int px = 0; px < j.os.w; ++px)
                for (int c = o0; c < o1; ++c) {
                    const S s = sums[static_cast<std::size_t>(px) * oc + c];
                    const std::size_t oi = (static_cast<std::size_t>(row) * j.os.w + px) * oc + c;
                    if constexpr (std::is_same_v<S, float>) {  // never partial (conv_supported)
                        float facc = s;
                        if (bias)
                            facc += bias_f[static_cast<std::size_t>(c)];
                        y.put_float(oi, ref::finish_float(l, facc, ot));
                    } else if (l.partial_out) {
                        y.put_wide(oi, partials ? s + partial[oi] : s);
                    } else if (bin_f32) {
                        const int64_t sum = partials ? s + partial[oi] : s;
                        float v = static_cast<float>(sum) * l.bin_alpha[static_cast<std::size_t>(c)];
                        if (bias)
                            v += bias_f[static_cast<std::size_t>(c)];
                        v = ref::apply_float_activation(l.act, v);
                        if (ot == dtype::binary)
                            y.put_int(oi, v >= 0.0f ? 1 : -1);
                        else
                            y.put_float(oi, v);
                    } else {
                        int64_t acc = partials ? s + partial[oi] : s;
                        if (bias && __builtin_add_overflow(
                                        acc, bias_i[static_cast<std::size_t>(c)], &acc))
                            acc = acc < 0 ? INT64_MAX : INT64_MIN;  // INT16: saturate
                        if (l.prec != precision::int16)
                            acc = wrap32(acc);
                        const ref::fixed_multiplier m =
                            l.out_mult.size() == 1 ? l.out_mult[0]
                                                   : l.out_mult[static_cast<std::size_t>(c)];
                        const int64_t q = epi.finish(acc, m);
                        if (ot == dtype::binary)
                            y.put_int(oi, q >= l.out_q.zero_point ? 1 : -1);
                        else
                            y.put_int(oi, static_cast<int32_t>(q));
                    }
                }
        }
    });
    y.finish();
    scratch<T>() = std::move(j.x);
    return out;
}

tensor run_any(const layer& l, const tensor& in, const tensor& w, const tensor* bias,
               const options& opt, const tensor* partials)
{
    switch (l.prec) {
    case precision::fp32:
    case precision::fp16: return run<float>(l, in, w, bias, opt, partials);
    case precision::int16: return run<int32_t>(l, in, w, bias, opt, partials);
    default: return run<int16_t>(l, in, w, bias, opt, partials);
    }
}

}  // namespace

tensor conv2d(const layer& l, const tensor& in, const tensor& w, const tensor* bias,
              const options& opt, const tensor* partials)
{
    if (!conv_supported(l, in, w, bias, partials))
        return ref::conv2d(l, in, w, bias, partials);
    return run_any(l, in, w, bias, opt, partials);
}

tensor fully_connected(const layer& l, const tensor& in, const tensor& w, const tensor* bias,
                       const options& opt, const tensor* partials)
{
    // As in the reference: a 1x1 convolution over a 1x1 image of K channels.
    const shape4 is = in.shape();
    const int k = is.h * is.w * is.c;
    layer as_conv = l;
    as_conv.op = ref::op_kind::conv2d;
    as_conv.geo = ref::geometry{};
    const tensor rows = in.reshaped({is.n, 1, 1, k});
    if (w.shape() != shape4{l.out_channels, 1, 1, k} ||
        !conv_supported(as_conv, rows, w, bias, partials))
        return ref::fully_connected(l, in, w, bias, partials);
    return run_any(as_conv, rows, w, bias, opt, partials);
}

}  // namespace nnvp::kernels
