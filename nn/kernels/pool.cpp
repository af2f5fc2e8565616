// Max, average and global pooling: the reference's per-element loop
// (nn/ref/pool.cpp) turned inside out so that vector lanes run over the
// channels of a pixel (contiguous in NHWC). Every channel still visits its
// taps in (kh, kw) order, so float sums and the first-tap-seeded max (and its
// NaN behaviour) are the reference's.
#include "nn/kernels/detail.h"
#include "nn/kernels/kernels.h"

#include "nn/ref/activation.h"
#include "nn/ref/ops.h"

#include <stdexcept>
#include <type_traits>

namespace nnvp::kernels {

using ref::layer;
using ref::op_kind;
using ref::precision;
using nn::dtype;
using nn::shape4;
using nn::tensor;

namespace {

bool is_global(const layer& l)
{
    return l.op == op_kind::global_avg_pool || l.op == op_kind::global_max_pool;
}

// The window geometry ref::pool uses (global pools: the whole image).
ref::geometry window(const layer& l, const shape4& is)
{
    if (!is_global(l))
        return l.geo;
    ref::geometry g;
    g.kernel_h = is.h;
    g.kernel_w = is.w;
    return g;
}

bool pool_supported(const layer& l, const tensor& in)
{
    const bool global = is_global(l);
    if (!global && l.op != op_kind::avg_pool && l.op != op_kind::max_pool)
        return false;
    if (l.prec == precision::binary || in.type() != ref::activation_type(l.prec))
        return false;
    const ref::geometry g = window(l, in.shape());
    if (!global && (g.dilation_h != 1 || g.dilation_w != 1 || g.groups != 1 ||
                    g.pad_top >= g.kernel_h || g.pad_bottom >= g.kernel_h ||
                    g.pad_left >= g.kernel_w || g.pad_right >= g.kernel_w))
        return false;
    layer shaped = l;
    shaped.geo = g;
    shaped.op = op_kind::max_pool;
    try {
        (void)ref::output_shape(shaped, in.shape());
    } catch (const std::invalid_argument&) {
        return false;
    }
    if (nn::is_float(in.type()))
        return true;
    if (!ref::uses_table(l.act.kind) &&
        (l.in_q.scale != l.out_q.scale || l.in_q.zero_point != l.out_q.zero_point))
        return false;
    return detail::int_epilogue_ok(l, in.type(), true);
}

// round_half_away(sum / count) in integers, count > 0 (ref's divide_round_away).
int64_t divide_round_away(int64_t sum, int64_t count)
{
    const int64_t mag = sum < 0 ? -sum : sum;
    const int64_t q = (mag + count / 2) / count;
    return sum < 0 ? -q : q;
}

// One output row (n, oh): value of every (ow, c) before the epilogue.
// T = float (float paths) or int32_t (raw q); S = the running value.
template <typename T, typename S>
void pool_row(const layer& l, const ref::geometry& g, const shape4& is, const shape4& os,
              const std::vector<T>& x, int row, std::vector<S>& acc, std::vector<int64_t>& count)
{
    const bool is_max = l.op == op_kind::max_pool || l.op == op_kind::global_max_pool;
    const int32_t zp = l.in_q.zero_point;
    const int n = row / os.h, oh = row % os.h;
    const std::size_t c = static_cast<std::size_t>(is.c);
    acc.assign(static_cast<std::size_t>(os.w) * c, S{});
    count.assign(static_cast<std::size_t>(os.w), 0);
    for (int ow = 0; ow < os.w; ++ow) {
        S* a = &acc[static_cast<std::size_t>(ow) * c];
        int64_t valid = 0;
        for (int kh = 0; kh < g.kernel_h; ++kh) {
            const int ih = oh * g.stride_h - g.pad_top + kh;
            if (ih < 0 || ih >= is.h)
                continue;
            for (int kw = 0; kw < g.kernel_w; ++kw) {
                const int iw = ow * g.stride_w - g.pad_left + kw;
                if (iw < 0 || iw >= is.w)
                    continue;
                const T* v = &x[((static_cast<std::size_t>(n) * is.h + ih) * is.w + iw) * c];
                if (is_max && valid == 0) {
                    for (std::size_t i = 0; i < c; ++i)
                        a[i] = static_cast<S>(v[i]);
                } else if (is_max) {
                    for (std::size_t i = 0; i < c; ++i)
                        a[i] = static_cast<S>(v[i]) > a[i] ? static_cast<S>(v[i]) : a[i];
                } else if constexpr (std::is_same_v<T, float>) {
                    for (std::size_t i = 0; i < c; ++i)
                        a[i] += v[i];
                } else {
                    for (std::size_t i = 0; i < c; ++i)
                        a[i] += static_cast<S>(v[i]) - zp;
                }
                ++valid;
            }
        }
        count[static_cast<std::size_t>(ow)] = (!is_max && l.count_include_pad && !is_global(l))
                                                  ? int64_t{g.kernel_h} * g.kernel_w
                                                  : valid;
    }
}

}  // namespace

tensor pool(const layer& l, const tensor& in, const options& opt)
{
    if (!pool_supported(l, in))
        return ref::pool(l, in);
    const shape4 is = in.shape();
    const ref::geometry g = window(l, is);
    layer shaped = l;
    shaped.geo = g;
    shaped.op = op_kind::max_pool;
    const shape4 os = ref::output_shape(shaped, is);
    const dtype t = in.type();
    const bool is_max = l.op == op_kind::max_pool || l.op == op_kind::global_max_pool;
    tensor out(t, os);
    const std::size_t c = static_cast<std::size_t>(os.c);
    const int rows = os.n * os.h;

    if (nn::is_float(t)) {
        const std::vector<float> x = detail::unpack_f32(in);
        std::vector<float> y(out.size());
        detail::parallel_for(opt, rows, [&](int64_t b, int64_t e) {
            std::vector<float> acc;
            std::vector<int64_t> count;
            for (int64_t row = b; row < e; ++row) {
                pool_row(l, g, is, os, x, static_cast<int>(row), acc, count);
                float* dst = &y[static_cast<std::size_t>(row) * os.w * c];
                for (std::size_t i = 0; i < acc.size(); ++i) {
                    float v = acc[i];
                    if (!is_max)
                        v /= static_cast<float>(count[i / c]);
                    dst[i] = ref::finish_float(l, v, t);
                }
            }
        });
        detail::pack_floats(out, y);
        return out;
    }
    const std::vector<int32_t> x = detail::unpack_i32(in, 0);
    const detail::int_epilogue epi(l, t);
    const int32_t zp = l.in_q.zero_point;
    std::vector<int32_t> y(out.size());
    detail::parallel_for(opt, rows, [&](int64_t b, int64_t e) {
        std::vector<int64_t> acc, count;
        for (int64_t row = b; row < e; ++row) {
            pool_row(l, g, is, os, x, static_cast<int>(row), acc, count);
            int32_t* dst = &y[static_cast<std::size_t>(row) * os.w * c];
            for (std::size_t i = 0; i < acc.size(); ++i) {
                int64_t v = acc[i];
                if (!is_max)
                    v = divide_round_away(v, count[i / c]) + zp;
                dst[i] = static_cast<int32_t>(epi.finish_pool(detail::sat(v, epi.lo, epi.hi)));
            }
        }
    });
    detail::pack_ints(out, y);
    return out;
}

}  // namespace nnvp::kernels
