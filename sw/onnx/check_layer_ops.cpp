// Translations of import_for_check for the float ONNX ops that become fp32
// core layers: Conv, the activations, Add / Mul, the pools and
// BatchNormalization (folded into the Conv before it, or a mul and an add).
#include <cmath>

#include "sw/onnx/check_builder.h"
#include "sw/onnx/window.h"

namespace nnvp::onnx_import::detail {

namespace {

using onnx::TensorProto;

void conv(check_builder& b) {
    b.single_output();
    const attributes a = b.attrs();
    a.only({"auto_pad", "dilations", "group", "kernel_shape", "pads", "strides"});
    need_image(b, 0);
    const value& x = b.input(0);
    const onnx_tensor& w = b.known_input(1, "weights");
    if (w.dims.size() != 4 || w.elem_type != kFloat)
        b.fail("weights: expected a 4-D FLOAT tensor [O, C/group, kH, kW]");
    const int o = static_cast<int>(w.dims[0]);
    const int64_t group = a.get_int("group", 1);
    if (group < 1 || x.dims[1] % group != 0 || o % group != 0 || w.dims[1] * group != x.dims[1])
        b.fail("group " + std::to_string(group) + ": weights [" + std::to_string(o) + ", " +
               std::to_string(w.dims[1]) + ", ...] do not match " + std::to_string(x.dims[1]) +
               " input channels");
    ref::layer l = float_layer(ref::op_kind::conv2d);
    l.geo = window(a, x.dims, static_cast<int>(w.dims[2]), static_cast<int>(w.dims[3]), false);
    l.geo.groups = static_cast<int>(group);
    l.out_channels = o;
    std::optional<nn::tensor> bias;
    if (b.has_input(2)) {
        const onnx_tensor& bt = b.known_input(2, "bias");
        if (bt.count() != static_cast<std::size_t>(o) || bt.elem_type != kFloat)
            b.fail("bias: expected " + std::to_string(o) + " FLOAT values");
        l.has_bias = true;
        bias = bt.data.reshaped({1, 1, 1, o});
    }
    // OIHW (plain [O, I, kH, kW]) -> OHWI: the plain -> nhwc permutation.
    const nn::tensor weights = from_plain(w.data, layout::nhwc);
    const tref r = b.add_layer(l, {b.runtime(x, layout::nhwc)}, weights, bias);
    b.set_output(runtime_value(b, r, layout::nhwc, nchw_dims(b.info(r).shape), kFloat));
}

// Relu, LeakyRelu, Sigmoid, Tanh, Clip: the activation layer, any layout.
void activation(check_builder& b, ref::act_kind kind) {
    b.single_output();
    const attributes a = b.attrs();
    const value& x = b.input(0);
    ref::layer l = float_layer(ref::op_kind::activation);
    l.act.kind = kind;
    if (kind == ref::act_kind::leaky_relu) {
        a.only({"alpha"});
        l.act.alpha = a.get_float("alpha", 0.01f);
    } else if (kind == ref::act_kind::clip) {
        float lo = -INFINITY, hi = INFINITY;
        if (b.opset() < 11) {
            a.only({"min", "max"});
            lo = a.get_float("min", lo);
            hi = a.get_float("max", hi);
        } else {
            a.only({});
            if (b.has_input(1))
                lo = static_cast<float>(b.known_input(1, "min").value(0));
            if (b.has_input(2))
                hi = static_cast<float>(b.known_input(2, "max").value(0));
        }
        l.act.clip_lo = lo;
        l.act.clip_hi = hi;
        if (!(lo <= hi))
            b.fail("min > max: ONNX then outputs max everywhere; not supported");
        if (x.elem_type == TensorProto::INT8) {
            // Integer clip: an INT8 activation layer with unit scales (q = value).
            l.prec = ref::precision::int8;
            l.in_q = l.out_q = l.act_q = {1.0f, 0};
            const tref r = b.add_layer(l, {b.runtime(x, x.lay)});
            b.set_output(runtime_value(b, r, x.lay, x.dims, x.elem_type));
            return;
        }
    } else {
        a.only({});
    }
    b.need_type(0, {kFloat});
    const tref r = b.add_layer(l, {b.runtime(x, x.lay)});
    b.set_output(runtime_value(b, r, x.lay, x.dims, kFloat));
}

// Add / Mul: the core's element-wise layer; the operand with the output's
// shape goes first, the other is broadcast.
void eltwise(check_builder& b, ref::op_kind k) {
    b.single_output();
    b.attrs().only({});
    const auto fn = k == ref::op_kind::add ? cpuops::binary_fn::add : cpuops::binary_fn::mul;
    if (b.input(0).known && b.input(1).known) {  // a constant (shape) computation: folded
        b.set_output(binary_value(b, fn, b.input(0), b.input(1)));
        return;
    }
    if (b.input(0).elem_type != kFloat || b.input(1).elem_type != kFloat)
        b.fail(
            "integer inputs: not supported (ONNX integer Add / Mul wrap around on overflow, "
            "the core's integer layers saturate; quantized models use QLinear ops)");
    const value* x = &b.input(0);
    const value* y = &b.input(1);
    const std::vector<int64_t> out = broadcast_dims(x->dims, y->dims);
    if (out.empty() && !(x->dims.empty() && y->dims.empty()))
        b.fail("input shapes do not broadcast");
    const auto aligned = [&](const value* v) {
        return aligned_dims(v->dims, "input") == aligned_dims(out, "output");
    };
    if (!aligned(x) || (x->known && !y->known && aligned(y)))
        std::swap(x, y);
    if (!aligned(x)) {  // both operands broadcast: on the CPU
        b.set_output(binary_value(b, fn, *x, *y));
        return;
    }
    const layout lay = natural_layout(*x);
    const tref first = b.runtime(*x, lay);
    const tref second = b.runtime(*y, lay);
    const tref r = b.add_layer(float_layer(k), {first, second});
    b.set_output(runtime_value(b, r, lay, out, kFloat));
}

void pool(check_builder& b, bool is_max) {
    b.single_output();
    const attributes a = b.attrs();
    if (is_max)
        a.only({"auto_pad", "ceil_mode", "dilations", "kernel_shape", "pads", "storage_order",
                "strides"});
    else
        a.only({"auto_pad", "ceil_mode", "count_include_pad", "kernel_shape", "pads", "strides"});
    const value& x = b.input(0);
    const bool int8 =
        is_max && (x.elem_type == TensorProto::UINT8 || x.elem_type == TensorProto::INT8);
    if (!int8)
        need_image(b, 0);
    else if (x.dims.size() != 4)
        b.fail("input: expected rank 4 (2-D windows only)");
    const auto ks = a.get_ints("kernel_shape", {});
    if (ks.size() != 2 || ks[0] < 1 || ks[1] < 1 || ks[0] > 1 << 16 || ks[1] > 1 << 16)
        b.fail("kernel_shape: expected 2 positive values (2-D windows only)");
    if (a.get_int("storage_order", 0) != 0)
        b.fail("storage_order 1: not supported");
    const bool ceil_mode = a.get_int("ceil_mode", 0) != 0;
    ref::layer l = float_layer(is_max ? ref::op_kind::max_pool : ref::op_kind::avg_pool);
    l.count_include_pad = a.get_int("count_include_pad", 0) != 0;
    if (ceil_mode && l.count_include_pad)
        b.fail(
            "ceil_mode with count_include_pad: not supported (the extra ceil-mode taps "
            "would count)");
    l.geo = window(a, x.dims, static_cast<int>(ks[0]), static_cast<int>(ks[1]), ceil_mode);
    if (l.geo.dilation_h != 1 || l.geo.dilation_w != 1)
        b.fail("dilations: pooling windows do not dilate on nnvp");
    if (l.geo.pad_top >= l.geo.kernel_h || l.geo.pad_bottom >= l.geo.kernel_h ||
        l.geo.pad_left >= l.geo.kernel_w || l.geo.pad_right >= l.geo.kernel_w)
        b.fail("pads: must be smaller than the kernel");
    if (int8) {
        l.prec = ref::precision::int8;
        l.in_q = l.out_q = l.act_q = {1.0f, 0};
    }
    const tref r = b.add_layer(l, {b.runtime(x, layout::nhwc)});
    b.set_output(
        runtime_value(b, r, layout::nhwc, nchw_dims(b.info(r).shape), x.elem_type, x.offset));
}

void global_pool(check_builder& b, bool is_max) {
    b.single_output();
    b.attrs().only({});
    need_image(b, 0);
    const value& x = b.input(0);
    const tref r = b.add_layer(
        float_layer(is_max ? ref::op_kind::global_max_pool : ref::op_kind::global_avg_pool),
        {b.runtime(x, layout::nhwc)});
    b.set_output(runtime_value(b, r, layout::nhwc, {x.dims[0], x.dims[1], 1, 1}, kFloat));
}

void batchnorm(check_builder& b) {
    b.single_output();
    const attributes a = b.attrs();
    a.only({"epsilon", "momentum", "training_mode", "spatial", "is_test", "consumed_inputs"});
    if (a.get_int("training_mode", 0) != 0)
        b.fail("training_mode 1: not supported (inference only)");
    if (a.get_int("spatial", 1) != 1)
        b.fail("spatial 0: not supported");
    need_image(b, 0);
    const value& x = b.input(0);
    const int c = static_cast<int>(x.dims[1]);
    const char* names[4] = {"scale", "B", "mean", "var"};
    const onnx_tensor* p[4];
    for (int i = 0; i < 4; ++i) {
        p[i] = &b.known_input(i + 1, names[i]);
        if (p[i]->count() != static_cast<std::size_t>(c) || p[i]->elem_type != kFloat)
            b.fail(std::string(names[i]) + ": expected " + std::to_string(c) + " FLOAT values");
    }
    const double eps = a.get_float("epsilon", 1e-5f);
    std::vector<float> scale(static_cast<std::size_t>(c)), shift(scale.size());
    for (std::size_t i = 0; i < scale.size(); ++i) {
        const double s = p[0]->value(i) / std::sqrt(p[3]->value(i) + eps);
        scale[i] = static_cast<float>(s);
        shift[i] = static_cast<float>(p[1]->value(i) - p[2]->value(i) * s);
    }
    // Folded into the conv that produced x when nothing else reads it.
    compiler::net_op* prev = x.known ? nullptr : b.op_at(x.r);
    if (prev && prev->type == compiler::op_type::layer && prev->layer.op == ref::op_kind::conv2d &&
        prev->layer.act.kind == ref::act_kind::none && b.uses(b.node().input(0)) == 1) {
        nn::tensor& w = *prev->weights;
        const std::size_t per_o = w.size() / static_cast<std::size_t>(c);
        for (std::size_t i = 0; i < w.size(); ++i)
            w.set_float(i, w.get_float(i) * scale[i / per_o]);
        if (!prev->bias)
            prev->bias = nn::tensor(nn::dtype::fp32, {1, 1, 1, c});
        for (std::size_t o = 0; o < scale.size(); ++o)
            prev->bias->set_float(o, prev->bias->get_float(o) * scale[o] + shift[o]);
        prev->layer.has_bias = true;
        prev->name += "+bn";
        b.set_output(x);
        return;
    }
    nn::tensor s(nn::dtype::fp32, {1, 1, 1, c}), t(nn::dtype::fp32, {1, 1, 1, c});
    for (std::size_t i = 0; i < scale.size(); ++i) {
        s.set_float(i, scale[i]);
        t.set_float(i, shift[i]);
    }
    const tref xs = b.add_layer(float_layer(ref::op_kind::mul),
                                {b.runtime(x, layout::nhwc), b.add_constant(s)});
    const tref r = b.add_layer(float_layer(ref::op_kind::add), {xs, b.add_constant(t)});
    b.set_output(runtime_value(b, r, layout::nhwc, x.dims, kFloat));
}

}  // namespace

const translation_table& layer_translations() {
    static const translation_table t = {
        {"Conv", conv},
        {"Relu", [](check_builder& b) { activation(b, ref::act_kind::relu); }},
        {"LeakyRelu", [](check_builder& b) { activation(b, ref::act_kind::leaky_relu); }},
        {"Sigmoid", [](check_builder& b) { activation(b, ref::act_kind::sigmoid); }},
        {"Tanh", [](check_builder& b) { activation(b, ref::act_kind::tanh); }},
        {"Clip", [](check_builder& b) { activation(b, ref::act_kind::clip); }},
        {"Add", [](check_builder& b) { eltwise(b, ref::op_kind::add); }},
        {"Mul", [](check_builder& b) { eltwise(b, ref::op_kind::mul); }},
        {"MaxPool", [](check_builder& b) { pool(b, true); }},
        {"AveragePool", [](check_builder& b) { pool(b, false); }},
        {"GlobalAveragePool", [](check_builder& b) { global_pool(b, false); }},
        {"GlobalMaxPool", [](check_builder& b) { global_pool(b, true); }},
        {"BatchNormalization", batchnorm},
    };
    return t;
}

}  // namespace nnvp::onnx_import::detail
