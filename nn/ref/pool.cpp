// Max, average and global pooling. Windows never dilate; padded taps are
// ignored by max pooling and count as real zeros (the zero point) for average
// pooling, whose divisor is set by layer::count_include_pad.
#include "nn/ref/activation.h"
#include "nn/ref/layer_failure.h"
#include "nn/ref/ops.h"
#include "nn/ref/quant.h"

#include <string>

namespace nnvp::ref {

using nn::dtype;
using nn::shape4;
using nn::tensor;

namespace {

using detail::fail;

// round_half_away(sum / count) in integers, count > 0.
int64_t divide_round_away(int64_t sum, int64_t count)
{
    const int64_t mag = sum < 0 ? -sum : sum;
    const int64_t q = (mag + count / 2) / count;
    return sum < 0 ? -q : q;
}

}  // namespace

tensor pool(const layer& l, const tensor& in)
{
    const bool global = l.op == op_kind::global_avg_pool || l.op == op_kind::global_max_pool;
    const bool is_max = l.op == op_kind::max_pool || l.op == op_kind::global_max_pool;
    if (!global && l.op != op_kind::avg_pool && l.op != op_kind::max_pool)
        fail(l, "not a pooling op");
    if (l.prec == precision::binary)
        fail(l, "pooling has no binary precision");
    if (in.type() != activation_type(l.prec))
        fail(l, std::string("input is ") + nn::to_string(in.type()) + ", expected " +
                    nn::to_string(activation_type(l.prec)));
    const shape4 is = in.shape();
    geometry g = l.geo;
    if (global) {
        g = geometry{};
        g.kernel_h = is.h;
        g.kernel_w = is.w;
    } else {
        if (g.groups != 1 || g.dilation_h < 1 || g.dilation_w < 1)
            fail(l, "pooling takes no groups, and dilations of at least 1");
        // Every window then holds at least one real element (docs/numerics.md).
        const int eff_h = g.dilation_h * (g.kernel_h - 1) + 1;
        const int eff_w = g.dilation_w * (g.kernel_w - 1) + 1;
        if (g.pad_top >= eff_h || g.pad_bottom >= eff_h || g.pad_left >= eff_w ||
            g.pad_right >= eff_w)
            fail(l, "padding must be smaller than the (dilated) kernel");
    }
    layer shaped = l;
    shaped.geo = g;
    if (global)  // the window is the whole image: shape it like a plain pool
        shaped.op = op_kind::max_pool;
    const shape4 os = output_shape(shaped, is);
    const bool float_path = nn::is_float(in.type());
    const dtype ot = in.type();
    const int32_t zp = l.in_q.zero_point;
    if (!float_path && !uses_table(l.act.kind) &&
        (l.in_q.scale != l.out_q.scale || l.in_q.zero_point != l.out_q.zero_point))
        fail(l, "integer pooling needs out_q == in_q");

    tensor out(ot, os);
    for (int n = 0; n < os.n; ++n)
        for (int oh = 0; oh < os.h; ++oh)
            for (int ow = 0; ow < os.w; ++ow)
                for (int c = 0; c < os.c; ++c) {
                    float fval = 0.0f;
                    int64_t ival = 0;
                    int64_t valid = 0;
                    for (int kh = 0; kh < g.kernel_h; ++kh) {
                        const int ih = oh * g.stride_h - g.pad_top + kh * g.dilation_h;
                        if (ih < 0 || ih >= is.h)
                            continue;
                        for (int kw = 0; kw < g.kernel_w; ++kw) {
                            const int iw = ow * g.stride_w - g.pad_left + kw * g.dilation_w;
                            if (iw < 0 || iw >= is.w)
                                continue;
                            const std::size_t i = in.index(n, ih, iw, c);
                            if (float_path) {
                                const float v = in.get_float(i);
                                // The first element seeds the max; later ones
                                // win only when strictly greater.
                                fval = is_max ? (valid == 0 || v > fval ? v : fval) : fval + v;
                            } else {
                                const int64_t v = in.get_int(i);
                                ival = is_max ? (valid == 0 || v > ival ? v : ival)
                                              : ival + (v - zp);
                            }
                            ++valid;
                        }
                    }
                    const int64_t count = (!is_max && l.count_include_pad && !global)
                                              ? int64_t{g.kernel_h} * g.kernel_w
                                              : valid;
                    const std::size_t oi = out.index(n, oh, ow, c);
                    if (float_path) {
                        if (!is_max)
                            fval /= static_cast<float>(count);
                        out.set_float(oi, finish_float(l, fval, ot));
                    } else {
                        if (!is_max)
                            ival = divide_round_away(ival, count) + zp;
                        out.set_int(oi, finish_pooled(l, saturate(ival, ot), ot));
                    }
                }
    return out;
}

}  // namespace nnvp::ref
