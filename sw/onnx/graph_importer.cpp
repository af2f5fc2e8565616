#include "sw/onnx/graph_importer.h"

#include <cmath>
#include <map>
#include <optional>

#include "sw/onnx/layout.h"
#include "sw/onnx/model.h"
#include "sw/onnx/window.h"

namespace nnvp::onnx_import {

namespace {

using onnx::TensorProto;

// An ONNX value in the IR: an activation tensor, or a constant.
struct gvalue {
    std::string tensor;         // IR tensor name (activations)
    std::vector<int64_t> dims;  // ONNX dims: [N,C,H,W] images or [N,K] rows
    std::optional<onnx_tensor> known;
    // Rows flattened from an image [C,H,W] in NHWC order (the IR's flatten):
    // a following fully connected layer permutes its weights to match ONNX's
    // CHW order.
    std::vector<int64_t> flattened_chw;
    int pad[4] = {0, 0, 0, 0};        // pending zero Pad (top, left, bottom, right)
    std::size_t producer = SIZE_MAX;  // IR node index
};

class graph_import {
public:
    graph_import(const onnx::ModelProto& m, std::string file)
        : m_model(m),
          m_file(std::move(file)),
          m_g(m.graph().name().empty() ? "onnx" : m.graph().name()) {}

    net::graph run();

private:
    [[noreturn]] void fail(const std::string& what) const {
        throw onnx_error(m_file + ": " + node_label(*m_node, m_index) + ": " + what);
    }
    const gvalue& in(int i) const {
        if (i >= m_node->input_size() || m_node->input(i).empty())
            fail("input " + std::to_string(i) + ": missing");
        return m_values.at(m_node->input(i));
    }
    const onnx_tensor& known(int i, const std::string& what) const {
        const gvalue& v = in(i);
        if (!v.known)
            fail(what + " '" + m_node->input(i) + "': expected an initializer or Constant");
        return *v.known;
    }
    const gvalue& activation_in(int i) const {
        const gvalue& v = in(i);
        if (v.known)
            fail("input '" + m_node->input(i) +
                 "': a constant operand is not representable in the network IR");
        if (v.pad[0] || v.pad[1] || v.pad[2] || v.pad[3])
            if (m_node->op_type() != "Conv" && m_node->op_type() != "MaxPool" &&
                m_node->op_type() != "AveragePool")
                fail("input '" + m_node->input(i) +
                     "' comes from a Pad that only a Conv or pool "
                     "can absorb");
        return v;
    }
    std::string name() const {
        return m_node->name().empty() ? m_node->op_type() + "_" + std::to_string(m_index)
                                      : m_node->name();
    }
    void single_output() const {
        for (int k = 1; k < m_node->output_size(); ++k)
            if (!m_node->output(k).empty())
                fail("output '" + m_node->output(k) + "': only the first output is supported");
    }
    // Adds IR node n reading `inputs`, writing ONNX output 0 with `dims`.
    void emit(net::node n, const std::vector<std::string>& inputs, std::vector<int64_t> dims,
              std::vector<int64_t> flattened = {}) {
        n.name = name();
        n.inputs = inputs;
        n.outputs = {m_node->output(0)};
        m_g.add_node(n);
        gvalue v;
        v.tensor = m_node->output(0);
        v.dims = std::move(dims);
        v.flattened_chw = std::move(flattened);
        v.producer = m_g.nodes().size() - 1;
        m_values[m_node->output(0)] = v;
    }
    void alias(const gvalue& v) { m_values[m_node->output(0)] = v; }
    std::vector<int64_t> image_dims(const gvalue& x) const {
        if (x.dims.size() != 4)
            fail("input: rank " + std::to_string(x.dims.size()) + ": expected an image [N,C,H,W]");
        return x.dims;
    }

    void inputs();
    void node();
    void conv();
    void activation(ref::act_kind k);
    void pool(bool is_max);
    void fc(bool gemm);
    void batchnorm();
    void pad();

