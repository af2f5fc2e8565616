// Cost of one layer: the GEMM view of conv2d / fully_connected on the PE array
// (fold_model.cpp), the vector unit for the other ops, sparsity, buffer bytes
// and energy. docs/nncore_timing.md has the derivations.
#include "nn/cost/action_energy.h"
#include "nn/cost/count_math.h"
#include "nn/cost/layer_view.h"
#include "nn/cost/layer_cost.h"

namespace nnvp::cost {

using detail::ceil_div;
using detail::clamp_fraction;
using detail::packed_bytes;
using detail::scaled_count;

namespace {

// Zero skipping shortens the temporal stream only where a whole temporal step
// is zero. OS streams both operands along K (a step is idle when either the
// ifmap or the filter slice is zero); WS streams the ifmap (pixels in time),
// IS streams the filters.
double stream_density(dataflow d, const sparsity& sp) {
    if (sp.kind != sparsity::skip)
        return 1.0;
    const double wd = clamp_fraction(sp.weight_density);
    const double ad = clamp_fraction(sp.activation_density);
    switch (d) {
        case dataflow::weight_stationary:
            return ad;
        case dataflow::input_stationary:
            return wd;
        default:
            return wd * ad;
    }
}

layer_cost gemm_cost(const detail::layer_view& v, dataflow flow, const core_params& params,
                     const sparsity& sp) {
    layer_cost c;
    c.flow = flow;
    c.prec = v.prec;
    c.groups = v.groups;
    c.P = v.gemm_p();
    c.K = v.gemm_k();
    c.M = v.opg;
    const unsigned m = params.macs_for(v.prec);
    const fold_timing f = fold_model(c.P, c.K, c.M, flow, params, m, stream_density(flow, sp));
    const uint64_t g = c.groups;
    c.folds = f.folds * g;
    c.cycles_per_fold = f.cycles_per_fold;
    c.compute_cycles = f.compute_cycles * g;
    // Summed over folds, the mapped PEs are sr * sc (a partial fold maps fewer).
    c.clocked_pe_cycles = g * f.sr * f.sc * f.cycles_per_fold;
    c.macs = f.macs * g;
    const uint64_t executed = f.executed_macs * g;
    c.zero_skipped_macs = c.macs - executed;
    // Gating (also part of skipping hardware): a MAC with a zero operand costs
    // no energy. Zeros are independent, so weight_density * activation_density
    // of the MACs see two non-zero operands.
    // Hardware zero gating (params.zero_gating, Eyeriss) gates on zero
    // activations alone when the command asks for no sparsity handling.
    uint64_t nonzero = executed;
    if (sp.kind != sparsity::none) {
        const double both =
            clamp_fraction(sp.weight_density) * clamp_fraction(sp.activation_density);
        nonzero = std::min(executed, scaled_count(c.macs, both));
    } else if (params.zero_gating) {
        nonzero = scaled_count(executed, clamp_fraction(sp.activation_density));
    }
    c.gated_macs = executed - nonzero;
    if (c.compute_cycles > 0)
        c.utilization = static_cast<double>(executed) /
                        (static_cast<double>(c.compute_cycles) *
                         static_cast<double>(uint64_t{params.rows} * params.cols) * m);

    const operand_counts& a = f.accesses;
    c.bytes.input_read = packed_bytes(a.ifmap_reads * g, v.in_bits);
    c.bytes.weight_read = packed_bytes(a.filter_reads * g, v.w_bits);
    c.bytes.output_read = packed_bytes(a.psum_reads * g, v.acc_bits);
    // A pass over some input channels starts from the earlier passes' sums:
    // one accumulator-wide read per output, streamed in while the fold fills
    // (no extra cycles). A partial_out pass writes its sums at that width
    // (out_bits follows ref::output_type).
    if (v.partial_in)
        c.bytes.output_read += packed_bytes(v.output_count(), v.acc_bits);
    c.bytes.output_write =
        packed_bytes(a.psum_writes * g, v.acc_bits) + packed_bytes(a.ofmap_writes * g, v.out_bits);
    return c;
}

layer_cost vector_cost(const detail::layer_view& v, const core_params& params) {
    layer_cost c;
    c.vector_unit = true;
    c.prec = v.prec;
    const uint64_t outputs = v.output_count();
    const uint64_t taps = outputs * v.window();  // one compare / add per window tap
    c.vector_ops = taps;
    if (v.float_function)
        c.vector_ops += outputs * params.vector_function_ops;
    c.compute_cycles = ceil_div(c.vector_ops, params.vector_lanes);
    c.clocked_pe_cycles = c.compute_cycles * params.vector_lanes;
    c.bytes.input_read = packed_bytes(taps * v.inputs, v.in_bits);
    c.bytes.output_write = packed_bytes(outputs, v.out_bits);
    // A multiply (mul, div: the divider as a multiply-class unit) costs a MAC.
    const bool multiply = v.op == ref::op_kind::mul || v.op == ref::op_kind::div;
    const double op_pj =
        multiply ? params.mac_energy_pj(v.prec) : params.vector_energy_pj(v.prec);
    c.energy.vector_j = static_cast<double>(c.vector_ops) * op_pj * 1e-12;
    return c;
}

// True when `a` beats `b` under `obj` (the caller visits OS, WS, IS in order
// and keeps the first of equals).
bool better(const layer_cost& a, const layer_cost& b, objective obj) {
    const double ea = a.energy.total_j();
    const double eb = b.energy.total_j();
    if (obj == objective::energy)
        return ea < eb || (ea == eb && a.compute_cycles < b.compute_cycles);
    if (obj == objective::edp) {
        const double da = ea * double(a.compute_cycles), db = eb * double(b.compute_cycles);
        return da < db || (da == db && a.compute_cycles < b.compute_cycles);
    }
    return a.compute_cycles < b.compute_cycles || (a.compute_cycles == b.compute_cycles && ea < eb);
}

}  // namespace

ref::precision costed_precision(const ref::layer& l) {
    if (l.prec == ref::precision::binary && !l.binary_input)
        return ref::precision::int8;
    return l.prec;
}

layer_cost of_layer(const ref::layer& l, nn::shape4 in, dataflow flow, const core_params& params,
                const sparsity& sp) {
    return of_layer(l, in, flow, params, sp, params.auto_objective);
}

layer_cost of_layer(const ref::layer& l, nn::shape4 in, dataflow flow, const core_params& params,
                const sparsity& sp, objective obj) {
    return detail::cost_view(detail::view_of(l, in), flow, params, sp, obj);
}

namespace detail {

layer_cost cost_view(const layer_view& v, dataflow flow, const core_params& params,
                     const sparsity& sp, objective obj) {
    if (!v.on_array) {
        layer_cost c = vector_cost(v, params);
        c.flow = flow == dataflow::automatic ? dataflow::output_stationary : flow;
        add_action_energy(c, v, params);
        return c;
    }
    if (flow != dataflow::automatic) {
        layer_cost c = gemm_cost(v, flow, params, sp);
        add_action_energy(c, v, params);
        return c;
    }
    layer_cost best;
    bool first = true;
    for (dataflow d :
         {dataflow::output_stationary, dataflow::weight_stationary, dataflow::input_stationary}) {
        layer_cost c = gemm_cost(v, d, params, sp);
        add_action_energy(c, v, params);
        if (first || better(c, best, obj))
            best = c;
        first = false;
    }
    return best;
}

}  // namespace detail

}  // namespace nnvp::cost
