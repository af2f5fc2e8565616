// Quantization ops of import_for_check: QuantizeLinear / DequantizeLinear
// become the CPU's convert op (per-tensor scale and zero point). uint8
// tensors are int8 with zero points shifted by -128 (exact).
#include <algorithm>
#include <cmath>

#include "sw/onnx/check_builder.h"
#include "sw/onnx/window.h"

namespace nnvp::onnx_import::detail {

namespace {

using onnx::TensorProto;

// Per-tensor scale and zero point from inputs 1 and 2; zp_type gets the
// zero point's element type (UINT8 when absent, as ONNX defaults).
ref::quant_params scale_and_zero_point(check_builder& b, int32_t& zp_type) {
    const onnx_tensor& s = b.known_input(1, "scale");
    if (s.count() != 1 || s.elem_type != TensorProto::FLOAT)
        b.fail("scale: expected one FLOAT value (per-axis quantization is not supported)");
    ref::quant_params q;
    q.scale = static_cast<float>(s.value(0));
    if (!(q.scale > 0) || !std::isfinite(q.scale))
        b.fail("scale: expected a positive finite value");
    zp_type = TensorProto::UINT8;
    if (b.has_input(2)) {
        const onnx_tensor& z = b.known_input(2, "zero_point");
        if (z.count() != 1)
            b.fail("zero_point: expected one value (per-axis quantization is not supported)");
        zp_type = z.elem_type;
        q.zero_point = static_cast<int32_t>(z.int_value(0));
    }
    if (zp_type != TensorProto::UINT8 && zp_type != TensorProto::INT8)
        b.fail("zero_point is " + elem_type_name(zp_type) + ": expected UINT8 or INT8");
    if (zp_type == TensorProto::UINT8)
        q.zero_point -= 128;
    return q;
}

void quantize(check_builder& b) {
    b.single_output();
    b.attrs().only({"axis"});
    b.need_type(0, {TensorProto::FLOAT});
    int32_t zp_type = 0;
    const ref::quant_params q = scale_and_zero_point(b, zp_type);
    const value& x = b.input(0);
    const cpuops::op o{cpuops::kind::convert,
                       {static_cast<int32_t>(nn::dtype::int8), 1},  // ONNX rounds half to even
                       {q.scale, static_cast<float>(q.zero_point)}};
    value y;
    const layout lay = natural_layout(x);
    y.r = b.add_cpu(o, {b.runtime(x, lay)});
    y.lay = lay;
    y.dims = x.dims;
    y.elem_type = zp_type;
    y.offset = zp_type == TensorProto::UINT8 ? 128 : 0;
    b.set_output(y);
}

void dequantize(check_builder& b) {
    b.single_output();
    b.attrs().only({"axis"});
    b.need_type(0, {TensorProto::UINT8, TensorProto::INT8});
    int32_t zp_type = 0;
    ref::quant_params q = scale_and_zero_point(b, zp_type);
    const value& x = b.input(0);
    if (b.has_input(2) && zp_type != x.elem_type)
        b.fail("zero_point is " + elem_type_name(zp_type) + ", x is " +
               elem_type_name(x.elem_type));
    if (!b.has_input(2) && x.elem_type == TensorProto::INT8)
        q.zero_point = 0;
    const layout lay = natural_layout(x);
    const tref in = b.runtime(x, lay);
    // The convert reads the source quantization from its input tensor.
    const cpuops::tensor_info info = b.info(in);
    if (!b.set_input_q(in, q) && (info.q.scale != q.scale || info.q.zero_point != q.zero_point))
        b.fail("x carries other quantization parameters than scale / zero_point: not supported");
    value y;
    y.r = b.add_cpu({cpuops::kind::convert, {static_cast<int32_t>(nn::dtype::fp32)}, {}}, {in});
    y.lay = lay;
    y.dims = x.dims;
    y.elem_type = TensorProto::FLOAT;
    b.set_output(y);
}

bool is_8bit(int32_t t) {
    return t == TensorProto::UINT8 || t == TensorProto::INT8;
}

// Optional scalar zero point at input i (per-channel: `per` values); its
// type must be `type`.
std::vector<int64_t> zero_points(check_builder& b, int i, int32_t type, std::size_t per) {
    if (!b.has_input(i))
        return {0};
    const onnx_tensor& z = b.known_input(i, "zero_point");
    if (z.elem_type != type)
        b.fail("zero_point '" + b.node().input(i) + "' is " + elem_type_name(z.elem_type) +
               ": expected " + elem_type_name(type) + " like its tensor");
    if (z.count() != 1 && z.count() != per)
        b.fail("zero_point '" + b.node().input(i) + "': expected 1 or " + std::to_string(per) +
               " values");
    std::vector<int64_t> r;
    for (std::size_t k = 0; k < z.count(); ++k)
        r.push_back(z.int_value(k));
    return r;
}

float scalar_scale(check_builder& b, int i) {
    const onnx_tensor& s = b.known_input(i, "scale");
    if (s.count() != 1 || s.elem_type != TensorProto::FLOAT || !(s.value(0) > 0))
        b.fail("scale '" + b.node().input(i) +
               "': expected one positive FLOAT value (per-channel scales are not supported)");
    return static_cast<float>(s.value(0));
}

// x - zp as exact fp32 values: a convert of the (int8-stored) runtime tensor.
tref integer_as_real(check_builder& b, int i, int64_t zp, layout lay) {
    b.need_type(i, {TensorProto::UINT8, TensorProto::INT8});
    const value& x = b.input(i);
    const tref in = b.runtime(x, lay);
    const ref::quant_params q{1.0f, static_cast<int32_t>(zp - x.offset)};
    const cpuops::tensor_info info = b.info(in);
    if (!b.set_input_q(in, q) && (info.q.scale != q.scale || info.q.zero_point != q.zero_point))
        b.fail("input '" + b.node().input(i) + "' carries other quantization parameters");
    return b.add_cpu({cpuops::kind::convert, {static_cast<int32_t>(nn::dtype::fp32)}, {}}, {in},
                     "real");
}

// The constant w minus its zero point(s) along axis `zp_axis` of the ONNX
// dims, as fp32 values in plain layout; `max_abs` gets the largest |w - zp|.
nn::tensor weights_minus_zp(check_builder& b, const onnx_tensor& w, const std::vector<int64_t>& zp,
                            int zp_axis, double& max_abs) {
    if (!is_8bit(w.elem_type))
        b.fail("weights: expected UINT8 or INT8");
    nn::tensor r(nn::dtype::fp32, w.data.shape());
    int64_t inner = 1;
    for (std::size_t k = static_cast<std::size_t>(zp_axis) + 1; k < w.dims.size(); ++k)
        inner *= w.dims[k];
    max_abs = 0;
    for (std::size_t i = 0; i < w.count(); ++i) {
        const std::size_t c =
            zp.size() == 1 ? 0
                           : static_cast<std::size_t>(static_cast<int64_t>(i) / inner) % zp.size();
        const int64_t v = w.int_value(i) - zp[c];
        max_abs = std::max(max_abs, std::fabs(static_cast<double>(v)));
        r.set_float(i, static_cast<float>(v));
    }
    return r;
}

// Integer sums stay exact in the fp32 accumulator below 2^24.
void need_exact(check_builder& b, double taps, double x_max, double w_max, double bias_max) {
    if (taps * x_max * w_max + bias_max >= 16777216.0)
        b.fail("integer sums may reach 2^24: the fp32 accumulator would not be exact");
}

double x_range(int32_t type, int64_t zp) {
    return type == TensorProto::UINT8 ? std::max<double>(zp, 255 - zp)
                                      : std::max<double>(zp + 128, 127 - zp);
}

// The fp32 real-valued accumulator -> the node's output: int32 (ConvInteger,
// MatMulInteger) or requantized 8-bit (QLinear*: y_scale / y_zero_point at
// inputs ys, ys + 1; `in_scale` = x_scale * w_scale).
void finish(check_builder& b, tref acc, layout lay, const std::vector<int64_t>& dims, int ys,
            double in_scale) {
    value y;
    y.lay = lay;
    y.dims = dims;
    if (ys < 0) {
        y.elem_type = TensorProto::INT32;
        y.r = b.add_cpu(
            {cpuops::kind::convert, {static_cast<int32_t>(nn::dtype::int32), 1}, {1.0f, 0.0f}},
            {acc});
    } else {
        const double out_scale = scalar_scale(b, ys);
        int32_t zp_type = TensorProto::UINT8;
        int64_t zp = 0;
        if (b.has_input(ys + 1)) {
            zp_type = b.known_input(ys + 1, "y_zero_point").elem_type;
            zp = zero_points(b, ys + 1, zp_type, 1)[0];
        }
        if (!is_8bit(zp_type))
            b.fail("y_zero_point: expected UINT8 or INT8");
        y.elem_type = zp_type;
        y.offset = zp_type == TensorProto::UINT8 ? 128 : 0;
        // q = round_half_even(acc * in_scale / y_scale) + y_zp, saturated.
        y.r = b.add_cpu(
            {cpuops::kind::convert,
             {static_cast<int32_t>(nn::dtype::int8), 1},
             {static_cast<float>(out_scale / in_scale), static_cast<float>(zp - y.offset)}},
            {acc});
    }
    b.set_output(y);
}

// ConvInteger (x 0, w 1, x_zp 2, w_zp 3) and QLinearConv (x 0, x_scale 1,
// x_zp 2, w 3, w_scale 4, w_zp 5, y_scale 6, y_zp 7, bias 8): the fp32
// core conv on exact integer values.
void integer_conv(check_builder& b, bool qlinear) {
    b.single_output();
    const attributes a = b.attrs();
    a.only({"auto_pad", "dilations", "group", "kernel_shape", "pads", "strides"});
    const int wi = qlinear ? 3 : 1;
    const value& x = b.input(0);
    const onnx_tensor& w = b.known_input(wi, "weights");
    if (x.dims.size() != 4 || w.dims.size() != 4)
        b.fail("x and w: expected rank 4 (2-D convolution only)");
    const int o = static_cast<int>(w.dims[0]);
    const int64_t group = a.get_int("group", 1);
    if (group < 1 || w.dims[1] * group != x.dims[1] || o % group != 0)
        b.fail("group " + std::to_string(group) + ": weights do not match the input channels");
    const int64_t x_zp = zero_points(b, 2, x.elem_type, 1)[0];
    double w_max = 0;
    const nn::tensor wr = weights_minus_zp(
        b, w, zero_points(b, qlinear ? 5 : 3, w.elem_type, static_cast<std::size_t>(o)), 0, w_max);
    ref::layer l;
    l.op = ref::op_kind::conv2d;
    l.geo = window(a, x.dims, static_cast<int>(w.dims[2]), static_cast<int>(w.dims[3]), false);
    l.geo.groups = static_cast<int>(group);
    l.out_channels = o;
    std::optional<nn::tensor> bias;
    double bias_max = 0;
    if (qlinear && b.has_input(8)) {
        const onnx_tensor& bt = b.known_input(8, "bias");
        if (bt.elem_type != TensorProto::INT32 || bt.count() != static_cast<std::size_t>(o))
            b.fail("bias: expected " + std::to_string(o) + " INT32 values");
        bias = nn::tensor(nn::dtype::fp32, {1, 1, 1, o});
        for (std::size_t i = 0; i < bt.count(); ++i) {
            bias->set_float(i, static_cast<float>(bt.int_value(i)));
            bias_max = std::max(bias_max, std::fabs(static_cast<double>(bt.int_value(i))));
        }
        l.has_bias = true;
    }
    need_exact(b, static_cast<double>(w.dims[1] * w.dims[2] * w.dims[3]),
               x_range(x.elem_type, x_zp), w_max, bias_max);
    const tref in = integer_as_real(b, 0, x_zp, layout::nhwc);
    const tref acc = b.add_layer(l, {in}, from_plain(wr, layout::nhwc), bias);
    const nn::shape4 s = b.info(acc).shape;
    const double in_scale =
        qlinear ? static_cast<double>(scalar_scale(b, 1)) * scalar_scale(b, 4) : 1;
    finish(b, acc, layout::nhwc, {s.n, s.c, s.h, s.w}, qlinear ? 6 : -1, in_scale);
}

// MatMulInteger (a 0, b 1, a_zp 2, b_zp 3) and QLinearMatMul (a 0, a_scale
// 1, a_zp 2, b 3, b_scale 4, b_zp 5, y_scale 6, y_zp 7): the fp32 fully
// connected layer (2-D b) or the CPU matmul on exact integer values.
void integer_matmul(check_builder& b, bool qlinear) {
    b.single_output();
    b.attrs().only({});
    const int bi = qlinear ? 3 : 1;
    const value& x = b.input(0);
    const onnx_tensor& w = b.known_input(bi, "B");
    if (x.dims.size() < 2 || w.dims.size() < 2 || w.dims.size() > 4 || x.dims.size() > 4)
        b.fail("A and B: expected rank 2..4");
    const int64_t k = x.dims.back(), n = w.dims.back();
    if (w.dims[w.dims.size() - 2] != k)
        b.fail("inner dimensions differ");
    const int64_t a_zp = zero_points(b, 2, x.elem_type, 1)[0];
    double w_max = 0;
    const nn::tensor wr = weights_minus_zp(
        b, w, zero_points(b, qlinear ? 5 : 3, w.elem_type, static_cast<std::size_t>(n)),
        static_cast<int>(w.dims.size()) - 1, w_max);
    need_exact(b, static_cast<double>(k), x_range(x.elem_type, a_zp), w_max, 0);
    std::vector<int64_t> out =
        broadcast_dims(std::vector<int64_t>(x.dims.begin(), x.dims.end() - 2),
                       std::vector<int64_t>(w.dims.begin(), w.dims.end() - 2));
    out.push_back(x.dims[x.dims.size() - 2]);
    out.push_back(n);
    const tref in = integer_as_real(b, 0, a_zp, layout::plain);
    const value real_x = runtime_value(b, in, layout::plain, x.dims, TensorProto::FLOAT);
    value acc;
    if (w.dims.size() == 2) {
        nn::tensor wt(nn::dtype::fp32, {static_cast<int>(n), 1, 1, static_cast<int>(k)});
        for (int64_t j = 0; j < n; ++j)
            for (int64_t i = 0; i < k; ++i)
                wt.set_float(static_cast<std::size_t>(j * k + i),
                             wr.get_float(static_cast<std::size_t>(i * n + j)));
        acc = fully_connected(b, real_x, element_count(x.dims) / k, wt, std::nullopt, out);
    } else {
        const tref r = b.add_cpu({cpuops::kind::matmul, {}, {}}, {in, b.add_constant(wr)});
        if (to_shape4(out, layout::plain, "output") != b.info(r).shape)
            b.fail("batch dimensions of A must cover B's (B's equal to A's or 1)");
        acc = runtime_value(b, r, layout::plain, out, TensorProto::FLOAT);
    }
    const double in_scale =
        qlinear ? static_cast<double>(scalar_scale(b, 1)) * scalar_scale(b, 4) : 1;
    finish(b, acc.r, layout::plain, out, qlinear ? 6 : -1, in_scale);
}

}  // namespace

bool translate_quant_node(check_builder& b) {
    const std::string& op = b.node().op_type();
    if (op == "QuantizeLinear") {
        quantize(b);
        return true;
    }
    if (op == "DequantizeLinear") {
        dequantize(b);
        return true;
    }
    if (op == "QLinearConv" || op == "ConvInteger") {
        integer_conv(b, op == "QLinearConv");
        return true;
    }
    if (op == "QLinearMatMul" || op == "MatMulInteger") {
        integer_matmul(b, op == "QLinearMatMul");
        return true;
    }
    return false;
}

}  // namespace nnvp::onnx_import::detail