    const onnx::ModelProto& m_model;
    std::string m_file;
    net::graph m_g;
    std::map<std::string, gvalue> m_values;
    std::map<std::string, int> m_uses;
    const onnx::NodeProto* m_node = nullptr;
    int m_index = 0;
};

void graph_import::inputs() {
    const onnx::GraphProto& g = m_model.graph();
    for (const auto& t : g.initializer()) {
        gvalue v;
        v.known = from_proto(t, m_file + ": initializer");
        v.dims = v.known->dims;
        m_values[t.name()] = v;
    }
    for (const auto& gi : g.input()) {
        if (m_values.count(gi.name()))
            continue;
        const std::string where = m_file + ": graph input '" + gi.name() + "'";
        if (!gi.type().has_tensor_type() ||
            gi.type().tensor_type().elem_type() != TensorProto::FLOAT)
            throw onnx_error(where + ": expected a FLOAT tensor");
        gvalue v;
        v.tensor = gi.name();
        const auto& shape = gi.type().tensor_type().shape();
        for (int k = 0; k < shape.dim_size(); ++k) {
            const auto& d = shape.dim(k);
            if (d.has_dim_value() && d.dim_value() > 0)
                v.dims.push_back(d.dim_value());
            else if (k == 0)
                v.dims.push_back(1);  // a symbolic batch: one image
            else
                throw onnx_error(where + ": dim " + std::to_string(k) +
                                 " is symbolic: expected a fixed size");
        }
        nn::shape4 s;
        if (v.dims.size() == 4)
            s = to_shape4(v.dims, layout::nhwc, where);
        else if (v.dims.size() == 2)
            s = {static_cast<int>(v.dims[0]), 1, 1, static_cast<int>(v.dims[1])};
        else
            throw onnx_error(where + ": rank " + std::to_string(v.dims.size()) +
                             ": expected 4 (an NCHW image) or 2 (rows)");
        m_g.add_input(gi.name(), s);
        m_values[gi.name()] = v;
    }
}

void graph_import::conv() {
    single_output();
    const attributes a(*m_node, m_file + ": " + node_label(*m_node, m_index));
    a.only({"auto_pad", "dilations", "group", "kernel_shape", "pads", "strides"});
    const gvalue& x = activation_in(0);
    const onnx_tensor& w = known(1, "weights");
    if (w.dims.size() != 4 || w.elem_type != TensorProto::FLOAT)
        fail("weights: expected a 4-D FLOAT tensor [O, C/group, kH, kW]");
    net::node n;
    n.op = net::op_type::conv2d;
    n.geo =
        window(a, image_dims(x), static_cast<int>(w.dims[2]), static_cast<int>(w.dims[3]), false);
    n.geo.pad_top += x.pad[0];
    n.geo.pad_left += x.pad[1];
    n.geo.pad_bottom += x.pad[2];
    n.geo.pad_right += x.pad[3];
    n.geo.groups = static_cast<int>(a.get_int("group", 1));
    n.out_channels = static_cast<int>(w.dims[0]);
    n.weights = from_plain(w.data, layout::nhwc);
    if (m_node->input_size() > 2 && !m_node->input(2).empty()) {
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

void graph_import::activation(ref::act_kind kind) {
    single_output();
    const attributes a(*m_node, m_file + ": " + node_label(*m_node, m_index));
    ref::activation act;
    act.kind = kind;
    if (kind == ref::act_kind::leaky_relu) {
        a.only({"alpha"});
        act.alpha = a.get_float("alpha", 0.01f);
    } else if (kind == ref::act_kind::clip) {
        a.only({"min", "max"});
        act.clip_lo = a.get_float("min", -INFINITY);
        act.clip_hi = a.get_float("max", INFINITY);
        if (m_node->input_size() > 1 && !m_node->input(1).empty())
            act.clip_lo = static_cast<float>(known(1, "min").value(0));
        if (m_node->input_size() > 2 && !m_node->input(2).empty())
            act.clip_hi = static_cast<float>(known(2, "max").value(0));
        if (act.clip_lo == 0.0f && act.clip_hi == 6.0f)
            act.kind = ref::act_kind::relu6;
    } else {
        a.only({});
    }
    const gvalue& x = activation_in(0);
    // Fused into the producing core op when nothing else reads its output.
    if (x.producer != SIZE_MAX && m_uses[m_node->input(0)] == 1) {
        net::node& p = m_g.edit_nodes()[x.producer];
        if (net::runs_on_core(p.op) && p.act.kind == ref::act_kind::none) {
            p.act = act;
            alias(x);
            return;
        }
    }
    net::node n;
    n.op = net::op_type::activation;
    n.act = act;
    emit(n, {x.tensor}, x.dims, x.flattened_chw);
}

void graph_import::pool(bool is_max) {
    single_output();
    const attributes a(*m_node, m_file + ": " + node_label(*m_node, m_index));
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
    n.geo.pad_top += x.pad[0];
    n.geo.pad_left += x.pad[1];
    n.geo.pad_bottom += x.pad[2];
    n.geo.pad_right += x.pad[3];
    const ref::geometry& g = n.geo;
    const int oh = net::window_output(static_cast<int>(x.dims[2]), g.kernel_h, g.stride_h,
                                      g.pad_top, g.pad_bottom, 1, n.ceil_mode);
    const int ow = net::window_output(static_cast<int>(x.dims[3]), g.kernel_w, g.stride_w,
                                      g.pad_left, g.pad_right, 1, n.ceil_mode);
    emit(n, {x.tensor}, {x.dims[0], x.dims[1], oh, ow});
}

// Gemm (transA 0) or MatMul with a constant 2-D B: the fully connected layer.
void graph_import::fc(bool gemm) {
    single_output();
    const attributes a(*m_node, m_file + ": " + node_label(*m_node, m_index));
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
    if (gemm && m_node->input_size() > 2 && !m_node->input(2).empty() && beta != 0.0f) {
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

void graph_import::batchnorm() {
    single_output();
    const attributes a(*m_node, m_file + ": " + node_label(*m_node, m_index));
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
void graph_import::pad() {
    single_output();
    const attributes a(*m_node, m_file + ": " + node_label(*m_node, m_index));
    a.only({"mode", "pads", "value"});
    const gvalue& x = in(0);
    if (x.known)
        fail("input: a constant operand is not representable in the network IR");
    std::vector<int64_t> pads = a.get_ints("pads", {});
    float value = a.get_float("value", 0.0f);
    if (m_node->input_size() > 1 && !m_node->input(1).empty()) {
        const onnx_tensor& t = known(1, "pads");
        pads.clear();
        for (std::size_t i = 0; i < t.count(); ++i)
            pads.push_back(t.int_value(i));
    }
    if (m_node->input_size() > 2 && !m_node->input(2).empty())
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

void graph_import::node() {
    const std::string& op = m_node->op_type();
    const attributes a(*m_node, m_file + ": " + node_label(*m_node, m_index));
    if (op == "Conv")
        return conv();
    if (op == "Relu")
        return activation(ref::act_kind::relu);
    if (op == "LeakyRelu")
        return activation(ref::act_kind::leaky_relu);
    if (op == "Sigmoid")
        return activation(ref::act_kind::sigmoid);
    if (op == "Tanh")
        return activation(ref::act_kind::tanh);
    if (op == "Clip")
        return activation(ref::act_kind::clip);
    if (op == "MaxPool" || op == "AveragePool")
        return pool(op == "MaxPool");
    if (op == "Gemm" || op == "MatMul")
        return fc(op == "Gemm");
    if (op == "BatchNormalization")
        return batchnorm();
    if (op == "Pad")
        return pad();
    if (op == "Identity" || op == "Dropout") {
        single_output();
        return alias(in(0));
    }
    single_output();
    net::node n;
    if (op == "GlobalAveragePool" || op == "GlobalMaxPool") {
        a.only({});
        const gvalue& x = activation_in(0);
        n.op =
            op == "GlobalMaxPool" ? net::op_type::global_max_pool : net::op_type::global_avg_pool;
        return emit(n, {x.tensor}, {image_dims(x)[0], x.dims[1], 1, 1});
    }
    if (op == "Add" || op == "Mul") {
        a.only({});
        const gvalue& x = activation_in(0);
        const gvalue& y = activation_in(1);
        n.op = op == "Add" ? net::op_type::add : net::op_type::mul;
        return emit(n, {x.tensor, y.tensor}, x.dims, x.flattened_chw);
    }
    if (op == "Concat") {
        a.only({"axis"});
        const gvalue& x = activation_in(0);
        const int64_t rank = static_cast<int64_t>(x.dims.size());
        int64_t axis = a.get_int("axis", 1);
        axis = axis < 0 ? axis + rank : axis;
        if (axis != 1)
            fail("axis " + std::to_string(axis) + ": only channels (axis 1) are supported");
        std::vector<std::string> ins;
        std::vector<int64_t> dims = x.dims;
        dims[1] = 0;
        for (int i = 0; i < m_node->input_size(); ++i) {
            ins.push_back(activation_in(i).tensor);
            dims[1] += in(i).dims[1];
        }
        n.op = net::op_type::concat;
        n.axis = 3;
        return emit(n, ins, dims);
    }
    if (op == "Flatten" || op == "Reshape") {
        const gvalue& x = activation_in(0);
        int64_t outer = x.dims[0];
        if (op == "Flatten") {
            a.only({"axis"});
            if (a.get_int("axis", 1) != 1)
                fail("axis: only 1 (keep the batch) is supported");
        } else {
            a.only({"allowzero"});
            const onnx_tensor& s = known(1, "shape");
            if (s.count() != 2 || (s.int_value(0) != x.dims[0] && s.int_value(0) != 0) ||
                (s.int_value(1) != -1 && s.int_value(1) * x.dims[0] != [&] {
                    int64_t t = 1;
                    for (int64_t d : x.dims)
                        t *= d;
                    return t;
                }()))
                fail("shape: only [N, -1] (flatten) is supported in the network IR");
        }
        int64_t k = 1;
        for (std::size_t i = 1; i < x.dims.size(); ++i)
            k *= x.dims[i];
        if (x.dims.size() == 2)
            return alias(x);
        n.op = net::op_type::flatten;
        const bool spatial = x.dims.size() == 4 && (x.dims[2] > 1 || x.dims[3] > 1);
        return emit(n, {x.tensor}, {outer, k},
                    spatial ? std::vector<int64_t>{x.dims[1], x.dims[2], x.dims[3]}
                            : std::vector<int64_t>{});
    }
    if (op == "Softmax") {
        a.only({"axis"});
        const gvalue& x = activation_in(0);
        const int64_t rank = static_cast<int64_t>(x.dims.size());
        int64_t axis =
            a.get_int("axis", m_model.opset_import_size() && opset_of(m_model) < 13 ? 1 : -1);
        axis = axis < 0 ? axis + rank : axis;
        if (!(rank == 2 && axis == 1) &&
            !(rank == 4 && axis == 1 && x.dims[2] == 1 && x.dims[3] == 1))
            fail("axis: only the softmax over the features of [N, K] rows is supported");
        n.op = net::op_type::softmax;
        return emit(n, {x.tensor}, x.dims);
    }
    if (op == "LRN") {
        a.only({"alpha", "beta", "bias", "size"});
        const gvalue& x = activation_in(0);
        n.op = net::op_type::lrn;
        n.lrn.size = static_cast<int>(a.get_int("size", 0));
        n.lrn.alpha = a.get_float("alpha", 1e-4f);
        n.lrn.beta = a.get_float("beta", 0.75f);
        n.lrn.bias = a.get_float("bias", 1.0f);
        return emit(n, {x.tensor}, image_dims(x));
    }
    if (op == "Transpose")
        fail(
            "op Transpose is not representable in the network IR (nnvp check runs it as a CPU op)");
    fail("op " + op + " is not supported by nnvp");
}

net::graph graph_import::run() {
    const onnx::GraphProto& g = m_model.graph();
    m_uses = use_counts(g);
    inputs();
    for (int k = 0; k < g.node_size(); ++k) {
        m_node = &g.node(k);
        m_index = k;
        if (m_node->op_type() == "Constant") {
            const attributes a(*m_node, m_file + ": " + node_label(*m_node, m_index));
            a.only({"value"});
            const TensorProto* t = a.get_tensor("value");
            if (!t)
                a.fail("attribute 'value': missing");
            gvalue v;
            v.known = from_proto(*t, m_file + ": " + node_label(*m_node, m_index));
            v.dims = v.known->dims;
            m_values[m_node->output(0)] = v;
            continue;
        }
        node();
    }
    for (const auto& o : g.output()) {
        const gvalue& v = m_values.at(o.name());
        if (v.known)
            throw onnx_error(m_file + ": graph output '" + o.name() + "' is a constant");
        m_g.add_output(v.tensor);
    }
    try {
        m_g.validate();
    } catch (const net::graph_error& e) {
        throw onnx_error(m_file + ": " + e.what());
    }
    return m_g;
}

}  // namespace

net::graph import_graph(const onnx::ModelProto& model, const std::string& file) {
    return graph_import(model, file).run();
}

net::graph import_graph_file(const std::string& path) {
    return import_graph(load_model(path), path);
}

}  // namespace nnvp::onnx_import
