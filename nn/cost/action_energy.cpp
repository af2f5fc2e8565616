// Energy by level and action of one compute command (Accelergy's view: each
// component's action counts times its energy per action): MACs or vector
// ops, PE-local registers, the three buffers, the array's operand network
// and the clock. docs/nncore_timing.md "Energy" states every figure's source.
#include "nn/cost/action_energy.h"

namespace nnvp::cost {

energy_split& energy_split::operator+=(const energy_split& o) {
    mac_j += o.mac_j;
    vector_j += o.vector_j;
    spad_j += o.spad_j;
    input_buffer_j += o.input_buffer_j;
    weight_buffer_j += o.weight_buffer_j;
    output_buffer_j += o.output_buffer_j;
    noc_j += o.noc_j;
    clock_j += o.clock_j;
    return *this;
}

energy_split energy_split::scaled(double k) const {
    energy_split e = *this;
    for (double* f : {&e.mac_j, &e.vector_j, &e.spad_j, &e.input_buffer_j, &e.weight_buffer_j,
                      &e.output_buffer_j, &e.noc_j, &e.clock_j})
        *f *= k;
    return e;
}

namespace detail {

void add_action_energy(layer_cost& c, const layer_view& v, const core_params& params) {
    constexpr double pj = 1e-12;
    energy_split& e = c.energy;
    const buffer_bytes& b = c.bytes;
    e.input_buffer_j = static_cast<double>(b.input_read) * params.input_buffer_pj_per_byte() * pj;
    e.weight_buffer_j =
        static_cast<double>(b.weight_read) * params.weight_buffer_pj_per_byte() * pj;
    e.output_buffer_j = static_cast<double>(b.output_read + b.output_write) *
                        params.output_buffer_pj_per_byte() * pj;
    // Every buffer byte crosses the array's network once, either way.
    const uint64_t moved = b.input_read + b.weight_read + b.output_read + b.output_write;
    e.noc_j = static_cast<double>(moved) * params.noc_energy_pj_per_byte() * pj;
    e.clock_j =
        static_cast<double>(c.clocked_pe_cycles) * params.clock_energy_pj_per_pe_cycle() * pj;
    if (c.vector_unit)
        return;  // vector_j is set by the vector-unit cost
    // MACs that did work: not skipped, not gated by a zero operand.
    const uint64_t nonzero = c.macs - c.zero_skipped_macs - c.gated_macs;
    e.mac_j = static_cast<double>(nonzero) * params.mac_energy_pj(v.prec) * pj;
    // Per MAC: both operands read, the accumulator read and written.
    const double spad_bytes = (v.in_bits + v.w_bits + 2.0 * v.acc_bits) / 8.0;
    e.spad_j = static_cast<double>(nonzero) * spad_bytes * params.spad_energy_pj_per_byte() * pj;
}

}  // namespace detail

}  // namespace nnvp::cost
