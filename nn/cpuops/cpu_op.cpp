#include "nn/cpuops/cpu_op.h"

#include <algorithm>
#include <cmath>
#include <cstring>

#include "nn/ref/quant.h"
#include "nn/tensor/endian.h"

namespace nnvp::cpuops {

namespace {

[[noreturn]] void fail(const op& o, const std::string& what) {
    throw op_error(std::string("cpu op ") + to_string(o.k) + ": " + what);
}

void need_inputs(const op& o, const std::vector<tensor_info>& ins, std::size_t lo, std::size_t hi) {
    if (ins.size() < lo || ins.size() > hi)
        fail(o, std::to_string(ins.size()) + " inputs: expected " + std::to_string(lo) +
                    (hi == lo ? "" : hi > 1000 ? " or more" : ".." + std::to_string(hi)));
}

void need_params(const op& o, std::size_t ints, std::size_t floats_lo, std::size_t floats_hi) {
    if (o.ints.size() != ints)
        fail(o, "ints: " + std::to_string(o.ints.size()) + " values, expected " +
                    std::to_string(ints));
    if (o.floats.size() < floats_lo || o.floats.size() > floats_hi)
        fail(o, "floats: " + std::to_string(o.floats.size()) + " values, expected " +
                    std::to_string(floats_lo) +
                    (floats_hi == floats_lo ? "" : ".." + std::to_string(floats_hi)));
}

int dim(const nn::shape4& s, int axis) {
    return axis == 0 ? s.n : axis == 1 ? s.h : axis == 2 ? s.w : s.c;
}
int& dim(nn::shape4& s, int axis) {
    return axis == 0 ? s.n : axis == 1 ? s.h : axis == 2 ? s.w : s.c;
}

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

// Element i of `in` (with quant params `from`) as an element of type `t` with `to`.
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
    out.set_int(at, ref::quantize_value(ref::dequantize_value(in.get_int(i), from), to, out.type()));
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
        offset += dim(s, axis);
    }
    return out;
}

