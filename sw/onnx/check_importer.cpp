// The driver of import_for_check: graph inputs and initializers, node by
// node translation (check_ops.cpp), tensor numbering of the package network.
#include <algorithm>
#include <cmath>
#include <set>

#include "nn/ref/ops.h"
#include "nn/ref/quant.h"
#include "sw/onnx/check_builder.h"
#include "sw/onnx/fuse_patterns.h"

namespace nnvp::onnx_import {

namespace {

using detail::tref;
using detail::value;

// Parameter slots: inputs a compiled network takes as constants.
const std::map<std::string, std::set<int>>& parameter_slots() {
    static const std::map<std::string, std::set<int>> slots = {
        {"Conv", {1, 2}},
        {"ConvTranspose", {1, 2}},
        {"ConvInteger", {1, 2, 3}},
        {"Gemm", {1, 2}},
        {"MatMul", {1}},
        {"MatMulInteger", {1, 2, 3}},
        {"BatchNormalization", {1, 2, 3, 4}},
        {"InstanceNormalization", {1, 2}},
        {"Reshape", {1}},
        {"Pad", {1, 2}},
        {"Clip", {1, 2}},
        {"QuantizeLinear", {1, 2}},
        {"DequantizeLinear", {1, 2}},
        {"QLinearConv", {1, 2, 3, 4, 5, 6, 7, 8}},
        {"QLinearMatMul", {1, 2, 3, 4, 5, 6, 7}},
        {"Dropout", {1, 2}},
        {"ConstantOfShape", {0}},
        {"Range", {0, 1, 2}},
        {"Slice", {1, 2, 3, 4}},
        {"Split", {1}},
        {"Expand", {1}},
        {"Tile", {1}},
        {"Resize", {1, 2, 3}},
        {"LSTM", {1, 2, 3, 4, 7}},
        {"GRU", {1, 2, 3, 4}},
        {"RNN", {1, 2, 3, 4}},
        {"Upsample", {1}},
        {"Squeeze", {1}},
        {"Unsqueeze", {1}},
        {"ReduceSum", {1}},
        {"ReduceMean", {1}},
        {"ReduceMax", {1}},
        {"ReduceMin", {1}},
        {"ReduceProd", {1}},
        {"ReduceL1", {1}},
        {"ReduceL2", {1}},
        {"ReduceLogSum", {1}},
        {"ReduceLogSumExp", {1}},
        {"ReduceSumSquare", {1}},
    };
    return slots;
}

bool is_spatial(const std::string& op) {
    return op == "Conv" || op == "ConvTranspose" || op == "MaxPool" || op == "AveragePool" ||
           op == "GlobalAveragePool" || op == "GlobalMaxPool" || op == "BatchNormalization" ||
           op == "InstanceNormalization" || op == "QLinearConv" || op == "ConvInteger";
}

}  // namespace

namespace detail {

check_builder::check_builder(const onnx::ModelProto& m,
                             const std::map<std::string, onnx_tensor>& bound, std::string file)
    : m_model(m), m_bound(bound), m_file(std::move(file)), m_opset(opset_of(m)) {}

void check_builder::fail(const std::string& what) const {
    if (m_node)
        throw onnx_error(m_file + ": " + node_label(*m_node, m_node_index) + ": " + what);
    throw onnx_error(m_file + ": " + what);
}

attributes check_builder::attrs() const {
    return attributes(*m_node, m_file + ": " + node_label(*m_node, m_node_index));
}

bool check_builder::has_input(int i) const {
    return i < m_node->input_size() && !m_node->input(i).empty();
}

const value& check_builder::input(int i) const {
    if (!has_input(i))
        fail("input " + std::to_string(i) + ": missing");
    const auto it = m_values.find(m_node->input(i));
    if (it == m_values.end())
        fail("input '" + m_node->input(i) + "': undefined");
    return it->second;
}

const onnx_tensor& check_builder::known_input(int i, const std::string& what) const {
    const value& v = input(i);
    if (!v.known)
        fail(what + " '" + m_node->input(i) +
             "': expected a value known at compile time (initializer, Constant or a graph "
             "input feeding only parameter slots)");
    return *v.known;
}

void check_builder::need_type(int i, std::initializer_list<int32_t> types) const {
    const value& v = input(i);
    std::string names;
    for (int32_t t : types) {
        if (t == v.elem_type)
            return;
        names += (names.empty() ? "" : " or ") + elem_type_name(t);
    }
    fail("input '" + m_node->input(i) + "' is " + elem_type_name(v.elem_type) + ": expected " +
         names);
}

void check_builder::single_output() const {
    for (int k = 1; k < m_node->output_size(); ++k)
        if (!m_node->output(k).empty())
            fail("output " + std::to_string(k) + " '" + m_node->output(k) +
                 "': only the first output is supported");
}

int check_builder::uses(const std::string& name) const {
    const auto it = m_uses.find(name);
    return it == m_uses.end() ? 0 : it->second;
}

std::string check_builder::op_name(const std::string& suffix) const {
    const std::string base = m_node->name().empty()
                                 ? m_node->op_type() + "_" + std::to_string(m_node_index)
                                 : m_node->name();
    return suffix.empty() ? base : base + "/" + suffix;
}

cpuops::tensor_info check_builder::info(tref r) const {
    switch (r.kind) {
        case tref::op:
            return m_op_infos.at(static_cast<std::size_t>(r.index));
        case tref::input: {
            const compiler::tensor_spec& s = m_inputs.at(static_cast<std::size_t>(r.index));
            return {s.shape, s.type, s.q};
        }
        case tref::constant: {
            const compiler::constant& c = m_constants.at(static_cast<std::size_t>(r.index));
            return {c.value.shape(), c.value.type(), c.q};
        }
    }
    return {};
}

bool check_builder::set_input_q(tref r, const ref::quant_params& q) {
    if (r.kind != tref::input)
        return false;
    m_inputs[static_cast<std::size_t>(r.index)].q = q;
    return true;
}

tref check_builder::add_constant(const nn::tensor& t, const ref::quant_params& q) {
    m_constants.push_back({op_name("const" + std::to_string(m_constants.size())), t, q});
    return {tref::constant, static_cast<int>(m_constants.size() - 1)};
}

tref check_builder::runtime(const value& v, layout l) {
    if (v.known && v.known->empty())
        fail("empty tensor '" + v.known->name + "': not supported as an operand");
    if (v.known) {
        nn::dtype type;
        int32_t offset;
        if (!stored_as(v.elem_type, type, offset))
            fail("constant '" + v.known->name + "' is " + elem_type_name(v.elem_type) +
                 ": expected FLOAT, INT8, UINT8, INT16, INT32, INT64 or BOOL as an operand");
        const nn::tensor plain = convert_values(v.known->data, type, offset, m_file);
        return add_constant(
            from_plain(plain.reshaped(to_shape4(v.dims, layout::plain, m_file)), l));
    }
    if (v.lay == l)
        return v.r;
    const std::array<int, 4> p = relayout_perm(v.lay, l);
    return add_cpu({cpuops::kind::transpose, {p[0], p[1], p[2], p[3]}, {}}, {v.r},
                   std::string("to_") + to_string(l));
}

tref check_builder::add_layer(const ref::layer& l_in, std::vector<tref> ins,
                              std::optional<nn::tensor> weights, std::optional<nn::tensor> bias) {
    ref::layer l = l_in;
    if (l.name.empty())
        l.name = op_name();
    // NaN or infinite weights would surface much later as a bad scale or a
    // mismatch with no file or tensor named.
    if (weights && weights->has_values() && nn::is_float(weights->type()))
        for (std::size_t k = 0; k < weights->size(); ++k)
            if (!std::isfinite(weights->get_float(k)))
                fail("weights" + (node().input_size() > 1 ? " '" + node().input(1) + "'" : "") +
                     ": element " + std::to_string(k) + " is " +
                     std::to_string(weights->get_float(k)) + ": expected finite values");
    cpuops::tensor_info out;
    try {
        if (l.prec != ref::precision::fp32)
            ref::lower_quantization(l);
        out.shape = ref::output_shape(l, info(ins.at(0)).shape);
        out.type = ref::output_type(l);
        out.q = l.out_q;
    } catch (const std::invalid_argument& e) {
        fail(std::string("cannot map onto a core layer: ") + e.what());
    }
    compiler::net_op op;
    op.type = compiler::op_type::layer;
    op.name = l.name;
    op.layer = l;
    op.weights = std::move(weights);
    op.bias = std::move(bias);
    return push_op(std::move(op), std::move(ins), out);
}

tref check_builder::push_op(compiler::net_op op, std::vector<tref> ins,
                            const cpuops::tensor_info& out) {
    m_ops.push_back(std::move(op));
    m_op_ins.push_back(std::move(ins));
    m_op_infos.push_back(out);
    return {tref::op, static_cast<int>(m_ops.size() - 1)};
}

tref check_builder::add_cpu(const cpuops::op& o, std::vector<tref> ins, const std::string& suffix) {
    std::vector<cpuops::tensor_info> infos;
    for (tref r : ins)
        infos.push_back(info(r));
    cpuops::tensor_info out;
    try {
        out = cpuops::infer(o, infos);
    } catch (const cpuops::op_error& e) {
        fail(e.what());
    }
    compiler::net_op op;
    op.type = compiler::op_type::cpu;
    op.name = op_name(suffix);
    op.cpu = o;
    return push_op(std::move(op), std::move(ins), out);
}

compiler::net_op* check_builder::op_at(tref r) {
    return r.kind == tref::op ? &m_ops.at(static_cast<std::size_t>(r.index)) : nullptr;
}

void check_builder::set_output(value v) {
    if (m_node->output_size() < 1 || m_node->output(0).empty())
        fail("output 0: missing");
    m_values[m_node->output(0)] = std::move(v);
}

bool check_builder::wants_output(int k) const {
    return k < m_node->output_size() && !m_node->output(k).empty();
}

void check_builder::set_output(int k, value v) {
    if (!wants_output(k))
        fail("output " + std::to_string(k) + ": missing");
    m_values[m_node->output(k)] = std::move(v);
}

void check_builder::bind_initializers(const onnx::GraphProto& g, const std::string& what) {
    for (const auto& t : g.initializer()) {
        value v;
        v.known = from_proto(t, m_file + ": " + what);
        v.dims = v.known->dims;
        v.elem_type = v.known->elem_type;
        m_values[t.name()] = std::move(v);
    }
}

void check_builder::bind_inputs() {
    const onnx::GraphProto& g = m_model.graph();
    bind_initializers(g, "initializer");
    for (const auto& gi : g.input()) {
        const std::string& name = gi.name();
        bool runtime = false, spatial = false;
        for (const onnx::NodeProto* n : all_nodes(g)) {  // If branches read it too
            const auto it = parameter_slots().find(n->op_type());
            for (int k = 0; k < n->input_size(); ++k) {
                if (n->input(k) != name)
                    continue;
                runtime |= it == parameter_slots().end() || !it->second.count(k);
                spatial |= k == 0 && is_spatial(n->op_type());
            }
        }
        for (const auto& o : g.output())
            runtime |= o.name() == name;
        const auto b = m_bound.find(name);
        if (b == m_bound.end()) {
            if (m_values.count(name))
                continue;  // an initializer listed as an input (IR < 4)
            fail("graph input '" + name + "': no value given (expected an input_<k>.pb)");
        }
        value v;
        v.dims = b->second.dims;
        v.elem_type = b->second.elem_type;
        if (!runtime) {
            v.known = b->second;
            m_values[name] = std::move(v);
            continue;
        }
        compiler::tensor_spec s;
        s.name = name;
        if (!stored_as(v.elem_type, s.type, v.offset))
            fail("graph input '" + name + "' is " + elem_type_name(v.elem_type) +
                 ": expected FLOAT, FLOAT16, INT8, UINT8, INT16, INT32, INT64 or BOOL");
        v.lay = spatial && v.dims.size() == 4 ? layout::nhwc : layout::plain;
        try {
            s.shape = to_shape4(v.dims, v.lay, "graph input '" + name + "'");
        } catch (const std::invalid_argument& e) {
            fail(e.what());
        }
        m_inputs.push_back(s);
        m_input_names.push_back(name);
        v.r = {tref::input, static_cast<int>(m_inputs.size() - 1)};
        m_input_values.push_back(v);  // as stored (m_values' may be widened later)
        m_values[name] = std::move(v);
    }
}

port check_builder::make_port(const std::string& name, const value& v, int tensor) const {
    port p;
    p.name = name;
    p.elem_type = v.elem_type;
    p.dims = v.dims;
    p.lay = v.lay;
    p.tensor = tensor;
    p.offset = v.offset;
    stored_as(v.elem_type, p.type, p.offset);
    return p;
}

std::vector<value> check_builder::inline_graph(const onnx::GraphProto& g) {
    const onnx::NodeProto* outer = m_node;
    const int outer_index = m_node_index;
    bind_initializers(g, "subgraph initializer");
    for (int k = 0; k < g.node_size(); ++k) {
        m_node = &g.node(k);
        m_node_index = k;
        translate_node(*this);
    }
    m_node = outer;
    m_node_index = outer_index;
    std::vector<value> outs;
    for (const auto& o : g.output()) {
        const auto it = m_values.find(o.name());
        if (it == m_values.end())
            fail("branch output '" + o.name() + "': undefined");
        outs.push_back(it->second);
    }
    return outs;
}

check_network check_builder::build() {
    const onnx::GraphProto& g = m_model.graph();
    m_uses = use_counts(g);
    bind_inputs();
    if (m_inputs.empty())
        fail("no runtime input: every graph input is a parameter (nothing to run)");
    for (int k = 0; k < g.node_size(); ++k) {
        m_node = &g.node(k);
        m_node_index = k;
        translate_node(*this);
    }
    m_node = nullptr;
    if (g.output_size() < 1)
        fail("graph: no output");
    // Every graph output must be an op's own tensor: a known value, an input
    // or a tensor an earlier output already names is copied.
    std::vector<value> outs;
    std::set<int> taken;
    for (int k = 0; k < g.output_size(); ++k) {
        const std::string& name = g.output(k).name();
        value out = m_values.at(name);
        if (g.output(k).type().tensor_type().elem_type() == onnx::TensorProto::FLOAT16 &&
            out.elem_type == kFloat) {  // computed as FLOAT: stored as declared
            m_node = &g.node(g.node_size() - 1);
            const tref r = runtime(out, out.lay);
            out.r = add_cpu({cpuops::kind::convert, {static_cast<int32_t>(nn::dtype::fp16)}, {}},
                            {r}, "output" + (k ? std::to_string(k) : std::string()) + "_fp16");
            out.known.reset();
            out.elem_type = onnx::TensorProto::FLOAT16;
            m_node = nullptr;
        }
        nn::dtype t;
        int32_t off;
        if (!stored_as(out.elem_type, t, off))
            fail("graph output '" + name + "' is " + elem_type_name(out.elem_type) +
                 ": expected FLOAT, FLOAT16, INT8, UINT8, INT16, INT32, INT64 or BOOL");
        if (out.known || out.r.kind != tref::op || taken.count(out.r.index)) {
            m_node = &g.node(g.node_size() - 1);
            const tref r = runtime(out, out.lay);
            const nn::shape4 s = info(r).shape;
            out.r = add_cpu({cpuops::kind::reshape, {s.n, s.h, s.w, s.c}, {}}, {r},
                            "output" + (k ? std::to_string(k) : std::string()));
            out.known.reset();
            m_node = nullptr;
        }
        taken.insert(out.r.index);
        outs.push_back(std::move(out));
    }

    // Numbering: op i -> i + 1, input 0 -> 0, inputs 1.. and constants after the ops.
    const int n_ops = static_cast<int>(m_ops.size());
    const int n_extra = static_cast<int>(m_inputs.size()) - 1;
    const auto number = [&](tref r) {
        switch (r.kind) {
            case tref::op:
                return r.index + 1;
            case tref::input:
                return r.index == 0 ? 0 : n_ops + r.index;
            case tref::constant:
                return n_ops + 1 + n_extra + r.index;
        }
        return -1;
    };
    check_network cn;
    compiler::network& net = cn.net;
    net.name = m_model.graph().name().empty() ? "onnx" : m_model.graph().name();
    net.input_type = m_inputs[0].type;
    net.input_shape = m_inputs[0].shape;
    net.input_q = m_inputs[0].q;
    net.extra_inputs.assign(m_inputs.begin() + 1, m_inputs.end());
    net.constants = m_constants;
    for (std::size_t i = 0; i < m_ops.size(); ++i) {
        compiler::net_op op = m_ops[i];
        op.in.clear();
        for (tref r : m_op_ins[i])
            op.in.push_back(number(r));
        net.ops.push_back(std::move(op));
    }
    net.output = number(outs[0].r);
    for (std::size_t k = 1; k < outs.size(); ++k)
        net.extra_outputs.push_back(number(outs[k].r));
    std::sort(net.extra_outputs.begin(), net.extra_outputs.end());  // the package's order
    for (std::size_t i = 0; i < m_inputs.size(); ++i) {
        const value& v = m_input_values[i];
        cn.inputs.push_back(make_port(m_input_names[i], v, number(v.r)));
    }
    cn.output = make_port(g.output(0).name(), outs[0], net.output);
    for (std::size_t k = 1; k < outs.size(); ++k)
        cn.extra_outputs.push_back(
            make_port(g.output(static_cast<int>(k)).name(), outs[k], number(outs[k].r)));
    return cn;
}

}  // namespace detail

check_network import_for_check(const onnx::ModelProto& model,
                               const std::map<std::string, onnx_tensor>& bound,
                               const std::string& file) {
    onnx::ModelProto simplified = model;
    const std::vector<fusion> fused = fuse_patterns(simplified);
    detail::check_builder b(simplified, bound, file);
    check_network cn = b.build();
    for (const fusion& f : fused)
        cn.fused.push_back(to_string(f));
    return cn;
}

}  // namespace nnvp::onnx_import
