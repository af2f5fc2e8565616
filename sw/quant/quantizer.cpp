#include "sw/quant/quantizer.h"

#include <algorithm>
#include <cmath>
#include <map>

#include "sw/net/lower.h"
#include "sw/quant/cpu_lowering.h"
#include "sw/quant/fuse.h"
#include "sw/quant/network_exec.h"
#include "sw/quant/scale_choice.h"
#include "nn/ref/quant.h"

namespace nnvp::quant {

namespace {

using ref::precision;
using nn::dtype;

bool is_float_precision(precision p) {
    return p == precision::fp32 || p == precision::fp16;
}

bool is_weighted(net::op_type op) {
    return op == net::op_type::conv2d || op == net::op_type::fully_connected;
}

bool is_pool(net::op_type op) {
    return op == net::op_type::max_pool || op == net::op_type::avg_pool ||
           op == net::op_type::global_avg_pool || op == net::op_type::global_max_pool;
}

// How a tensor is stored: element type and (integer types) quantization.
struct repr {
    dtype type = dtype::fp32;
    ref::quant_params q;
};

bool same(const repr& a, const repr& b) {
    return a.type == b.type &&
           (nn::is_float(a.type) || (a.q.scale == b.q.scale && a.q.zero_point == b.q.zero_point));
}

float absmax_of(const nn::tensor& t, std::size_t from, std::size_t to) {
    float m = 0.0f;
    for (std::size_t i = from; i < to; ++i)
        m = std::max(m, std::fabs(t.get_float(i)));
    return m;
}

class lowering {
public:
    lowering(const net::graph& g, const quant_options& o, const calibration& cal)
        : m_g(g), m_o(o), m_cal(cal) {}

    compiler::network run();

private:
    [[noreturn]] void fail(const std::string& what) const {
        throw quant_error("quantize: network '" + m_g.name() + "': " + what);
    }
    void check_graph() const;
    void check_overrides() const;
    void build_groups();
    void measure_globals();
    precision precision_of(const net::node& n) const;

    value_range range_of(const std::string& tensor) const;
    int bits_for(dtype t) const;
    ref::quant_params params_for_range(value_range r, dtype t) const;
    ref::quant_params act_params(const std::string& tensor, dtype t) const;
    ref::quant_params pre_act_params(const net::node& n, dtype t) const;
    std::vector<float> weight_scales(const net::node& n, dtype wt) const;

    repr default_repr(const std::string& tensor) const;
    repr wanted_input(const net::node& n, std::size_t k, const repr* have) const;
    int operand(const std::string& tensor, const repr& want);
    void produce(const std::string& tensor, compiler::net_op op, const repr& r);
    void set_input();
    void lower_core(const net::node& n);
    void lower_weights(const net::node& n, ref::layer& l, compiler::net_op& op) const;
    void lower_cpu(const net::node& n);

    const std::string& root(const std::string& t) const;
    std::string find_root(const std::string& t);

