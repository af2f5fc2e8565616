// Translations of import_for_check for the float ONNX ops that become CPU
// ops (nn/cpuops): Concat, Flatten / Reshape, Transpose, Softmax /
// LogSoftmax and Pad; and Constant and Identity, which become none
// (check_shape_ops.cpp has Squeeze, Shape, Cast and the other shape ops).
#include <algorithm>
#include <cmath>

#include "sw/onnx/check_builder.h"

namespace nnvp::onnx_import::detail {

namespace {

using onnx::TensorProto;

void concat(check_builder& b) {
    b.single_output();
    const attributes a = b.attrs();
    a.only({"axis"});
    const value& first = b.input(0);
    const int rank = static_cast<int>(first.dims.size());
    const int axis = normalize_axis(b, a.get_int("axis", 1), rank);
    layout lay = layout::plain;
    for (int i = 0; i < b.node().input_size(); ++i)
        if (!b.input(i).known) {
            lay = b.input(i).lay;
            break;
        }
    std::vector<int64_t> out = first.dims;
    out[static_cast<std::size_t>(axis)] = 0;
    std::vector<const value*> values;
    bool all_known = true;
    for (int i = 0; i < b.node().input_size(); ++i) {
        const value& v = b.input(i);
        if (v.elem_type != first.elem_type || v.dims.size() != first.dims.size())
            b.fail("input " + std::to_string(i) + ": type or rank differs from input 0");
        out[static_cast<std::size_t>(axis)] += v.dims[static_cast<std::size_t>(axis)];
        values.push_back(&v);
        all_known &= v.known.has_value() && !v.known->empty();
    }
    if (all_known) {  // a shape computation: folded
        b.set_output(emit(b, {cpuops::kind::concat, {our_axis(axis, rank, layout::plain)}, {}},
                          values, layout::plain, out, first.elem_type));
        return;
    }
    std::vector<tref> ins;
    for (const value* v : values)
        ins.push_back(b.runtime(*v, lay));
    const tref r = b.add_cpu({cpuops::kind::concat, {our_axis(axis, rank, lay)}, {}}, ins);
    b.set_output(runtime_value(b, r, lay, out, first.elem_type, first.offset));
}

void flatten(check_builder& b) {
    b.single_output();
    const attributes a = b.attrs();
    a.only({"axis"});
    const value& x = b.input(0);
    const int rank = static_cast<int>(x.dims.size());
    const int axis = normalize_axis(b, a.get_int("axis", 1), rank, true);
    int64_t outer = 1;
    for (int i = 0; i < axis; ++i)
        outer *= x.dims[static_cast<std::size_t>(i)];
    b.set_output(reshape_to(b, x, {outer, element_count(x.dims) / outer}));
}

void reshape(check_builder& b) {
    b.single_output();
    const attributes a = b.attrs();
    a.only({"allowzero"});
    const value& x = b.input(0);
    const onnx_tensor& shape = b.known_input(1, "shape");
    if (shape.elem_type != TensorProto::INT64 || shape.dims.size() != 1)
        b.fail("shape: expected a 1-D INT64 tensor");
    const bool allow_zero = a.get_int("allowzero", 0) != 0;
    std::vector<int64_t> dims;
    int infer = -1;
    int64_t known = 1;
    for (std::size_t i = 0; i < shape.count(); ++i) {
        int64_t d = shape.int_value(i);
        if (d == 0 && !allow_zero) {
            if (i >= x.dims.size())
                b.fail("shape[" + std::to_string(i) + "] = 0: no input dim to copy");
            d = x.dims[i];
        }
        if (d == -1) {
            if (infer >= 0)
                b.fail("shape: more than one -1");
            infer = static_cast<int>(i);
            d = 1;
        } else if (d < 1) {
            b.fail("shape[" + std::to_string(i) + "] = " + std::to_string(d) +
                   ": expected >= 1, 0 (copy) or -1 (empty tensors are not supported)");
        }
        known *= d;
        dims.push_back(d);
    }
    const int64_t total = element_count(x.dims);
    if (infer >= 0)
        dims[static_cast<std::size_t>(infer)] = total / known;
    if (element_count(dims) != total)
        b.fail("shape: " + std::to_string(element_count(dims)) + " elements, the input has " +
               std::to_string(total));
    b.set_output(reshape_to(b, x, dims));
}

// The ONNX transpose of x (rank <= 4) as one 4-D transpose op.
value transpose4(check_builder& b, const value& x, const std::vector<int64_t>& perm,
                 const std::string& suffix = "") {
    const int rank = static_cast<int>(x.dims.size());
    const layout in_lay = natural_layout(x);
    int p4[4] = {-1, -1, -1, -1};
    bool used[4] = {false, false, false, false};
    std::vector<int64_t> out;
    for (int i = 0; i < rank; ++i) {
        const int from =
            our_axis(static_cast<int>(perm[static_cast<std::size_t>(i)]), rank, in_lay);
        p4[4 - rank + i] = from;
        used[from] = true;
        out.push_back(x.dims[static_cast<std::size_t>(perm[static_cast<std::size_t>(i)])]);
    }
    for (int i = 0, next = 0; i < 4 - rank; ++i) {  // the size-1 leading axes
        while (used[next])
            ++next;
        p4[i] = next;
        used[next] = true;
    }
    const cpuops::op o{cpuops::kind::transpose, {p4[0], p4[1], p4[2], p4[3]}, {}};
    if (x.known) {  // a constant (a tied weight's transpose): folded by the same op
        value v = emit(b, o, {&x}, layout::plain, out, x.elem_type, suffix);
        v.offset = x.offset;
        return v;
    }
    const tref r = b.add_cpu(o, {b.runtime(x, in_lay)}, suffix);
    return runtime_value(b, r, layout::plain, out, x.elem_type, x.offset);
}

struct axes_and_perm {
    std::vector<int64_t> dims;  // input dims
    std::vector<int64_t> perm;
};

// The same transpose over fewer axes: size-1 axes dropped, runs of input axes
// that stay adjacent in the output merged (a rank-5 channel shuffle
// [N, g, C/g, H, W] -> (0, 2, 1, 3, 4) is a rank-4 one).
axes_and_perm fewer_axes(const std::vector<int64_t>& dims, const std::vector<int64_t>& perm) {
    std::vector<int64_t> kept_dims, kept_perm;
    std::vector<int64_t> index(dims.size(), -1);
    for (std::size_t a = 0; a < dims.size(); ++a)
        if (dims[a] > 1) {
            index[a] = static_cast<int64_t>(kept_dims.size());
            kept_dims.push_back(dims[a]);
        }
    for (int64_t p : perm)
        if (dims[static_cast<std::size_t>(p)] > 1)
            kept_perm.push_back(index[static_cast<std::size_t>(p)]);
    std::vector<std::pair<int64_t, int64_t>> runs;  // (first input axis, length), output order
    for (std::size_t i = 0; i < kept_perm.size(); ++i)
        if (i > 0 && kept_perm[i] == kept_perm[i - 1] + 1)
            ++runs.back().second;
        else
            runs.push_back({kept_perm[i], 1});
    std::vector<std::size_t> by_input(runs.size());
    for (std::size_t j = 0; j < runs.size(); ++j)
        by_input[j] = j;
    std::sort(by_input.begin(), by_input.end(),
              [&](std::size_t x, std::size_t y) { return runs[x].first < runs[y].first; });
    axes_and_perm r;
    std::vector<int64_t> position(runs.size());
    for (std::size_t k = 0; k < by_input.size(); ++k) {
        const auto [first, length] = runs[by_input[k]];
        int64_t d = 1;
        for (int64_t a = first; a < first + length; ++a)
            d *= kept_dims[static_cast<std::size_t>(a)];
        r.dims.push_back(d);
        position[by_input[k]] = static_cast<int64_t>(k);
    }
    r.perm = position;
    if (r.dims.empty())
        r = {{1}, {0}};
    return r;
}

void transpose(check_builder& b) {
    b.single_output();
    const attributes a = b.attrs();
    a.only({"perm"});
    const value& x = b.input(0);
    const int rank = static_cast<int>(x.dims.size());
    std::vector<int64_t> perm;
    for (int i = rank - 1; i >= 0; --i)
        perm.push_back(i);
    perm = a.get_ints("perm", perm);
    if (static_cast<int>(perm.size()) != rank)
        b.fail("perm: expected " + std::to_string(rank) + " values");
    std::vector<bool> seen(static_cast<std::size_t>(rank), false);
    for (int64_t p : perm) {
        if (p < 0 || p >= rank || seen[static_cast<std::size_t>(p)])
            b.fail("perm: expected a permutation of 0.." + std::to_string(rank - 1));
        seen[static_cast<std::size_t>(p)] = true;
    }
    if (rank <= 4) {
        b.set_output(transpose4(b, x, perm));
        return;
    }
    const axes_and_perm f = fewer_axes(x.dims, perm);
    if (f.dims.size() > 4)
        b.fail("perm: a rank-" + std::to_string(rank) + " transpose that moves " +
               std::to_string(f.dims.size()) + " separate groups of axes (at most 4 are supported)");
    std::vector<int64_t> out;
    for (int64_t p : perm)
        out.push_back(x.dims[static_cast<std::size_t>(p)]);
    const value moved = transpose4(b, reshape_to(b, x, f.dims, "fold"), f.perm, "axes");
    b.set_output(reshape_to(b, moved, out));
}

// Softmax over the stored channel axis: the NN core's softmax row op, then
// (LogSoftmax, `log`) its log.
tref core_softmax(check_builder& b, tref in, bool log) {
    ref::layer l = float_layer(ref::op_kind::softmax);
    l.name = b.op_name(log ? "softmax" : "");
    const tref y = b.add_layer(l, {in});
    if (!log)
        return y;
    ref::activation lg;
    lg.kind = ref::act_kind::log;
    return activation_layer(b, lg, y);
}

// Softmax, and LogSoftmax as the log of it (`log`).
void softmax(check_builder& b, bool log) {
    b.single_output();
    const attributes a = b.attrs();
    a.only({"axis"});
    b.need_type(0, {kFloat});
    const value& x = b.input(0);
    const int rank = static_cast<int>(x.dims.size());
    const int axis = normalize_axis(b, a.get_int("axis", b.opset() < 13 ? 1 : -1), rank);
    if (b.opset() < 13) {  // softmax of the 2-D coercion [outer, inner]
        int64_t outer = 1;
        for (int i = 0; i < axis; ++i)
            outer *= x.dims[static_cast<std::size_t>(i)];
        const value rows = reshape_to(b, x, {outer, element_count(x.dims) / outer}, "rows");
        const tref r = core_softmax(b, rows.r, log);
        b.set_output(
            reshape_to(b, runtime_value(b, r, layout::plain, rows.dims, kFloat), x.dims, "result"));
        return;
    }
    const layout lay = natural_layout(x);
    const int ours = our_axis(axis, rank, lay);
    tref in = b.runtime(x, lay);
    std::vector<int32_t> swap = {0, 1, 2, 3};
    std::swap(swap[static_cast<std::size_t>(ours)], swap[3]);
    if (ours != 3)
        in = b.add_cpu({cpuops::kind::transpose, swap, {}}, {in}, "axis_last");
    tref r = core_softmax(b, in, log);
    if (ours != 3)
        r = b.add_cpu({cpuops::kind::transpose, swap, {}}, {r}, "axis_back");
    b.set_output(runtime_value(b, r, lay, x.dims, kFloat));
}

void pad(check_builder& b) {
    b.single_output();
    const attributes a = b.attrs();
    const value& x = b.input(0);
    const int rank = static_cast<int>(x.dims.size());
    std::vector<int64_t> pads;
    float fill = 0.0f;
    if (b.opset() < 11) {
        a.only({"mode", "pads", "value"});
        pads = a.get_ints("pads", {});
        fill = a.get_float("value", 0.0f);
    } else {
        a.only({"mode"});
        const onnx_tensor& pt = b.known_input(1, "pads");
        for (std::size_t i = 0; i < pt.count(); ++i)
            pads.push_back(pt.int_value(i));
        if (b.has_input(2))
            fill = static_cast<float>(b.known_input(2, "constant_value").value(0));
        if (b.has_input(3))
            b.fail("axes: not supported");
    }
    if (static_cast<int>(pads.size()) != 2 * rank)
        b.fail("pads: " + std::to_string(pads.size()) + " values, expected " +
               std::to_string(2 * rank));
    const std::string mode = a.get_string("mode", "constant");
    const int m = mode == "constant" ? 0 : mode == "edge" ? 1 : mode == "reflect" ? 2 : -1;
    if (m < 0)
        b.fail("mode '" + mode + "': expected constant, edge or reflect");
    const layout lay = natural_layout(x);
    std::vector<int32_t> ints(9, 0);
    ints[0] = m;
    std::vector<int64_t> out = x.dims;
    for (int i = 0; i < rank; ++i) {
        const int64_t lo = pads[static_cast<std::size_t>(i)];
        const int64_t hi = pads[static_cast<std::size_t>(i + rank)];
        if (lo < 0 || hi < 0 || lo > 1 << 20 || hi > 1 << 20)
            b.fail("pads: expected values in 0..2^20 (negative pads crop: not supported)");
        if (lo == 0 && hi == 0)
            continue;  // (folded axes of a rank-5/6 tensor only unpadded)
        const int ax = our_axis(i, rank, lay);
        ints[static_cast<std::size_t>(1 + ax)] = static_cast<int32_t>(lo);
        ints[static_cast<std::size_t>(5 + ax)] = static_cast<int32_t>(hi);
        out[static_cast<std::size_t>(i)] += lo + hi;
    }
    if (x.offset != 0)
        fill -= static_cast<float>(x.offset);
    const tref r = b.add_cpu({cpuops::kind::pad, ints, {fill}}, {b.runtime(x, lay)});
    b.set_output(runtime_value(b, r, lay, out, x.elem_type, x.offset));
}

void constant(check_builder& b) {
    b.single_output();
    const attributes a = b.attrs();
    a.only({"value"});
    const onnx::TensorProto* t = a.get_tensor("value");
    if (!t)
        a.fail("attribute 'value': missing (value_float, value_ints, ... are not supported)");
    value v;
    v.known = from_proto(*t, "Constant");
    v.dims = v.known->dims;
    v.elem_type = v.known->elem_type;
    b.set_output(std::move(v));
}

}  // namespace

const translation_table& cpu_translations() {
    static const translation_table t = {
        {"Concat", concat},
        {"Flatten", flatten},
        {"Reshape", reshape},
        {"Transpose", transpose},
        {"Softmax", [](check_builder& b) { softmax(b, false); }},
        {"LogSoftmax", [](check_builder& b) { softmax(b, true); }},
        {"Pad", pad},
        {"Constant", constant},
        {"Identity",
         [](check_builder& b) {
             b.single_output();
             b.set_output(b.input(0));
         }},
    };
    return t;
}

}  // namespace nnvp::onnx_import::detail
