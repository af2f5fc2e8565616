// Which precision and quantization each tensor of the graph gets: tensors
// that must share a quantization grouped and their calibrated ranges merged,
// the scheme's scales for activations, pre-activations and weights
// (scale_choice.h), and the precision of each layer with its overrides.
#include <algorithm>
#include <cmath>

#include "sw/quant/lowering.h"
#include "sw/quant/scale_choice.h"

namespace nnvp::quant::detail {

namespace {

using nn::dtype;
using ref::precision;

}  // namespace

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
            !n.weights.empty())
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
    if (m_o.scheme == scheme::none)
        fail(std::string("integer type ") + nn::to_string(t) + " with scheme none");
    return scheme_params(m_o.scheme, m_o.asymmetric, r, storage_range(t, bits_for(t)),
                         m_act_absmax);
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
    return quant::weight_scales(m_o.scheme, n.weights, storage_range(wt, bits_for(wt)).hi,
                                m_w_absmax);
}

}  // namespace nnvp::quant::detail
