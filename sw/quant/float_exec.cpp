#include "sw/quant/float_exec.h"

#include "nn/kernels/kernels.h"
#include "sw/net/lower.h"
#include "sw/quant/cpu_lowering.h"
#include "nn/ref/activation.h"

namespace nnvp::quant {

namespace {

[[noreturn]] void fail(const net::graph& g, const std::string& what) {
    throw net::graph_error("network '" + g.name() + "': " + what);
}

void check_inputs(const net::graph& g, const std::vector<nn::tensor>& inputs) {
    if (!g.valid())
        fail(g, "run_float: the graph is not validated");
    if (inputs.size() != g.inputs().size())
        fail(g, "run_float: " + std::to_string(inputs.size()) + " input tensors, expected " +
                    std::to_string(g.inputs().size()));
    for (std::size_t i = 0; i < inputs.size(); ++i) {
        const net::value_info& v = g.inputs()[i];
        if (inputs[i].type() != nn::dtype::fp32 || inputs[i].shape() != v.shape)
            fail(g, "input '" + v.name + "': got " + nn::to_string(inputs[i].type()) + " " +
                        nn::to_string(inputs[i].shape()) + ", expected fp32 " +
                        nn::to_string(v.shape));
    }
}

nn::tensor run_core(const net::graph& g, const net::node& n,
                    const std::vector<const nn::tensor*>& ins, const float_exec_options& opt,
                    float_run& run) {
    ref::layer l = net::to_ref_layer(g, n);
    const kernels::options kopt{opt.threads};
    const bool weighted = n.op == net::op_type::conv2d || n.op == net::op_type::fully_connected;
    if (weighted && (n.weights.empty() || (n.has_bias && n.bias.empty())))
        fail(g, "node '" + n.name + "': weights: not materialized (call materialize_weights)");
    const nn::tensor* second = weighted ? &n.weights : (ins.size() > 1 ? ins[1] : nullptr);
    const nn::tensor* bias = weighted && n.has_bias ? &n.bias : nullptr;
    if (!opt.pre_activations || !ref::uses_table(n.act.kind))
        return kernels::execute(l, *ins[0], second, bias, kopt);
    // Split "op + table activation" into two steps; fp32 results are the
    // same, since the fused epilogue applies the activation after the bias.
    l.act = ref::activation{};
    nn::tensor pre = kernels::execute(l, *ins[0], second, bias, kopt);
    ref::layer act;
    act.name = n.name;
    act.op = ref::op_kind::activation;
    act.act = n.act;
    nn::tensor out = kernels::execute(act, pre, nullptr, nullptr, kopt);
    run.pre_activation[n.name] = std::move(pre);
    return out;
}

}  // namespace

float_run run_float(const net::graph& g, const std::vector<nn::tensor>& inputs,
                    const float_exec_options& opt) {
    check_inputs(g, inputs);
    float_run run;
    for (std::size_t i = 0; i < inputs.size(); ++i)
        run.values[g.inputs()[i].name] = inputs[i];
    for (std::size_t idx : g.order()) {
        const net::node& n = g.nodes()[idx];
        std::vector<const nn::tensor*> ins;
        std::vector<cpuops::tensor_info> infos;
        for (const std::string& name : n.inputs) {
            const nn::tensor& t = run.values.at(name);
            ins.push_back(&t);
            infos.push_back({t.shape(), t.type(), {}});
        }
        nn::tensor out;
        if (net::runs_on_core(n.op)) {
            out = run_core(g, n, ins, opt, run);
        } else {
            const cpuops::op o = to_cpu_op(g, n);
            out = cpuops::execute(o, ins, infos, cpuops::infer(o, infos));
        }
        run.values[n.outputs.at(0)] = std::move(out);
    }
    return run;
}

}  // namespace nnvp::quant