nn::tensor transpose(const op& o, const nn::tensor& in, const tensor_info& oi) {
    nn::tensor out(in.type(), oi.shape);
    const std::size_t bytes = static_cast<std::size_t>(nn::bits_of(in.type())) / 8;
    const nn::shape4& s = in.shape();
    int i[4];
    for (i[0] = 0; i[0] < s.n; ++i[0])
        for (i[1] = 0; i[1] < s.h; ++i[1])
            for (i[2] = 0; i[2] < s.w; ++i[2])
                for (i[3] = 0; i[3] < s.c; ++i[3]) {
                    const std::size_t from = in.index(i[0], i[1], i[2], i[3]) * bytes;
                    const std::size_t to =
                        out.index(i[o.ints[0]], i[o.ints[1]], i[o.ints[2]], i[o.ints[3]]) * bytes;
                    std::memcpy(out.bytes().data() + to, in.bytes().data() + from, bytes);
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

}  // namespace

const char* to_string(kind k) {
    switch (k) {
        case kind::softmax:
            return "softmax";
        case kind::reshape:
            return "reshape";
        case kind::concat:
            return "concat";
        case kind::lrn:
            return "lrn";
        case kind::convert:
            return "convert";
        case kind::transpose:
            return "transpose";
        case kind::pad:
            return "pad";
        case kind::matmul:
            return "matmul";
    }
    return "unknown";
}

tensor_info infer(const op& o, const std::vector<tensor_info>& ins) {
    switch (o.k) {
        case kind::softmax: {
            need_inputs(o, ins, 1, 1);
            need_params(o, 0, 0, 0);
            if (ins[0].type != nn::dtype::fp32 && ins[0].type != nn::dtype::int8)
                fail(o, std::string("input is ") + nn::to_string(ins[0].type) +
                            ": expected fp32 or int8");
            return {ins[0].shape, nn::dtype::fp32, {}};
        }
        case kind::reshape: {
            need_inputs(o, ins, 1, 1);
            need_params(o, 4, 0, 0);
            const nn::shape4 s{o.ints[0], o.ints[1], o.ints[2], o.ints[3]};
            if (s.n <= 0 || s.h <= 0 || s.w <= 0 || s.c <= 0 || s.count() != ins[0].shape.count())
                fail(o, "shape " + nn::to_string(s) + ": expected positive dims and " +
                            std::to_string(ins[0].shape.count()) + " elements");
            return {s, ins[0].type, ins[0].q};
        }
        case kind::concat: {
            need_inputs(o, ins, 1, 65535);
            need_params(o, 1, 0, 2);
            if (o.floats.size() == 1)
                fail(o, "floats: expected none or {out_scale, out_zero_point}");
            const int axis = o.ints[0];
            if (axis < 0 || axis > 3)
                fail(o, "axis " + std::to_string(axis) + ": expected 0..3 (NHWC)");
            tensor_info out = ins[0];
            if (o.floats.size() == 2) {
                out.q.scale = o.floats[0];
                out.q.zero_point = static_cast<int32_t>(o.floats[1]);
                if (!(out.q.scale > 0) || !std::isfinite(out.q.scale))
                    fail(o, "out_scale: expected a positive finite value");
            }
            if (ins[0].type == nn::dtype::int4 || ins[0].type == nn::dtype::binary)
                fail(o, std::string("input type ") + nn::to_string(ins[0].type) +
                            ": expected a whole-byte type");
            long total = dim(ins[0].shape, axis);
            for (std::size_t i = 1; i < ins.size(); ++i) {
                if (ins[i].type != ins[0].type)
                    fail(o, "input " + std::to_string(i) + " is " + nn::to_string(ins[i].type) +
                                ": expected " + nn::to_string(ins[0].type) + " like input 0");
                for (int a = 0; a < 4; ++a)
                    if (a != axis && dim(ins[i].shape, a) != dim(ins[0].shape, a))
                        fail(o, "input " + std::to_string(i) + " shape " +
                                    nn::to_string(ins[i].shape) + ": expected " +
                                    nn::to_string(ins[0].shape) + " outside axis " +
                                    std::to_string(axis));
                total += dim(ins[i].shape, axis);
            }
            if (total > 0x7fffffff)
                fail(o, "output too large");
            dim(out.shape, axis) = static_cast<int>(total);
            return out;
        }
        case kind::lrn: {
            need_inputs(o, ins, 1, 1);
            need_params(o, 1, 3, 3);
            if (ins[0].type != nn::dtype::fp32)
                fail(o, std::string("input is ") + nn::to_string(ins[0].type) + ": expected fp32");
            if (o.ints[0] < 1)
                fail(o, "size " + std::to_string(o.ints[0]) + ": expected >= 1");
            return ins[0];
        }
        case kind::convert: {
            need_inputs(o, ins, 1, 1);
            if (o.ints.size() != 1 && o.ints.size() != 2)
                fail(o, "ints: expected {output dtype} or {output dtype, rounding}");
            if (o.ints.size() == 2 && o.ints[1] != 0 && o.ints[1] != 1)
                fail(o, "rounding " + std::to_string(o.ints[1]) +
                            ": expected 0 (half away from zero) or 1 (half to even)");
            const auto t = static_cast<nn::dtype>(o.ints[0]);
            const bool known = t == nn::dtype::fp32 || t == nn::dtype::fp16 ||
                               t == nn::dtype::int32 || t == nn::dtype::int16 ||
                               t == nn::dtype::int8 || t == nn::dtype::int4;
            if (!known)
                fail(o, "output dtype " + std::to_string(o.ints[0]) +
                            ": expected fp32, fp16, int32, int16, int8 or int4");
            if (ins[0].type == nn::dtype::binary)
                fail(o, "input type binary: expected a numeric type");
            tensor_info out{ins[0].shape, t, {}};
            if (nn::is_float(t)) {
                need_params(o, o.ints.size(), 0, 0);
            } else {
                need_params(o, o.ints.size(), 2, 2);
                out.q.scale = o.floats[0];
                out.q.zero_point = static_cast<int32_t>(o.floats[1]);
                if (!(out.q.scale > 0) || !std::isfinite(out.q.scale))
                    fail(o, "out_scale: expected a positive finite value");
            }
            return out;
        }
        case kind::transpose: {
            need_inputs(o, ins, 1, 1);
            need_params(o, 4, 0, 0);
            bool seen[4] = {false, false, false, false};
            for (int v : o.ints) {
                if (v < 0 || v > 3 || seen[v])
                    fail(o, "perm: expected a permutation of 0..3");
                seen[v] = true;
            }
            if (nn::bits_of(ins[0].type) < 8)
                fail(o, std::string("input type ") + nn::to_string(ins[0].type) +
                            ": expected a whole-byte type");
            tensor_info out = ins[0];
            for (int a = 0; a < 4; ++a)
                dim(out.shape, a) = dim(ins[0].shape, o.ints[static_cast<std::size_t>(a)]);
            return out;
        }
        case kind::pad: {
            need_inputs(o, ins, 1, 1);
            need_params(o, 9, 1, 1);
            const int mode = o.ints[0];
            if (mode < 0 || mode > 2)
                fail(o, "mode " + std::to_string(mode) +
                            ": expected 0 (constant), 1 (edge) or 2 (reflect)");
            if (nn::bits_of(ins[0].type) < 8)
                fail(o, std::string("input type ") + nn::to_string(ins[0].type) +
                            ": expected a whole-byte type");
            const bool is_int = !nn::is_float(ins[0].type);
            const float v = o.floats[0];
            if (is_int && (v != std::floor(v) || v < static_cast<float>(nn::min_of(ins[0].type)) ||
                           v > static_cast<float>(nn::max_of(ins[0].type))))
                fail(o, "value: expected an integer within the input type");
            tensor_info out = ins[0];
            for (int a = 0; a < 4; ++a) {
                const int lo = o.ints[static_cast<std::size_t>(1 + a)];
                const int hi = o.ints[static_cast<std::size_t>(5 + a)];
                const int n = dim(ins[0].shape, a);
                if (lo < 0 || hi < 0 || (mode == 2 && (lo >= n || hi >= n)))
                    fail(o, "pads of axis " + std::to_string(a) + ": expected >= 0" +
                                (mode == 2 ? " and < the dim (reflect)" : ""));
                const long total = static_cast<long>(n) + lo + hi;
                if (total > 0x7fffffff)
                    fail(o, "output too large");
                dim(out.shape, a) = static_cast<int>(total);
            }
            return out;
        }
        case kind::matmul: {
            need_inputs(o, ins, 2, 2);
            need_params(o, 0, 0, 0);
            const nn::shape4& a = ins[0].shape;
            const nn::shape4& b = ins[1].shape;
            if (ins[0].type != nn::dtype::fp32 || ins[1].type != nn::dtype::fp32)
                fail(o, "inputs: expected fp32");
            if (b.w != a.c || (b.n != a.n && b.n != 1) || (b.h != a.h && b.h != 1))
                fail(o, "shapes " + nn::to_string(a) + " x " + nn::to_string(b) +
                            ": expected [n,h,M,K] x [n|1,h|1,K,N]");
            return {{a.n, a.h, a.w, b.c}, nn::dtype::fp32, {}};
        }
    }
    fail(o, "unknown kind " + std::to_string(static_cast<unsigned>(o.k)));
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
        case kind::convert: {
            const nn::tensor& in = *ins[0];
            nn::tensor r(out.type, out.shape);
            const bool from_float = nn::is_float(in.type()), to_float = nn::is_float(out.type);
            for (std::size_t i = 0; i < in.size(); ++i) {
                const float real = from_float ? in.get_float(i)
                                              : ref::dequantize_value(in.get_int(i), infos[0].q);
                if (to_float)
                    r.set_float(i, real);
                else if (!from_float && infos[0].q.scale == out.q.scale &&
                         infos[0].q.zero_point == out.q.zero_point)
                    r.set_int(i, ref::saturate(in.get_int(i), out.type));
                else if (from_float && o.ints.size() == 2 && o.ints[1] == 1)
                    r.set_int(i, quantize_half_even(real, out.q, out.type));
                else
                    r.set_int(i, ref::quantize_value(real, out.q, out.type));
            }
            return r;
        }
        case kind::transpose:
            return transpose(o, *ins[0], out);
        case kind::pad:
            return pad(o, *ins[0], out);
        case kind::matmul:
            return matmul(*ins[0], *ins[1], out);
    }
    fail(o, "unknown kind");
}

