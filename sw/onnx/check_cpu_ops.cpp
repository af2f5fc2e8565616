// Translations of import_for_check for the float ONNX ops that become CPU
// ops (nn/cpuops): Concat, Flatten / Reshape / Squeeze / Unsqueeze,
// Transpose, Softmax / LogSoftmax and Pad; and Constant, Identity and Shape,
// which become none (Shape is known at compile time).
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
    if (static_cast<int>(perm.size()) != rank || rank > 4)
        b.fail("perm: expected " + std::to_string(rank) + " values (rank <= 4)");
    std::vector<bool> seen(static_cast<std::size_t>(rank), false);
    for (int64_t p : perm) {
        if (p < 0 || p >= rank || seen[static_cast<std::size_t>(p)])
            b.fail("perm: expected a permutation of 0.." + std::to_string(rank - 1));
        seen[static_cast<std::size_t>(p)] = true;
    }
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
    const tref r = b.add_cpu({cpuops::kind::transpose, {p4[0], p4[1], p4[2], p4[3]}, {}},
                             {b.runtime(x, in_lay)});
    b.set_output(runtime_value(b, r, layout::plain, out, x.elem_type, x.offset));
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
        tref r = b.add_cpu({cpuops::kind::softmax, {}, {}}, {rows.r});
        if (log)
            r = b.add_cpu({cpuops::kind::unary, {static_cast<int32_t>(cpuops::unary_fn::log)}, {}},
                          {r}, "log");
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
    tref r = b.add_cpu({cpuops::kind::softmax, {}, {}}, {in});
    if (log)
        r = b.add_cpu({cpuops::kind::unary, {static_cast<int32_t>(cpuops::unary_fn::log)}, {}},
                      {r}, "log");
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

// The axes of Squeeze / Unsqueeze: an attribute before opset 13, then an
// optional INT64 input.
std::vector<int64_t> axes_of(check_builder& b, const attributes& a) {
    if (b.opset() < 13) {
        a.only({"axes"});
        return a.get_ints("axes", {});
    }
    a.only({});
    std::vector<int64_t> axes;
    if (b.has_input(1)) {
        const onnx_tensor& t = b.known_input(1, "axes");
        if (t.elem_type != TensorProto::INT64 || t.dims.size() > 1)
            b.fail("axes: expected a 1-D INT64 tensor");
        for (std::size_t i = 0; i < t.count(); ++i)
            axes.push_back(t.int_value(i));
    }
    return axes;
}

// x with new dims (same elements): folded when x is known.
value with_dims(check_builder& b, const value& x, const std::vector<int64_t>& dims) {
    if (!x.known)
        return reshape_to(b, x, dims);
    value v = x;
    try {
        v.known->data = v.known->data.reshaped(to_shape4(dims, layout::plain, "output"));
    } catch (const std::invalid_argument& e) {
        b.fail(e.what());
    }
    v.known->dims = v.dims = dims;
    return v;
}

// Squeeze removes size-1 axes (all of them when none are named);
// Unsqueeze (`insert`) inserts them at the named output positions.
void squeeze(check_builder& b, bool insert) {
    b.single_output();
    const value& x = b.input(0);
    const std::vector<int64_t> axes = axes_of(b, b.attrs());
    const int in_rank = static_cast<int>(x.dims.size());
    const int out_rank = insert ? in_rank + static_cast<int>(axes.size()) : in_rank;
    std::vector<bool> named(static_cast<std::size_t>(out_rank), false);
    for (int64_t axis : axes) {
        const std::size_t a = static_cast<std::size_t>(normalize_axis(b, axis, out_rank));
        if (named[a])
            b.fail("axes: axis " + std::to_string(axis) + " repeated");
        named[a] = true;
    }
    if (insert && axes.empty())
        b.fail("axes: expected at least one axis");
    std::vector<int64_t> dims;
    for (int i = 0, from = 0; i < out_rank; ++i) {
        const std::size_t a = static_cast<std::size_t>(i);
        if (insert) {
            dims.push_back(named[a] ? 1 : x.dims[static_cast<std::size_t>(from++)]);
            continue;
        }
        const bool drop = axes.empty() ? x.dims[a] == 1 : named[a];
        if (named[a] && x.dims[a] != 1)
            b.fail("axes: axis " + std::to_string(i) + " has size " + std::to_string(x.dims[a]) +
                   ": expected 1");
        if (!drop)
            dims.push_back(x.dims[a]);
    }
    b.set_output(with_dims(b, x, dims));
}

