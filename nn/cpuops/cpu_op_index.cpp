// The indexing CPU ops: slice, gather, select (Where), expand and tile
// move whole elements (exact for every type); resize samples or
// interpolates fp32 images.
#include <algorithm>
#include <array>
#include <cmath>
#include <cstring>

#include "nn/cpuops/index_ops.h"
#include "nn/cpuops/op_failure.h"

namespace nnvp::cpuops::detail {

namespace {

using infos = std::vector<tensor_info>;

// The counts (no floats) and whole-byte inputs every indexing kind needs.
void need(const op& o, const infos& ins, std::size_t n_in, std::size_t ints_lo,
          std::size_t ints_hi) {
    need_counts(o, ins, n_in, ints_lo, ints_hi, 0);
    for (const tensor_info& i : ins)
        if (nn::bits_of(i.type) < 8)
            fail(o, std::string("input type ") + nn::to_string(i.type) +
                        ": expected a whole-byte type");
}

nn::shape4 shape_of(const op& o, std::size_t at) {
    const nn::shape4 s{o.ints[at], o.ints[at + 1], o.ints[at + 2], o.ints[at + 3]};
    if (s.n < 1 || s.h < 1 || s.w < 1 || s.c < 1)
        fail(o, "shape " + nn::to_string(s) + ": expected positive dims");
    return s;
}

tensor_info infer_slice(const op& o, const infos& ins) {
    need(o, ins, 1, 12, 12);
    const nn::shape4 out = shape_of(o, 8);
    for (int a = 0; a < 4; ++a) {
        const int64_t start = o.ints[static_cast<std::size_t>(a)];
        const int64_t step = o.ints[static_cast<std::size_t>(4 + a)];
        const int64_t last = start + step * (out.at(a) - 1);
        const int dim = ins[0].shape.at(a);
        if (step == 0 || start < 0 || start >= dim || last < 0 || last >= dim)
            fail(o, "axis " + std::to_string(a) + ": start " + std::to_string(start) + ", step " +
                        std::to_string(step) + ", " + std::to_string(out.at(a)) +
                        " elements: expected indices inside 0.." + std::to_string(dim - 1));
    }
    return {out, ins[0].type, ins[0].q};
}

tensor_info infer_gather(const op& o, const infos& ins) {
    if (ins.size() == 2) {  // run-time indices
        need(o, ins, 2, 1, 1);
        if (ins[1].type != nn::dtype::int32)
            fail(o, std::string("indices are ") + nn::to_string(ins[1].type) + ": expected int32");
        if (o.ints[0] < 0 || o.ints[0] > 3)
            fail(o, "axis " + std::to_string(o.ints[0]) + ": expected 0..3");
        tensor_info out = ins[0];
        out.shape.at(o.ints[0]) = static_cast<int>(ins[1].shape.count());
        return out;
    }
    need(o, ins, 1, 2, 1u << 24);
    const int axis = o.ints[0];
    if (axis < 0 || axis > 3)
        fail(o, "axis " + std::to_string(axis) + ": expected 0..3");
    const int dim = ins[0].shape.at(axis);
    for (std::size_t i = 1; i < o.ints.size(); ++i)
        if (o.ints[i] < 0 || o.ints[i] >= dim)
            fail(o,
                 "index " + std::to_string(o.ints[i]) + ": expected 0.." + std::to_string(dim - 1));
    tensor_info out = ins[0];
    out.shape.at(axis) = static_cast<int>(o.ints.size() - 1);
    return out;
}

tensor_info infer_select(const op& o, const infos& ins) {
    need(o, ins, 3, 0, 0);
    if (ins[0].type != nn::dtype::int8)
        fail(o,
             std::string("condition is ") + nn::to_string(ins[0].type) + ": expected int8 (0 / 1)");
    if (ins[1].type != ins[2].type || ins[1].q.scale != ins[2].q.scale ||
        ins[1].q.zero_point != ins[2].q.zero_point)
        fail(o, "x and y: expected one type and quantization");
    tensor_info out = ins[1];
    for (int a = 0; a < 4; ++a) {
        int d = 1;
        for (const tensor_info& i : ins) {
            const int x = i.shape.at(a);
            if (x != 1 && d != 1 && x != d)
                fail(o, "shapes do not broadcast (axis " + std::to_string(a) + ")");
            d = std::max(d, x);
        }
        out.shape.at(a) = d;
    }
    return out;
}

tensor_info infer_expand(const op& o, const infos& ins) {
    need(o, ins, 1, 4, 4);
    const nn::shape4 to = shape_of(o, 0);
    for (int a = 0; a < 4; ++a)
        if (ins[0].shape.at(a) != 1 && ins[0].shape.at(a) != to.at(a))
            fail(o, "input " + nn::to_string(ins[0].shape) + " does not broadcast to " +
                        nn::to_string(to));
    return {to, ins[0].type, ins[0].q};
}

tensor_info infer_tile(const op& o, const infos& ins) {
    need(o, ins, 1, 4, 4);
    const nn::shape4 r = shape_of(o, 0);
    tensor_info out = ins[0];
    for (int a = 0; a < 4; ++a) {
        const int64_t d = static_cast<int64_t>(ins[0].shape.at(a)) * r.at(a);
        if (d > 0x7fffffff)
            fail(o, "output too large");
        out.shape.at(a) = static_cast<int>(d);
    }
    return out;
}

// out[p] = in[source(p)] for every output position, element by element.
template <typename Source>
nn::tensor move_elements(const nn::tensor& in, const tensor_info& oi, Source source) {
    nn::tensor out(in.type(), oi.shape);
    const std::size_t bytes = static_cast<std::size_t>(nn::bits_of(in.type())) / 8;
    int p[4];
    for (p[0] = 0; p[0] < oi.shape.n; ++p[0])
        for (p[1] = 0; p[1] < oi.shape.h; ++p[1])
            for (p[2] = 0; p[2] < oi.shape.w; ++p[2])
                for (p[3] = 0; p[3] < oi.shape.c; ++p[3]) {
                    int q[4];
                    source(p, q);
                    std::memcpy(out.bytes().data() + out.index(p[0], p[1], p[2], p[3]) * bytes,
                                in.bytes().data() + in.index(q[0], q[1], q[2], q[3]) * bytes,
                                bytes);
                }
    return out;
}

nn::tensor select(const std::vector<const nn::tensor*>& ins, const tensor_info& oi) {
    const nn::tensor &cond = *ins[0], &x = *ins[1], &y = *ins[2];
    nn::tensor out(x.type(), oi.shape);
    const std::size_t bytes = static_cast<std::size_t>(nn::bits_of(x.type())) / 8;
    const auto at = [](const nn::tensor& t, const int* p) {
        const nn::shape4& s = t.shape();
        return t.index(s.n == 1 ? 0 : p[0], s.h == 1 ? 0 : p[1], s.w == 1 ? 0 : p[2],
                       s.c == 1 ? 0 : p[3]);
    };
    int p[4];
    for (p[0] = 0; p[0] < oi.shape.n; ++p[0])
        for (p[1] = 0; p[1] < oi.shape.h; ++p[1])
            for (p[2] = 0; p[2] < oi.shape.w; ++p[2])
                for (p[3] = 0; p[3] < oi.shape.c; ++p[3]) {
                    const nn::tensor& from = cond.get_int(at(cond, p)) != 0 ? x : y;
                    std::memcpy(out.bytes().data() + out.index(p[0], p[1], p[2], p[3]) * bytes,
                                from.bytes().data() + at(from, p) * bytes, bytes);
                }
    return out;
}

tensor_info infer_resize(const op& o, const infos& ins) {
    if (ins.size() != 1 || o.ints.size() < 7 || o.ints.size() > 8 || o.floats.size() < 4 ||
        o.floats.size() > 5)
        fail(o, "expected 1 input, 7 ints {mode, transform, rounding, n, h, w, c} (+ "
                "exclude_outside), 4 scales (+ the cubic coefficient)");
    if (ins[0].type != nn::dtype::fp32)
        fail(o, std::string("input is ") + nn::to_string(ins[0].type) + ": expected fp32");
    if (o.ints[0] < 0 || o.ints[0] > 2 || o.ints[1] < 0 || o.ints[1] > 4 || o.ints[2] < 0 ||
        o.ints[2] > 3)
        fail(o, "mode 0..2, transform 0..4, rounding 0..3 expected");
    for (std::size_t i = 0; i < 4; ++i)
        if (!(o.floats[i] > 0) || !std::isfinite(o.floats[i]))
            fail(o, "scales: expected positive finite values");
    if (o.floats.size() > 4 && !std::isfinite(o.floats[4]))
        fail(o, "cubic coefficient: expected a finite value");
    return {shape_of(o, 3), nn::dtype::fp32, {}};
}

// The input coordinate of output coordinate x on one axis.
double source_coord(resize_coord t, double x, double scale, int in, int out) {
    switch (t) {
        case resize_coord::half_pixel:
            return (x + 0.5) / scale - 0.5;
        case resize_coord::asymmetric:
            return x / scale;
        case resize_coord::align_corners: {  // ONNX: the resized length unrounded, in * scale
            const double len = in * scale;
            (void)out;
            return len <= 1.0 ? 0.0 : x * (in - 1) / (len - 1.0);
        }
        case resize_coord::pytorch_half_pixel:
            return out > 1 ? (x + 0.5) / scale - 0.5 : 0.0;
        case resize_coord::tf_half_pixel_for_nn:
            return (x + 0.5) / scale;
    }
    return x;
}

int nearest_index(resize_round r, double x, int in) {
    double i = 0;
    switch (r) {
        case resize_round::round_prefer_floor:
            i = x - std::floor(x) == 0.5 ? std::floor(x) : std::round(x);
            break;
        case resize_round::round_prefer_ceil:
            i = std::round(x);
            break;  // .5 away: up for x >= 0
        case resize_round::floor:
            i = std::floor(x);
            break;
        case resize_round::ceil:
            i = std::ceil(x);
            break;
    }
    return static_cast<int>(std::clamp(i, 0.0, static_cast<double>(in - 1)));
}

// Keys' cubic convolution weights of the taps floor(x) - 1 .. floor(x) + 2
// for ratio r = x - floor(x) (ONNX: r in (0, 1], an integer x taking r = 1
// on the taps x - 2 .. x + 1), coefficient a.
std::array<double, 4> cubic_weights(double r, double a) {
    const auto far = [a](double t) { return ((a * t - 5 * a) * t + 8 * a) * t - 4 * a; };
    const auto near = [a](double t) { return ((a + 2) * t - (a + 3)) * t * t + 1; };
    return {far(r + 1), near(r), near(1 - r), far(2 - r)};
}

// The taps (input index, weight) of output coordinate x on one axis.
std::vector<std::pair<int, double>> resize_taps(const op& o, int a, int x, int in, int out) {
    const auto mode = static_cast<resize_mode>(o.ints[0]);
    const double c = source_coord(static_cast<resize_coord>(o.ints[1]), x,
                                  o.floats[static_cast<std::size_t>(a)], in, out);
    if (mode == resize_mode::nearest)
        return {{nearest_index(static_cast<resize_round>(o.ints[2]), c, in), 1.0}};
    if (mode == resize_mode::linear) {
        const double cc = std::clamp(c, 0.0, static_cast<double>(in - 1));
        const int lo = static_cast<int>(std::floor(cc));
        return {{lo, 1.0 - (cc - lo)}, {std::min(lo + 1, in - 1), cc - lo}};
    }
    int first = static_cast<int>(std::floor(c));
    double r = c - first;
    if (r == 0.0) {
        r = 1.0;
        first -= 1;
    }
    const double coeff_a = o.floats.size() > 4 ? o.floats[4] : -0.75;
    const bool exclude_outside = o.ints.size() > 7 && o.ints[7] != 0;
    std::array<double, 4> w = cubic_weights(r, coeff_a);
    double kept = 0;
    for (int k = 0; k < 4; ++k) {
        const int i = first - 1 + k;
        if (exclude_outside && (i < 0 || i >= in))
            w[static_cast<std::size_t>(k)] = 0;
        kept += w[static_cast<std::size_t>(k)];
    }
    std::vector<std::pair<int, double>> taps;
    for (int k = 0; k < 4; ++k) {  // outside taps read the edge (ONNX pads by edge values)
        const double wk = exclude_outside ? w[static_cast<std::size_t>(k)] / kept
                                          : w[static_cast<std::size_t>(k)];
        if (wk != 0.0)
            taps.push_back({std::clamp(first - 1 + k, 0, in - 1), wk});
    }
    return taps;
}

nn::tensor resize(const op& o, const nn::tensor& in, const tensor_info& oi) {
    const nn::shape4& s = in.shape();
    std::vector<std::vector<std::pair<int, double>>> taps[4];  // per axis and output index
    for (int a = 0; a < 4; ++a)
        for (int x = 0; x < oi.shape.at(a); ++x)
            taps[a].push_back(resize_taps(o, a, x, s.at(a), oi.shape.at(a)));
    nn::tensor out(nn::dtype::fp32, oi.shape);
    int p[4];
    for (p[0] = 0; p[0] < oi.shape.n; ++p[0])
        for (p[1] = 0; p[1] < oi.shape.h; ++p[1])
            for (p[2] = 0; p[2] < oi.shape.w; ++p[2])
                for (p[3] = 0; p[3] < oi.shape.c; ++p[3]) {
                    const auto& t0 = taps[0][static_cast<std::size_t>(p[0])];
                    const auto& t1 = taps[1][static_cast<std::size_t>(p[1])];
                    const auto& t2 = taps[2][static_cast<std::size_t>(p[2])];
                    const auto& t3 = taps[3][static_cast<std::size_t>(p[3])];
                    double acc = 0;
                    for (const auto& [i0, w0] : t0)
                        for (const auto& [i1, w1] : t1)
                            for (const auto& [i2, w2] : t2)
                                for (const auto& [i3, w3] : t3)
                                    acc += w0 * w1 * w2 * w3 *
                                           in.get_float(in.index(i0, i1, i2, i3));
                    out.set_float(out.index(p[0], p[1], p[2], p[3]), static_cast<float>(acc));
                }
    return out;
}

tensor_info infer_spread(const op& o, const infos& ins) {
    need(o, ins, 1, 2, 2);
    if (o.ints[0] < 1 || o.ints[1] < 1 || o.ints[0] > 64 || o.ints[1] > 64)
        fail(o, "strides: expected 1..64");
    if (!nn::is_float(ins[0].type) && ins[0].q.zero_point != 0)
        fail(o, "input zero point " + std::to_string(ins[0].q.zero_point) +
                    ": expected 0 (the inserted zeros are stored zeros)");
    tensor_info out = ins[0];
    out.shape.h = (ins[0].shape.h - 1) * o.ints[0] + 1;
    out.shape.w = (ins[0].shape.w - 1) * o.ints[1] + 1;
    return out;
}

nn::tensor spread(const op& o, const nn::tensor& in, const tensor_info& oi) {
    nn::tensor out(in.type(), oi.shape);  // zero bytes: 0 in every type
    const std::size_t bytes = static_cast<std::size_t>(nn::bits_of(in.type())) / 8;
    const nn::shape4& s = in.shape();
    for (int n = 0; n < s.n; ++n)
        for (int h = 0; h < s.h; ++h)
            for (int w = 0; w < s.w; ++w)
                std::memcpy(
                    out.bytes().data() + out.index(n, h * o.ints[0], w * o.ints[1], 0) * bytes,
                    in.bytes().data() + in.index(n, h, w, 0) * bytes,
                    bytes * static_cast<std::size_t>(s.c));
    return out;
}

// Gather's indices: from the op, or read from its second input (checked here:
// they are run-time values).
std::vector<int32_t> gather_indices(const op& o, const std::vector<const nn::tensor*>& ins,
                                    int dim) {
    if (ins.size() < 2)
        return {o.ints.begin() + 1, o.ints.end()};
    std::vector<int32_t> at;
    for (std::size_t k = 0; k < ins[1]->size(); ++k) {
        const int64_t i = ins[1]->get_int(k);
        if (i < -dim || i >= dim)
            fail(o, "index " + std::to_string(i) + " at run time: expected " +
                        std::to_string(-dim) + ".." + std::to_string(dim - 1));
        at.push_back(static_cast<int32_t>(i < 0 ? i + dim : i));
    }
    return at;
}

}  // namespace

tensor_info infer_index(const op& o, const infos& ins) {
    switch (o.k) {
        case kind::slice:
            return infer_slice(o, ins);
        case kind::gather:
            return infer_gather(o, ins);
        case kind::select:
            return infer_select(o, ins);
        case kind::expand:
            return infer_expand(o, ins);
        case kind::resize:
            return infer_resize(o, ins);
        case kind::spread:
            return infer_spread(o, ins);
        default:
            return infer_tile(o, ins);
    }
}

nn::tensor execute_index(const op& o, const std::vector<const nn::tensor*>& ins,
                         const tensor_info& out) {
    const nn::tensor& in = *ins[0];
    const nn::shape4 s = in.shape();
    switch (o.k) {
        case kind::slice:
            return move_elements(in, out, [&](const int* p, int* q) {
                for (int a = 0; a < 4; ++a)
                    q[a] = o.ints[static_cast<std::size_t>(a)] +
                           o.ints[static_cast<std::size_t>(4 + a)] * p[a];
            });
        case kind::gather: {
            const std::vector<int32_t> at = gather_indices(o, ins, s.at(o.ints[0]));
            return move_elements(in, out, [&](const int* p, int* q) {
                std::copy(p, p + 4, q);
                q[o.ints[0]] = at[static_cast<std::size_t>(p[o.ints[0]])];
            });
        }
        case kind::select:
            return select(ins, out);
        case kind::resize:
            return resize(o, in, out);
        case kind::spread:
            return spread(o, in, out);
        case kind::expand:
            return move_elements(in, out, [&](const int* p, int* q) {
                for (int a = 0; a < 4; ++a)
                    q[a] = s.at(a) == 1 ? 0 : p[a];
            });
        default:  // tile
            return move_elements(in, out, [&](const int* p, int* q) {
                for (int a = 0; a < 4; ++a)
                    q[a] = p[a] % s.at(a);
            });
    }
}

}  // namespace nnvp::cpuops::detail
