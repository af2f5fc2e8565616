// Translations of import_for_check for the ONNX ops of shapes and types:
// Squeeze / Unsqueeze (a reshape), Shape, ConstantOfShape and Range (known
// at compile time: folded), Cast, and Dropout at inference (its input, and
// a mask of ones).
#include <algorithm>
#include <cmath>

#include "nn/tensor/fp16.h"
#include "sw/onnx/check_builder.h"

namespace nnvp::onnx_import::detail {

namespace {

using onnx::TensorProto;

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
    // The axes: an attribute before opset 13, then an optional INT64 input.
    const attributes a = b.attrs();
    a.only(b.opset() < 13 ? std::vector<std::string>{"axes"} : std::vector<std::string>{});
    const std::vector<int64_t> axes = axes_of(b, a, b.opset() >= 13);
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
// Size: the element count, known at import.
void size(check_builder& b) {
    b.single_output();
    b.attrs().only({});
    onnx_tensor t;
    t.name = b.node().output(0);
    t.elem_type = TensorProto::INT64;
    t.data = nn::tensor(nn::dtype::int64, {1, 1, 1, 1});
    int64_t n = 1;
    for (int64_t d : b.input(0).dims)
        n *= d;
    t.data.set_int(0, n);
    value v;
    v.elem_type = t.elem_type;
    v.known = std::move(t);
    b.set_output(std::move(v));
}

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
    value mask = known_value(b, TensorProto::BOOL, x.dims, "mask");
    for (std::size_t i = 0; i < mask.known->data.size(); ++i)
        mask.known->data.set_int(i, 1);
    b.set_output(1, std::move(mask));
}

// Cast: to the same type it is the value itself; integers and BOOL to FLOAT
// exactly (a convert with unit scale); FLOAT to FLOAT16 rounds (a convert to
// fp16 and back: FLOAT16 values are computed as FLOAT), FLOAT16 to FLOAT is
// the value itself.
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
    if (to == TensorProto::FLOAT16 && x.elem_type == kFloat) {  // rounded, kept as FLOAT
        if (x.known) {
            value v = x;
            for (std::size_t i = 0; i < v.known->data.size(); ++i)
                v.known->data.set_float(i, nn::round_to_half(v.known->data.get_float(i)));
            b.set_output(std::move(v));
            return;
        }
        const layout lay = natural_layout(x);
        const tref half = b.add_cpu(
            {cpuops::kind::convert, {static_cast<int32_t>(nn::dtype::fp16)}, {}},
            {b.runtime(x, lay)}, "fp16");
        const tref r =
            b.add_cpu({cpuops::kind::convert, {static_cast<int32_t>(nn::dtype::fp32)}, {}}, {half});
        b.set_output(runtime_value(b, r, lay, x.dims, kFloat));
        return;
    }
    const bool int_to_float = to == kFloat && x.elem_type != kFloat &&
                              x.elem_type != TensorProto::FLOAT16 &&
                              x.elem_type != TensorProto::DOUBLE;
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
    const tref r =
        b.add_cpu({cpuops::kind::convert, {static_cast<int32_t>(nn::dtype::fp32)}, {}}, {in});
    b.set_output(runtime_value(b, r, lay, x.dims, kFloat));
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
            v.known->data.set_int(
                i, start.int_value(0) + static_cast<int64_t>(i) * delta.int_value(0));
    }
    b.set_output(std::move(v));
}

// If whose condition is known when the model is imported (a constant, or
// folded from shapes): the taken branch's nodes, inlined.
void if_node(check_builder& b) {
    const attributes a = b.attrs();
    a.only({"then_branch", "else_branch"});
    const value& c = b.input(0);
    if (!c.known)
        b.fail("condition '" + b.node().input(0) +
               "' is computed at run time: nnvp takes If only when its condition is known at "
               "import (a constant, or folded from shapes)");
    if (c.known->count() != 1)
        b.fail("condition: expected one element, got " + std::to_string(c.known->count()));
    const bool taken = c.known->value(0) != 0;
    const onnx::GraphProto* branch = a.get_graph(taken ? "then_branch" : "else_branch");
    if (!branch)
        b.fail(std::string(taken ? "then_branch" : "else_branch") + ": missing");
    std::vector<value> outs = b.inline_graph(*branch);
    if (static_cast<int>(outs.size()) != b.node().output_size())
        b.fail("the branch has " + std::to_string(outs.size()) + " outputs, the node " +
               std::to_string(b.node().output_size()));
    for (int k = 0; k < b.node().output_size(); ++k)
        if (b.wants_output(k))
            b.set_output(k, std::move(outs[static_cast<std::size_t>(k)]));
}

}  // namespace

const translation_table& shape_translations() {
    static const translation_table t = {
        {"Squeeze", [](check_builder& b) { squeeze(b, false); }},
        {"Unsqueeze", [](check_builder& b) { squeeze(b, true); }},
        {"Shape", shape},
        {"Size", size},
        {"Dropout", dropout},
        {"Cast", cast},
        {"ConstantOfShape", constant_of_shape},
        {"Range", range},
        {"If", if_node},
    };
    return t;
}

}  // namespace nnvp::onnx_import::detail