// Shape: known at compile time, a constant.
void shape(check_builder& b) {
    b.single_output();
    const attributes a = b.attrs();
    a.only({"end", "start"});
    const value& x = b.input(0);
    const int64_t rank = static_cast<int64_t>(x.dims.size());
    const auto clamp_axis = [rank](int64_t v) {
        return std::clamp(v < 0 ? v + rank : v, int64_t{0}, rank);
    };
    const int64_t start = clamp_axis(a.get_int("start", 0));
    const int64_t end = clamp_axis(a.get_int("end", rank));
    onnx_tensor t;
    t.name = b.node().output(0);
    t.elem_type = TensorProto::INT64;
    t.dims = {std::max<int64_t>(0, end - start)};
    if (t.dims[0] == 0)
        b.fail("start / end select no axis: empty tensors are not supported");
    t.data = nn::tensor(nn::dtype::int64, {1, 1, 1, static_cast<int>(t.dims[0])});
    for (int64_t i = start; i < end; ++i)
        t.data.set_int(static_cast<std::size_t>(i - start), x.dims[static_cast<std::size_t>(i)]);
    value v;
    v.dims = t.dims;
    v.elem_type = t.elem_type;
    v.known = std::move(t);
    b.set_output(std::move(v));
}

// Dropout at inference: the input unchanged, the mask all true (training
// mode is refused).
void dropout(check_builder& b) {
    b.attrs().only({"is_test", "ratio", "seed"});
    if (b.has_input(2) && b.known_input(2, "training_mode").value(0) != 0)
        b.fail("training_mode true: not supported (inference only)");
    const value& x = b.input(0);
    b.set_output(x);
    if (!b.wants_output(1))
        return;
    value mask;
    onnx_tensor t;
    t.name = b.node().output(1);
    t.elem_type = TensorProto::BOOL;
    t.dims = x.dims;
    try {
        t.data = nn::tensor(nn::dtype::int8, to_shape4(x.dims, layout::plain, "mask"));
    } catch (const std::invalid_argument& e) {
        b.fail(e.what());
    }
    for (std::size_t i = 0; i < t.data.size(); ++i)
        t.data.set_int(i, 1);
    mask.dims = x.dims;
    mask.elem_type = TensorProto::BOOL;
    mask.known = std::move(t);
    b.set_output(1, std::move(mask));
}

// Cast: to the same type it is the value itself; integers and BOOL to FLOAT
// exactly (a convert with unit scale); FLOAT <-> FLOAT16 a float convert.
// Float to integer truncates in ONNX, which no CPU op does: refused.
void cast(check_builder& b) {
    b.single_output();
    const attributes a = b.attrs();
    a.only({"saturate", "to"});
    const value& x = b.input(0);
    const auto to = static_cast<int32_t>(a.get_int("to", 0));
    if (to == x.elem_type) {
        b.set_output(x);
        return;
    }
    const bool int_to_float = to == kFloat && x.elem_type != kFloat &&
                              x.elem_type != TensorProto::FLOAT16 && x.elem_type != TensorProto::DOUBLE;
    if (!int_to_float)
        b.fail(std::string("cast ") + elem_type_name(x.elem_type) + " to " + elem_type_name(to) +
               ": not supported (same type, or an integer / BOOL type to FLOAT)");
    if (x.known) {  // folded: integers up to 2^24 are exact in FLOAT
        value v = x;
        v.elem_type = v.known->elem_type = kFloat;
        v.known->data = nn::tensor(nn::dtype::fp32, x.known->data.shape());
        for (std::size_t i = 0; i < v.known->data.size(); ++i)
            v.known->data.set_float(i, static_cast<float>(x.known->data.get_int(i)));
        b.set_output(std::move(v));
        return;
    }
    if (x.offset != 0)
        b.fail("cast UINT8 to FLOAT: not supported (UINT8 is stored as value - 128)");
    const layout lay = natural_layout(x);
    const tref in = b.runtime(x, lay);
    if (b.info(in).q.scale != 1.0f || b.info(in).q.zero_point != 0)
        b.fail("cast of a quantized tensor: not supported (DequantizeLinear converts it)");
    const tref r = b.add_cpu({cpuops::kind::convert, {static_cast<int32_t>(nn::dtype::fp32)}, {}},
                             {in});
    b.set_output(runtime_value(b, r, lay, x.dims, kFloat));
}

