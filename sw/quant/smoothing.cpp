#include "sw/quant/smoothing.h"

#include <algorithm>
#include <cmath>
#include <optional>

#include "sw/compiler/reference.h"
#include "sw/quant/quant_options.h"

namespace nnvp::quant {

namespace {

using compiler::network;
using compiler::tensor_desc;

// A tensor to smooth: the output of γ's mul (or of β's add after it) and
// the fully connected layers that read it.
struct site {
    std::size_t gamma_op = 0;
    std::optional<std::size_t> beta_op;
    int tensor = 0;
    int channels = 0;
    std::vector<std::size_t> readers;
};

class smoother {
public:
    smoother(const network& net)
        : m_net(net), m_t(compiler::plan_tensors(net)), m_readers(m_t.size()) {
        for (std::size_t i = 0; i < net.ops.size(); ++i)
            for (int k : compiler::operands(net, i))
                m_readers[static_cast<std::size_t>(k)].push_back(i);
    }

    std::vector<site> find_sites() const;
    std::vector<std::vector<float>> activation_maxima(
        const std::vector<site>& sites, const std::vector<std::vector<nn::tensor>>& samples) const;
    void apply(network& out, const site& s, const std::vector<float>& x_max, double alpha) const;

private:
    // Op i is a float `kind` layer of its input and a constant over the
    // output's channels: that constant's tensor index.
    std::optional<int> affine_constant(std::size_t i, ref::op_kind kind) const;
    bool linear_readers(int t, int channels, std::vector<std::size_t>& out) const;
    int add_scaled_constant(network& out, int t, const std::vector<float>& s) const;

