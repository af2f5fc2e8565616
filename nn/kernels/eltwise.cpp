// Element-wise add / multiply and the stand-alone activation
// (nn/ref/eltwise.cpp). Integer operands of at most 8 bits take their
// per-operand rescaling (add) or the whole activation from a table over the
// type's range, built with the same arithmetic, so the per-element work is a
// lookup plus at most one requantization.
#include "nn/kernels/detail.h"
#include "nn/kernels/kernels.h"

#include "nn/ref/activation.h"
#include "nn/ref/ops.h"

namespace nnvp::kernels {

using ref::layer;
using ref::op_kind;
using ref::precision;
using nn::dtype;
using nn::shape4;
using nn::tensor;

namespace {

bool dim_ok(int a, int b) { return b == a || b == 1; }

bool eltwise_supported(const layer& l, const tensor& a, const tensor& b)
{
    if ((l.op != op_kind::add && l.op != op_kind::mul) || l.prec == precision::binary)
        return false;
    const dtype t = ref::activation_type(l.prec);
    if (a.type() != t || b.type() != t)
        return false;
    const shape4 as = a.shape(), bs = b.shape();
    if (!dim_ok(as.n, bs.n) || !dim_ok(as.h, bs.h) || !dim_ok(as.w, bs.w) || !dim_ok(as.c, bs.c))
        return false;
    if (nn::is_float(t))
        return true;
    if (l.out_mult.size() != 1 || (l.op == op_kind::add && (l.add_shift < 0 || l.add_shift > 30)))
        return false;
    return detail::int_epilogue_ok(l, t, true);
}

// sat32(requantize((q - zp) << shift, m)): one rescaled add operand.
int64_t rescale(int64_t q, int32_t zp, int shift, ref::fixed_multiplier m)
{
    return detail::sat(detail::requantize((q - zp) * (int64_t{1} << shift), m), INT32_MIN,
                       INT32_MAX);
}

// f(q) for every q of type t (index q - min_of(t)).
template <typename F>
std::vector<int64_t> table_of(dtype t, F f)
{
    std::vector<int64_t> v;
    for (int64_t q = nn::min_of(t); q <= nn::max_of(t); ++q)
        v.push_back(f(q));
    return v;
}

}  // namespace

tensor eltwise(const layer& l, const tensor& a, const tensor& b, const options& opt)
{
    if (!eltwise_supported(l, a, b))
        return ref::eltwise(l, a, b);
    const dtype t = a.type();
    const shape4 as = a.shape(), bs = b.shape();
    const bool is_add = l.op == op_kind::add;
    tensor out(t, as);
    const std::size_t c = static_cast<std::size_t>(as.c);
    const int rows = as.n * as.h * as.w;
    // Offset of the b element broadcast onto a's (n, h, w) pixel, channel 0.
    const auto b_base = [&](int64_t row) {
        const int w = static_cast<int>(row % as.w), h = static_cast<int>(row / as.w % as.h);
        const int n = static_cast<int>(row / as.w / as.h);
        return b.index(bs.n == 1 ? 0 : n, bs.h == 1 ? 0 : h, bs.w == 1 ? 0 : w, 0);
    };
    const std::size_t b_step = bs.c == 1 ? 0 : 1;

    if (nn::is_float(t)) {
        const std::vector<float> x = detail::unpack_f32(a), y = detail::unpack_f32(b);
        std::vector<float> r(out.size());
        detail::parallel_for(opt, rows, [&](int64_t lo, int64_t hi) {
            for (int64_t row = lo; row < hi; ++row) {
                const std::size_t ia = static_cast<std::size_t>(row) * c, ib = b_base(row);
                for (std::size_t i = 0; i < c; ++i) {
                    const float u = x[ia + i], v = y[ib + i * b_step];
                    r[ia + i] = ref::finish_float(l, is_add ? u + v : u * v, t);
                }
            }
        });
        detail::pack_floats(out, r);
        return out;
    }
    const std::vector<int32_t> x = detail::unpack_i32(a, 0), y = detail::unpack_i32(b, 0);
    const detail::int_epilogue epi(l, t);
    const ref::fixed_multiplier m = l.out_mult[0];
    const int32_t zp1 = l.in_q.zero_point, zp2 = l.in2_q.zero_point;
    const bool tables = is_add && nn::bits_of(t) <= 8;
    const std::vector<int64_t> ta = tables ? table_of(t, [&](int64_t q) {
        return rescale(q, zp1, l.add_shift, l.in_mult);
    }) : std::vector<int64_t>{};
    const std::vector<int64_t> tb = tables ? table_of(t, [&](int64_t q) {
        return rescale(q, zp2, l.add_shift, l.in2_mult);
    }) : std::vector<int64_t>{};
    const int64_t lo_t = nn::min_of(t);
    std::vector<int32_t> r(out.size());
    detail::parallel_for(opt, rows, [&](int64_t lo, int64_t hi) {
        for (int64_t row = lo; row < hi; ++row) {
            const std::size_t ia = static_cast<std::size_t>(row) * c, ib = b_base(row);
            for (std::size_t i = 0; i < c; ++i) {
                const int64_t u = x[ia + i], v = y[ib + i * b_step];
                int64_t acc;
                if (tables)
                    acc = ta[static_cast<std::size_t>(u - lo_t)] +
                          tb[static_cast<std::size_t>(v - lo_t)];
                else if (is_add)
                    acc = rescale(u, zp1, l.add_shift, l.in_mult) +
                          rescale(v, zp2, l.add_shift, l.in2_mult);
                else
                    acc = (u - zp1) * (v - zp2);
                r[ia + i] = static_cast<int32_t>(epi.finish(acc, m));
            }
        }
    });
    detail::pack_ints(out, r);
    return out;
}

tensor activate(const layer& l, const tensor& in, const options& opt)
{
    const dtype t = ref::activation_type(l.prec);
    const bool ok = l.op == op_kind::activation && l.prec != precision::binary &&
                    in.type() == t &&
                    (nn::is_float(t) ||
                     ((ref::uses_table(l.act.kind) || l.out_mult.size() == 1) &&
                      detail::int_epilogue_ok(l, t, true)));
    if (!ok)
        return ref::activate(l, in);
    tensor out(t, in.shape());
    const int64_t n = static_cast<int64_t>(in.size());
    if (nn::is_float(t)) {
        const std::vector<float> x = detail::unpack_f32(in);
        std::vector<float> r(x.size());
        detail::parallel_for(opt, n, [&](int64_t lo, int64_t hi) {
            for (int64_t i = lo; i < hi; ++i)
                r[static_cast<std::size_t>(i)] =
                    ref::finish_float(l, x[static_cast<std::size_t>(i)], t);
        });
        detail::pack_floats(out, r);
        return out;
    }
    // ref::finish_pooled for the activation op.
    const detail::int_epilogue epi(l, t);
    const auto f = [&](int64_t q) {
        if (epi.table)
            return epi.lookup(q);
        const int64_t v = detail::sat(detail::requantize(q - l.in_q.zero_point, l.out_mult[0]),
                                      INT32_MIN, INT32_MAX) +
                          l.out_q.zero_point;
        return epi.clamp_act(detail::sat(v, epi.lo, epi.hi));
    };
    const int64_t range = nn::max_of(t) - nn::min_of(t) + 1;
    const bool use_table = n >= range;
    const std::vector<int64_t> tab = use_table ? table_of(t, f) : std::vector<int64_t>{};
    const std::vector<int32_t> x = detail::unpack_i32(in, 0);
    std::vector<int32_t> r(x.size());
    detail::parallel_for(opt, n, [&](int64_t lo, int64_t hi) {
        for (int64_t i = lo; i < hi; ++i) {
            const int64_t q = x[static_cast<std::size_t>(i)];
            r[static_cast<std::size_t>(i)] = static_cast<int32_t>(
                use_table ? tab[static_cast<std::size_t>(q - epi.lo)] : f(q));
        }
    });
    detail::pack_ints(out, r);
    return out;
}

}  // namespace nnvp::kernels
