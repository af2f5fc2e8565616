// Translations of the ONNX ops that become IR layers with weights or
// windows: Conv, MaxPool / AveragePool, GlobalAveragePool / GlobalMaxPool,
// Gemm / MatMul (fully connected), BatchNormalization (folded into the Conv
// before it, or a depthwise 1x1 conv) and the zero Pad a Conv or pool absorbs.
#include <cmath>

#include "sw/onnx/graph_builder.h"
#include "sw/onnx/layout.h"
#include "sw/onnx/window.h"

namespace nnvp::onnx_import::detail {

namespace {

using onnx::TensorProto;

// A pending zero Pad of the input (gvalue::pad) added to the window's padding.
void absorb_pad(ref::geometry& g, const gvalue& x) {
    g.pad_top += x.pad[0];
    g.pad_left += x.pad[1];
    g.pad_bottom += x.pad[2];
    g.pad_right += x.pad[3];
}

}  // namespace

void graph_builder::conv() {
    single_output();
    const attributes a = attrs();
    a.only({"auto_pad", "dilations", "group", "kernel_shape", "pads", "strides"});
    const gvalue& x = activation_in(0);
    const onnx_tensor& w = known(1, "weights");
    if (w.dims.size() != 4 || w.elem_type != TensorProto::FLOAT)
        fail("weights: expected a 4-D FLOAT tensor [O, C/group, kH, kW]");
    net::node n;
    n.op = net::op_type::conv2d;
    n.geo =
        window(a, image_dims(x), static_cast<int>(w.dims[2]), static_cast<int>(w.dims[3]), false);
    absorb_pad(n.geo, x);
    n.geo.groups = static_cast<int>(a.get_int("group", 1));
    n.out_channels = static_cast<int>(w.dims[0]);
    n.weights = from_plain(w.data, layout::nhwc);
    if (has_input(2)) {
        const onnx_tensor& b = known(2, "bias");
        if (b.count() != static_cast<std::size_t>(n.out_channels) ||
            b.elem_type != TensorProto::FLOAT)
            fail("bias: expected " + std::to_string(n.out_channels) + " FLOAT values");
        n.has_bias = true;
        n.bias = b.data.reshaped({1, 1, 1, n.out_channels});
    }
    const auto k = [&](int in, int kk, int s, int lo, int hi, int d) {
        return static_cast<int64_t>((in + lo + hi - d * (kk - 1) - 1) / s + 1);
    };
    const int ih = static_cast<int>(x.dims[2]), iw = static_cast<int>(x.dims[3]);
    const ref::geometry& g = n.geo;
    emit(n, {x.tensor},
         {x.dims[0], n.out_channels,
          k(ih, g.kernel_h, g.stride_h, g.pad_top, g.pad_bottom, g.dilation_h),
          k(iw, g.kernel_w, g.stride_w, g.pad_left, g.pad_right, g.dilation_w)});
}

void graph_builder::pool(bool is_max) {
    single_output();
    const attributes a = attrs();
    a.only({"auto_pad", "ceil_mode", "count_include_pad", "dilations", "kernel_shape", "pads",
            "storage_order", "strides"});
    const gvalue& x = activation_in(0);
    const auto ks = a.get_ints("kernel_shape", {});
    if (ks.size() != 2)
        fail("kernel_shape: expected 2 values (2-D windows only)");
    net::node n;
    n.op = is_max ? net::op_type::max_pool : net::op_type::avg_pool;
    n.geo = window(a, image_dims(x), static_cast<int>(ks[0]), static_cast<int>(ks[1]), false);
    if (n.geo.dilation_h != 1 || n.geo.dilation_w != 1)
        fail("dilations: pooling windows do not dilate on nnvp");
    n.ceil_mode = a.get_int("ceil_mode", 0) != 0;
    n.count_include_pad = a.get_int("count_include_pad", 0) != 0;
    absorb_pad(n.geo, x);
    const ref::geometry& g = n.geo;
    const int oh = net::window_output(static_cast<int>(x.dims[2]), g.kernel_h, g.stride_h,
                                      g.pad_top, g.pad_bottom, 1, n.ceil_mode);
    const int ow = net::window_output(static_cast<int>(x.dims[3]), g.kernel_w, g.stride_w,
                                      g.pad_left, g.pad_right, 1, n.ceil_mode);
    emit(n, {x.tensor}, {x.dims[0], x.dims[1], oh, ow});
}

void graph_builder::global_pool(bool is_max) {
    attrs().only({});
    const gvalue& x = activation_in(0);
    net::node n;
    n.op = is_max ? net::op_type::global_max_pool : net::op_type::global_avg_pool;
    emit(n, {x.tensor}, {image_dims(x)[0], x.dims[1], 1, 1});
}

// Gemm (transA 0) or MatMul with a constant 2-D B: the fully connected layer.
void graph_builder::fc(bool gemm) {
    single_output();
    const attributes a = attrs();
    a.only(gemm ? std::vector<std::string>{"alpha", "beta", "broadcast", "transA", "transB"}
                : std::vector<std::string>{});
    const gvalue& x = activation_in(0);
    const onnx_tensor& b = known(1, "B");
    if (x.dims.size() != 2 || b.dims.size() != 2)
        fail("A and B: expected 2-D matrices (flatten images first)");
    if (a.get_int("transA", 0) != 0)
        fail("transA 1: not supported (A is the activation rows)");
    const bool tb = a.get_int("transB", 0) != 0;
    const float alpha = a.get_float("alpha", 1.0f), beta = a.get_float("beta", 1.0f);
    const int64_t k = x.dims[1], o = tb ? b.dims[0] : b.dims[1];
    if ((tb ? b.dims[1] : b.dims[0]) != k)
        fail("B: inner dimension does not match A's");
    net::node n;
    n.op = net::op_type::fully_connected;
    n.out_channels = static_cast<int>(o);
    n.weights = nn::tensor(nn::dtype::fp32, {static_cast<int>(o), 1, 1, static_cast<int>(k)});
    const std::vector<int64_t>& chw = x.flattened_chw;
    for (int64_t j = 0; j < o; ++j)
        for (int64_t i = 0; i < k; ++i) {
            // Our input position i is (h, w, c) of the NHWC flatten; ONNX's is c*H*W + h*W + w.
            int64_t src = i;
            if (!chw.empty()) {
                const int64_t c = i % chw[0], hw = i / chw[0];
                src = c * chw[1] * chw[2] + hw;
            }
            n.weights.set_float(
                static_cast<std::size_t>(j * k + i),
                alpha * b.data.get_float(static_cast<std::size_t>(tb ? j * k + src : src * o + j)));
        }
    if (gemm && has_input(2) && beta != 0.0f) {
        const onnx_tensor& c = known(2, "C");
        if (c.count() != static_cast<std::size_t>(o) && c.count() != 1)
            fail("C: expected a bias vector of " + std::to_string(o) + " values (or one)");
        n.has_bias = true;
        n.bias = nn::tensor(nn::dtype::fp32, {1, 1, 1, static_cast<int>(o)});
        for (int64_t j = 0; j < o; ++j)
            n.bias.set_float(
                static_cast<std::size_t>(j),
                beta * c.data.get_float(c.count() == 1 ? 0 : static_cast<std::size_t>(j)));
    }
    emit(n, {x.tensor}, {x.dims[0], o});
}

void graph_builder::batchnorm() {
    single_output();
    const attributes a = attrs();
    a.only({"epsilon", "momentum", "training_mode", "spatial", "is_test", "consumed_inputs"});
    if (a.get_int("training_mode", 0) != 0)
        fail("training_mode 1: not supported (inference only)");
    const gvalue& x = activation_in(0);
    const bool foldable = x.producer != SIZE_MAX && m_uses[m_node->input(0)] == 1 &&
                          m_g.nodes()[x.producer].op == net::op_type::conv2d &&
                          m_g.nodes()[x.producer].act.kind == ref::act_kind::none;
    if (!foldable && x.dims.size() != 4)
        fail("BatchNormalization of rows: expected it after a Conv (folded) or on an NCHW image");
    const int c = foldable ? m_g.nodes()[x.producer].out_channels : static_cast<int>(x.dims[1]);
    const char* names[4] = {"scale", "B", "mean", "var"};
    const onnx_tensor* p[4];
    for (int i = 0; i < 4; ++i) {
        p[i] = &known(i + 1, names[i]);
        if (p[i]->count() != static_cast<std::size_t>(c))
            fail(std::string(names[i]) + ": expected " + std::to_string(c) + " values");
    }
    const double eps = a.get_float("epsilon", 1e-5f);
    if (!foldable) {
        // y = x * s + (B - mean * s) per channel: a depthwise 1x1 conv.
        net::node n;
        n.op = net::op_type::conv2d;
        n.geo.groups = c;
        n.out_channels = c;
        n.has_bias = true;
        n.weights = nn::tensor(nn::dtype::fp32, {c, 1, 1, 1});
        n.bias = nn::tensor(nn::dtype::fp32, {1, 1, 1, c});
        for (std::size_t o = 0; o < static_cast<std::size_t>(c); ++o) {
            const double s = p[0]->value(o) / std::sqrt(p[3]->value(o) + eps);
            n.weights.set_float(o, static_cast<float>(s));
            n.bias.set_float(o, static_cast<float>(p[1]->value(o) - p[2]->value(o) * s));
        }
        emit(n, {x.tensor}, x.dims);
        return;
    }
    net::node& conv = m_g.edit_nodes()[x.producer];
    if (!conv.has_bias) {
        conv.has_bias = true;
        conv.bias = nn::tensor(nn::dtype::fp32, {1, 1, 1, c});
    }
    const std::size_t per_o = conv.weights.size() / static_cast<std::size_t>(c);
    for (std::size_t o = 0; o < static_cast<std::size_t>(c); ++o) {
        // y = (conv - mean) * scale / sqrt(var + eps) + B, folded into w and b.
        const double s = p[0]->value(o) / std::sqrt(p[3]->value(o) + eps);
        for (std::size_t i = o * per_o; i < (o + 1) * per_o; ++i)
            conv.weights.set_float(i, static_cast<float>(conv.weights.get_float(i) * s));
        conv.bias.set_float(
            o, static_cast<float>((conv.bias.get_float(o) - p[2]->value(o)) * s + p[1]->value(o)));
    }
    alias(x);
}

// A zero Pad of H and W only: absorbed by the following Conv / pool.
void graph_builder::pad() {
    single_output();
    const attributes a = attrs();
    a.only({"mode", "pads", "value"});
    const gvalue& x = in(0);
    if (x.known)
        fail("input: a constant operand is not representable in the network IR");
    std::vector<int64_t> pads = a.get_ints("pads", {});
    float value = a.get_float("value", 0.0f);
    if (has_input(1)) {
        const onnx_tensor& t = known(1, "pads");
        pads.clear();
        for (std::size_t i = 0; i < t.count(); ++i)
            pads.push_back(t.int_value(i));
    }
    if (has_input(2))
        value = static_cast<float>(known(2, "constant_value").value(0));
    if (a.get_string("mode", "constant") != "constant" || value != 0.0f || pads.size() != 8 ||
        pads[0] || pads[1] || pads[4] || pads[5])
        fail(
            "only zero padding of H and W (absorbed by the next Conv or pool) is representable "
            "in the network IR");
    gvalue v = x;
    v.pad[0] += static_cast<int>(pads[2]);
    v.pad[1] += static_cast<int>(pads[3]);
    v.pad[2] += static_cast<int>(pads[6]);
    v.pad[3] += static_cast<int>(pads[7]);
    alias(v);
}

}  // namespace nnvp::onnx_import::detail
