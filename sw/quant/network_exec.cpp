#include "sw/quant/network_exec.h"

#include "sw/compiler/activation_gemm.h"

#include <stdexcept>

#include "nn/kernels/kernels.h"
#include "nn/ref/ops.h"

namespace nnvp::quant {

namespace {

[[noreturn]] void fail(const compiler::network& net, std::size_t i, const std::string& what) {
    const compiler::net_op& op = net.ops[i];
    throw std::invalid_argument("network '" + net.name + "': op " + std::to_string(i) + " '" +
                                op.name + "': " + what);
}

// The tensor indices op i reads (the sequential defaults resolved).
std::vector<int> op_operands(const compiler::network& net, std::size_t i) {
    const compiler::net_op& op = net.ops[i];
    std::vector<int> in = op.in;
    if (in.empty())
        in.push_back(static_cast<int>(i));
    const bool two = op.type == compiler::op_type::layer && ref::is_eltwise(op.layer.op);
    if (two && in.size() == 1) {
        if (op.in2 < 0)
            fail(net, i, "second operand: missing (set in or in2)");
        in.push_back(op.in2);
    }
    for (int t : in)
        if (t < 0 || t >= net.tensor_count() ||
            (t > static_cast<int>(i) && t <= static_cast<int>(net.ops.size())))
            fail(net, i,
                 "operand tensor " + std::to_string(t) +
                     ": expected an earlier tensor or a constant");
    return in;
}

cpuops::tensor_info layer_info(const compiler::network& net, std::size_t i,
                               const std::vector<cpuops::tensor_info>& ins) {
    const ref::layer& l = net.ops[i].layer;
    try {
        const nn::dtype t = ref::output_type(l);
        const nn::shape4 s = net.ops[i].weights_operand
                                 ? compiler::activation_gemm_shape(l, ins.at(0).shape)
                                 : ref::output_shape(l, ins.at(0).shape);
        return {s, t, nn::is_integer(t) ? l.out_q : ref::quant_params{}};
    } catch (const std::exception& e) {
        fail(net, i, e.what());
    }
}

}  // namespace

std::vector<cpuops::tensor_info> tensor_infos(const compiler::network& net) {
    if (!net.extra_inputs.empty())
        throw std::invalid_argument("network '" + net.name +
                                    "': extra inputs: not supported by the quantizer's runner");
    std::vector<cpuops::tensor_info> infos(static_cast<std::size_t>(net.tensor_count()));
    infos[0] = {net.input_shape, net.input_type, net.input_q};
    for (std::size_t j = 0; j < net.constants.size(); ++j) {
        const compiler::constant& c = net.constants[j];
        infos[static_cast<std::size_t>(net.constant_index(j))] = {c.value.shape(), c.value.type(),
                                                                  c.q};
    }
    for (std::size_t i = 0; i < net.ops.size(); ++i) {
        std::vector<cpuops::tensor_info> ins;
        for (int t : op_operands(net, i))
            ins.push_back(infos[static_cast<std::size_t>(t)]);
        const compiler::net_op& op = net.ops[i];
        if (op.type == compiler::op_type::layer) {
            infos[i + 1] = layer_info(net, i, ins);
        } else {
            try {
                infos[i + 1] = cpuops::infer(op.cpu, ins);
            } catch (const std::exception& e) {
                fail(net, i, e.what());
            }
        }
    }
    return infos;
}

std::vector<nn::tensor> run_network(const compiler::network& net, const nn::tensor& input,
                                    unsigned threads) {
    const std::vector<cpuops::tensor_info> infos = tensor_infos(net);
    if (input.type() != net.input_type || input.shape() != net.input_shape)
        throw std::invalid_argument(
            "network '" + net.name + "': input is " + nn::to_string(input.type()) + " " +
            nn::to_string(input.shape()) + ", expected " + nn::to_string(net.input_type) + " " +
            nn::to_string(net.input_shape));
    std::vector<nn::tensor> t(infos.size());
    t[0] = input;
    for (std::size_t j = 0; j < net.constants.size(); ++j)
        t[static_cast<std::size_t>(net.constant_index(j))] = net.constants[j].value;
    const kernels::options kopt{threads};
    for (std::size_t i = 0; i < net.ops.size(); ++i) {
        const compiler::net_op& op = net.ops[i];
        const std::vector<int> in = op_operands(net, i);
        try {
            if (op.type == compiler::op_type::layer && op.weights_operand) {
                t[i + 1] = compiler::activation_gemm(
                    op.layer, op.batch, t[static_cast<std::size_t>(in[0])],
                    t[static_cast<std::size_t>(in[1])],
                    [&](const ref::layer& l, const nn::tensor& a, const nn::tensor& w) {
                        return kernels::execute(l, a, &w, nullptr, kopt);
                    });
            } else if (op.type == compiler::op_type::layer) {
                const nn::tensor* second = in.size() > 1 ? &t[static_cast<std::size_t>(in[1])]
                                                         : (op.weights ? &*op.weights : nullptr);
                t[i + 1] = kernels::execute(op.layer, t[static_cast<std::size_t>(in[0])],
                                                    second, op.bias ? &*op.bias : nullptr, kopt);
            } else {
                std::vector<const nn::tensor*> ins;
                std::vector<cpuops::tensor_info> ii;
                for (int k : in) {
                    ins.push_back(&t[static_cast<std::size_t>(k)]);
                    ii.push_back(infos[static_cast<std::size_t>(k)]);
                }
                t[i + 1] = cpuops::execute(op.cpu, ins, ii, infos[i + 1]);
            }
        } catch (const std::invalid_argument& e) {
            fail(net, i, e.what());
        }
    }
    return t;
}

}  // namespace nnvp::quant
