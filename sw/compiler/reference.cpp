#include "sw/compiler/reference.h"

#include <stdexcept>

#include "nn/ref/ops.h"
#include "sw/compiler/activation_gemm.h"

namespace nnvp::compiler {

std::vector<nn::tensor> reference_run(const network& net, const std::vector<nn::tensor>& inputs) {
    const std::vector<tensor_desc> d = plan_tensors(net);
    if (inputs.size() != 1 + net.extra_inputs.size())
        throw std::invalid_argument("network '" + net.name + "': " +
                                    std::to_string(inputs.size()) + " inputs given, expected " +
                                    std::to_string(1 + net.extra_inputs.size()));
    std::vector<nn::tensor> t(d.size());
    auto set_input = [&](std::size_t index, const nn::tensor& v) {
        if (v.type() != d[index].type || v.shape() != d[index].shape)
            throw std::invalid_argument("network '" + net.name + "': input tensor " +
                                        std::to_string(index) + " is " + nn::to_string(v.type()) +
                                        " " + nn::to_string(v.shape()) + ": expected " +
                                        nn::to_string(d[index].type) + " " +
                                        nn::to_string(d[index].shape));
        t[index] = v;
    };
    set_input(0, inputs[0]);
    for (std::size_t j = 0; j < net.extra_inputs.size(); ++j)
        set_input(static_cast<std::size_t>(net.extra_input_index(j)), inputs[j + 1]);
    for (std::size_t j = 0; j < net.constants.size(); ++j)
        t[static_cast<std::size_t>(net.constant_index(j))] = net.constants[j].value;
    for (std::size_t i = 0; i < net.ops.size(); ++i) {
        const net_op& op = net.ops[i];
        const std::vector<int> in = operands(net, i);
        if (op.type == op_type::layer && op.weights_operand) {
            t[i + 1] = activation_gemm(op.layer, op.batch, t[static_cast<std::size_t>(in[0])],
                                       t[static_cast<std::size_t>(in[1])],
                                       [](const ref::layer& l, const nn::tensor& a,
                                          const nn::tensor& w) { return ref::execute(l, a, &w); });
        } else if (op.type == op_type::layer) {
            const nn::tensor* second =
                in.size() > 1 ? &t[static_cast<std::size_t>(in[1])] : (op.weights ? &*op.weights : nullptr);
            t[i + 1] = ref::execute(op.layer, t[static_cast<std::size_t>(in[0])], second,
                                    op.bias ? &*op.bias : nullptr);
        } else {
            std::vector<const nn::tensor*> ins;
            std::vector<cpuops::tensor_info> infos;
            for (int k : in) {
                const auto u = static_cast<std::size_t>(k);
                ins.push_back(&t[u]);
                infos.push_back({d[u].shape, d[u].type, d[u].q});
            }
            t[i + 1] = cpuops::execute(op.cpu, ins, infos, {d[i + 1].shape, d[i + 1].type, d[i + 1].q});
        }
    }
    return t;
}

}  // namespace nnvp::compiler
