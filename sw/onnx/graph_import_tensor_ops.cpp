// Translations of the ONNX ops that become IR nodes without weights or
// windows: activations (fused into the producing layer when it is the only
// reader), Add / Mul, Concat of channels, Flatten / Reshape to rows, Softmax
// over rows and LRN.
#include <cmath>

#include "sw/onnx/graph_builder.h"

namespace nnvp::onnx_import::detail {

void graph_builder::activation(ref::act_kind kind) {
    single_output();
    const attributes a = attrs();
    ref::activation act;
    act.kind = kind;
    if (kind == ref::act_kind::leaky_relu) {
        a.only({"alpha"});
        act.alpha = a.get_float("alpha", 0.01f);
    } else if (kind == ref::act_kind::clip) {
        a.only({"min", "max"});
        act.clip_lo = a.get_float("min", -INFINITY);
        act.clip_hi = a.get_float("max", INFINITY);
        if (has_input(1))
            act.clip_lo = static_cast<float>(known(1, "min").value(0));
        if (has_input(2))
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

void graph_builder::eltwise(net::op_type op) {
    attrs().only({});
    const gvalue& x = activation_in(0);
    const gvalue& y = activation_in(1);
    net::node n;
    n.op = op;
    emit(n, {x.tensor, y.tensor}, x.dims, x.flattened_chw);
}

// Concat along the channels (ONNX axis 1): the IR's concat on NHWC axis 3.
void graph_builder::concat() {
    const attributes a = attrs();
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
    net::node n;
    n.op = net::op_type::concat;
    n.axis = 3;
    emit(n, ins, dims);
}

// Flatten (axis 1), or a Reshape to [N, -1]: rows of the batch. A flattened
// image remembers its [C,H,W] for the fully connected layer that reads it.
void graph_builder::flatten(bool is_reshape) {
    const attributes a = attrs();
    const gvalue& x = activation_in(0);
    if (!is_reshape) {
        a.only({"axis"});
        if (a.get_int("axis", 1) != 1)
            fail("axis: only 1 (keep the batch) is supported");
    } else {
        a.only({"allowzero"});
        const onnx_tensor& s = known(1, "shape");
        int64_t elements = 1;
        for (int64_t d : x.dims)
            elements *= d;
        if (s.count() != 2 || (s.int_value(0) != x.dims[0] && s.int_value(0) != 0) ||
            (s.int_value(1) != -1 && s.int_value(1) * x.dims[0] != elements))
            fail("shape: only [N, -1] (flatten) is supported in the network IR");
    }
    int64_t k = 1;
    for (std::size_t i = 1; i < x.dims.size(); ++i)
        k *= x.dims[i];
    if (x.dims.size() == 2)
        return alias(x);
    net::node n;
    n.op = net::op_type::flatten;
    const bool spatial = x.dims.size() == 4 && (x.dims[2] > 1 || x.dims[3] > 1);
    emit(n, {x.tensor}, {x.dims[0], k},
         spatial ? std::vector<int64_t>{x.dims[1], x.dims[2], x.dims[3]} : std::vector<int64_t>{});
}

void graph_builder::softmax() {
    const attributes a = attrs();
    a.only({"axis"});
    const gvalue& x = activation_in(0);
    const int64_t rank = static_cast<int64_t>(x.dims.size());
    int64_t axis =
        a.get_int("axis", m_model.opset_import_size() && opset_of(m_model) < 13 ? 1 : -1);
    axis = axis < 0 ? axis + rank : axis;
    if (!(rank == 2 && axis == 1) && !(rank == 4 && axis == 1 && x.dims[2] == 1 && x.dims[3] == 1))
        fail("axis: only the softmax over the features of [N, K] rows is supported");
    net::node n;
    n.op = net::op_type::softmax;
    emit(n, {x.tensor}, x.dims);
}

void graph_builder::lrn() {
    const attributes a = attrs();
    a.only({"alpha", "beta", "bias", "size"});
    const gvalue& x = activation_in(0);
    net::node n;
    n.op = net::op_type::lrn;
    n.lrn.size = static_cast<int>(a.get_int("size", 0));
    n.lrn.alpha = a.get_float("alpha", 1e-4f);
    n.lrn.beta = a.get_float("beta", 0.75f);
    n.lrn.bias = a.get_float("bias", 1.0f);
    emit(n, {x.tensor}, image_dims(x));
}

}  // namespace nnvp::onnx_import::detail
