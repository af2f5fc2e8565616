// The network description: operands, tensor shapes and types, op builders,
// and build(), which hands the network to the package builder.
#include <stdexcept>

#include "nn/ref/ops.h"
#include "sw/compiler/activation_gemm.h"
#include "sw/compiler/builder.h"
#include "sw/compiler/package_builder.h"

namespace nnvp::compiler {

namespace detail {

std::string op_name(const net_op& op) {
    if (!op.name.empty())
        return op.name;
    return op.type == op_type::layer ? op.layer.name : cpuops::to_string(op.cpu.k);
}

[[noreturn]] void fail_op(const network& net, std::size_t i, const std::string& what) {
    throw std::invalid_argument("network '" + net.name + "': op " + std::to_string(i) + " '" +
                                op_name(net.ops[i]) + "': " + what);
}

}  // namespace detail

namespace {

using detail::fail_op;

bool two_operands(const ref::layer& l) {
    return ref::is_eltwise(l.op);
}

// The output of a product of two activations (activation_gemm.h).
tensor_desc activation_gemm_desc(const network& net, std::size_t i, const tensor_desc& a,
                                 const tensor_desc& bt) {
    const net_op& op = net.ops[i];
    const ref::layer& l = op.layer;
    if (op.weights || op.bias)
        fail_op(net, i, "a product of activations takes no constant weights or bias");
    if (a.type != ref::input_type(l) || bt.type != ref::weight_type(l))
        fail_op(net, i, std::string("operands ") + nn::to_string(a.type) + " and " +
                            nn::to_string(bt.type) + ": expected " +
                            nn::to_string(ref::input_type(l)) + " and " +
                            nn::to_string(ref::weight_type(l)));
    if (!nn::is_float(bt.type) && bt.q.zero_point != 0)
        fail_op(net, i, "operand 1 (the weights) has zero point " +
                            std::to_string(bt.q.zero_point) + ": weights are symmetric");
    try {
        activation_gemm_dims(l, op.batch, a.shape, bt.shape);
    } catch (const std::exception& e) {
        fail_op(net, i, e.what());
    }
    return {0, activation_gemm_shape(l, a.shape), ref::output_type(l), l.out_q};
}

}  // namespace

// The operand tensor indices of op i (the sequential defaults resolved).
std::vector<int> operands(const network& net, std::size_t i) {
    const net_op& op = net.ops[i];
    if (!op.in.empty())
        return op.in;
    std::vector<int> in{static_cast<int>(i)};
    if (op.type == op_type::layer && op.in2 >= 0)
        in.push_back(op.in2);
    return in;
}

std::vector<tensor_desc> plan_tensors(const network& net) {
    const std::size_t n = net.ops.size();
    std::vector<tensor_desc> t(static_cast<std::size_t>(net.tensor_count()));
    std::vector<bool> known(t.size(), false);
    t[0] = {0, net.input_shape, net.input_type, net.input_q};
    known[0] = true;
    for (std::size_t j = 0; j < net.extra_inputs.size(); ++j) {
        const tensor_spec& s = net.extra_inputs[j];
        const auto k = static_cast<std::size_t>(net.extra_input_index(j));
        t[k] = {0, s.shape, s.type, s.q};
        known[k] = true;
    }
    for (std::size_t j = 0; j < net.constants.size(); ++j) {
        const constant& c = net.constants[j];
        const auto k = static_cast<std::size_t>(net.constant_index(j));
        t[k] = {0, c.value.shape(), c.value.type(), c.q};
        known[k] = true;
    }
    for (std::size_t i = 0; i < n; ++i) {
        const net_op& op = net.ops[i];
        const std::vector<int> in = operands(net, i);
        for (std::size_t k = 0; k < in.size(); ++k)
            if (in[k] < 0 || in[k] >= static_cast<int>(t.size()) ||
                !known[static_cast<std::size_t>(in[k])])
                fail_op(net, i,
                        "operand " + std::to_string(k) + ": tensor " + std::to_string(in[k]) +
                            ": expected an input, a constant or an earlier op's output");
        tensor_desc out;
        if (op.type == op_type::layer) {
            const ref::layer& l = op.layer;
            const tensor_desc& a = t[static_cast<std::size_t>(in[0])];
            if (op.weights_operand) {
                out = activation_gemm_desc(net, i, a, t[static_cast<std::size_t>(in.at(1))]);
                t[i + 1] = out;
                known[i + 1] = true;
                continue;
            }
            if (in.size() != (two_operands(l) ? 2u : 1u))
                fail_op(net, i, std::to_string(in.size()) + " operands: expected " +
                                    (two_operands(l) ? "2 (add / mul)" : "1"));
            if (a.type != ref::input_type(l))
                fail_op(net, i, std::string("input is ") + nn::to_string(a.type) +
                                    ": expected " + nn::to_string(ref::input_type(l)));
            try {
                out.shape = ref::output_shape(l, a.shape);
            } catch (const std::exception& e) {
                fail_op(net, i, e.what());
            }
            out.type = ref::output_type(l);
            out.q = l.out_q;
        } else {
            std::vector<cpuops::tensor_info> ins;
            for (int k : in) {
                const tensor_desc& d = t[static_cast<std::size_t>(k)];
                ins.push_back({d.shape, d.type, d.q});
            }
            try {
                const cpuops::tensor_info o = cpuops::infer(op.cpu, ins);
                out.shape = o.shape;
                out.type = o.type;
                out.q = o.q;
            } catch (const std::exception& e) {
                fail_op(net, i, e.what());
            }
        }
        t[i + 1] = out;
        known[i + 1] = true;
    }
    const int o = net.output_index();
    if (o < 0 || o >= static_cast<int>(t.size()))
        throw std::invalid_argument("network '" + net.name + "': output tensor " +
                                    std::to_string(o) + ": expected below " +
                                    std::to_string(t.size()));
    int prev = 0;
    for (int e : net.extra_outputs)
        if (e < 1 || e > static_cast<int>(net.ops.size()) || e <= prev || e == o)
            throw std::invalid_argument("network '" + net.name + "': extra output tensor " +
                                        std::to_string(e) + ": expected an op's output (1.." +
                                        std::to_string(net.ops.size()) +
                                        "), ascending, other than the output " + std::to_string(o));
        else
            prev = e;
    return t;
}

net_op layer_op(const ref::layer& l, std::optional<nn::tensor> weights,
                std::optional<nn::tensor> bias, placement where) {
    net_op op;
    op.type = op_type::layer;
    op.name = l.name;
    op.layer = l;
    op.weights = std::move(weights);
    op.bias = std::move(bias);
    op.where = where;
    return op;
}

net_op cpu_op(const cpuops::op& o, std::vector<int> in, const std::string& name) {
    net_op op;
    op.type = op_type::cpu;
    op.name = name;
    op.cpu = o;
    op.in = std::move(in);
    return op;
}

net_op softmax_op(const std::string& name) {
    return cpu_op({cpuops::kind::softmax, {}, {}}, {}, name);
}

net_op reshape_op(const nn::shape4& shape, const std::string& name) {
    return cpu_op({cpuops::kind::reshape, {shape.n, shape.h, shape.w, shape.c}, {}}, {}, name);
}

built_package build(const network& net, const build_options& opt) {
    return detail::package_builder(net, opt).run();
}


}  // namespace nnvp::compiler
