// quantize_network(): the float network's ops rebuilt one by one, each
// quantized, passed through or kept (network_quantizer.h), with converts
// where representations differ. Extra inputs and constants are numbered after
// the ops (builder.h), so their operand indices are placeholders until every
// op is in.
#include "sw/quant/network_quantizer.h"

#include <algorithm>
#include <cmath>
#include <optional>
#include <string>

#include "nn/ref/ops.h"
#include "nn/ref/quant.h"
#include "sw/compiler/reference.h"
#include "sw/quant/representation.h"
#include "sw/quant/scale_choice.h"

namespace nnvp::quant {

namespace {

using nn::dtype;
using ref::op_kind;
using ref::precision;
using detail::needs_pre_activation;

bool is_pool(op_kind k) {
    return k == op_kind::max_pool || k == op_kind::avg_pool || k == op_kind::global_avg_pool ||
           k == op_kind::global_max_pool;
}

// CPU ops that move bytes without reading their values.
bool moves_data(cpuops::kind k) {
    using cpuops::kind;
    return k == kind::reshape || k == kind::transpose || k == kind::slice || k == kind::gather ||
           k == kind::expand || k == kind::tile;
}

// Extra input j and constant j until the final indices are known.
constexpr int constant_code_base = 1 << 20;
int extra_code(std::size_t j) { return -2 - static_cast<int>(j); }
int constant_code(std::size_t j) { return -2 - constant_code_base - static_cast<int>(j); }

class network_lowering {
public:
    network_lowering(const compiler::network& net, const quant_options& o,
                     const network_calibration& cal)
        : m_src(net), m_o(o), m_cal(cal), m_t(compiler::plan_tensors(net)) {}

    compiler::network run();

private:
    [[noreturn]] void fail(const std::string& what) const {
        throw quant_error("quantize: network '" + m_src.name + "': " + what);
    }
    int first_extra() const { return static_cast<int>(m_src.ops.size()) + 1; }
    int first_constant() const { return first_extra() + static_cast<int>(m_src.extra_inputs.size()); }
    bool is_constant(int t) const { return t >= first_constant(); }

    void check_options() const;
    void measure_globals();
    value_range range(int t) const;
    value_range pre_activation_range(std::size_t i) const;
    int bits_for(dtype t) const;
    ref::quant_params params(value_range r, dtype t) const;
    std::vector<float> weight_scales(const nn::tensor& w, dtype wt) const;
    precision precision_of(std::size_t i) const;
    std::optional<precision> quantized_source(int u) const;
    std::optional<precision> concat_partner(std::size_t i, int t) const;
    bool quantized(std::size_t i) const;
    std::optional<std::size_t> divisor_constant(std::size_t i) const;
    int reciprocal(std::size_t j, dtype type, repr& r);
    repr original(int t) const { return {m_t[static_cast<std::size_t>(t)].type, m_t[static_cast<std::size_t>(t)].q}; }
    repr act_repr(int t, precision p) const;

    void set_inputs();
    int operand(int t, const repr& want);
    int constant(std::size_t j, const repr& want);
    void produce(int t, compiler::net_op op, const repr& r);
    void lower_layer(std::size_t i);
    void pass_through(std::size_t i);
    void keep(std::size_t i);
    int resolve(int code) const;