    const network& m_net;
    std::vector<tensor_desc> m_t;
    std::vector<std::vector<std::size_t>> m_readers;  // per tensor: the ops that read it
};

bool float32_with_values(const nn::tensor& t) {
    return t.type() == nn::dtype::fp32 && t.has_values();
}

std::optional<int> smoother::affine_constant(std::size_t i, ref::op_kind kind) const {
    const compiler::net_op& op = m_net.ops[i];
    if (op.type != compiler::op_type::layer || op.layer.op != kind ||
        op.layer.prec != ref::precision::fp32 || op.layer.act.kind != ref::act_kind::none)
        return std::nullopt;
    const std::vector<int> in = compiler::operands(m_net, i);
    const int channels = m_t[i + 1].shape.c;
    if (in.size() != 2 || in[1] < m_net.constant_index(0))
        return std::nullopt;
    const auto c = static_cast<std::size_t>(in[1] - m_net.constant_index(0));
    const nn::tensor& v = m_net.constants[c].value;
    if (!float32_with_values(v) || v.shape().c != channels ||
        v.size() != static_cast<std::size_t>(channels))
        return std::nullopt;
    return in[1];
}

// Every reader of t (through reshapes that keep `channels` innermost) is a
// fully connected layer over exactly those channels, with float weights.
bool smoother::linear_readers(int t, int channels, std::vector<std::size_t>& out) const {
    const auto k = static_cast<std::size_t>(t);
    if (m_net.is_output(t) || m_readers[k].empty())
        return false;
    for (std::size_t r : m_readers[k]) {
        const compiler::net_op& op = m_net.ops[r];
        if (op.type == compiler::op_type::cpu && op.cpu.k == cpuops::kind::reshape) {
            if (m_t[r + 1].shape.c != channels ||
                !linear_readers(static_cast<int>(r) + 1, channels, out))
                return false;
            continue;
        }
        const nn::shape4& in = m_t[k].shape;
        const bool linear = op.type == compiler::op_type::layer &&
                            op.layer.op == ref::op_kind::fully_connected &&
                            op.layer.prec == ref::precision::fp32 && !op.weights_operand &&
                            op.weights && float32_with_values(*op.weights) &&
                            compiler::operands(m_net, r) == std::vector<int>{t} && in.h == 1 &&
                            in.w == 1 && op.weights->shape().c == channels;
        if (!linear)
            return false;
        out.push_back(r);
    }
    return true;
}

std::vector<site> smoother::find_sites() const {
    std::vector<site> sites;
    for (std::size_t i = 0; i < m_net.ops.size(); ++i) {
        if (!affine_constant(i, ref::op_kind::mul))
            continue;
        site s;
        s.gamma_op = i;
        s.tensor = static_cast<int>(i) + 1;
        s.channels = m_t[i + 1].shape.c;
        const std::vector<std::size_t>& next = m_readers[i + 1];
        if (next.size() == 1 && affine_constant(next[0], ref::op_kind::add) &&
            compiler::operands(m_net, next[0])[0] == s.tensor && !m_net.is_output(s.tensor)) {
            s.beta_op = next[0];
            s.tensor = static_cast<int>(next[0]) + 1;
        }
        if (linear_readers(s.tensor, s.channels, s.readers))
            sites.push_back(std::move(s));
    }
    return sites;
}

std::vector<std::vector<float>> smoother::activation_maxima(
    const std::vector<site>& sites, const std::vector<std::vector<nn::tensor>>& samples) const {
    std::vector<std::vector<float>> x_max;
    for (const site& s : sites)
        x_max.emplace_back(static_cast<std::size_t>(s.channels), 0.0f);
    for (const std::vector<nn::tensor>& sample : samples) {
        const std::vector<nn::tensor> v = compiler::reference_run(m_net, sample);
        for (std::size_t k = 0; k < sites.size(); ++k) {
            const nn::tensor& x = v[static_cast<std::size_t>(sites[k].tensor)];
            const auto c = static_cast<std::size_t>(sites[k].channels);
            for (std::size_t e = 0; e < x.size(); ++e)
                x_max[k][e % c] = std::max(x_max[k][e % c], std::fabs(x.get_float(e)));
        }
    }
    return x_max;
}

// Constant tensor t divided by s over its channels, as a new constant.
int smoother::add_scaled_constant(network& out, int t, const std::vector<float>& s) const {
    compiler::constant c = m_net.constants[static_cast<std::size_t>(t - m_net.constant_index(0))];
    for (std::size_t j = 0; j < s.size(); ++j)
        c.value.set_float(j, c.value.get_float(j) / s[j]);
    c.name += "/smoothed";
    out.constants.push_back(std::move(c));
    return out.constant_index(out.constants.size() - 1);
}

void smoother::apply(network& out, const site& st, const std::vector<float>& x_max,
                     double alpha) const {
    const auto c = static_cast<std::size_t>(st.channels);
    std::vector<float> w_max(c, 0.0f);
    for (std::size_t r : st.readers) {
        const nn::tensor& w = *m_net.ops[r].weights;
        for (std::size_t e = 0; e < w.size(); ++e)
            w_max[e % c] = std::max(w_max[e % c], std::fabs(w.get_float(e)));
    }
    std::vector<float> s(c, 1.0f);
    for (std::size_t j = 0; j < c; ++j)
        if (x_max[j] > 0 && w_max[j] > 0)
            s[j] = static_cast<float>(std::pow(double(x_max[j]), alpha) /
                                      std::pow(double(w_max[j]), 1.0 - alpha));
    for (std::optional<std::size_t> op : {std::optional<std::size_t>(st.gamma_op), st.beta_op}) {
        if (!op)
            continue;
        const std::vector<int> in = compiler::operands(m_net, *op);
        out.ops[*op].in = {in[0], add_scaled_constant(out, in[1], s)};
        out.ops[*op].in2 = -1;
    }
    for (std::size_t r : st.readers) {
        nn::tensor& w = *out.ops[r].weights;
        for (std::size_t e = 0; e < w.size(); ++e)
            w.set_float(e, w.get_float(e) * s[e % c]);
    }
}

}  // namespace

smoothing_result smooth_network(const network& net,
                                const std::vector<std::vector<nn::tensor>>& samples,
                                double alpha) {
    if (!(alpha > 0.0 && alpha <= 1.0))
        throw quant_error("smoothquant " + std::to_string(alpha) + ": expected a value in (0, 1]");
    if (samples.empty())
        throw quant_error("smoothquant: network '" + net.name + "': no calibration samples");
    const smoother sm(net);
    const std::vector<site> sites = sm.find_sites();
    smoothing_result r{net, {}};
    if (sites.empty())
        return r;
    const std::vector<std::vector<float>> x_max = sm.activation_maxima(sites, samples);
    for (std::size_t k = 0; k < sites.size(); ++k) {
        sm.apply(r.net, sites[k], x_max[k], alpha);
        r.smoothed.push_back(net.ops[sites[k].gamma_op].name);
    }
    return r;
}

}  // namespace nnvp::quant