// A known value of `dims` (plain storage) named after the node's output.
value known_value(check_builder& b, int32_t elem, const std::vector<int64_t>& dims) {
    onnx_tensor t;
    t.name = b.node().output(0);
    t.elem_type = elem;
    t.dims = dims;
    try {
        t.data = nn::tensor(storage_type(elem, t.name), to_shape4(dims, layout::plain, "output"));
    } catch (const std::invalid_argument& e) {
        b.fail(e.what());
    }
    value v;
    v.dims = dims;
    v.elem_type = elem;
    v.known = std::move(t);
    return v;
}

// ConstantOfShape: known at compile time (its shape input must be).
void constant_of_shape(check_builder& b) {
    b.single_output();
    const attributes a = b.attrs();
    a.only({"value"});
    const onnx_tensor& shape = b.known_input(0, "input");
    if (shape.elem_type != TensorProto::INT64 || shape.dims.size() != 1)
        b.fail("input: expected a 1-D INT64 tensor");
    std::vector<int64_t> dims;
    for (std::size_t i = 0; i < shape.count(); ++i)
        dims.push_back(shape.int_value(i));
    onnx_tensor fill;
    fill.elem_type = kFloat;
    fill.data = nn::tensor(nn::dtype::fp32, {1, 1, 1, 1});
    if (const onnx::TensorProto* t = a.get_tensor("value"))
        fill = from_proto(*t, "ConstantOfShape value");
    if (fill.count() != 1)
        b.fail("value: expected one element");
    value v = known_value(b, fill.elem_type, dims);
    for (std::size_t i = 0; i < v.known->data.size(); ++i) {
        if (nn::is_float(v.known->data.type()))
            v.known->data.set_float(i, static_cast<float>(fill.value(0)));
        else
            v.known->data.set_int(i, fill.int_value(0));
    }
    b.set_output(std::move(v));
}

// Range: known at compile time (start, limit and delta must be).
void range(check_builder& b) {
    b.single_output();
    b.attrs().only({});
    const onnx_tensor& start = b.known_input(0, "start");
    const onnx_tensor& limit = b.known_input(1, "limit");
    const onnx_tensor& delta = b.known_input(2, "delta");
    if (start.count() != 1 || limit.count() != 1 || delta.count() != 1 ||
        start.elem_type != limit.elem_type || start.elem_type != delta.elem_type)
        b.fail("start, limit, delta: expected scalars of one type");
    const double s = start.value(0), l = limit.value(0), d = delta.value(0);
    if (d == 0)
        b.fail("delta: 0");
    const double n = std::ceil((l - s) / d);
    if (!(n >= 1) || n > 1 << 24)
        b.fail("the range has " + std::to_string(n) + " elements: expected 1..2^24");
    value v = known_value(b, start.elem_type, {static_cast<int64_t>(n)});
    for (std::size_t i = 0; i < v.known->data.size(); ++i) {
        if (nn::is_float(v.known->data.type()))  // ONNX: start + i * delta in the type
            v.known->data.set_float(i, static_cast<float>(s + static_cast<double>(i) * d));
        else
            v.known->data.set_int(i, start.int_value(0) + static_cast<int64_t>(i) * delta.int_value(0));
    }
    b.set_output(std::move(v));
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
        {"Squeeze", [](check_builder& b) { squeeze(b, false); }},
        {"Unsqueeze", [](check_builder& b) { squeeze(b, true); }},
        {"Shape", shape},
        {"Pad", pad},
        {"Constant", constant},
        {"Dropout", dropout},
        {"Cast", cast},
        {"ConstantOfShape", constant_of_shape},
        {"Range", range},
        {"Identity",
         [](check_builder& b) {
             b.single_output();
             b.set_output(b.input(0));
         }},
    };
    return t;
}

}  // namespace nnvp::onnx_import::detail
