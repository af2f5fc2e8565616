// Element-wise ops (add, sub, mul, div, max, min), the stand-alone
// activation and the row reductions over channels. Integer add follows
// TFLite's scheme (arXiv:1712.05877 and
// tensorflow/lite/kernels/internal/reference/add.h): both operands are
// shifted left by add_shift, rescaled to a common scale, summed, then
// requantized like an accumulator; sub, max and min combine the same two
// rescaled registers; multiply requantizes the product of the
// zero-point-corrected operands; div is float-only. Reductions sum (or take
// the max of) the zero-point-corrected inputs of a row in channel order; the
// integer mean divides that sum by C with round-half-away first.
#include "nn/ref/activation.h"
#include "nn/ref/layer_failure.h"
#include "nn/ref/ops.h"
#include "nn/ref/quant.h"

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

namespace nnvp::ref {

using nn::dtype;
using nn::shape4;
using nn::tensor;

namespace {

using detail::fail;

bool dim_ok(int a, int b) { return b == a || b == 1; }

// Index into b of the element broadcast to a's (n, h, w, c).
std::size_t broadcast_index(const tensor& b, int n, int h, int w, int c)
{
    const shape4& s = b.shape();
    return b.index(s.n == 1 ? 0 : n, s.h == 1 ? 0 : h, s.w == 1 ? 0 : w, s.c == 1 ? 0 : c);
}

}  // namespace

float float_eltwise(op_kind op, float x, float y)
{
    switch (op) {
    case op_kind::add: return x + y;
    case op_kind::sub: return x - y;
    case op_kind::mul: return x * y;
    case op_kind::div: return x / y;
    // NaN propagates, as ONNX Max / Min do.
    case op_kind::max: return std::isnan(x) || std::isnan(y) ? x + y : std::max(x, y);
    case op_kind::min: return std::isnan(x) || std::isnan(y) ? x + y : std::min(x, y);
    default: return x;
    }
}

int64_t int_eltwise(op_kind op, int64_t x, int64_t y)
{
    switch (op) {
    case op_kind::sub: return x - y;
    case op_kind::max: return std::max(x, y);
    case op_kind::min: return std::min(x, y);
    default: return x + y;
    }
}

tensor reduce(const layer& l, const tensor& in)
{
    if (!is_reduce(l.op))
        fail(l, "not a reduction");
    if (l.prec == precision::binary)
        fail(l, "reductions have no binary precision");
    const dtype t = activation_type(l.prec);
    if (in.type() != t)
        fail(l, std::string("input must be ") + nn::to_string(t));
    const bool float_path = nn::is_float(t);
    if (!float_path && l.out_mult.size() != 1)
        fail(l, "out_mult needs 1 entry (call lower_quantization)");
    const shape4 s = in.shape();
    tensor out(t, output_shape(l, s));
    for (std::size_t row = 0; row < out.size(); ++row) {
        const std::size_t at = row * static_cast<std::size_t>(s.c);
        if (float_path) {
            float v = in.get_float(at);
            for (int c = 1; c < s.c; ++c) {
                const float x = in.get_float(at + static_cast<std::size_t>(c));
                v = l.op == op_kind::reduce_max ? float_eltwise(op_kind::max, v, x) : v + x;
            }
            if (l.op == op_kind::reduce_mean)
                v /= static_cast<float>(s.c);
            out.set_float(row, finish_float(l, v, t));
            continue;
        }
        int64_t acc = in.get_int(at) - l.in_q.zero_point;
        for (int c = 1; c < s.c; ++c) {
            const int64_t x = in.get_int(at + static_cast<std::size_t>(c)) - l.in_q.zero_point;
            acc = l.op == op_kind::reduce_max ? std::max(acc, x) : acc + x;
        }
        if (l.op == op_kind::reduce_mean)
            acc = round_half_away(static_cast<double>(acc) / s.c);
        out.set_int(row, finish_int(l, acc, 0, t));
    }
    return out;
}

namespace {

// Integer softmax of one row: t = act_lut[row max - q] (exp in 2^20 steps),
// p = round(2^30 t / sum t), requantized by out_mult.
void int_softmax_row(const layer& l, const tensor& in, std::size_t at, std::size_t c,
                     tensor& out)
{
    int64_t top = in.get_int(at);
    for (std::size_t k = 1; k < c; ++k)
        top = std::max(top, in.get_int(at + k));
    int64_t sum = 0;
    for (std::size_t k = 0; k < c; ++k)
        sum += l.act_lut.at(static_cast<std::size_t>(top - in.get_int(at + k)));
    for (std::size_t k = 0; k < c; ++k) {
        const int64_t e = l.act_lut[static_cast<std::size_t>(top - in.get_int(at + k))];
        const int64_t p = ((e << 30) + sum / 2) / sum;
        out.set_int(at + k, finish_int(l, p, 0, out.type()));
    }
}

// Integer normalize of one row from exact sums of x = q - zp:
// y = (C x - S1) / sqrt(C S2 - S1^2 + C^2 eps) in double (eps in input steps
// squared: norm_epsilon_steps), round(2^16 y) requantized by out_mult.
void int_normalize_row(const layer& l, const tensor& in, std::size_t at, std::size_t c,
                       tensor& out)
{
    __int128 s1 = 0, s2 = 0;
    for (std::size_t k = 0; k < c; ++k) {
        const int64_t x = in.get_int(at + k) - l.in_q.zero_point;
        s1 += x;
        s2 += static_cast<__int128>(x) * x;
    }
    const auto n = static_cast<__int128>(c);
    const double cc = static_cast<double>(c);
    const double den = std::sqrt(static_cast<double>(n * s2 - s1 * s1) +
                                 cc * cc * static_cast<double>(norm_epsilon_steps(l)));
    for (std::size_t k = 0; k < c; ++k) {
        const int64_t x = in.get_int(at + k) - l.in_q.zero_point;
        const double y = den > 0.0 ? static_cast<double>(n * x - s1) / den : 0.0;
        const int64_t fixed = static_cast<int64_t>(std::llround(std::ldexp(y, 16)));
        out.set_int(at + k, finish_int(l, fixed, 0, out.type()));
    }
}

}  // namespace

float norm_epsilon_steps(const layer& l)
{
    return l.norm_epsilon / (l.in_q.scale * l.in_q.scale);
}

tensor row_op(const layer& l, const tensor& in)
{
    if (!is_row_op(l.op))
        fail(l, "not a row op");
    const dtype t = activation_type(l.prec);
    if (l.prec == precision::binary)
        fail(l, std::string(to_string(l.op)) + " has no binary precision");
    if (in.type() != t)
        fail(l, std::string("input must be ") + nn::to_string(t));
    if (!nn::is_float(t)) {
        if (l.act.kind != act_kind::none)
            fail(l, "integer row ops take no activation");
        if (l.out_mult.size() != 1)
            fail(l, "out_mult needs 1 entry (call lower_quantization)");
        if (l.op == op_kind::softmax && l.act_lut.size() != std::size_t{1} << nn::bits_of(t))
            fail(l, "act_lut needs the exp table (call lower_quantization)");
        const std::size_t c = static_cast<std::size_t>(in.shape().c);
        tensor out(t, in.shape());
        for (std::size_t at = 0; at < in.size(); at += c) {
            if (l.op == op_kind::softmax)
                int_softmax_row(l, in, at, c, out);
            else
                int_normalize_row(l, in, at, c, out);
        }
        return out;
    }
    const std::size_t c = static_cast<std::size_t>(in.shape().c);
    tensor out(t, in.shape());
    std::vector<float> row(c);
    for (std::size_t at = 0; at < in.size(); at += c) {
        for (std::size_t k = 0; k < c; ++k)
            row[k] = in.get_float(at + k);
        // fp32 steps in channel order: what the five (or nine) single-op commands compute.
        if (l.op == op_kind::softmax) {
            float m = row[0], sum = 0.0f;
            for (float v : row)
                m = float_eltwise(op_kind::max, m, v);
            for (float& v : row) {
                v = static_cast<float>(std::exp(static_cast<double>(v - m)));
                sum += v;
            }
            for (float& v : row)
                v /= sum;
        } else {
            float mean = 0.0f, var = 0.0f;
            for (float v : row)
                mean += v;
            mean /= static_cast<float>(c);
            for (float& v : row) {
                v -= mean;
                var += v * v;
            }
            var /= static_cast<float>(c);
            const auto inv = static_cast<float>(
                1.0 / std::sqrt(static_cast<double>(var + l.norm_epsilon)));
            for (float& v : row)
                v *= inv;
        }
        for (std::size_t k = 0; k < c; ++k)
            out.set_float(at + k, finish_float(l, row[k], t));
    }
    return out;
}

tensor eltwise(const layer& l, const tensor& a, const tensor& b)
{
    if (!is_eltwise(l.op))
        fail(l, "not an element-wise op");
    if (l.prec == precision::binary)
        fail(l, "element-wise ops have no binary precision");
    const dtype t = activation_type(l.prec);
    if (a.type() != t || b.type() != t)
        fail(l, std::string("operands must be ") + nn::to_string(t));
    const shape4 as = a.shape();
    const shape4 bs = b.shape();
    if (!dim_ok(as.n, bs.n) || !dim_ok(as.h, bs.h) || !dim_ok(as.w, bs.w) || !dim_ok(as.c, bs.c))
        fail(l, "cannot broadcast " + nn::to_string(bs) + " onto " + nn::to_string(as));
    const bool float_path = nn::is_float(t);
    if (!float_path && l.out_mult.size() != 1)
        fail(l, "out_mult needs 1 entry (call lower_quantization)");
    const bool common_scale = l.op != op_kind::mul && l.op != op_kind::div;
    if (!float_path && l.op == op_kind::div)
        fail(l, "div has no integer path (float precisions only)");
    if (!float_path && common_scale && (l.add_shift < 0 || l.add_shift > 30))
        fail(l, "add_shift must be in [0, 30]");

    tensor out(t, as);
    for (int n = 0; n < as.n; ++n)
        for (int h = 0; h < as.h; ++h)
            for (int w = 0; w < as.w; ++w)
                for (int c = 0; c < as.c; ++c) {
                    const std::size_t ia = a.index(n, h, w, c);
                    const std::size_t ib = broadcast_index(b, n, h, w, c);
                    if (float_path) {
                        const float v = float_eltwise(l.op, a.get_float(ia), b.get_float(ib));
                        out.set_float(ia, finish_float(l, v, t));
                        continue;
                    }
                    const int64_t x = a.get_int(ia) - l.in_q.zero_point;
                    const int64_t y = b.get_int(ib) - l.in2_q.zero_point;
                    if (!common_scale) {
                        out.set_int(ia, finish_int(l, x * y, 0, t));
                        continue;
                    }
                    // Each rescaled operand is an int32 register.
                    const int64_t xs = saturate(
                        requantize(x * (int64_t{1} << l.add_shift), l.in_mult), dtype::int32);
                    const int64_t ys = saturate(
                        requantize(y * (int64_t{1} << l.add_shift), l.in2_mult), dtype::int32);
                    out.set_int(ia, finish_int(l, int_eltwise(l.op, xs, ys), 0, t));
                }
    return out;
}

tensor activate(const layer& l, const tensor& in)
{
    if (l.op != op_kind::activation)
        fail(l, "not an activation op");
    if (l.prec == precision::binary)
        fail(l, "the activation op has no binary precision");
    const dtype t = activation_type(l.prec);
    if (in.type() != t)
        fail(l, std::string("input must be ") + nn::to_string(t));
    if (!nn::is_float(t) && !uses_table(l.act.kind) && l.out_mult.size() != 1)
        fail(l, "out_mult needs 1 entry (call lower_quantization)");
    tensor out(t, in.shape());
    for (std::size_t i = 0; i < in.size(); ++i) {
        if (nn::is_float(t))
            out.set_float(i, finish_float(l, in.get_float(i), t));
        else
            out.set_int(i, finish_pooled(l, in.get_int(i), t));
    }
    return out;
}

tensor execute(const layer& l, const tensor& in, const tensor* second, const tensor* bias,
               const tensor* partials)
{
    if (uses_partials(l) && l.op != op_kind::conv2d && l.op != op_kind::fully_connected)
        fail(l, "partial sums: only conv2d and fully_connected accumulate");
    switch (l.op) {
    case op_kind::conv2d:
    case op_kind::fully_connected:
        if (!second)
            fail(l, "weights missing");
        return l.op == op_kind::conv2d ? conv2d(l, in, *second, bias, partials)
                                       : fully_connected(l, in, *second, bias, partials);
    case op_kind::add:
    case op_kind::mul:
    case op_kind::sub:
    case op_kind::div:
    case op_kind::max:
    case op_kind::min:
        if (!second)
            fail(l, "second operand missing");
        return eltwise(l, in, *second);
    case op_kind::activation: return activate(l, in);
    case op_kind::reduce_sum:
    case op_kind::reduce_max:
    case op_kind::reduce_mean: return reduce(l, in);
    case op_kind::softmax:
    case op_kind::normalize: return row_op(l, in);
    default: return pool(l, in);
    }
}

}  // namespace nnvp::ref