    const compiler::network& m_src;
    const quant_options& m_o;
    const network_calibration& m_cal;
    std::vector<compiler::tensor_desc> m_t;  // the float network's tensors
    compiler::network m_out;
    std::vector<int> m_at;    // per source tensor: its index (or code) in m_out
    std::vector<repr> m_repr;  // per source tensor: how m_out holds it
    std::map<std::string, int> m_converted;     // convert ops, by tensor and repr
    std::map<std::string, std::size_t> m_const;  // out constants, by source constant and repr
    float m_act_absmax = 0.0f;  // static_fixed: whole network
    float m_w_absmax = 0.0f;
};

void network_lowering::check_options() const {
    const precision p = m_o.precision;
    if (p != precision::int8 && p != precision::int16 && p != precision::fp16)
        fail(std::string("precision ") + ref::to_string(p) +
             ": ONNX models run at int8, int16 or fp16 (fp32 runs the model as exported)");
    if (m_o.scheme == scheme::none && p != precision::fp16)
        fail("quantization none: an integer precision needs a scheme");
    for (const auto& [name, p] : m_o.overrides) {
        const std::string& wanted = name;  // a lambda cannot capture a structured binding (C++17)
        const auto it = std::find_if(m_src.ops.begin(), m_src.ops.end(),
                                     [&](const compiler::net_op& op) { return op.name == wanted; });
        if (it == m_src.ops.end())
            fail("layer_precision '" + name + "': no step of that name (nnvp info lists them)");
        if (it->type != compiler::op_type::layer)
            fail("layer_precision '" + name + "': a CPU step: expected a core layer");
        if (p != precision::fp32 && p != precision::fp16 && p != precision::int8 &&
            p != precision::int16)
            fail("layer_precision '" + name + "': " + ref::to_string(p) +
                 ": expected fp32, fp16, int8 or int16");
    }
}

void network_lowering::measure_globals() {
    for (const value_range& r : m_cal.tensors)
        m_act_absmax = std::max(m_act_absmax, r.absmax());
    for (const auto& [i, r] : m_cal.pre_activations)
        m_act_absmax = std::max(m_act_absmax, r.absmax());
    if (m_cal.tensors.empty())
        m_act_absmax = 1.0f;
    for (std::size_t i = 0; i < m_src.ops.size(); ++i)
        if (quantized(i) && m_src.ops[i].weights)
            m_w_absmax = std::max(m_w_absmax, absmax_of(*m_src.ops[i].weights, 0,
                                                        m_src.ops[i].weights->size()));
}

value_range network_lowering::range(int t) const {
    const auto k = static_cast<std::size_t>(t);
    return k < m_cal.tensors.size() ? m_cal.tensors[k] : value_range{-1.0f, 1.0f};
}

value_range network_lowering::pre_activation_range(std::size_t i) const {
    const auto it = m_cal.pre_activations.find(i);
    return it == m_cal.pre_activations.end() ? value_range{-1.0f, 1.0f} : it->second;
}

// The narrowed width applies to the precision's own storage type only.
int network_lowering::bits_for(dtype t) const {
    return t == ref::activation_type(m_o.precision) ? m_o.bits : 0;
}

ref::quant_params network_lowering::params(value_range r, dtype t) const {
    return scheme_params(m_o.scheme, m_o.asymmetric, r, storage_range(t, bits_for(t)),
                         m_act_absmax);
}

std::vector<float> network_lowering::weight_scales(const nn::tensor& w, dtype wt) const {
    return quant::weight_scales(m_o.scheme, w, storage_range(wt, bits_for(wt)).hi, m_w_absmax);
}

precision network_lowering::precision_of(std::size_t i) const {
    const auto it = m_o.overrides.find(m_src.ops[i].name);
    return it == m_o.overrides.end() ? m_o.precision : it->second;
}

bool network_lowering::quantized(std::size_t i) const {
    const compiler::net_op& op = m_src.ops[i];
    // div has no integer path but as a mul by a constant's reciprocal;
    // integer row ops take no fused activation.
    const precision p = precision_of(i);
    if (op.type != compiler::op_type::layer || op.layer.prec != precision::fp32 ||
        p == precision::fp32)
        return false;
    return p == precision::fp16 ||
           ((op.layer.op != op_kind::div || divisor_constant(i)) &&
            !(ref::is_row_op(op.layer.op) && op.layer.act.kind != ref::act_kind::none));
}

// Op i divides by a constant with values, none of them 0: it runs as x * (1 / c).
std::optional<std::size_t> network_lowering::divisor_constant(std::size_t i) const {
    const std::vector<int> ins = compiler::operands(m_src, i);
    if (m_src.ops[i].layer.op != op_kind::div || ins.size() != 2 || !is_constant(ins[1]))
        return std::nullopt;
    const auto j = static_cast<std::size_t>(ins[1] - first_constant());
    const nn::tensor& c = m_src.constants[j].value;
    if (!c.has_values())
        return std::nullopt;
    const nn::tensor real = real_values(m_t[static_cast<std::size_t>(ins[1])], c);
    for (std::size_t k = 0; k < real.size(); ++k)
        if (!std::isfinite(1.0f / real.get_float(k)))
            return std::nullopt;
    return j;
}

// The reciprocal of constant j in the integer type `type`, symmetric (as
// weights are) so that a scalar such as 1/sqrt(head_dim) is exact.
int network_lowering::reciprocal(std::size_t j, dtype type, repr& r) {
    const int t = first_constant() + static_cast<int>(j);
    const nn::tensor real = real_values(m_t[static_cast<std::size_t>(t)], m_src.constants[j].value);
    nn::tensor inv(dtype::fp32, real.shape());
    float absmax = 0.0f;
    for (std::size_t k = 0; k < real.size(); ++k) {
        inv.set_float(k, 1.0f / real.get_float(k));
        absmax = std::max(absmax, std::fabs(inv.get_float(k)));
    }
    r = {type, symmetric_params(absmax, storage_range(type, 0).hi)};
    compiler::constant c = m_src.constants[j];
    c.value = ref::quantize(inv, r.q, type);
    c.q = r.q;
    c.name += std::string("/reciprocal/") + nn::to_string(type);
    m_out.constants.push_back(std::move(c));
    return constant_code(m_out.constants.size() - 1);
}

// A tensor already held as integers of the wanted type is read as it is
// (a pool's output keeps its input's scale: no requantizing step after it).
repr network_lowering::act_repr(int t, precision p) const {
    const dtype type = ref::activation_type(p);
    if (nn::is_float(type))
        return {type, {}};
    const auto k = static_cast<std::size_t>(t);
    if (!is_constant(t) && k < m_repr.size() && m_at[k] != -1 && m_repr[k].type == type)
        return m_repr[k];
    return {type, params(range(t), type)};
}

// The precision of the quantized op whose output reaches tensor `u`
// through data movement only; nothing for an input, a constant or a float op.
std::optional<precision> network_lowering::quantized_source(int u) const {
    while (u >= 1 && u <= static_cast<int>(m_src.ops.size())) {
        const auto j = static_cast<std::size_t>(u - 1);
        if (quantized(j))
            return precision_of(j);
        const compiler::net_op& op = m_src.ops[j];
        if (op.type != compiler::op_type::cpu || !moves_data(op.cpu.k))
            return std::nullopt;
        u = compiler::operands(m_src, j).at(0);
    }
    return std::nullopt;
}

// Op i, a concat reading `t`, joins it to another operand a quantized op
// produced: that op's precision (the concat then runs in integers).
std::optional<precision> network_lowering::concat_partner(std::size_t i, int t) const {
    const compiler::net_op& op = m_src.ops[i];
    if (op.type != compiler::op_type::cpu || op.cpu.k != cpuops::kind::concat)
        return std::nullopt;
    for (int u : compiler::operands(m_src, i))
        if (u != t)
            if (const std::optional<precision> q = quantized_source(u))
                return q;
    return std::nullopt;
}

// A float input whose readers all take integers (quantized layers, data
// movement, a concat with quantized activations: a decoder's KV cache) is
// quantized by the host; any other reader keeps it float.
void network_lowering::set_inputs() {
    std::vector<int> inputs = {0};
    for (std::size_t j = 0; j < m_src.extra_inputs.size(); ++j)
        inputs.push_back(first_extra() + static_cast<int>(j));
    for (int t : inputs) {
        repr r = original(t);
        bool integer_readers = false, float_readers = false;
        std::optional<precision> p;
        for (std::size_t i = 0; i < m_src.ops.size(); ++i) {
            const std::vector<int> in = compiler::operands(m_src, i);
            if (std::find(in.begin(), in.end(), t) == in.end())
                continue;
            const std::optional<precision> joined = concat_partner(i, t);
            if (quantized(i) && (!p || *p == precision_of(i))) {
                integer_readers = true;
                p = precision_of(i);
            } else if (joined && (!p || *p == *joined)) {
                integer_readers = true;  // a KV cache joined to quantized keys
                p = joined;
            } else if (!(m_src.ops[i].type == compiler::op_type::cpu &&
                         moves_data(m_src.ops[i].cpu.k))) {
                float_readers = true;
            }
        }
        if (r.type == dtype::fp32 && integer_readers && !float_readers)
            r = act_repr(t, *p);  // quantized (or rounded to fp16) by the host
        m_repr[static_cast<std::size_t>(t)] = r;
        if (t == 0) {
            m_at[0] = 0;
            m_out.input_type = r.type;
            m_out.input_q = r.q;
        } else {
            const auto j = static_cast<std::size_t>(t - first_extra());
            m_at[static_cast<std::size_t>(t)] = extra_code(j);
            m_out.extra_inputs[j].type = r.type;
            m_out.extra_inputs[j].q = r.q;
        }
    }
}

int network_lowering::constant(std::size_t j, const repr& want) {
    const std::string key = repr_key(std::to_string(j), want);
    const auto it = m_const.find(key);
    if (it != m_const.end())
        return constant_code(it->second);
    compiler::constant c = m_src.constants[j];
    const int t = first_constant() + static_cast<int>(j);
    if (!same_repr(original(t), want)) {
        const nn::tensor real = real_values(m_t[static_cast<std::size_t>(t)], c.value);
        c.value = nn::is_float(want.type) ? as_float_type(real, want.type)
                                          : ref::quantize(real, want.q, want.type);
        c.q = want.q;
        c.name += std::string("/") + nn::to_string(want.type);
    }
    m_out.constants.push_back(std::move(c));
    m_const[key] = m_out.constants.size() - 1;
    return constant_code(m_out.constants.size() - 1);
}

int network_lowering::operand(int t, const repr& want) {
    if (is_constant(t))
        return constant(static_cast<std::size_t>(t - first_constant()), want);
    const auto k = static_cast<std::size_t>(t);
    if (same_repr(m_repr[k], want))
        return m_at[k];
    const std::string key = repr_key(std::to_string(t), want);
    const auto it = m_converted.find(key);
    if (it != m_converted.end())
        return it->second;
    const std::string tensor = t == 0 ? "input"
                               : t < first_extra()
                                   ? m_src.ops[k - 1].name
                                   : m_src.extra_inputs[k - static_cast<std::size_t>(first_extra())].name;
    m_out.ops.push_back(convert_op(tensor, m_at[k], want));
    const int index = static_cast<int>(m_out.ops.size());
    m_converted[key] = index;
    return index;
}

void network_lowering::produce(int t, compiler::net_op op, const repr& r) {
    op.in2 = -1;
    m_out.ops.push_back(std::move(op));
    m_at[static_cast<std::size_t>(t)] = static_cast<int>(m_out.ops.size());
    m_repr[static_cast<std::size_t>(t)] = r;
}

void network_lowering::lower_layer(std::size_t i) {
    const compiler::net_op& s = m_src.ops[i];
    const precision p = precision_of(i);
    compiler::net_op op = s;
    ref::layer l = s.layer;
    l.prec = p;
    op.in.clear();
    std::vector<repr> want;
    const std::vector<int> ins = compiler::operands(m_src, i);
    const std::optional<std::size_t> divisor =
        p == precision::fp16 ? std::nullopt : divisor_constant(i);
    for (std::size_t k = 0; k < ins.size(); ++k) {
        if (divisor && k == 1) {  // x / c as the integer x * (1 / c)
            want.emplace_back();
            op.in.push_back(reciprocal(*divisor, ref::activation_type(p), want.back()));
            l.op = op_kind::mul;
            continue;
        }
        want.push_back(act_repr(ins[k], p));
        // A product's run-time weights are symmetric: one scale, zero point 0.
        if (s.weights_operand && k == 1 && want.back().q.zero_point != 0)
            want.back().q = symmetric_params(range(ins[k]).absmax(),
                                             storage_range(want.back().type, 0).hi);
        op.in.push_back(operand(ins[k], want.back()));
    }
    const dtype ot = ref::output_type(l);
    if (p == precision::fp16) {  // the same layer at half precision: no scales
        if (s.weights)
            op.weights = as_float_type(*s.weights, ref::weight_type(l));
        op.layer = l;
        return produce(static_cast<int>(i) + 1, std::move(op), {ot, {}});
    }
    l.in_q = want.at(0).q;
    if (s.weights_operand)
        l.w_scales = {want.at(1).q.scale};
    else if (want.size() > 1)
        l.in2_q = want[1].q;
    const bool table = ref::uses_table(l.act.kind);
    l.out_q = is_pool(l.op) && !table ? l.in_q : params(range(static_cast<int>(i) + 1), ot);
    if (needs_pre_activation(l))
        l.act_q = params(pre_activation_range(i), ot);
    if (s.weights) {
        const dtype wt = ref::weight_type(l);
        l.w_scales = weight_scales(*s.weights, wt);
        op.weights = ref::quantize_weights(*s.weights, l.w_scales, wt);
        if (s.bias)
            op.bias = ref::quantize_bias(*s.bias, l.in_q.scale, l.w_scales, ref::bias_type(l));
    }
    try {
        ref::lower_quantization(l);
    } catch (const std::exception& e) {
        fail("step '" + s.name + "': " + e.what());
    }
    narrow_outputs(l, storage_range(ot, bits_for(ot)));
    op.layer = l;
    produce(static_cast<int>(i) + 1, std::move(op), {ot, l.out_q});
}

// Data movement keeps its input's representation; a concat of integer
// tensors of one type requantizes them to its own output scale; zero padding
// pads with the zero point.
void network_lowering::pass_through(std::size_t i) {
    const compiler::net_op& s = m_src.ops[i];
    const std::vector<int> ins = compiler::operands(m_src, i);
    const auto have = [&](int t) {
        return is_constant(t) ? original(t) : m_repr[static_cast<std::size_t>(t)];
    };
    compiler::net_op op = s;
    op.in.clear();
    if (s.cpu.k == cpuops::kind::concat) {
        const dtype type = have(ins[0]).type;
        for (int t : ins)
            if (have(t).type != type || !nn::is_integer(type) || is_constant(t))
                return keep(i);
        const repr out{type, params(range(static_cast<int>(i) + 1), type)};
        for (int t : ins)
            op.in.push_back(operand(t, have(t)));
        op.cpu.floats = {out.q.scale, static_cast<float>(out.q.zero_point)};
        return produce(static_cast<int>(i) + 1, std::move(op), out);
    }
    const repr r = have(ins.at(0));
    if (s.cpu.k == cpuops::kind::spread && nn::is_integer(r.type) && r.q.zero_point != 0)
        return keep(i);  // the zeros it inserts are stored zeros
    if (s.cpu.k == cpuops::kind::pad && nn::is_integer(r.type) && !nn::is_integer(original(ins[0]).type)) {
        if (s.cpu.ints.at(0) != 0 || s.cpu.floats.at(0) != 0.0f)
            return keep(i);  // only zero is exact in every scale
        op.cpu.floats = {static_cast<float>(r.q.zero_point)};
    }
    op.in = {operand(ins[0], r)};
    for (std::size_t k = 1; k < ins.size(); ++k)  // gather's run-time indices
        op.in.push_back(operand(ins[k], original(ins[k])));
    produce(static_cast<int>(i) + 1, std::move(op), r);
}

void network_lowering::keep(std::size_t i) {
    compiler::net_op op = m_src.ops[i];
    op.in.clear();
    for (int t : compiler::operands(m_src, i))
        op.in.push_back(operand(t, original(t)));
    produce(static_cast<int>(i) + 1, std::move(op), original(static_cast<int>(i) + 1));
}

int network_lowering::resolve(int code) const {
    if (code >= -1)
        return code;
    if (code > -2 - constant_code_base)
        return m_out.extra_input_index(static_cast<std::size_t>(-2 - code));
    return m_out.constant_index(static_cast<std::size_t>(-2 - constant_code_base - code));
}

compiler::network network_lowering::run() {
    check_options();
    measure_globals();
    m_out.name = m_src.name;
    m_out.input_shape = m_src.input_shape;
    m_out.extra_inputs = m_src.extra_inputs;
    m_at.assign(m_t.size(), -1);
    m_repr.assign(m_t.size(), repr{});
    set_inputs();
    for (std::size_t i = 0; i < m_src.ops.size(); ++i) {
        const compiler::net_op& s = m_src.ops[i];
        if (quantized(i))
            lower_layer(i);
        else if (s.type == compiler::op_type::cpu &&
                 (moves_data(s.cpu.k) || s.cpu.k == cpuops::kind::concat ||
                  s.cpu.k == cpuops::kind::pad || s.cpu.k == cpuops::kind::spread))
            pass_through(i);
        else
            keep(i);
    }
    for (compiler::net_op& op : m_out.ops)
        for (int& t : op.in)
            t = resolve(t);
    m_out.output = resolve(m_at[static_cast<std::size_t>(m_src.output_index())]);
    for (int t : m_src.extra_outputs)
        m_out.extra_outputs.push_back(resolve(m_at[static_cast<std::size_t>(t)]));
    return std::move(m_out);
}

}  // namespace

namespace detail {

bool needs_pre_activation(const ref::layer& l) {
    return ref::uses_table(l.act.kind) && !is_pool(l.op) && l.op != op_kind::activation;
}

}  // namespace detail

compiler::network quantize_network(const compiler::network& net, const quant_options& o,
                                   const network_calibration& cal) {
    return network_lowering(net, o, cal).run();
}

}  // namespace nnvp::quant
