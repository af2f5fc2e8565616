// Translations of import_for_check for the float ONNX ops that become fp32
// core layers: Conv, the activations, Add / Mul, the pools and
// BatchNormalization (folded into the Conv before it, or a mul and an add).
#include <cmath>
#include <utility>

#include "sw/onnx/check_builder.h"
#include "sw/onnx/window.h"

namespace nnvp::onnx_import::detail {

namespace {

using onnx::TensorProto;

// Input 2 of Conv / ConvTranspose, the bias of `o` channels, if any.
std::optional<nn::tensor> conv_bias(check_builder& b, int o, ref::layer& l) {
    if (!b.has_input(2))
        return std::nullopt;
    const onnx_tensor& bt = b.known_input(2, "bias");
    if (bt.count() != static_cast<std::size_t>(o) || bt.elem_type != kFloat)
        b.fail("bias: expected " + std::to_string(o) + " FLOAT values");
    l.has_bias = true;
    return bt.data.reshaped({1, 1, 1, o});
}

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
    const std::optional<nn::tensor> bias = conv_bias(b, o, l);
    // OIHW (plain [O, I, kH, kW]) -> OHWI: the plain -> nhwc permutation.
    const nn::tensor weights = from_plain(w.data, layout::nhwc);
    const tref r = b.add_layer(l, {b.runtime(x, layout::nhwc)}, weights, bias);
    b.set_output(runtime_value(b, r, layout::nhwc, nchw_dims(b.info(r).shape), kFloat));
}

// The padding of one spatial axis of a ConvTranspose: {begin, end} from
// pads, or from output_shape / auto_pad (ONNX's total-padding rule).
std::pair<int64_t, int64_t> transposed_pads(check_builder& b, const attributes& a, int axis,
                                            int64_t in, int64_t k, int64_t stride, int64_t dil,
                                            int64_t out_pad) {
    const std::string auto_pad = a.get_string("auto_pad", "NOTSET");
    const std::vector<int64_t> shape = a.get_ints("output_shape", {});
    if (shape.empty() && (auto_pad == "NOTSET" || auto_pad == "VALID")) {
        const std::vector<int64_t> pads = a.get_ints("pads", {0, 0, 0, 0});
        if (pads.size() != 4)
            b.fail("pads: expected 4 values");
        return auto_pad == "VALID"
                   ? std::pair<int64_t, int64_t>{0, 0}
                   : std::pair<int64_t, int64_t>{pads[static_cast<std::size_t>(axis)],
                                                 pads[static_cast<std::size_t>(axis + 2)]};
    }
    if (!shape.empty() && shape.size() != 2)
        b.fail("output_shape: expected 2 values (H, W)");
    const int64_t want = shape.empty() ? in * stride : shape[static_cast<std::size_t>(axis)];
    const int64_t total = stride * (in - 1) + out_pad + (k - 1) * dil + 1 - want;
    if (total < 0)  // a larger output: the extra rows at the end, as output_padding adds them
        return {0, total};
    // SAME_UPPER (and output_shape alone) put the odd row at the end, as the
    // ONNX reference and onnxruntime do.
    if (auto_pad == "SAME_LOWER")
        return {total - total / 2, total / 2};
    return {total / 2, total - total / 2};
}

// ConvTranspose as the core's conv: the input spread with stride - 1 zeros
// between pixels (a CPU step), then a stride-1 conv with the kernel flipped
// and its in / out channels swapped, padded by dilation * (k - 1) - pad.
void conv_transpose(check_builder& b) {
    b.single_output();
    const attributes a = b.attrs();
    a.only({"auto_pad", "dilations", "group", "kernel_shape", "output_padding", "output_shape",
            "pads", "strides"});
    need_image(b, 0);
    const value& x = b.input(0);
    const onnx_tensor& w = b.known_input(1, "weights");
    if (w.dims.size() != 4 || w.elem_type != kFloat)
        b.fail("weights: expected a 4-D FLOAT tensor [C, O/group, kH, kW]");
    if (a.get_int("group", 1) != 1)
        b.fail("group: expected 1");
    if (w.dims[0] != x.dims[1])
        b.fail("weights: " + std::to_string(w.dims[0]) + " input channels, the input has " +
               std::to_string(x.dims[1]));
    const int c = static_cast<int>(w.dims[0]), o = static_cast<int>(w.dims[1]);
    const int kh = static_cast<int>(w.dims[2]), kw = static_cast<int>(w.dims[3]);
    const auto strides = a.get_ints("strides", {1, 1}), dils = a.get_ints("dilations", {1, 1});
    const auto out_pad = a.get_ints("output_padding", {0, 0});
    if (strides.size() != 2 || dils.size() != 2 || out_pad.size() != 2 || strides[0] < 1 ||
        strides[1] < 1 || dils[0] < 1 || dils[1] < 1)
        b.fail("strides, dilations, output_padding: expected 2 positive values each (2-D only)");
    ref::layer l = float_layer(ref::op_kind::conv2d);
    l.out_channels = o;
    l.geo.kernel_h = kh;
    l.geo.kernel_w = kw;
    l.geo.dilation_h = static_cast<int>(dils[0]);
    l.geo.dilation_w = static_cast<int>(dils[1]);
    int* pad_lo[2] = {&l.geo.pad_top, &l.geo.pad_left};
    int* pad_hi[2] = {&l.geo.pad_bottom, &l.geo.pad_right};
    for (int ax = 0; ax < 2; ++ax) {
        const auto i = static_cast<std::size_t>(ax);
        const int64_t k = ax == 0 ? kh : kw;
        const auto [begin, end] =
            transposed_pads(b, a, ax, x.dims[2 + i], k, strides[i], dils[i], out_pad[i]);
        const int64_t lo = dils[i] * (k - 1) - begin, hi = dils[i] * (k - 1) - end + out_pad[i];
        if (lo < 0 || hi < 0)
            b.fail("pads larger than dilation * (kernel - 1): not supported");
        *pad_lo[ax] = static_cast<int>(lo);
        *pad_hi[ax] = static_cast<int>(hi);
    }
    // W [C, O, kH, kW] -> conv weights OHWI: w'[o][y][x][c] = W[c][o][kH-1-y][kW-1-x].
    nn::tensor weights(nn::dtype::fp32, {o, kh, kw, c});
    for (int oc = 0; oc < o; ++oc)
        for (int y = 0; y < kh; ++y)
            for (int xx = 0; xx < kw; ++xx)
                for (int ic = 0; ic < c; ++ic)
                    weights.set_float(
                        weights.index(oc, y, xx, ic),
                        static_cast<float>(w.value(static_cast<std::size_t>(
                            ((ic * o + oc) * kh + (kh - 1 - y)) * kw + (kw - 1 - xx)))));
    const std::optional<nn::tensor> bias = conv_bias(b, o, l);
    tref in = b.runtime(x, layout::nhwc);
    if (strides[0] > 1 || strides[1] > 1)
        in = b.add_cpu({cpuops::kind::spread,
                        {static_cast<int32_t>(strides[0]), static_cast<int32_t>(strides[1])},
                        {}},
                       {in}, "spread");
    const tref r = b.add_layer(l, {in}, weights, bias);
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
    const std::optional<tref> fused = fuse_into_producer(b, l.act, x, x.lay);
    const tref r = fused ? *fused : b.add_layer(l, {b.runtime(x, x.lay)});
    b.set_output(runtime_value(b, r, x.lay, x.dims, kFloat));
}

// LRN across channels (an NCHW image): the CPU's lrn op in NHWC.
void lrn(check_builder& b) {
    b.single_output();
    const attributes a = b.attrs();
    a.only({"alpha", "beta", "bias", "size"});
    need_image(b, 0);
    const value& x = b.input(0);
    const int64_t size = a.get_int("size", 0);
    if (size < 1 || size > 1 << 16)
        b.fail("size " + std::to_string(size) + ": expected 1..65536");
    const tref r = b.add_cpu({cpuops::kind::lrn,
                              {static_cast<int32_t>(size)},
                              {a.get_float("alpha", 1e-4f), a.get_float("beta", 0.75f),
                               a.get_float("bias", 1.0f)}},
                             {b.runtime(x, layout::nhwc)});
    b.set_output(runtime_value(b, r, layout::nhwc, x.dims, kFloat));
}

// Add / Mul: the core's element-wise layer; the operand with the output's
// shape goes first, the other is broadcast.
void eltwise(check_builder& b, ref::op_kind k) {
    b.single_output();
    const value y = legacy_second_operand(b, b.attrs());
    const auto fn = k == ref::op_kind::add ? cpuops::binary_fn::add : cpuops::binary_fn::mul;
    if (b.input(0).known && y.known) {  // a constant (shape) computation: folded
        b.set_output(binary_value(b, fn, b.input(0), y));
        return;
    }
    if (b.input(0).elem_type != kFloat || y.elem_type != kFloat)
        b.fail(
            "integer inputs: not supported (ONNX integer Add / Mul wrap around on overflow, "
            "the core's integer layers saturate; quantized models use QLinear ops)");
    // The core's layer; with both operands broadcast, the CPU op.
    b.set_output(binary_value(b, fn, b.input(0), y));
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
    const int eff_h = l.geo.dilation_h * (l.geo.kernel_h - 1) + 1;
    const int eff_w = l.geo.dilation_w * (l.geo.kernel_w - 1) + 1;
    if (l.geo.pad_top >= eff_h || l.geo.pad_bottom >= eff_h || l.geo.pad_left >= eff_w ||
        l.geo.pad_right >= eff_w)
        b.fail("pads: must be smaller than the (dilated) kernel");
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
        {"ConvTranspose", conv_transpose},
        {"Add", [](check_builder& b) { eltwise(b, ref::op_kind::add); }},
        {"Mul", [](check_builder& b) { eltwise(b, ref::op_kind::mul); }},
        {"MaxPool", [](check_builder& b) { pool(b, true); }},
        {"AveragePool", [](check_builder& b) { pool(b, false); }},
        {"GlobalAveragePool", [](check_builder& b) { global_pool(b, false); }},
        {"GlobalMaxPool", [](check_builder& b) { global_pool(b, true); }},
        {"BatchNormalization", batchnorm},
        {"LRN", lrn},
    };
    return t;
}

}  // namespace nnvp::onnx_import::detail
