#include "firmware/runtime/cpu_cost_model.h"

namespace nnvp::fw {

namespace {

uint64_t ceil_milli(uint64_t millicycles) {
    return (millicycles + 999) / 1000;
}

}  // namespace

cpu_work layer_work(const nncore_cmd::decoded_layer& d) {
    const ref::layer& l = d.layer;
    const uint64_t out = d.plan.out_shape.count();
    const nn::shape4& in = d.plan.in_shape;
    cpu_work w;
    switch (l.op) {
        case ref::op_kind::conv2d:
            w.macs = out * static_cast<uint64_t>(l.geo.kernel_h) *
                     static_cast<uint64_t>(l.geo.kernel_w) *
                     static_cast<uint64_t>(in.c / (l.geo.groups > 0 ? l.geo.groups : 1));
            w.elements = out;
            break;
        case ref::op_kind::fully_connected:
            w.macs = out * static_cast<uint64_t>(in.h) * static_cast<uint64_t>(in.w) *
                     static_cast<uint64_t>(in.c);
            w.elements = out;
            break;
        case ref::op_kind::max_pool:
        case ref::op_kind::avg_pool:
            w.elements =
                out * static_cast<uint64_t>(l.geo.kernel_h) * static_cast<uint64_t>(l.geo.kernel_w);
            break;
        case ref::op_kind::global_avg_pool:
        case ref::op_kind::global_max_pool:
            w.elements = in.count();
            break;
        case ref::op_kind::add:
        case ref::op_kind::mul:
        case ref::op_kind::sub:
        case ref::op_kind::div:
        case ref::op_kind::max:
        case ref::op_kind::min:
        case ref::op_kind::activation:
            w.elements = out;
            break;
        case ref::op_kind::reduce_sum:
        case ref::op_kind::reduce_max:
        case ref::op_kind::reduce_mean:
            w.elements = in.count();
            break;
        case ref::op_kind::softmax:  // as the softmax CPU op: an exp per element
            w.elements = 3 * out;
            w.transcendental = out;
            break;
        case ref::op_kind::normalize:
            w.elements = 4 * out;
            break;
    }
    // Float paths evaluate a function through libm, as the softmax's exp.
    if (ref::is_piecewise_function(l.act.kind) && nn::is_float(ref::output_type(l)))
        w.transcendental = out;
    return w;
}

uint64_t layer_cycles(const cpu_cost_model& m, const nncore_cmd::decoded_layer& d) {
    const cpu_work w = layer_work(d);
    const auto p = static_cast<std::size_t>(d.layer.prec);
    const uint64_t mac = p < m.mac_millicycles.size() ? m.mac_millicycles[p] : 0;
    return m.step_cycles + ceil_milli(w.macs * mac + w.elements * m.element_millicycles +
                                      w.transcendental * m.softmax_millicycles);
}

uint64_t softmax_cycles(const cpu_cost_model& m, uint64_t elements) {
    return m.step_cycles + ceil_milli(elements * m.softmax_millicycles);
}

uint64_t copy_cycles(const cpu_cost_model& m, uint64_t bytes) {
    return m.step_cycles + ceil_milli(bytes * m.copy_millicycles);
}

uint64_t cpu_op_cycles(const cpu_cost_model& m, const cpuops::work& w) {
    return m.step_cycles + ceil_milli(w.elements * m.element_millicycles +
                                      w.transcendental * m.softmax_millicycles +
                                      w.bytes * m.copy_millicycles);
}

uint64_t checksum_cycles(const cpu_cost_model& m, uint64_t bytes) {
    return ceil_milli(bytes * m.checksum_millicycles);
}

}  // namespace nnvp::fw
