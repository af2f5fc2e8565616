// infer(): what each kind of CPU op reads and writes. One check per kind,
// each naming the parameter or input at fault.
#include <cmath>

#include "nn/cpuops/cpu_op.h"
#include "nn/cpuops/index_ops.h"
#include "nn/cpuops/math_ops.h"
#include "nn/cpuops/op_failure.h"

namespace nnvp::cpuops {

namespace {

using detail::fail;
using infos = std::vector<tensor_info>;

void need_inputs(const op& o, const infos& ins, std::size_t lo, std::size_t hi) {
    if (ins.size() < lo || ins.size() > hi)
        fail(o, std::to_string(ins.size()) + " inputs: expected " + std::to_string(lo) +
                    (hi == lo    ? ""
                     : hi > 1000 ? " or more"
                                 : ".." + std::to_string(hi)));
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

// The layout ops move whole bytes: no int4 or binary.
void need_whole_bytes(const op& o, nn::dtype t) {
    if (nn::bits_of(t) < 8)
        fail(o, std::string("input type ") + nn::to_string(t) + ": expected a whole-byte type");
}

// The output quantization {out_scale, out_zero_point} of floats[0..1].
ref::quant_params out_quant(const op& o) {
    ref::quant_params q;
    q.scale = o.floats[0];
    q.zero_point = static_cast<int32_t>(o.floats[1]);
    if (!(q.scale > 0) || !std::isfinite(q.scale))
        fail(o, "out_scale: expected a positive finite value");
    return q;
}

tensor_info infer_softmax(const op& o, const infos& ins) {
    need_inputs(o, ins, 1, 1);
    need_params(o, 0, 0, 0);
    if (ins[0].type != nn::dtype::fp32 && ins[0].type != nn::dtype::int8)
        fail(o, std::string("input is ") + nn::to_string(ins[0].type) + ": expected fp32 or int8");
    return {ins[0].shape, nn::dtype::fp32, {}};
}

tensor_info infer_reshape(const op& o, const infos& ins) {
    need_inputs(o, ins, 1, 1);
    need_params(o, 4, 0, 0);
    const nn::shape4 s{o.ints[0], o.ints[1], o.ints[2], o.ints[3]};
    if (s.n <= 0 || s.h <= 0 || s.w <= 0 || s.c <= 0 || s.count() != ins[0].shape.count())
        fail(o, "shape " + nn::to_string(s) + ": expected positive dims and " +
                    std::to_string(ins[0].shape.count()) + " elements");
    return {s, ins[0].type, ins[0].q};
}

tensor_info infer_concat(const op& o, const infos& ins) {
    need_inputs(o, ins, 1, 65535);
    need_params(o, 1, 0, 2);
    if (o.floats.size() == 1)
        fail(o, "floats: expected none or {out_scale, out_zero_point}");
    const int axis = o.ints[0];
    if (axis < 0 || axis > 3)
        fail(o, "axis " + std::to_string(axis) + ": expected 0..3 (NHWC)");
    tensor_info out = ins[0];
    if (o.floats.size() == 2)
        out.q = out_quant(o);
    need_whole_bytes(o, ins[0].type);
    long total = ins[0].shape.at(axis);
    for (std::size_t i = 1; i < ins.size(); ++i) {
        if (ins[i].type != ins[0].type)
            fail(o, "input " + std::to_string(i) + " is " + nn::to_string(ins[i].type) +
                        ": expected " + nn::to_string(ins[0].type) + " like input 0");
        for (int a = 0; a < 4; ++a)
            if (a != axis && ins[i].shape.at(a) != ins[0].shape.at(a))
                fail(o, "input " + std::to_string(i) + " shape " + nn::to_string(ins[i].shape) +
                            ": expected " + nn::to_string(ins[0].shape) + " outside axis " +
                            std::to_string(axis));
        total += ins[i].shape.at(axis);
    }
    if (total > 0x7fffffff)
        fail(o, "output too large");
    out.shape.at(axis) = static_cast<int>(total);
    return out;
}

tensor_info infer_lrn(const op& o, const infos& ins) {
    need_inputs(o, ins, 1, 1);
    need_params(o, 1, 3, 3);
    if (ins[0].type != nn::dtype::fp32)
        fail(o, std::string("input is ") + nn::to_string(ins[0].type) + ": expected fp32");
    if (o.ints[0] < 1)
        fail(o, "size " + std::to_string(o.ints[0]) + ": expected >= 1");
    return ins[0];
}

tensor_info infer_convert(const op& o, const infos& ins) {
    need_inputs(o, ins, 1, 1);
    if (o.ints.size() != 1 && o.ints.size() != 2)
        fail(o, "ints: expected {output dtype} or {output dtype, rounding}");
    if (o.ints.size() == 2 && o.ints[1] != 0 && o.ints[1] != 1)
        fail(o, "rounding " + std::to_string(o.ints[1]) +
                    ": expected 0 (half away from zero) or 1 (half to even)");
    const auto t = static_cast<nn::dtype>(o.ints[0]);
    const bool known = t == nn::dtype::fp32 || t == nn::dtype::fp16 || t == nn::dtype::int32 ||
                       t == nn::dtype::int16 || t == nn::dtype::int8 || t == nn::dtype::int4;
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
        out.q = out_quant(o);
    }
    return out;
}

tensor_info infer_transpose(const op& o, const infos& ins) {
    need_inputs(o, ins, 1, 1);
    need_params(o, 4, 0, 0);
    bool seen[4] = {false, false, false, false};
    for (int v : o.ints) {
        if (v < 0 || v > 3 || seen[v])
            fail(o, "perm: expected a permutation of 0..3");
        seen[v] = true;
    }
    need_whole_bytes(o, ins[0].type);
    tensor_info out = ins[0];
    for (int a = 0; a < 4; ++a)
        out.shape.at(a) = ins[0].shape.at(o.ints[static_cast<std::size_t>(a)]);
    return out;
}

tensor_info infer_pad(const op& o, const infos& ins) {
    need_inputs(o, ins, 1, 1);
    need_params(o, 9, 1, 1);
    const int mode = o.ints[0];
    if (mode < 0 || mode > 2)
        fail(o,
             "mode " + std::to_string(mode) + ": expected 0 (constant), 1 (edge) or 2 (reflect)");
    need_whole_bytes(o, ins[0].type);
    const bool is_int = !nn::is_float(ins[0].type);
    const float v = o.floats[0];
    if (is_int && (v != std::floor(v) || v < static_cast<float>(nn::min_of(ins[0].type)) ||
                   v > static_cast<float>(nn::max_of(ins[0].type))))
        fail(o, "value: expected an integer within the input type");
    tensor_info out = ins[0];
    for (int a = 0; a < 4; ++a) {
        const int lo = o.ints[static_cast<std::size_t>(1 + a)];
        const int hi = o.ints[static_cast<std::size_t>(5 + a)];
        const int n = ins[0].shape.at(a);
        if (lo < 0 || hi < 0 || (mode == 2 && (lo >= n || hi >= n)))
            fail(o, "pads of axis " + std::to_string(a) + ": expected >= 0" +
                        (mode == 2 ? " and < the dim (reflect)" : ""));
        const long total = static_cast<long>(n) + lo + hi;
        if (total > 0x7fffffff)
            fail(o, "output too large");
        out.shape.at(a) = static_cast<int>(total);
    }
    return out;
}

tensor_info infer_matmul(const op& o, const infos& ins) {
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

}  // namespace

tensor_info infer(const op& o, const std::vector<tensor_info>& ins) {
    switch (o.k) {
        case kind::softmax:
            return infer_softmax(o, ins);
        case kind::reshape:
            return infer_reshape(o, ins);
        case kind::concat:
            return infer_concat(o, ins);
        case kind::lrn:
            return infer_lrn(o, ins);
        case kind::convert:
            return infer_convert(o, ins);
        case kind::transpose:
            return infer_transpose(o, ins);
        case kind::pad:
            return infer_pad(o, ins);
        case kind::matmul:
            return infer_matmul(o, ins);
        case kind::unary:
        case kind::binary:
        case kind::reduce:
            return detail::infer_math(o, ins);
        case kind::slice:
        case kind::gather:
        case kind::select:
        case kind::expand:
        case kind::tile:
        case kind::resize:
        case kind::spread:
            return detail::infer_index(o, ins);
    }
    fail(o, "unknown kind " + std::to_string(static_cast<unsigned>(o.k)));
}

}  // namespace nnvp::cpuops
