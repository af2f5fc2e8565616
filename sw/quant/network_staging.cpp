// The network quantizer's host-side companions: calibration on the float
// network, and the conversions of inputs and outputs (network_quantizer.h).
#include <cmath>

#include "nn/ref/ops.h"
#include "nn/ref/quant.h"
#include "sw/compiler/reference.h"
#include "sw/quant/network_quantizer.h"
#include "sw/quant/representation.h"

namespace nnvp::quant {

using nn::dtype;
using ref::precision;

network_calibration calibrate_network(const compiler::network& net,
                                      const std::vector<std::vector<nn::tensor>>& samples,
                                      range_method m, double percentile) {
    if (samples.empty())
        throw quant_error("calibrate: network '" + net.name + "': no samples");
    network_calibration cal;
    const auto merge = [&](value_range& into, const nn::tensor& t, bool first) {
        const value_range r = observe(t, m, percentile);
        if (first)
            into = r;
        else
            into.merge(r);
    };
    for (std::size_t k = 0; k < samples.size(); ++k) {
        const std::vector<nn::tensor> v = compiler::reference_run(net, samples[k]);
        cal.tensors.resize(v.size());
        for (std::size_t t = 0; t < v.size(); ++t)
            if (nn::is_float(v[t].type()))
                merge(cal.tensors[t], v[t], k == 0);
        for (std::size_t i = 0; i < net.ops.size(); ++i) {
            const compiler::net_op& op = net.ops[i];
            if (op.type != compiler::op_type::layer || !detail::needs_pre_activation(op.layer) ||
                op.layer.prec != precision::fp32)
                continue;
            ref::layer l = op.layer;
            l.act = ref::activation{};
            const std::vector<int> in = compiler::operands(net, i);
            const nn::tensor* second = op.weights ? &*op.weights
                                       : in.size() > 1 ? &v[static_cast<std::size_t>(in[1])]
                                                       : nullptr;
            const nn::tensor pre = ref::execute(l, v[static_cast<std::size_t>(in[0])], second,
                                                op.bias ? &*op.bias : nullptr);
            merge(cal.pre_activations[i], pre, k == 0);
        }
    }
    return cal;
}

std::vector<nn::tensor> quantize_inputs(const compiler::network& q,
                                        const std::vector<nn::tensor>& values) {
    const std::vector<compiler::tensor_desc> t = compiler::plan_tensors(q);
    if (values.size() != 1 + q.extra_inputs.size())
        throw quant_error("quantize_inputs: network '" + q.name + "': " +
                          std::to_string(values.size()) + " values for " +
                          std::to_string(1 + q.extra_inputs.size()) + " inputs");
    std::vector<nn::tensor> staged;
    for (std::size_t k = 0; k < values.size(); ++k) {
        const compiler::tensor_desc& d =
            t[k == 0 ? 0 : static_cast<std::size_t>(q.extra_input_index(k - 1))];
        const nn::tensor& v = values[k];
        if (v.type() == d.type)
            staged.push_back(v);
        else if (nn::is_float(v.type()) && nn::is_integer(d.type))
            staged.push_back(ref::quantize(real_values({}, v), d.q, d.type));
        else if (nn::is_float(v.type()) && nn::is_float(d.type))
            staged.push_back(as_float_type(v, d.type));
        else
            throw quant_error("quantize_inputs: network '" + q.name + "': input " +
                              std::to_string(k) + " is " + nn::to_string(v.type()) +
                              ", expected " + nn::to_string(d.type));
    }
    return staged;
}

nn::tensor real_values(const compiler::tensor_desc& d, const nn::tensor& t) {
    // Integer tensors without a quantization (indices) have scale 1, zero point 0.
    if (!t.has_values())
        return nn::tensor::without_values(dtype::fp32, t.shape());
    nn::tensor r(dtype::fp32, t.shape());
    for (std::size_t i = 0; i < t.size(); ++i)
        r.set_float(i, nn::is_integer(t.type())
                           ? d.q.scale * static_cast<float>(t.get_int(i) - d.q.zero_point)
                           : t.get_float(i));
    return r;
}

}  // namespace nnvp::quant