    const net::graph& m_g;
    const quant_options& m_o;
    const calibration& m_cal;
    compiler::network m_net;
    std::map<std::string, std::string> m_parent;       // tensors sharing a quantization
    std::map<std::string, value_range> m_group_range;  // by group root
    float m_act_absmax = 0.0f;                         // static_fixed: whole network
    float m_w_absmax = 0.0f;
    std::map<std::string, int> m_index;  // tensor -> package tensor index, as produced
    std::map<std::string, repr> m_repr;
    std::map<std::string, int> m_converted;  // converted copies, by tensor and repr
    // Outputs of overridden layers (and of the weightless layers after them)
    // with the precision a weightless reader inherits.
    std::map<std::string, precision> m_inherited;
};

void lowering::check_graph() const {
    if (!m_g.valid())
        fail("the graph is not validated");
    if (m_g.inputs().size() != 1)
        fail(std::to_string(m_g.inputs().size()) + " inputs: expected 1");
    if (m_g.outputs().size() != 1)
        fail(std::to_string(m_g.outputs().size()) + " outputs: expected 1");
}

void lowering::check_overrides() const {
    for (const auto& [name, p] : m_o.overrides) {
        const std::size_t i = m_g.find_node(name);
        if (i == m_g.nodes().size())
            fail("override '" + name + "': no node of that name (a fused activation node " +
                 "is named by its producer)");
        const net::node& n = m_g.nodes()[i];
        if (!net::runs_on_core(n.op))
            fail("override '" + name + "': node is a CPU op (" + net::to_string(n.op) +
                 "): expected a core layer");
        if (p == precision::binary && !is_weighted(n.op))
            fail("override '" + name + "' = binary: node is " + net::to_string(n.op) +
                 ", expected conv2d or fully_connected (only they have binary weights)");
    }
}

std::string lowering::find_root(const std::string& t) {
    std::string r = t;
    for (auto it = m_parent.find(r); it != m_parent.end() && it->second != r; it = m_parent.find(r))
        r = it->second;
    return r;
}

const std::string& lowering::root(const std::string& t) const {
    const auto it = m_parent.find(t);
    return it == m_parent.end() ? t : it->second;
}

void lowering::build_groups() {
    const auto unite = [&](const std::string& a, const std::string& b) {
        const std::string ra = find_root(a), rb = find_root(b);
        if (ra != rb)
            m_parent[rb] = ra;
    };
    for (std::size_t idx : m_g.order()) {
        const net::node& n = m_g.nodes()[idx];
        const bool shares = (is_pool(n.op) && !ref::uses_table(n.act.kind)) ||
                            n.op == net::op_type::flatten || n.op == net::op_type::reshape ||
                            n.op == net::op_type::concat;
        if (shares)
            for (const std::string& in : n.inputs)
                unite(n.outputs.at(0), in);
    }
    // Flatten to tensor -> root, and merge the members' ranges per root.
    std::vector<std::string> all{m_g.inputs()[0].name};
    for (const net::node& n : m_g.nodes())
        all.push_back(n.outputs.at(0));
    std::map<std::string, std::string> flat;
    for (const std::string& t : all)
        flat[t] = find_root(t);
    m_parent = flat;
    for (const std::string& t : all) {
        const value_range r = range_of(t);
        const auto it = m_group_range.find(flat[t]);
        if (it == m_group_range.end())
            m_group_range[flat[t]] = r;
        else
            it->second.merge(r);
    }
}

value_range lowering::range_of(const std::string& tensor) const {
    const auto it = m_cal.tensors.find(tensor);
    return it == m_cal.tensors.end() ? value_range{-1.0f, 1.0f} : it->second;
}

void lowering::measure_globals() {
    for (const auto& [r, range] : m_group_range)
        m_act_absmax = std::max(m_act_absmax, range.absmax());
    for (const net::node& n : m_g.nodes()) {
        const auto it = m_cal.pre_activations.find(n.name);
        if (it != m_cal.pre_activations.end() && ref::uses_table(n.act.kind))
            m_act_absmax = std::max(m_act_absmax, it->second.absmax());
        const precision p = net::runs_on_core(n.op) ? precision_of(n) : precision::fp32;
        if (is_weighted(n.op) && !is_float_precision(p) && p != precision::binary &&
            !n.weights.bytes().empty())
            m_w_absmax = std::max(m_w_absmax, absmax_of(n.weights, 0, n.weights.size()));
    }
}

precision lowering::precision_of(const net::node& n) const {
    const auto it = m_o.overrides.find(n.name);
    if (it != m_o.overrides.end())
        return it->second;
    // A layer without weights (pool, add, activation) after an overridden
    // layer keeps its precision, so the convert back to the network's
    // precision comes after it: after a pool it moves a quarter of the values.
    if (!is_weighted(n.op) && !n.inputs.empty())
        if (const auto in = m_inherited.find(n.inputs[0]); in != m_inherited.end())
            return in->second;
    if (m_o.precision == precision::binary && !is_weighted(n.op))
        return precision::int8;  // binary networks keep int8 activations
    return m_o.precision;
}

int lowering::bits_for(dtype t) const {
    return t == ref::activation_type(m_o.precision) ? m_o.bits : 0;
}

ref::quant_params lowering::params_for_range(value_range r, dtype t) const {
    if (nn::is_float(t))
        return {};
    const int_range qr = storage_range(t, bits_for(t));
    switch (m_o.scheme) {
        case scheme::static_fixed:
            return power_of_two_params(m_act_absmax, qr.hi);
        case scheme::dynamic_fixed:
            return power_of_two_params(r.absmax(), qr.hi);
        case scheme::per_channel:
            return m_o.asymmetric ? affine_params(r, qr) : symmetric_params(r.absmax(), qr.hi);
        case scheme::none:
            break;
    }
    fail(std::string("integer type ") + nn::to_string(t) + " with scheme none");
}

ref::quant_params lowering::act_params(const std::string& tensor, dtype t) const {
    const auto it = m_group_range.find(root(tensor));
    return params_for_range(it == m_group_range.end() ? value_range{-1.0f, 1.0f} : it->second, t);
}

ref::quant_params lowering::pre_act_params(const net::node& n, dtype t) const {
    const auto it = m_cal.pre_activations.find(n.name);
    return params_for_range(
        it == m_cal.pre_activations.end() ? value_range{-1.0f, 1.0f} : it->second, t);
}

std::vector<float> lowering::weight_scales(const net::node& n, dtype wt) const {
    const int64_t qmax = storage_range(wt, bits_for(wt)).hi;
    const nn::tensor& w = n.weights;
    switch (m_o.scheme) {
        case scheme::static_fixed:
            return {power_of_two_params(m_w_absmax, qmax).scale};
        case scheme::dynamic_fixed:
            return {power_of_two_params(absmax_of(w, 0, w.size()), qmax).scale};
        default:
            break;
    }
    std::vector<float> scales;
    const std::size_t per = w.size() / static_cast<std::size_t>(w.shape().n);
    for (int c = 0; c < w.shape().n; ++c) {
        const std::size_t from = static_cast<std::size_t>(c) * per;
        scales.push_back(symmetric_params(absmax_of(w, from, from + per), qmax).scale);
    }
    return scales;
}

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
    if (same(have, want))
        return m_index.at(tensor);
    const std::string key = tensor + "|" + nn::to_string(want.type) + "|" +
                            std::to_string(want.q.scale) + "|" + std::to_string(want.q.zero_point);
    const auto it = m_converted.find(key);
    if (it != m_converted.end())
        return it->second;
    compiler::net_op op;
    op.type = compiler::op_type::cpu;
    op.name = tensor + "/to_" + nn::to_string(want.type);
    op.cpu.k = cpuops::kind::convert;
    op.cpu.ints = {static_cast<int32_t>(want.type)};
    if (!nn::is_float(want.type))
        op.cpu.floats = {want.q.scale, static_cast<float>(want.q.zero_point)};
    op.in = {m_index.at(tensor)};
    m_net.ops.push_back(std::move(op));
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
    if (n.weights.bytes().empty() || (n.has_bias && n.bias.bytes().empty()))
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
        // A narrowed width clamps like a narrower type would.
        const int_range qr = storage_range(ot, bits_for(ot));
        l.act_min = static_cast<int32_t>(std::max<int64_t>(l.act_min, qr.lo));
        l.act_max = static_cast<int32_t>(std::min<int64_t>(l.act_max, qr.hi));
        for (int32_t& v : l.act_lut)
            v = static_cast<int32_t>(std::clamp<int64_t>(v, qr.lo, qr.hi));
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

compiler::network lowering::run() {
    check_graph();
    check_overrides();
    build_groups();
    measure_globals();
    set_input();
    for (std::size_t idx : m_g.order()) {
        const net::node& n = m_g.nodes()[idx];
        if (net::runs_on_core(n.op))
            lower_core(n);
        else
            lower_cpu(n);
    }
    m_net.output = m_index.at(m_g.outputs()[0]);
    return std::move(m_net);
}

}  // namespace

compiler::network quantize(const net::graph& g, const quant_options& o, const calibration& cal) {
    check_options(o);
    const net::graph fused = fuse_activations(g);
    return lowering(fused, o, cal).run();
}

compiler::network quantize(const net::graph& g, const quant_options& o,
                          const std::vector<nn::tensor>& calibration_inputs) {
    check_options(o);
    const net::graph fused = fuse_activations(g);
    calibration cal;
    if (o.scheme != scheme::none)
        cal = calibrate(fused, calibration_inputs, o.calibration, o.percentile, o.threads);
    return lowering(fused, o, cal).run();
}

nn::tensor quantize_input(const compiler::network& net, const nn::tensor& real) {
    if (real.type() != dtype::fp32 || real.shape() != net.input_shape)
        throw quant_error("quantize_input: network '" + net.name + "': input is " +
                          nn::to_string(real.type()) + " " + nn::to_string(real.shape()) +
                          ", expected fp32 " + nn::to_string(net.input_shape));
    if (nn::is_integer(net.input_type))
        return ref::quantize(real, net.input_q, net.input_type);
    nn::tensor out(net.input_type, real.shape());
    for (std::size_t i = 0; i < real.size(); ++i)
        out.set_float(i, real.get_float(i));
    return out;
}

nn::tensor dequantize_output(const compiler::network& net, const nn::tensor& out) {
    const cpuops::tensor_info info =
        tensor_infos(net).at(static_cast<std::size_t>(net.output_index()));
    if (out.type() != info.type || out.shape() != info.shape)
        throw quant_error("dequantize_output: network '" + net.name + "': output is " +
                          nn::to_string(out.type()) + " " + nn::to_string(out.shape()) +
                          ", expected " + nn::to_string(info.type) + " " +
                          nn::to_string(info.shape));
    if (nn::is_integer(out.type()))
        return ref::dequantize(out, info.q);
    nn::tensor r(dtype::fp32, out.shape());
    for (std::size_t i = 0; i < out.size(); ++i)
        r.set_float(i, out.get_float(i));
    return r;
}

}  // namespace nnvp::quant
