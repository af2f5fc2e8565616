// 1-D windows (Conv1d, MaxPool1d, AvgPool1d, ConvTranspose1d, global pools,
// BatchNorm1d and InstanceNorm1d on [N, C, L] as speech models use them): the node is
// rewritten as its 2-D form over [N, C, 1, L] (kernel 1 x k, the 1-D
// attributes widened) between a Reshape in and a Squeeze out, and that small
// graph is translated in place of the node.
#include <set>

#include "sw/onnx/check_builder.h"

namespace nnvp::onnx_import::detail {

namespace {

const std::set<std::string>& window_ops() {
    static const std::set<std::string> ops = {
        "Conv", "ConvTranspose", "MaxPool", "AveragePool", "GlobalAveragePool",
        "GlobalMaxPool", "BatchNormalization", "InstanceNormalization"};
    return ops;
}

// A 1-D attribute in its 2-D form: a unit H axis in front (pads: both ends).
void widen(onnx::AttributeProto& a) {
    const std::string& n = a.name();
    if (n != "kernel_shape" && n != "strides" && n != "dilations" && n != "pads" &&
        n != "output_padding" && n != "output_shape")
        return;
    std::vector<int64_t> v(a.ints().begin(), a.ints().end());
    a.clear_ints();
    if (n == "pads") {
        if (v.size() != 2)
            throw std::invalid_argument("pads: expected 2 values for a 1-D window");
        v = {0, v[0], 0, v[1]};
    } else {
        if (v.size() != 1)
            throw std::invalid_argument(n + ": expected 1 value for a 1-D window");
        v.insert(v.begin(), n == "output_shape" ? 1 : (n == "pads" ? 0 : 1));
    }
    for (int64_t x : v)
        a.add_ints(x);
}

onnx::TensorProto int64s(const std::string& name, const std::vector<int64_t>& v) {
    onnx::TensorProto t;
    t.set_name(name);
    t.set_data_type(onnx::TensorProto::INT64);
    t.add_dims(static_cast<int64_t>(v.size()));
    for (int64_t x : v)
        t.add_int64_data(x);
    return t;
}

}  // namespace

bool translate_window1d(check_builder& b) {
    const onnx::NodeProto& n = b.node();
    if (!window_ops().count(n.op_type()) || n.input_size() < 1 || b.input(0).dims.size() != 3)
        return false;
    const std::string p = n.name().empty() ? n.op_type() + "_1d" : n.name();
    const std::vector<int64_t>& xd = b.input(0).dims;
    onnx::GraphProto g;
    // [a, b, l] named `from` as [a, b, 1, l] named p + "/" + to.
    const auto unit_h = [&](const std::string& from, const std::vector<int64_t>& d,
                            const std::string& to) {
        *g.add_initializer() = int64s(p + "/" + to + "_shape", {d[0], d[1], 1, d[2]});
        onnx::NodeProto* r = g.add_node();
        r->set_op_type("Reshape");
        r->set_name(p + "/" + to + "_2d");
        r->add_input(from);
        r->add_input(p + "/" + to + "_shape");
        r->add_output(p + "/" + to);
    };
    unit_h(n.input(0), xd, "x4");
    const bool weighted = n.op_type() == "Conv" || n.op_type() == "ConvTranspose";
    if (weighted && n.input_size() > 1) {  // the kernel [O, C/g, k] as [O, C/g, 1, k]
        const std::vector<int64_t>& wd = b.input(1).dims;
        if (wd.size() != 3)
            b.fail("input '" + n.input(1) + "': rank " + std::to_string(wd.size()) +
                   ": expected 3 (a 1-D kernel)");
        unit_h(n.input(1), wd, "w4");
    }
    onnx::NodeProto* op = g.add_node();
    *op = n;
    op->set_input(0, p + "/x4");
    if (weighted && n.input_size() > 1)
        op->set_input(1, p + "/w4");
    try {
        for (onnx::AttributeProto& a : *op->mutable_attribute())
            widen(a);
    } catch (const std::invalid_argument& e) {
        b.fail(e.what());
    }
    op->clear_output();
    op->add_output(p + "/y4");
    for (int k = 1; k < n.output_size(); ++k)
        op->add_output(n.output(k));
    onnx::NodeProto* out = g.add_node();
    out->set_op_type("Squeeze");
    out->set_name(p + "/to_1d");
    out->add_input(p + "/y4");
    if (b.opset() >= 13) {
        *g.add_initializer() = int64s(p + "/h_axis", {2});
        out->add_input(p + "/h_axis");
    } else {
        onnx::AttributeProto* axes = out->add_attribute();
        axes->set_name("axes");
        axes->set_type(onnx::AttributeProto::INTS);
        axes->add_ints(2);
    }
    out->add_output(p + "/y");
    g.add_output()->set_name(p + "/y");
    std::vector<value> outs = b.inline_graph(g);
    b.set_output(0, std::move(outs.at(0)));
    return true;
}

}  // namespace nnvp::onnx_import::detail
