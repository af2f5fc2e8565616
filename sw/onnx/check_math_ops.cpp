// Translations of import_for_check for the element-wise ONNX ops that become
// the CPU ops unary and binary (nn/cpuops): Exp, Log, Sqrt, Erf, Gelu,
// HardSwish, ... ; Sub, Div, Pow, Max, Min, Sum, Mean, PRelu (and Add / Mul
// when both operands broadcast), comparisons and logic. An op whose inputs
// are all known at compile time is folded: its value is computed here, with
// the same arithmetic (check_reduce_ops.cpp has the reductions).
#include <optional>

#include "sw/onnx/check_builder.h"

namespace nnvp::onnx_import::detail {

namespace {

using cpuops::binary_fn;
using cpuops::reduce_fn;
using cpuops::unary_fn;
using onnx::TensorProto;

}  // namespace

// The layout the op works in: the first runtime input's, plain when folding.
layout math_layout(const std::vector<const value*>& ins) {
    for (const value* v : ins)
        if (!v->known)
            return v->lay;
    return layout::plain;
}

// The shape4 of ONNX dims in layout l, or a failure naming the rank limit.
nn::shape4 shape_in(check_builder& b, const std::vector<int64_t>& dims, layout l,
                    const std::string& what) {
    try {
        return to_shape4(dims, l, what);
    } catch (const std::invalid_argument& e) {
        b.fail(e.what());
    }
}

value emit(check_builder& b, const cpuops::op& o, const std::vector<const value*>& ins, layout lay,
           const std::vector<int64_t>& dims, int32_t elem, const std::string& suffix) {
    bool all_known = true;
    for (const value* v : ins)
        all_known &= v->known.has_value();
    if (!all_known) {
        std::vector<tref> refs;
        for (const value* v : ins)
            refs.push_back(b.runtime(*v, lay));
        return runtime_value(b, b.add_cpu(o, refs, suffix), lay, dims, elem);
    }
    std::vector<nn::tensor> data;
    std::vector<cpuops::tensor_info> infos;
    bool values = true;
    for (const value* v : ins) {
        data.push_back(v->known->data.reshaped(shape_in(b, v->dims, layout::plain, "input")));
        infos.push_back({data.back().shape(), data.back().type(), {}});
        values &= data.back().has_values();
    }
    std::vector<const nn::tensor*> ptrs;
    for (const nn::tensor& t : data)
        ptrs.push_back(&t);
    value r;
    try {
        const cpuops::tensor_info out = cpuops::infer(o, infos);
        onnx_tensor t;
        t.name = b.node().output(0);
        t.elem_type = elem;
        t.dims = dims;
        const nn::dtype type = storage_type(elem, t.name);
        const nn::shape4 shape = shape_in(b, dims, layout::plain, "output");
        if (!values) {  // folding a weight without values (timing mode): a result without
            t.data = nn::tensor::without_values(type, shape);
        } else {
            const nn::tensor result = cpuops::execute(o, ptrs, infos, out);
            t.data = nn::tensor(type, shape);
            for (std::size_t i = 0; i < result.size(); ++i) {
                if (nn::is_float(t.data.type()))
                    t.data.set_float(i, result.get_float(i));
                else
                    t.data.set_int(i, result.get_int(i));
            }
        }
        r.known = std::move(t);
    } catch (const cpuops::op_error& e) {
        b.fail(e.what());
    }
    r.dims = dims;
    r.elem_type = elem;
    return r;
}

namespace {

void unary(check_builder& b, unary_fn f) {
    b.single_output();
    const attributes a = b.attrs();
    std::vector<float> params;
    if (f == unary_fn::hard_sigmoid) {
        a.only({"alpha", "beta"});
        params = {a.get_float("alpha", 0.2f), a.get_float("beta", 0.5f)};
    } else if (f == unary_fn::elu) {
        a.only({"alpha"});
        params = {a.get_float("alpha", 1.0f)};
    } else if (f == unary_fn::selu) {
        a.only({"alpha", "gamma"});
        params = {a.get_float("alpha", 1.67326319217681884765625f),
                  a.get_float("gamma", 1.05070102214813232421875f)};
    } else if (f == unary_fn::celu) {
        a.only({"alpha"});
        params = {a.get_float("alpha", 1.0f)};
        if (params[0] == 0.0f)
            b.fail("alpha 0: expected a non-zero value");
    } else if (f == unary_fn::thresholded_relu) {
        a.only({"alpha"});
        params = {a.get_float("alpha", 1.0f)};
    } else if (f == unary_fn::shrink) {
        a.only({"bias", "lambd"});
        params = {a.get_float("lambd", 0.5f), a.get_float("bias", 0.0f)};
    } else if (f == unary_fn::is_inf) {
        a.only({"detect_negative", "detect_positive"});
        params = {a.get_int("detect_negative", 1) != 0 ? 1.0f : 0.0f,
                  a.get_int("detect_positive", 1) != 0 ? 1.0f : 0.0f};
    } else if (f == unary_fn::gelu) {
        a.only({"approximate"});
        const std::string approx = a.get_string("approximate", "none");
        if (approx != "none" && approx != "tanh")
            b.fail("approximate '" + approx + "': expected none or tanh");
        if (approx == "tanh")
            f = unary_fn::gelu_tanh;
    } else {
        a.only({});
    }
    const bool from_bool = f == unary_fn::logical_not;
    const bool to_bool = from_bool || f == unary_fn::is_nan || f == unary_fn::is_inf;
    b.need_type(0, {from_bool ? int32_t{TensorProto::BOOL} : kFloat});
    b.set_output(unary_value(b, f, b.input(0), params,
                             to_bool ? int32_t{TensorProto::BOOL} : kFloat));
}

}  // namespace

namespace {

// Integer arithmetic of two known values (shape computations), exact in
// int64 with numpy broadcasting; Div truncates toward zero as ONNX runtimes
// do. Empty when the op or the values are not of that kind.
std::optional<value> fold_integer(check_builder& b, binary_fn f, const value& x, const value& y,
                                  const std::vector<int64_t>& out) {
    const bool arithmetic =
        f == binary_fn::add || f == binary_fn::sub || f == binary_fn::mul || f == binary_fn::div;
    if (!arithmetic || !x.known || !y.known || x.elem_type != y.elem_type ||
        x.elem_type == kFloat || nn::is_float(x.known->data.type()) || x.known->empty() ||
        y.known->empty())
        return std::nullopt;
    const nn::shape4 xs = shape_in(b, x.dims, layout::plain, "input");
    const nn::shape4 ys = shape_in(b, y.dims, layout::plain, "input");
    const nn::shape4 os = shape_in(b, out, layout::plain, "output");
    const nn::tensor xd = x.known->data.reshaped(xs), yd = y.known->data.reshaped(ys);
    onnx_tensor t;
    t.name = b.node().output(0);
    t.elem_type = x.elem_type;
    t.dims = out;
    t.data = nn::tensor(x.known->data.type(), os);
    const auto at = [](const nn::shape4& s, int a, int i) { return s.at(a) == 1 ? 0 : i; };
    for (int n = 0; n < os.n; ++n)
        for (int h = 0; h < os.h; ++h)
            for (int w = 0; w < os.w; ++w)
                for (int c = 0; c < os.c; ++c) {
                    const int64_t u = xd.get_int(
                        xd.index(at(xs, 0, n), at(xs, 1, h), at(xs, 2, w), at(xs, 3, c)));
                    const int64_t v = yd.get_int(
                        yd.index(at(ys, 0, n), at(ys, 1, h), at(ys, 2, w), at(ys, 3, c)));
                    if (f == binary_fn::div && v == 0)
                        b.fail("integer division by zero");
                    const int64_t r = f == binary_fn::add   ? u + v
                                      : f == binary_fn::sub ? u - v
                                      : f == binary_fn::mul ? u * v
                                                            : u / v;
                    t.data.set_int(t.data.index(n, h, w, c), r);
                }
    value r;
    r.dims = out;
    r.elem_type = x.elem_type;
    r.known = std::move(t);
    return r;
}

}  // namespace

value unary_value(check_builder& b, unary_fn f, const value& x, const std::vector<float>& params,
                  int32_t elem, const std::string& suffix) {
    const layout lay = math_layout({&x});
    // Functions the NN core's vector unit has run there (constants fold on the host).
    if (const auto core = cpuops::core_activation(f, params); core && !x.known) {
        if (const auto fused = suffix.empty() ? fuse_into_producer(b, *core, x, lay) : std::nullopt)
            return runtime_value(b, *fused, lay, x.dims, kFloat);
        return runtime_value(b, activation_layer(b, *core, b.runtime(x, lay), suffix), lay, x.dims,
                             kFloat);
    }
    return emit(b, {cpuops::kind::unary, {static_cast<int32_t>(f)}, params}, {&x}, lay, x.dims,
                elem, suffix);
}

std::optional<value> core_eltwise(check_builder& b, binary_fn f, const value& x, const value& y,
                                  const std::string& suffix) {
    // Pow(x, 2), as decomposed LayerNorms square: x * x, the same float.
    if (f == binary_fn::pow && y.known && y.known->count() == 1 && y.known->value(0) == 2.0 &&
        !x.known && x.elem_type == kFloat && y.elem_type == kFloat && y.dims.size() <= x.dims.size())
        return core_eltwise(b, binary_fn::mul, x, x, suffix);
    static const std::pair<binary_fn, ref::op_kind> kinds[] = {
        {binary_fn::add, ref::op_kind::add}, {binary_fn::sub, ref::op_kind::sub},
        {binary_fn::mul, ref::op_kind::mul}, {binary_fn::div, ref::op_kind::div},
        {binary_fn::max, ref::op_kind::max}, {binary_fn::min, ref::op_kind::min}};
    const auto k = std::find_if(std::begin(kinds), std::end(kinds),
                                [f](const auto& e) { return e.first == f; });
    if (k == std::end(kinds) || x.elem_type != kFloat || y.elem_type != kFloat ||
        (x.known && y.known))
        return std::nullopt;
    const std::vector<int64_t> out = broadcast_dims(x.dims, y.dims);
    if (out.empty() && !(x.dims.empty() && y.dims.empty()))
        b.fail("input shapes do not broadcast");
    const auto full = [&](const value* v) {
        return to_shape4(v->dims, layout::plain, "input") == to_shape4(out, layout::plain, "output");
    };
    const value* first = &x;
    const value* second = &y;
    const bool commutes = f != binary_fn::sub && f != binary_fn::div;
    if (commutes && (!full(first) || (first->known && !second->known && full(second))))
        std::swap(first, second);
    if (!full(first))  // the core broadcasts its second operand only
        return std::nullopt;
    const layout lay = natural_layout(*first);
    ref::layer l = float_layer(k->second);
    l.name = b.op_name(suffix);
    const tref r = b.add_layer(l, {b.runtime(*first, lay), b.runtime(*second, lay)});
    return runtime_value(b, r, lay, out, kFloat);
}

value binary_value(check_builder& b, binary_fn f, const value& x, const value& y,
                   const std::string& suffix) {
    if (std::optional<value> core = core_eltwise(b, f, x, y, suffix))
        return *core;
    // Max, Min and the comparisons order integers exactly; other integer
    // arithmetic wraps in ONNX (the core saturates): FLOAT only.
    const bool logic = f >= binary_fn::logical_and;
    const bool compare = f >= binary_fn::equal && !logic;
    const bool order_only = f == binary_fn::max || f == binary_fn::min || compare;
    const bool same_int = x.elem_type == y.elem_type && x.elem_type != kFloat;
    const bool both_float = x.elem_type == kFloat && y.elem_type == kFloat;
    const bool both_bool = x.elem_type == TensorProto::BOOL && y.elem_type == TensorProto::BOOL;
    {
        const std::vector<int64_t> dims = broadcast_dims(x.dims, y.dims);
        if (dims.empty() && !(x.dims.empty() && y.dims.empty()))
            b.fail("input shapes do not broadcast");
        if (std::optional<value> folded = fold_integer(b, f, x, y, dims))
            return *folded;
    }
    const std::string types = std::string("inputs are ") + elem_type_name(x.elem_type) + " and " +
                              elem_type_name(y.elem_type);
    if (logic && !both_bool)
        b.fail(types + ": expected BOOL");
    if (!logic && !both_float && !(order_only && same_int))
        b.fail(types + (order_only ? ": expected FLOAT or one integer type"
                                   : ": expected FLOAT (integer arithmetic wraps in ONNX)"));
    const int32_t elem = logic || compare ? int32_t{TensorProto::BOOL} : x.elem_type;
    const std::vector<int64_t> out = broadcast_dims(x.dims, y.dims);
    if (out.empty() && !(x.dims.empty() && y.dims.empty()))  // {}: two scalars, or a failure
        b.fail("input shapes do not broadcast");
    const layout lay = math_layout({&x, &y});
    shape_in(b, out, lay, "output");
    value r = emit(b, {cpuops::kind::binary, {static_cast<int32_t>(f)}, {}}, {&x, &y}, lay, out,
                   elem, suffix);
    if (!r.known && elem == x.elem_type)
        r.offset = x.known ? y.offset : x.offset;  // uint8 stored as int8 - 128
    return r;
}

namespace {

void binary(check_builder& b, binary_fn f) {
    b.single_output();
    b.set_output(binary_value(b, f, b.input(0), legacy_second_operand(b, b.attrs())));
}

// Max, Min, Sum, Mean: any number of inputs, folded left to right.
void variadic(check_builder& b, binary_fn f, bool mean) {
    b.single_output();
    b.attrs().only({});
    const int n = b.node().input_size();
    if (n < 1)
        b.fail("expected at least one input");
    value acc = b.input(0);
    if (mean || f == binary_fn::add)
        b.need_type(0, {kFloat});
    for (int i = 1; i < n; ++i)
        acc = binary_value(b, f, acc, b.input(i), n > 2 ? std::to_string(i) : "");
    if (mean && n > 1) {
        const value scale = float_constant(b, {}, {1.0f / static_cast<float>(n)}, "count");
        acc = binary_value(b, binary_fn::mul, acc, scale, "mean");
    }
    b.set_output(acc);
}

void prelu(check_builder& b) {
    b.single_output();
    b.attrs().only(b.opset() < 7 ? std::vector<std::string>{"consumed_inputs"}
                                 : std::vector<std::string>{});
    const value& x = b.input(0);
    value slope = b.input(1);
    // Before opset 7 a slope of C values is per channel (axis 1).
    if (b.opset() < 7 && slope.dims.size() == 1 && x.dims.size() > 2 && slope.dims[0] == x.dims[1] &&
        slope.dims[0] > 1) {
        std::vector<int64_t> dims(x.dims.size() - 1, 1);
        dims[0] = slope.dims[0];
        slope = reshape_to(b, slope, dims, "per_channel");
    }
    if (broadcast_dims(x.dims, slope.dims) != x.dims)
        b.fail("slope does not broadcast to the input's shape");
    b.set_output(binary_value(b, binary_fn::prelu, x, slope));
}

translation unary_of(unary_fn f) {
    return [f](check_builder& b) { unary(b, f); };
}
translation binary_of(binary_fn f) {
    return [f](check_builder& b) { binary(b, f); };
}

}  // namespace

const translation_table& math_translations() {
    static const translation_table t = {
        {"Exp", unary_of(unary_fn::exp)},
        {"Log", unary_of(unary_fn::log)},
        {"Sqrt", unary_of(unary_fn::sqrt)},
        {"Neg", unary_of(unary_fn::neg)},
        {"Abs", unary_of(unary_fn::abs)},
        {"Erf", unary_of(unary_fn::erf)},
        {"Reciprocal", unary_of(unary_fn::reciprocal)},
        {"Floor", unary_of(unary_fn::floor)},
        {"Ceil", unary_of(unary_fn::ceil)},
        {"Round", unary_of(unary_fn::round)},
        {"Sign", unary_of(unary_fn::sign)},
        {"Sin", unary_of(unary_fn::sin)},
        {"Cos", unary_of(unary_fn::cos)},
        {"Tan", unary_of(unary_fn::tan)},
        {"HardSigmoid", unary_of(unary_fn::hard_sigmoid)},
        {"HardSwish", unary_of(unary_fn::hard_swish)},
        {"Elu", unary_of(unary_fn::elu)},
        {"Selu", unary_of(unary_fn::selu)},
        {"Softplus", unary_of(unary_fn::softplus)},
        {"Softsign", unary_of(unary_fn::softsign)},
        {"Gelu", unary_of(unary_fn::gelu)},
        {"Sinh", unary_of(unary_fn::sinh)},
        {"Cosh", unary_of(unary_fn::cosh)},
        {"Asin", unary_of(unary_fn::asin)},
        {"Acos", unary_of(unary_fn::acos)},
        {"Atan", unary_of(unary_fn::atan)},
        {"Asinh", unary_of(unary_fn::asinh)},
        {"Acosh", unary_of(unary_fn::acosh)},
        {"Atanh", unary_of(unary_fn::atanh)},
        {"Celu", unary_of(unary_fn::celu)},
        {"ThresholdedRelu", unary_of(unary_fn::thresholded_relu)},
        {"Shrink", unary_of(unary_fn::shrink)},
        {"Mish", unary_of(unary_fn::mish)},
        {"Not", unary_of(unary_fn::logical_not)},
        {"IsNaN", unary_of(unary_fn::is_nan)},
        {"IsInf", unary_of(unary_fn::is_inf)},
        {"Equal", binary_of(binary_fn::equal)},
        {"Greater", binary_of(binary_fn::greater)},
        {"Less", binary_of(binary_fn::less)},
        {"GreaterOrEqual", binary_of(binary_fn::greater_equal)},
        {"LessOrEqual", binary_of(binary_fn::less_equal)},
        {"And", binary_of(binary_fn::logical_and)},
        {"Or", binary_of(binary_fn::logical_or)},
        {"Xor", binary_of(binary_fn::logical_xor)},
        {"Sub", binary_of(binary_fn::sub)},
        {"Div", binary_of(binary_fn::div)},
        {"Pow", binary_of(binary_fn::pow)},
        {"PRelu", prelu},
        {"Max", [](check_builder& b) { variadic(b, binary_fn::max, false); }},
        {"Min", [](check_builder& b) { variadic(b, binary_fn::min, false); }},
        {"Sum", [](check_builder& b) { variadic(b, binary_fn::add, false); }},
        {"Mean", [](check_builder& b) { variadic(b, binary_fn::add, true); }},
    };
    return t;
}

}  // namespace nnvp::onnx_import::detail
