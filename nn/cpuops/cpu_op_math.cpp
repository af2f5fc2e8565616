// The element-wise and reduction CPU ops: unary functions, binary functions
// with broadcasting, and reductions over NHWC axes. Arithmetic in double,
// rounded once to fp32, so results do not depend on the loop order.
#include <algorithm>
#include <cmath>
#include <limits>

#include "nn/cpuops/math_ops.h"
#include "nn/ref/activation.h"
#include "nn/cpuops/op_failure.h"

namespace nnvp::cpuops {

const char* to_string(unary_fn f) {
    static const char* const names[] = {
        "exp",        "log",       "sqrt",        "neg",        "abs",      "erf",
        "reciprocal", "floor",     "ceil",        "round",      "sign",     "sin",
        "cos",        "tan",       "sigmoid",     "tanh",       "relu",     "hard_sigmoid",
        "hard_swish", "elu",       "selu",        "leaky_relu", "softplus", "softsign",
        "gelu",       "gelu_tanh", "sinh",        "cosh",       "asin",     "acos",
        "atan",       "asinh",     "acosh",       "atanh",      "celu",     "thresholded_relu",
        "shrink",     "mish",      "logical_not", "is_nan",     "is_inf"};
    static_assert(sizeof(names) / sizeof(names[0]) == static_cast<int>(unary_fn::last) + 1);
    const auto i = static_cast<int32_t>(f);
    return i >= 0 && i <= static_cast<int32_t>(unary_fn::last) ? names[i] : "unknown";
}

const char* to_string(binary_fn f) {
    static const char* const names[] = {"add",        "sub",         "mul",        "div",
                                        "pow",        "max",         "min",        "prelu",
                                        "equal",      "greater",     "less",       "greater_equal",
                                        "less_equal", "logical_and", "logical_or", "logical_xor"};
    static_assert(sizeof(names) / sizeof(names[0]) == static_cast<int>(binary_fn::last) + 1);
    const auto i = static_cast<int32_t>(f);
    return i >= 0 && i <= static_cast<int32_t>(binary_fn::last) ? names[i] : "unknown";
}

const char* to_string(reduce_fn f) {
    static const char* const names[] = {"sum",         "mean",       "max",     "min",
                                        "prod",        "l1",         "l2",      "log_sum",
                                        "log_sum_exp", "sum_square", "arg_max", "arg_min"};
    static_assert(sizeof(names) / sizeof(names[0]) == static_cast<int>(reduce_fn::last) + 1);
    const auto i = static_cast<int32_t>(f);
    return i >= 0 && i <= static_cast<int32_t>(reduce_fn::last) ? names[i] : "unknown";
}

std::optional<ref::activation> core_activation(unary_fn f, const std::vector<float>& params) {
    using ref::act_kind;
    ref::activation a;
    switch (f) {
        case unary_fn::exp: a.kind = act_kind::exp; break;
        case unary_fn::log: a.kind = act_kind::log; break;
        case unary_fn::sqrt: a.kind = act_kind::sqrt; break;
        case unary_fn::neg: a.kind = act_kind::neg; break;
        case unary_fn::abs: a.kind = act_kind::abs; break;
        case unary_fn::erf: a.kind = act_kind::erf; break;
        case unary_fn::reciprocal: a.kind = act_kind::reciprocal; break;
        case unary_fn::sigmoid: a.kind = act_kind::sigmoid; break;
        case unary_fn::tanh: a.kind = act_kind::tanh; break;
        case unary_fn::relu: a.kind = act_kind::relu; break;
        case unary_fn::gelu: a.kind = act_kind::gelu; break;
        case unary_fn::gelu_tanh: a.kind = act_kind::gelu_tanh; break;
        case unary_fn::hard_swish: a.kind = act_kind::hard_swish; break;
        case unary_fn::hard_sigmoid:
            if (params.size() != 2)
                return std::nullopt;
            a.kind = act_kind::hard_sigmoid;
            a.alpha = params[0];
            a.beta = params[1];
            break;
        case unary_fn::leaky_relu:
            if (params.size() != 1)
                return std::nullopt;
            a.kind = act_kind::leaky_relu;
            a.alpha = params[0];
            break;
        default: return std::nullopt;
    }
    return a;
}

std::string describe(const op& o) {
    std::string t = to_string(o.k);
    if (o.ints.empty())
        return t;
    if (o.k == kind::unary)
        t += std::string(" ") + to_string(static_cast<unary_fn>(o.ints[0]));
    if (o.k == kind::binary)
        t += std::string(" ") + to_string(static_cast<binary_fn>(o.ints[0]));
    if (o.k == kind::reduce)
        t += std::string(" ") + to_string(static_cast<reduce_fn>(o.ints[0]));
    return t;
}

namespace detail {

namespace {

using infos = std::vector<tensor_info>;

// Parameters a unary function takes.
std::size_t float_count(unary_fn f) {
    switch (f) {
        case unary_fn::hard_sigmoid:
        case unary_fn::selu:
        case unary_fn::shrink:
        case unary_fn::is_inf:
            return 2;
        case unary_fn::elu:
        case unary_fn::leaky_relu:
        case unary_fn::celu:
        case unary_fn::thresholded_relu:
            return 1;
        default:
            return 0;
    }
}

bool is_arg(reduce_fn f) {
    return f == reduce_fn::arg_max || f == reduce_fn::arg_min;
}

void need_fp32(const op& o, const infos& ins) {
    for (std::size_t i = 0; i < ins.size(); ++i)
        if (ins[i].type != nn::dtype::fp32)
            fail(o, "input " + std::to_string(i) + " is " + nn::to_string(ins[i].type) +
                        ": expected fp32");
}

tensor_info infer_unary(const op& o, const infos& ins) {
    if (o.ints.empty() || o.ints[0] < 0 || o.ints[0] > static_cast<int32_t>(unary_fn::last))
        fail(o, "function: expected 0.." + std::to_string(static_cast<int>(unary_fn::last)));
    const auto f = static_cast<unary_fn>(o.ints[0]);
    need_counts(o, ins, 1, 1, 1, float_count(f));
    if (f == unary_fn::logical_not) {
        if (ins[0].type != nn::dtype::int8)
            fail(o,
                 std::string("input is ") + nn::to_string(ins[0].type) + ": expected int8 (0 / 1)");
        return {ins[0].shape, nn::dtype::int8, {}};
    }
    need_fp32(o, ins);
    const bool to_bool = f == unary_fn::is_nan || f == unary_fn::is_inf;
    return {ins[0].shape, to_bool ? nn::dtype::int8 : nn::dtype::fp32, {}};
}

tensor_info infer_binary(const op& o, const infos& ins) {
    if (o.ints.empty() || o.ints[0] < 0 || o.ints[0] > static_cast<int32_t>(binary_fn::last))
        fail(o, "function: expected 0.." + std::to_string(static_cast<int>(binary_fn::last)));
    need_counts(o, ins, 2, 1, 1, 0);
    const auto f = static_cast<binary_fn>(o.ints[0]);
    const bool logic = f >= binary_fn::logical_and;
    const bool compare = f >= binary_fn::equal && !logic;
    // max, min and the comparisons only order values: exact on any
    // whole-byte integer type.
    const bool integer = (f == binary_fn::max || f == binary_fn::min || compare) &&
                         ins[0].type == ins[1].type && !nn::is_float(ins[0].type) &&
                         nn::bits_of(ins[0].type) >= 8;
    if (integer && (ins[0].q.scale != ins[1].q.scale || ins[0].q.zero_point != ins[1].q.zero_point))
        fail(o, "integer inputs with different quantization: expected the same");
    if (logic && (ins[0].type != nn::dtype::int8 || ins[1].type != nn::dtype::int8))
        fail(o, "inputs: expected int8 (0 / 1)");
    if (!integer && !logic)
        need_fp32(o, ins);
    tensor_info out{ins[0].shape, integer ? ins[0].type : nn::dtype::fp32,
                    integer ? ins[0].q : ref::quant_params{}};
    if (logic || compare)
        out = {ins[0].shape, nn::dtype::int8, {}};
    for (int a = 0; a < 4; ++a) {
        const int x = ins[0].shape.at(a), y = ins[1].shape.at(a);
        if (x != y && x != 1 && y != 1)
            fail(o, "shapes " + nn::to_string(ins[0].shape) + " and " +
                        nn::to_string(ins[1].shape) + " do not broadcast (axis " +
                        std::to_string(a) + ")");
        out.shape.at(a) = std::max(x, y);
    }
    return out;
}

tensor_info infer_reduce(const op& o, const infos& ins) {
    if (o.ints.empty() || o.ints[0] < 0 || o.ints[0] > static_cast<int32_t>(reduce_fn::last))
        fail(o, "function: expected 0.." + std::to_string(static_cast<int>(reduce_fn::last)));
    const auto f = static_cast<reduce_fn>(o.ints[0]);
    need_counts(o, ins, 1, is_arg(f) ? 3 : 2, is_arg(f) ? 3 : 2, 0);
    need_fp32(o, ins);
    const int mask = o.ints[1];
    if (mask < 0 || mask > 15)
        fail(o, "axis mask " + std::to_string(mask) + ": expected 0..15");
    if (is_arg(f) && (mask == 0 || (mask & (mask - 1)) != 0))
        fail(o, "axis mask " + std::to_string(mask) + ": expected exactly one axis");
    if (is_arg(f) && o.ints[2] != 0 && o.ints[2] != 1)
        fail(o, "select_last " + std::to_string(o.ints[2]) + ": expected 0 or 1");
    tensor_info out{ins[0].shape, is_arg(f) ? nn::dtype::int32 : nn::dtype::fp32, {}};
    for (int a = 0; a < 4; ++a)
        if (mask & (1 << a))
            out.shape.at(a) = 1;
    return out;
}

double unary_value(const op& o, unary_fn f, double x) {
    // The functions the NN core has: one definition, in nn/ref.
    if (const auto a = core_activation(f, o.floats))
        return ref::apply_real_activation(*a, x);
    switch (f) {
        case unary_fn::floor:
            return std::floor(x);
        case unary_fn::ceil:
            return std::ceil(x);
        case unary_fn::round:
            return std::nearbyint(x);
        case unary_fn::sign:
            return x > 0 ? 1.0 : x < 0 ? -1.0 : x;
        case unary_fn::sin:
            return std::sin(x);
        case unary_fn::cos:
            return std::cos(x);
        case unary_fn::tan:
            return std::tan(x);
        case unary_fn::elu:
            return x < 0 ? o.floats[0] * (std::exp(x) - 1.0) : x;
        case unary_fn::selu:
            return o.floats[1] * (x <= 0 ? o.floats[0] * (std::exp(x) - 1.0) : x);
        case unary_fn::softplus:
            return x > 30 ? x : std::log1p(std::exp(x));
        case unary_fn::softsign:
            return x / (1.0 + std::fabs(x));
        case unary_fn::sinh:
            return std::sinh(x);
        case unary_fn::cosh:
            return std::cosh(x);
        case unary_fn::asin:
            return std::asin(x);
        case unary_fn::acos:
            return std::acos(x);
        case unary_fn::atan:
            return std::atan(x);
        case unary_fn::asinh:
            return std::asinh(x);
        case unary_fn::acosh:
            return std::acosh(x);
        case unary_fn::atanh:
            return std::atanh(x);
        case unary_fn::celu: {
            const double alpha = o.floats[0];
            return std::max(0.0, x) + std::min(0.0, alpha * (std::exp(x / alpha) - 1.0));
        }
        case unary_fn::thresholded_relu:
            return x > o.floats[0] ? x : 0.0;
        case unary_fn::shrink:
            return x < -o.floats[0] ? x + o.floats[1] : x > o.floats[0] ? x - o.floats[1] : 0.0;
        case unary_fn::mish:
            return x * std::tanh(x > 30 ? x : std::log1p(std::exp(x)));
        case unary_fn::logical_not:  // logic_value()
        case unary_fn::is_nan:
        case unary_fn::is_inf:
            break;
        default:  // core_activation's functions, above
            break;
    }
    return x;
}

double binary_value(binary_fn f, double a, double b) {
    switch (f) {
        case binary_fn::add:
            return a + b;
        case binary_fn::sub:
            return a - b;
        case binary_fn::mul:
            return a * b;
        case binary_fn::div:
            return a / b;
        case binary_fn::pow:
            return std::pow(a, b);
        // NaN propagates through max and min, as in ONNX (numpy.maximum).
        case binary_fn::max:
            return std::isnan(a) || std::isnan(b) ? NAN : std::max(a, b);
        case binary_fn::min:
            return std::isnan(a) || std::isnan(b) ? NAN : std::min(a, b);
        case binary_fn::prelu:
            return a < 0 ? a * b : a;
        case binary_fn::equal:
            return a == b;
        case binary_fn::greater:
            return a > b;
        case binary_fn::less:
            return a < b;
        case binary_fn::greater_equal:
            return a >= b;
        case binary_fn::less_equal:
            return a <= b;
        case binary_fn::logical_and:
            return a != 0 && b != 0;
        case binary_fn::logical_or:
            return a != 0 || b != 0;
        case binary_fn::logical_xor:
            return (a != 0) != (b != 0);
    }
    return a;
}

// The logic functions of one element: int8 0 / 1 results.
int64_t logic_value(const op& o, unary_fn f, const nn::tensor& in, std::size_t i) {
    if (f == unary_fn::logical_not)
        return in.get_int(i) == 0 ? 1 : 0;
    const float x = in.get_float(i);
    if (f == unary_fn::is_nan)
        return std::isnan(x) ? 1 : 0;
    return std::isinf(x) && ((x < 0 && o.floats[0] != 0) || (x > 0 && o.floats[1] != 0)) ? 1 : 0;
}

nn::tensor unary(const op& o, const nn::tensor& in, const tensor_info& oi) {
    const auto f = static_cast<unary_fn>(o.ints[0]);
    nn::tensor out(oi.type, in.shape());
    for (std::size_t i = 0; i < in.size(); ++i) {
        if (oi.type == nn::dtype::int8)
            out.set_int(i, logic_value(o, f, in, i));
        else
            out.set_float(i, static_cast<float>(unary_value(o, f, in.get_float(i))));
    }
    return out;
}

nn::tensor binary(const op& o, const nn::tensor& a, const nn::tensor& b, const tensor_info& oi) {
    const auto f = static_cast<binary_fn>(o.ints[0]);
    nn::tensor out(oi.type, oi.shape);
    const bool integer = !nn::is_float(oi.type);
    const nn::shape4 &as = a.shape(), &bs = b.shape();
    const auto at = [](const nn::shape4& s, int a, int i) { return s.at(a) == 1 ? 0 : i; };
    for (int n = 0; n < oi.shape.n; ++n)
        for (int h = 0; h < oi.shape.h; ++h)
            for (int w = 0; w < oi.shape.w; ++w)
                for (int c = 0; c < oi.shape.c; ++c) {
                    const std::size_t i =
                        a.index(at(as, 0, n), at(as, 1, h), at(as, 2, w), at(as, 3, c));
                    const std::size_t j =
                        b.index(at(bs, 0, n), at(bs, 1, h), at(bs, 2, w), at(bs, 3, c));
                    const std::size_t k = out.index(n, h, w, c);
                    if (!nn::is_float(a.type())) {  // integers: exact in double (<= 32 bits)
                        const double x = static_cast<double>(a.get_int(i));
                        const double y = static_cast<double>(b.get_int(j));
                        out.set_int(k, static_cast<int64_t>(binary_value(f, x, y)));
                    } else if (integer) {  // fp32 in, int8 0/1 out
                        out.set_int(k, static_cast<int64_t>(
                                           binary_value(f, a.get_float(i), b.get_float(j))));
                    } else {
                        out.set_float(
                            k, static_cast<float>(binary_value(f, a.get_float(i), b.get_float(j))));
                    }
                }
    return out;
}

// The reduction of the values of one output element, in input order.
double reduce_values(reduce_fn f, const std::vector<double>& v) {
    double r = 0;
    switch (f) {
        case reduce_fn::max:
            return *std::max_element(v.begin(), v.end());
        case reduce_fn::min:
            return *std::min_element(v.begin(), v.end());
        case reduce_fn::prod:
            r = 1;
            for (double x : v)
                r *= x;
            return r;
        case reduce_fn::log_sum_exp: {
            const double m = *std::max_element(v.begin(), v.end());
            if (!std::isfinite(m))
                return m;
            for (double x : v)
                r += std::exp(x - m);
            return m + std::log(r);
        }
        default:
            break;
    }
    for (double x : v)
        r += f == reduce_fn::l1                                 ? std::fabs(x)
             : f == reduce_fn::l2 || f == reduce_fn::sum_square ? x * x
                                                                : x;
    if (f == reduce_fn::mean)
        return r / static_cast<double>(v.size());
    if (f == reduce_fn::l2)
        return std::sqrt(r);
    if (f == reduce_fn::log_sum)
        return std::log(r);
    return r;
}

// Index of the extreme of v (ONNX ArgMax / ArgMin: first or last of equals).
int64_t arg_of(reduce_fn f, bool last, const std::vector<double>& v) {
    std::size_t best = 0;
    for (std::size_t i = 1; i < v.size(); ++i) {
        const bool better = f == reduce_fn::arg_max ? v[i] > v[best] : v[i] < v[best];
        if (better || (last && v[i] == v[best]))
            best = i;
    }
    return static_cast<int64_t>(best);
}

nn::tensor reduce(const op& o, const nn::tensor& in, const tensor_info& oi) {
    const auto f = static_cast<reduce_fn>(o.ints[0]);
    const int mask = o.ints[1];
    const nn::shape4& s = in.shape();
    int span[4];
    for (int a = 0; a < 4; ++a)
        span[a] = mask & (1 << a) ? s.at(a) : 1;
    nn::tensor out(oi.type, oi.shape);
    std::vector<double> v;
    int p[4], q[4];
    for (p[0] = 0; p[0] < oi.shape.n; ++p[0])
        for (p[1] = 0; p[1] < oi.shape.h; ++p[1])
            for (p[2] = 0; p[2] < oi.shape.w; ++p[2])
                for (p[3] = 0; p[3] < oi.shape.c; ++p[3]) {
                    v.clear();
                    for (q[0] = 0; q[0] < span[0]; ++q[0])
                        for (q[1] = 0; q[1] < span[1]; ++q[1])
                            for (q[2] = 0; q[2] < span[2]; ++q[2])
                                for (q[3] = 0; q[3] < span[3]; ++q[3])
                                    v.push_back(in.get_float(in.index(p[0] + q[0], p[1] + q[1],
                                                                      p[2] + q[2], p[3] + q[3])));
                    const std::size_t at = out.index(p[0], p[1], p[2], p[3]);
                    if (is_arg(f))
                        out.set_int(at, arg_of(f, o.ints[2] == 1, v));
                    else
                        out.set_float(at, static_cast<float>(reduce_values(f, v)));
                }
    return out;
}

bool is_transcendental(unary_fn f) {
    switch (f) {
        case unary_fn::neg:
        case unary_fn::abs:
        case unary_fn::floor:
        case unary_fn::ceil:
        case unary_fn::round:
        case unary_fn::sign:
        case unary_fn::relu:
        case unary_fn::hard_sigmoid:
        case unary_fn::hard_swish:
        case unary_fn::leaky_relu:
        case unary_fn::softsign:
        case unary_fn::reciprocal:
        case unary_fn::thresholded_relu:
        case unary_fn::shrink:
        case unary_fn::logical_not:
        case unary_fn::is_nan:
        case unary_fn::is_inf:
            return false;
        default:
            return true;
    }
}

}  // namespace

tensor_info infer_math(const op& o, const infos& ins) {
    if (o.k == kind::unary)
        return infer_unary(o, ins);
    if (o.k == kind::binary)
        return infer_binary(o, ins);
    return infer_reduce(o, ins);
}

nn::tensor execute_math(const op& o, const std::vector<const nn::tensor*>& ins,
                        const tensor_info& out) {
    if (o.k == kind::unary)
        return unary(o, *ins[0], out);
    if (o.k == kind::binary)
        return binary(o, *ins[0], *ins[1], out);
    return reduce(o, *ins[0], out);
}

work cost_math(const op& o, const infos& ins, const tensor_info& out) {
    work w;
    const uint64_t n = out.shape.count();
    if (o.k == kind::unary) {
        const bool slow = !o.ints.empty() && is_transcendental(static_cast<unary_fn>(o.ints[0]));
        (slow ? w.transcendental : w.elements) = n;
    } else if (o.k == kind::binary) {
        const bool slow = !o.ints.empty() && static_cast<binary_fn>(o.ints[0]) == binary_fn::pow;
        (slow ? w.transcendental : w.elements) = n;
    } else {
        const uint64_t in = ins.empty() ? n : ins[0].shape.count();
        w.elements = in;
        const auto f = o.ints.empty() ? reduce_fn::sum : static_cast<reduce_fn>(o.ints[0]);
        if (f == reduce_fn::log_sum_exp)
            w.transcendental = in;
        else if (f == reduce_fn::l2 || f == reduce_fn::log_sum)
            w.transcendental = n;
    }
    return w;
}

}  // namespace detail

}  // namespace nnvp::cpuops
