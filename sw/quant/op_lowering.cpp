// The graph's nodes lowered to package ops: core nodes to ref::layers with
// their scales, lowered integer fields and quantized weights, CPU nodes to
// cpuops; a convert op wherever a reader wants another element type or
// scale than its producer wrote (one per tensor and representation).
#include <algorithm>
#include <cmath>

#include "nn/ref/quant.h"
#include "sw/net/lower.h"
#include "sw/quant/cpu_lowering.h"
#include "sw/quant/lowering.h"
#include "sw/quant/scale_choice.h"

namespace nnvp::quant::detail {

using nn::dtype;
using ref::precision;

repr lowering::default_repr(const std::string& tensor) const {
    const dtype t = ref::activation_type(m_o.precision);
    return {t, act_params(tensor, t)};
}

repr lowering::wanted_input(const net::node& n, std::size_t k, const repr* have) const {
    const std::string& tensor = n.inputs.at(k);
    if (net::runs_on_core(n.op)) {
        const precision p = precision_of(n);
        const dtype t = ref::activation_type(p);  // binary layers read int8
        return {t, act_params(tensor, t)};
    }
    switch (n.op) {
        case net::op_type::softmax:
            if (have && (have->type == dtype::fp32 || have->type == dtype::int8))
                return *have;
            return {dtype::fp32, {}};
        case net::op_type::lrn:
            return {dtype::fp32, {}};
        default:  // layout ops take what they are given
            return have ? *have : default_repr(tensor);
    }
}

void lowering::produce(const std::string& tensor, compiler::net_op op, const repr& r) {
    m_net.ops.push_back(std::move(op));
    m_index[tensor] = static_cast<int>(m_net.ops.size());
    m_repr[tensor] = r;
}

int lowering::operand(const std::string& tensor, const repr& want) {
    const repr& have = m_repr.at(tensor);
    if (same_repr(have, want))
        return m_index.at(tensor);
    const std::string key = repr_key(tensor, want);
    const auto it = m_converted.find(key);
    if (it != m_converted.end())
        return it->second;
    m_net.ops.push_back(convert_op(tensor, m_index.at(tensor), want));
    const int index = static_cast<int>(m_net.ops.size());
    m_converted[key] = index;
    return index;
}

void lowering::set_input() {
    const net::value_info& in = m_g.inputs()[0];
    repr r = default_repr(in.name);
    for (std::size_t idx : m_g.order()) {
        const net::node& n = m_g.nodes()[idx];
        const auto k = std::find(n.inputs.begin(), n.inputs.end(), in.name);
        if (k == n.inputs.end())
            continue;
        r = wanted_input(n, static_cast<std::size_t>(k - n.inputs.begin()), nullptr);
        if (n.op == net::op_type::concat && (r.type == dtype::int4 || r.type == dtype::binary))
            r = {dtype::int8, act_params(in.name, dtype::int8)};
        break;
    }
    m_net.name = m_g.name();
    m_net.input_shape = in.shape;
    m_net.input_type = r.type;
    m_net.input_q = r.q;
    m_index[in.name] = 0;
    m_repr[in.name] = r;
}

void lowering::lower_weights(const net::node& n, ref::layer& l, compiler::net_op& op) const {
    if (n.weights.empty() || (n.has_bias && n.bias.empty()))
        throw net::graph_error("network '" + m_g.name() + "': node '" + n.name +
                               "': weights: not materialized (call materialize_weights)");
    if (l.prec == precision::fp32 || l.prec == precision::fp16) {
        nn::tensor w(ref::weight_type(l), n.weights.shape());
        for (std::size_t i = 0; i < w.size(); ++i)
            w.set_float(i, n.weights.get_float(i));
        op.weights = std::move(w);
        if (n.has_bias)
            op.bias = n.bias;
        return;
    }
    if (l.prec == precision::binary) {
        // XNOR-Net (Rastegari et al., ECCV 2016): w ~ alpha_c * sign(w), alpha_c
        // = mean |w_c|; the int8 input's scale is folded into alpha.
        nn::tensor w(dtype::binary, n.weights.shape());
        const std::size_t per = w.size() / static_cast<std::size_t>(w.shape().n);
        l.bin_alpha.clear();
        for (int c = 0; c < w.shape().n; ++c) {
            double sum = 0.0;
            for (std::size_t i = static_cast<std::size_t>(c) * per; i < (c + 1) * per; ++i) {
                const float v = n.weights.get_float(i);
                sum += std::fabs(v);
                w.set_int(i, v >= 0.0f ? 1 : -1);
            }
            const double mean = std::max(sum / static_cast<double>(per), 1e-30);
            l.bin_alpha.push_back(static_cast<float>(l.in_q.scale * mean));
        }
        op.weights = std::move(w);
        if (n.has_bias)
            op.bias = ref::quantize_bias(n.bias, 1.0f, l.bin_alpha, ref::bias_type(l));
        return;
    }
    const dtype wt = ref::weight_type(l);
    l.w_scales = weight_scales(n, wt);
    op.weights = ref::quantize_weights(n.weights, l.w_scales, wt);
    if (n.has_bias)
        op.bias = ref::quantize_bias(n.bias, l.in_q.scale, l.w_scales, ref::bias_type(l));
}

void lowering::lower_core(const net::node& n) {
    ref::layer l = net::to_ref_layer(m_g, n);
    l.prec = precision_of(n);
    if (m_o.overrides.count(n.name) ||
        (!is_weighted(n.op) && !n.inputs.empty() && m_inherited.count(n.inputs[0])))
        m_inherited[n.outputs[0]] = l.prec == precision::binary ? precision::int8 : l.prec;
    if (l.prec == precision::binary)
        l.bin_scale = ref::binary_scale::fixed;
    compiler::net_op op;
    op.type = compiler::op_type::layer;
    op.name = n.name;
    std::vector<repr> ins;
    for (std::size_t k = 0; k < n.inputs.size(); ++k) {
        ins.push_back(wanted_input(n, k, &m_repr.at(n.inputs[k])));
        op.in.push_back(operand(n.inputs[k], ins.back()));
    }
    const bool integer = !is_float_precision(l.prec);
    const dtype ot = ref::output_type(l);
    if (integer) {
        l.in_q = ins[0].q;
        if (ins.size() > 1)
            l.in2_q = ins[1].q;
        const bool table = ref::uses_table(l.act.kind);
        l.out_q = is_pool(n.op) && !table ? l.in_q : act_params(n.outputs[0], ot);
        if (table && !is_pool(n.op) && n.op != net::op_type::activation)
            l.act_q = pre_act_params(n, ot);
    }
    if (is_weighted(n.op))
        lower_weights(n, l, op);
    if (integer) {
        ref::lower_quantization(l);
        narrow_outputs(l, storage_range(ot, bits_for(ot)));
    }
    op.layer = l;
    produce(n.outputs[0], std::move(op), {ot, integer ? l.out_q : ref::quant_params{}});
}

void lowering::lower_cpu(const net::node& n) {
    compiler::net_op op;
    op.type = compiler::op_type::cpu;
    op.name = n.name;
    op.cpu = to_cpu_op(m_g, n);
    repr out;
    if (n.op == net::op_type::concat) {
        // One type and one scale for all inputs and the output: a plain copy.
        dtype t = m_repr.at(n.inputs[0]).type;
        if (t == dtype::int4 || t == dtype::binary)
            t = dtype::int8;  // cpuops concat works on whole bytes
        out = {t, nn::is_float(t) ? ref::quant_params{} : act_params(n.outputs[0], t)};
        for (const std::string& in : n.inputs)
            op.in.push_back(
                operand(in, {t, nn::is_float(t) ? ref::quant_params{} : act_params(in, t)}));
        if (!nn::is_float(t))
            op.cpu.floats = {out.q.scale, static_cast<float>(out.q.zero_point)};
    } else {
        const repr want = wanted_input(n, 0, &m_repr.at(n.inputs.at(0)));
        op.in = {operand(n.inputs[0], want)};
        out = n.op == net::op_type::softmax || n.op == net::op_type::lrn ? repr{} : want;
    }
    produce(n.outputs.at(0), std::move(op), out);
}

}  // namespace nnvp::quant::detail
