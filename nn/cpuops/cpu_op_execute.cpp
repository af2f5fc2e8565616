// execute(): the arithmetic of each kind of CPU op, on tensors infer() has
// described. Plain loops in NHWC order; the firmware charges their cycles
// from cost() (cpu_op.cpp).
#include <algorithm>
#include <cmath>
#include <cstring>

#include "nn/cpuops/cpu_op.h"
#include "nn/cpuops/index_ops.h"
#include "nn/cpuops/math_ops.h"
#include "nn/cpuops/op_failure.h"
#include "nn/ref/quant.h"

namespace nnvp::cpuops {

namespace {

using detail::fail;

nn::tensor softmax(const nn::tensor& in, const ref::quant_params& q) {
    const bool integer = !nn::is_float(in.type());
    nn::tensor out(nn::dtype::fp32, in.shape());
    const std::size_t c = static_cast<std::size_t>(in.shape().c);
    std::vector<double> e(c);
    for (std::size_t row = 0; row < in.size(); row += c) {
        double max = -INFINITY;
        for (std::size_t k = 0; k < c; ++k) {
            e[k] = integer ? ref::dequantize_value(in.get_int(row + k), q) : in.get_float(row + k);
            max = std::max(max, e[k]);
        }
        double sum = 0;
        for (std::size_t k = 0; k < c; ++k) {
            e[k] = std::exp(e[k] - max);
            sum += e[k];
        }
        for (std::size_t k = 0; k < c; ++k)
            out.set_float(row + k, static_cast<float>(e[k] / sum));
    }
    return out;
}

nn::tensor lrn(const op& o, const nn::tensor& in) {
    const int size = o.ints[0];
    const double alpha = o.floats[0], beta = o.floats[1], bias = o.floats[2];
    nn::tensor out(nn::dtype::fp32, in.shape());
    const int c = in.shape().c;
    const int lo_off = (size - 1) / 2, hi_off = size / 2;  // ONNX: floor / ceil of (size-1)/2
    for (std::size_t row = 0; row < in.size(); row += static_cast<std::size_t>(c)) {
        for (int k = 0; k < c; ++k) {
            double sum = 0;
            for (int j = std::max(0, k - lo_off); j <= std::min(c - 1, k + hi_off); ++j) {
                const double v = in.get_float(row + static_cast<std::size_t>(j));
                sum += v * v;
            }
            const double x = in.get_float(row + static_cast<std::size_t>(k));
            out.set_float(row + static_cast<std::size_t>(k),
                          static_cast<float>(x / std::pow(bias + alpha / size * sum, beta)));
        }
    }
    return out;
}

// Element i of `in` (quant params `from`) stored at `at` of `out` (quant params `to`).
void convert_into(nn::tensor& out, std::size_t at, const nn::tensor& in, std::size_t i,
                  const ref::quant_params& from, const ref::quant_params& to) {
    if (nn::is_float(out.type())) {
        out.set_float(at, in.get_float(i));
        return;
    }
    if (from.scale == to.scale && from.zero_point == to.zero_point) {
        out.set_int(at, in.get_int(i));
        return;
    }
    out.set_int(at,
                ref::quantize_value(ref::dequantize_value(in.get_int(i), from), to, out.type()));
}

nn::tensor concat(const op& o, const std::vector<const nn::tensor*>& ins,
                  const std::vector<tensor_info>& infos, const tensor_info& oi) {
    const int axis = o.ints[0];
    nn::tensor out(oi.type, oi.shape);
    int offset = 0;
    for (std::size_t t = 0; t < ins.size(); ++t) {
        const nn::tensor& in = *ins[t];
        const nn::shape4& s = in.shape();
        for (int n = 0; n < s.n; ++n)
            for (int h = 0; h < s.h; ++h)
                for (int w = 0; w < s.w; ++w)
                    for (int c = 0; c < s.c; ++c) {
                        int pos[4] = {n, h, w, c};
                        pos[axis] += offset;
                        convert_into(out, out.index(pos[0], pos[1], pos[2], pos[3]), in,
                                     in.index(n, h, w, c), infos[t].q, oi.q);
                    }
        offset += s.at(axis);
    }
    return out;
}

// Source index along one axis of size `n` for output position `p` (before =
// the leading pad), or -1 for a constant pad element.
int pad_source(int p, int before, int n, int mode) {
    int i = p - before;
    if (i >= 0 && i < n)
        return i;
    if (mode == 0)
        return -1;
    if (mode == 1)
        return i < 0 ? 0 : n - 1;
    return i < 0 ? -i : 2 * (n - 1) - i;  // reflect (edge not repeated)
}

nn::tensor pad(const op& o, const nn::tensor& in, const tensor_info& oi) {
    nn::tensor out(in.type(), oi.shape);
    const bool is_float = nn::is_float(in.type());
    const float value = o.floats[0];
    const std::size_t bytes = static_cast<std::size_t>(nn::bits_of(in.type())) / 8;
    const nn::shape4& s = in.shape();
    const int mode = o.ints[0];
    for (int n = 0; n < oi.shape.n; ++n)
        for (int h = 0; h < oi.shape.h; ++h)
            for (int w = 0; w < oi.shape.w; ++w)
                for (int c = 0; c < oi.shape.c; ++c) {
                    const int sn = pad_source(n, o.ints[1], s.n, mode);
                    const int sh = pad_source(h, o.ints[2], s.h, mode);
                    const int sw_ = pad_source(w, o.ints[3], s.w, mode);
                    const int sc = pad_source(c, o.ints[4], s.c, mode);
                    const std::size_t at = out.index(n, h, w, c);
                    if (sn < 0 || sh < 0 || sw_ < 0 || sc < 0) {
                        if (is_float)
                            out.set_float(at, value);
                        else
                            out.set_int(at, static_cast<int64_t>(value));
                    } else {
                        std::memcpy(out.bytes().data() + at * bytes,
                                    in.bytes().data() + in.index(sn, sh, sw_, sc) * bytes, bytes);
                    }
                }
    return out;
}

nn::tensor matmul(const nn::tensor& a, const nn::tensor& b, const tensor_info& oi) {
    nn::tensor out(nn::dtype::fp32, oi.shape);
    const nn::shape4& as = a.shape();
    const nn::shape4& bs = b.shape();
    for (int n = 0; n < as.n; ++n)
        for (int h = 0; h < as.h; ++h) {
            const int bn = bs.n == 1 ? 0 : n, bh = bs.h == 1 ? 0 : h;
            for (int m = 0; m < as.w; ++m)
                for (int j = 0; j < bs.c; ++j) {
                    float acc = 0.0f;
                    for (int k = 0; k < as.c; ++k)
                        acc +=
                            a.get_float(a.index(n, h, m, k)) * b.get_float(b.index(bn, bh, k, j));
                    out.set_float(out.index(n, h, m, j), acc);
                }
        }
    return out;
}

// ONNX QuantizeLinear: saturate(round_half_to_even(x / scale) + zero_point),
// the division in double as ref::quantize_value does.
int64_t quantize_half_even(float x, const ref::quant_params& q, nn::dtype t) {
    const double v = static_cast<double>(x) / static_cast<double>(q.scale);
    if (std::isnan(v))
        return ref::saturate(q.zero_point, t);
    const double r = std::nearbyint(std::clamp(v, -9.2e18, 9.2e18));  // default mode: to even
    return ref::saturate(static_cast<int64_t>(r) + q.zero_point, t);
}

// Quantize, dequantize, requantize or change the float width, element by element.
nn::tensor convert(const op& o, const nn::tensor& in, const ref::quant_params& from,
                   const tensor_info& oi) {
    nn::tensor r(oi.type, oi.shape);
    const bool from_float = nn::is_float(in.type()), to_float = nn::is_float(oi.type);
    for (std::size_t i = 0; i < in.size(); ++i) {
        const float real =
            from_float ? in.get_float(i) : ref::dequantize_value(in.get_int(i), from);
        if (to_float)
            r.set_float(i, real);
        else if (!from_float && from.scale == oi.q.scale && from.zero_point == oi.q.zero_point)
            r.set_int(i, ref::saturate(in.get_int(i), oi.type));
        else if (from_float && o.ints.size() == 2 && o.ints[1] == 1)
            r.set_int(i, quantize_half_even(real, oi.q, oi.type));
        else
            r.set_int(i, ref::quantize_value(real, oi.q, oi.type));
    }
    return r;
}

}  // namespace

nn::tensor transposed(const nn::tensor& in, const std::array<int, 4>& perm) {
    const nn::shape4& s = in.shape();
    const nn::shape4 os{s.at(perm[0]), s.at(perm[1]), s.at(perm[2]), s.at(perm[3])};
    if (!in.has_values())
        return nn::tensor::without_values(in.type(), os);
    nn::tensor out(in.type(), os);
    const std::size_t bytes = static_cast<std::size_t>(nn::bits_of(in.type())) / 8;
    int i[4];
    for (i[0] = 0; i[0] < s.n; ++i[0])
        for (i[1] = 0; i[1] < s.h; ++i[1])
            for (i[2] = 0; i[2] < s.w; ++i[2])
                for (i[3] = 0; i[3] < s.c; ++i[3]) {
                    const std::size_t from = in.index(i[0], i[1], i[2], i[3]) * bytes;
                    const std::size_t to =
                        out.index(i[perm[0]], i[perm[1]], i[perm[2]], i[perm[3]]) * bytes;
                    std::memcpy(out.bytes().data() + to, in.bytes().data() + from, bytes);
                }
    return out;
}

nn::tensor execute(const op& o, const std::vector<const nn::tensor*>& ins,
                   const std::vector<tensor_info>& infos, const tensor_info& out) {
    if (ins.size() != infos.size())
        fail(o, "internal: inputs and their descriptions differ in number");
    for (std::size_t i = 0; i < ins.size(); ++i)
        if (ins[i]->shape() != infos[i].shape || ins[i]->type() != infos[i].type)
            fail(o, "input " + std::to_string(i) + " does not match its description");
    switch (o.k) {
        case kind::softmax:
            return softmax(*ins[0], infos[0].q);
        case kind::reshape:
            return ins[0]->reshaped(out.shape);
        case kind::concat:
            return concat(o, ins, infos, out);
        case kind::lrn:
            return lrn(o, *ins[0]);
        case kind::convert:
            return convert(o, *ins[0], infos[0].q, out);
        case kind::transpose:
            return transposed(*ins[0], {o.ints[0], o.ints[1], o.ints[2], o.ints[3]});
        case kind::pad:
            return pad(o, *ins[0], out);
        case kind::matmul:
            return matmul(*ins[0], *ins[1], out);
        case kind::unary:
        case kind::binary:
        case kind::reduce:
            return detail::execute_math(o, ins, out);
        case kind::slice:
        case kind::gather:
        case kind::select:
        case kind::expand:
        case kind::tile:
        case kind::resize:
        case kind::spread:
            return detail::execute_index(o, ins, out);
    }
    fail(o, "unknown kind");
}

}  // namespace nnvp::cpuops
