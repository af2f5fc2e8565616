#include "sw/quant/cpu_lowering.h"

namespace nnvp::quant {

cpuops::op to_cpu_op(const net::graph& g, const net::node& n) {
    cpuops::op o;
    const nn::shape4 out = g.tensor(n.outputs.at(0)).shape;
    switch (n.op) {
        case net::op_type::softmax:
            o.k = cpuops::kind::softmax;
            break;
        case net::op_type::flatten:
        case net::op_type::reshape:
            o.k = cpuops::kind::reshape;
            o.ints = {out.n, out.h, out.w, out.c};
            break;
        case net::op_type::concat:
            o.k = cpuops::kind::concat;
            o.ints = {n.axis};
            break;
        case net::op_type::lrn:
            o.k = cpuops::kind::lrn;
            o.ints = {n.lrn.size};
            o.floats = {n.lrn.alpha, n.lrn.beta, n.lrn.bias};
            break;
        default:
            throw net::graph_error("network '" + g.name() + "': node '" + n.name + "' (" +
                                   net::to_string(n.op) + "): not a CPU op");
    }
    return o;
}

}  // namespace nnvp::quant