work cost(const op& o, const std::vector<tensor_info>& ins, const tensor_info& out) {
    work w;
    const uint64_t n = out.shape.count();
    switch (o.k) {
        case kind::softmax:  // the cost model's softmax rate covers max, exp and division
            w.transcendental = n;
            break;
        case kind::reshape:
            w.bytes = nn::storage_bytes(out.type, n);
            break;
        case kind::concat: {
            bool requant = false;
            for (const tensor_info& i : ins)
                requant |= !nn::is_float(i.type) &&
                           (i.q.scale != out.q.scale || i.q.zero_point != out.q.zero_point);
            if (requant)
                w.elements = n;
            else
                w.bytes = nn::storage_bytes(out.type, n);
            break;
        }
        case kind::lrn:
            w.transcendental = n;
            w.elements = n * static_cast<uint64_t>(o.ints.empty() ? 1 : o.ints[0]);
            break;
        case kind::convert:
            w.elements = n;
            break;
        case kind::transpose:
        case kind::pad:
            w.bytes = nn::storage_bytes(out.type, n);
            break;
        case kind::matmul:
            w.elements = n * static_cast<uint64_t>(ins.empty() ? 1 : ins[0].shape.c);
            break;
    }
    return w;
}

std::vector<uint8_t> encode(const op& o, const std::vector<uint16_t>& inputs) {
    std::vector<uint8_t> b(8);
    nn::store_le<uint16_t>(b.data(), static_cast<uint16_t>(o.k));
    nn::store_le<uint16_t>(b.data() + 2, static_cast<uint16_t>(inputs.size()));
    nn::store_le<uint16_t>(b.data() + 4, static_cast<uint16_t>(o.ints.size()));
    nn::store_le<uint16_t>(b.data() + 6, static_cast<uint16_t>(o.floats.size()));
    for (uint16_t i : inputs) {
        b.resize(b.size() + 2);
        nn::store_le<uint16_t>(b.data() + b.size() - 2, i);
    }
    b.resize((b.size() + 3) / 4 * 4, 0);
    for (int32_t v : o.ints) {
        b.resize(b.size() + 4);
        nn::store_le<int32_t>(b.data() + b.size() - 4, v);
    }
    for (float f : o.floats) {
        uint32_t u;
        std::memcpy(&u, &f, 4);
        b.resize(b.size() + 4);
        nn::store_le<uint32_t>(b.data() + b.size() - 4, u);
    }
    return b;
}

