// Element-wise add / multiply (residual connections) and the stand-alone
// activation. Integer add follows TFLite's scheme (arXiv:1712.05877 and
// tensorflow/lite/kernels/internal/reference/add.h): both operands are
// shifted left by add_shift, rescaled to a common scale, summed, then
// requantized like an accumulator; multiply requantizes the product of the
// zero-point-corrected operands.
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

bool dim_ok(int a, int b) { return b == a || b == 1; }

// Index into b of the element broadcast to a's (n, h, w, c).
std::size_t broadcast_index(const tensor& b, int n, int h, int w, int c)
{
    const shape4& s = b.shape();
    return b.index(s.n == 1 ? 0 : n, s.h == 1 ? 0 : h, s.w == 1 ? 0 : w, s.c == 1 ? 0 : c);
}

}  // namespace

tensor eltwise(const layer& l, const tensor& a, const tensor& b)
{
    if (l.op != op_kind::add && l.op != op_kind::mul)
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
    const bool is_add = l.op == op_kind::add;
    if (!float_path && is_add && (l.add_shift < 0 || l.add_shift > 30))
        fail(l, "add_shift must be in [0, 30]");

    tensor out(t, as);
    for (int n = 0; n < as.n; ++n)
        for (int h = 0; h < as.h; ++h)
            for (int w = 0; w < as.w; ++w)
                for (int c = 0; c < as.c; ++c) {
                    const std::size_t ia = a.index(n, h, w, c);
                    const std::size_t ib = broadcast_index(b, n, h, w, c);
                    if (float_path) {
                        const float x = a.get_float(ia);
                        const float y = b.get_float(ib);
                        out.set_float(ia, finish_float(l, is_add ? x + y : x * y, t));
                        continue;
                    }
                    const int64_t x = a.get_int(ia) - l.in_q.zero_point;
                    const int64_t y = b.get_int(ib) - l.in2_q.zero_point;
                    int64_t acc;
                    if (is_add) {
                        // Each rescaled operand is an int32 register.
                        acc = saturate(requantize(x * (int64_t{1} << l.add_shift), l.in_mult),
                                       dtype::int32) +
                              saturate(requantize(y * (int64_t{1} << l.add_shift), l.in2_mult),
                                       dtype::int32);
                    } else {
                        acc = x * y;
                    }
                    out.set_int(ia, finish_int(l, acc, 0, t));
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

tensor execute(const layer& l, const tensor& in, const tensor* second, const tensor* bias)
{
    switch (l.op) {
    case op_kind::conv2d:
    case op_kind::fully_connected:
        if (!second)
            fail(l, "weights missing");
        return l.op == op_kind::conv2d ? conv2d(l, in, *second, bias)
                                       : fully_connected(l, in, *second, bias);
    case op_kind::add:
    case op_kind::mul:
        if (!second)
            fail(l, "second operand missing");
        return eltwise(l, in, *second);
    case op_kind::activation: return activate(l, in);
    default: return pool(l, in);
    }
}

}  // namespace nnvp::ref
