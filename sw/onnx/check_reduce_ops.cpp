// Translations of import_for_check for the reductions (nn/cpuops reduce):
// ReduceSum, ReduceMean, ReduceMax, ReduceMin, ReduceProd, ReduceL1 / L2,
// ReduceLogSum(Exp), ReduceSumSquare, ArgMax / ArgMin, and
// LayerNormalization built from them and element-wise steps. Axes map
// through the layout; keepdims 0 drops them with a reshape in plain layout.
#include <algorithm>

#include "sw/onnx/check_builder.h"

namespace nnvp::onnx_import::detail {

namespace {

using cpuops::binary_fn;
using cpuops::reduce_fn;
using cpuops::unary_fn;
using onnx::TensorProto;

// A float sum / max / mean over the stored channel axis alone (`mask`: the
// shape4 axes reduced) as the NN core's row reduction; a mean / max over H
// and W of an image as its global pooling (a squeeze-and-excite block's
// ReduceMean); nothing otherwise.
std::optional<value> core_reduction(check_builder& b, const value& x, reduce_fn f, int mask,
                                    const std::vector<int64_t>& kept, const std::string& suffix) {
    const bool spatial = !x.known && x.elem_type == kFloat && x.lay == layout::nhwc &&
                         mask == ((1 << 1) | (1 << 2)) &&
                         (f == reduce_fn::mean || f == reduce_fn::max);
    if (spatial) {
        ref::layer l = float_layer(f == reduce_fn::mean ? ref::op_kind::global_avg_pool
                                                        : ref::op_kind::global_max_pool);
        l.name = b.op_name(suffix);
        return runtime_value(b, b.add_layer(l, {x.r}), layout::nhwc, kept, kFloat);
    }
    static const std::pair<reduce_fn, ref::op_kind> kinds[] = {
        {reduce_fn::sum, ref::op_kind::reduce_sum},
        {reduce_fn::max, ref::op_kind::reduce_max},
        {reduce_fn::mean, ref::op_kind::reduce_mean}};
    const auto k = std::find_if(std::begin(kinds), std::end(kinds),
                                [f](const auto& e) { return e.first == f; });
    if (k == std::end(kinds) || x.known || x.elem_type != kFloat || mask != 1 << 3)
        return std::nullopt;
    ref::layer l = float_layer(k->second);
    l.name = b.op_name(suffix);
    const layout lay = math_layout({&x});
    return runtime_value(b, b.add_layer(l, {b.runtime(x, lay)}), lay, kept, kFloat);
}

// The value of reducing `x` over ONNX axes `axes` (ints: {fn, extras...}).
value reduced(check_builder& b, const value& x, std::vector<int32_t> ints,
              const std::vector<int>& axes, bool keepdims, int32_t elem,
              const std::string& suffix = "") {
    const int rank = static_cast<int>(x.dims.size());
    const layout lay = math_layout({&x});
    shape_in(b, x.dims, lay, "input");
    std::vector<int64_t> kept = x.dims, dropped;
    int mask = 0;
    for (int i = 0; i < rank; ++i) {
        const bool reduced = std::find(axes.begin(), axes.end(), i) != axes.end();
        if (reduced) {
            kept[static_cast<std::size_t>(i)] = 1;
            mask |= 1 << our_axis(i, rank, lay);
        } else {
            dropped.push_back(x.dims[static_cast<std::size_t>(i)]);
        }
    }
    ints.insert(ints.begin() + 1, mask);
    std::optional<value> core =
        core_reduction(b, x, static_cast<reduce_fn>(ints[0]), mask, kept, suffix);
    value r = core ? std::move(*core)
                   : emit(b, {cpuops::kind::reduce, ints, {}}, {&x}, lay, kept, elem, suffix);
    if (!keepdims) {
        if (r.known) {
            r.known->data = r.known->data.reshaped(shape_in(b, dropped, layout::plain, "output"));
            r.known->dims = dropped;
            r.dims = dropped;
        } else {
            const value plain =
                runtime_value(b, b.runtime(r, layout::plain), layout::plain, kept, elem);
            r = reshape_to(b, plain, dropped, "drop_axes");
        }
    }
    return r;
}

void emit_reduction(check_builder& b, const value& x, std::vector<int32_t> ints,
                    const std::vector<int>& axes, bool keepdims, int32_t elem) {
    b.set_output(reduced(b, x, std::move(ints), axes, keepdims, elem));
}

// LayerNormalization's affine part: normalized * Scale (+ B), in x's shape.
value scale_and_shift(check_builder& b, const value& normalized, const std::vector<int64_t>& dims) {
    value y = binary_value(b, binary_fn::mul, normalized, b.input(1), "scaled");
    if (b.has_input(2)) {
        b.need_type(2, {kFloat});
        y = binary_value(b, binary_fn::add, y, b.input(2), "shifted");
    }
    if (y.dims != dims)
        b.fail("scale / bias broadcast beyond the input's shape");
    return y;
}

// LayerNormalization (opset 17): over the axes from `axis` on,
// Y = (X - mean) * inv_std * Scale + B, inv_std = 1 / sqrt(var + epsilon);
// outputs 1 and 2 (Mean, InvStdDev) when named. CPU reduce / binary / unary
// steps, in fp32 (stash_type 1).
void layer_normalization(check_builder& b) {
    const attributes a = b.attrs();
    a.only({"axis", "epsilon", "stash_type"});
    if (a.get_int("stash_type", 1) != 1)
        b.fail("stash_type: expected 1 (FLOAT)");
    b.need_type(0, {kFloat});
    b.need_type(1, {kFloat});
    const value& x = b.input(0);
    const int rank = static_cast<int>(x.dims.size());
    const int axis = normalize_axis(b, a.get_int("axis", -1), rank);
    std::vector<int> axes;
    for (int i = axis; i < rank; ++i)
        axes.push_back(i);
    // Over the stored channel axis alone, no statistics wanted: the core's
    // normalize row op, then the Scale and B element-wise layers.
    const bool channel_axis = axis == rank - 1 && !x.known && math_layout({&x}) == layout::plain;
    if (channel_axis && !b.wants_output(1) && !b.wants_output(2)) {
        ref::layer l = float_layer(ref::op_kind::normalize);
        l.name = b.op_name("normalized");
        l.norm_epsilon = a.get_float("epsilon", 1e-5f);
        const value n = runtime_value(b, b.add_layer(l, {b.runtime(x, layout::plain)}),
                                      layout::plain, x.dims, kFloat);
        b.set_output(scale_and_shift(b, n, x.dims));
        return;
    }
    const auto mean_fn = static_cast<int32_t>(reduce_fn::mean);
    const value mean = reduced(b, x, {mean_fn}, axes, true, kFloat, "mean");
    const value d = binary_value(b, binary_fn::sub, x, mean, "centered");
    const value var = reduced(b, binary_value(b, binary_fn::mul, d, d, "squared"), {mean_fn}, axes,
                              true, kFloat, "variance");
    const value ve = binary_value(b, binary_fn::add, var,
                                  float_constant(b, {}, {a.get_float("epsilon", 1e-5f)}, "eps"), "plus_eps");
    // 1 / sqrt on the core's vector unit in one step (rsqrt), else folded.
    value inv;
    if (!ve.known) {
        ref::activation rsqrt;
        rsqrt.kind = ref::act_kind::rsqrt;
        const layout lay = math_layout({&ve});
        inv = runtime_value(b, activation_layer(b, rsqrt, b.runtime(ve, lay), "inv_std"), lay,
                            ve.dims, kFloat);
    } else {
        inv = unary_value(b, unary_fn::reciprocal, unary_value(b, unary_fn::sqrt, ve, {}, kFloat, "std"),
                          {}, kFloat, "inv_std");
    }
    b.set_output(
        scale_and_shift(b, binary_value(b, binary_fn::mul, d, inv, "normalized"), x.dims));
    if (b.wants_output(1))
        b.set_output(1, mean);
    if (b.wants_output(2))
        b.set_output(2, inv);
}

void reduction(check_builder& b, reduce_fn f, int64_t axes_input_from) {
    b.single_output();
    const attributes a = b.attrs();
    const bool axes_input = b.opset() >= axes_input_from;
    if (axes_input)
        a.only({"keepdims", "noop_with_empty_axes"});
    else
        a.only({"axes", "keepdims"});
    b.need_type(0, {kFloat});
    const value& x = b.input(0);
    const int rank = static_cast<int>(x.dims.size());
    std::vector<int> axes;
    for (int64_t axis : axes_of(b, a, axes_input)) {
        const int ax = normalize_axis(b, axis, rank);
        if (std::find(axes.begin(), axes.end(), ax) != axes.end())
            b.fail("axes: axis " + std::to_string(axis) + " repeated");
        axes.push_back(ax);
    }
    if (axes.empty()) {
        if (axes_input && a.get_int("noop_with_empty_axes", 0) != 0) {
            b.set_output(x);  // ONNX: the input unchanged
            return;
        }
        for (int i = 0; i < rank; ++i)
            axes.push_back(i);
    }
    emit_reduction(b, x, {static_cast<int32_t>(f)}, axes, a.get_int("keepdims", 1) != 0, kFloat);
}

void arg_reduction(check_builder& b, reduce_fn f) {
    b.single_output();
    const attributes a = b.attrs();
    a.only({"axis", "keepdims", "select_last_index"});
    b.need_type(0, {kFloat});
    const value& x = b.input(0);
    const int axis = normalize_axis(b, a.get_int("axis", 0), static_cast<int>(x.dims.size()));
    const int32_t last = a.get_int("select_last_index", 0) != 0 ? 1 : 0;
    emit_reduction(b, x, {static_cast<int32_t>(f), last}, {axis}, a.get_int("keepdims", 1) != 0,
                   TensorProto::INT64);
}

translation reduction_of(reduce_fn f, int64_t axes_input_from = 18) {
    return [f, axes_input_from](check_builder& b) { reduction(b, f, axes_input_from); };
}

// InstanceNormalization of an NCHW image: per image and channel over H and W,
// all on the NN core: the mean and the variance as global average pools, the
// rest element-wise (x - mean, its square, + epsilon, rsqrt, products, scale
// and B per channel).
void instance_normalization(check_builder& b) {
    b.single_output();
    const attributes a = b.attrs();
    a.only({"epsilon"});
    need_image(b, 0);
    const value& x = b.input(0);
    const int64_t c = x.dims[1];
    const onnx_tensor& scale = b.known_input(1, "scale");
    const onnx_tensor& shift = b.known_input(2, "B");
    if (scale.count() != static_cast<std::size_t>(c) || shift.count() != static_cast<std::size_t>(c))
        b.fail("scale and B: expected " + std::to_string(c) + " values each");
    const auto layer = [&](ref::op_kind k, std::vector<tref> ins, const std::string& suffix) {
        ref::layer l = float_layer(k);
        l.name = b.op_name(suffix);
        return b.add_layer(l, std::move(ins));
    };
    const auto per_channel = [&](const onnx_tensor& t) {
        nn::tensor v(nn::dtype::fp32, {1, 1, 1, static_cast<int>(c)});
        for (std::size_t i = 0; i < v.size(); ++i)
            v.set_float(i, static_cast<float>(t.value(i)));
        return b.add_constant(v);
    };
    nn::tensor eps(nn::dtype::fp32, {1, 1, 1, 1});
    eps.set_float(0, a.get_float("epsilon", 1e-5f));
    const tref in = b.runtime(x, layout::nhwc);
    const tref d = layer(ref::op_kind::sub, {in, layer(ref::op_kind::global_avg_pool, {in}, "mean")},
                         "centred");
    const tref var = layer(ref::op_kind::global_avg_pool,
                           {layer(ref::op_kind::mul, {d, d}, "squared")}, "variance");
    ref::activation rsqrt;
    rsqrt.kind = ref::act_kind::rsqrt;
    const tref inv =
        activation_layer(b, rsqrt, layer(ref::op_kind::add, {var, b.add_constant(eps)}, "var_eps"),
                         "rsqrt");
    const tref y = layer(ref::op_kind::mul, {layer(ref::op_kind::mul, {d, inv}, "normalized"),
                                             per_channel(scale)},
                         "scaled");
    b.set_output(runtime_value(b, layer(ref::op_kind::add, {y, per_channel(shift)}, ""),
                               layout::nhwc, x.dims, kFloat));
}

}  // namespace

const translation_table& reduce_translations() {
    static const translation_table t = {
        {"ReduceSum", reduction_of(reduce_fn::sum, 13)},
        {"ReduceMean", reduction_of(reduce_fn::mean)},
        {"ReduceMax", reduction_of(reduce_fn::max)},
        {"ReduceMin", reduction_of(reduce_fn::min)},
        {"ReduceProd", reduction_of(reduce_fn::prod)},
        {"ReduceL1", reduction_of(reduce_fn::l1)},
        {"ReduceL2", reduction_of(reduce_fn::l2)},
        {"ReduceLogSum", reduction_of(reduce_fn::log_sum)},
        {"ReduceLogSumExp", reduction_of(reduce_fn::log_sum_exp)},
        {"ReduceSumSquare", reduction_of(reduce_fn::sum_square)},
        {"ArgMax", [](check_builder& b) { arg_reduction(b, reduce_fn::arg_max); }},
        {"ArgMin", [](check_builder& b) { arg_reduction(b, reduce_fn::arg_min); }},
        {"LayerNormalization", layer_normalization},
        {"InstanceNormalization", instance_normalization},
    };
    return t;
}

}  // namespace nnvp::onnx_import::detail
