// quantize(): the options checked, activations fused, ranges calibrated
// (functional runs), then one lowering of the fused graph (lowering.h); and
// the conversions of a network's input and output to and from fp32.
#include "sw/quant/quantizer.h"

#include "nn/ref/quant.h"
#include "sw/quant/fuse.h"
#include "sw/quant/lowering.h"
#include "sw/quant/network_exec.h"

namespace nnvp::quant {

namespace detail {

using ref::precision;

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

}  // namespace detail

compiler::network quantize(const net::graph& g, const quant_options& o, const calibration& cal) {
    check_options(o);
    const net::graph fused = fuse_activations(g);
    return detail::lowering(fused, o, cal).run();
}

compiler::network quantize(const net::graph& g, const quant_options& o,
                           const std::vector<nn::tensor>& calibration_inputs) {
    check_options(o);
    const net::graph fused = fuse_activations(g);
    calibration cal;
    if (o.scheme != scheme::none)
        cal = calibrate(fused, calibration_inputs, o.calibration, o.percentile, o.threads);
    return detail::lowering(fused, o, cal).run();
}

nn::tensor quantize_input(const compiler::network& net, const nn::tensor& real) {
    if (real.type() != nn::dtype::fp32 || real.shape() != net.input_shape)
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
    nn::tensor r(nn::dtype::fp32, out.shape());
    for (std::size_t i = 0; i < out.size(); ++i)
        r.set_float(i, out.get_float(i));
    return r;
}

}  // namespace nnvp::quant