encoded decode(const uint8_t* data, std::size_t bytes) {
    if (bytes < 8)
        throw op_error("cpu op: " + std::to_string(bytes) + " bytes: expected at least 8");
    encoded e;
    e.o.k = static_cast<kind>(nn::load_le<uint16_t>(data));
    const std::size_t n_in = nn::load_le<uint16_t>(data + 2);
    const std::size_t n_int = nn::load_le<uint16_t>(data + 4);
    const std::size_t n_float = nn::load_le<uint16_t>(data + 6);
    const std::size_t ints_at = (8 + 2 * n_in + 3) / 4 * 4;
    const std::size_t need = ints_at + 4 * (n_int + n_float);
    if (bytes != need)
        throw op_error("cpu op: " + std::to_string(bytes) + " bytes: expected " +
                       std::to_string(need) + " for its counts");
    if (std::string(to_string(e.o.k)) == "unknown")
        throw op_error("cpu op: unknown kind " + std::to_string(static_cast<unsigned>(e.o.k)));
    for (std::size_t i = 0; i < n_in; ++i)
        e.inputs.push_back(nn::load_le<uint16_t>(data + 8 + 2 * i));
    for (std::size_t i = 0; i < n_int; ++i)
        e.o.ints.push_back(nn::load_le<int32_t>(data + ints_at + 4 * i));
    for (std::size_t i = 0; i < n_float; ++i) {
        const uint32_t u = nn::load_le<uint32_t>(data + ints_at + 4 * (n_int + i));
        float f;
        std::memcpy(&f, &u, 4);
        e.o.floats.push_back(f);
    }
    return e;
}

}  // namespace nnvp::cpuops
