// The NN core's energy accounting by level and action: every charge goes to
// the meter (which applies (V/Vnom)^2) and, split by action, to the
// breakdown the report shows, so the breakdown's parts sum to the meter.
#include <algorithm>

#include "ip/nncore/nncore.h"

namespace nnvp::nncore {

cost::energy_split core::buffer_energy(uint64_t addr, uint64_t len) const {
    const cost::core_params& p = m_cfg.core;
    const uint64_t in_end = uint64_t{p.input_kb} * 1024;
    const uint64_t w_end = in_end + uint64_t{p.weight_kb} * 1024;
    const uint64_t end = addr + len;
    // Bytes of [addr, end) inside [lo, hi).
    const auto overlap = [&](uint64_t lo, uint64_t hi) {
        const uint64_t a = std::max(addr, lo), b = std::min(end, hi);
        return static_cast<double>(b > a ? b - a : 0);
    };
    cost::energy_split e;
    e.input_buffer_j = overlap(0, in_end) * p.input_buffer_pj_per_byte() * 1e-12;
    e.weight_buffer_j = overlap(in_end, w_end) * p.weight_buffer_pj_per_byte() * 1e-12;
    e.output_buffer_j = overlap(w_end, ~uint64_t{0}) * p.output_buffer_pj_per_byte() * 1e-12;
    return e;
}

double core::charge(const cost::energy_split& at_vnom, double decompress_j_at_vnom) {
    const double nominal = at_vnom.total_j() + decompress_j_at_vnom;
    const double before = m_energy.dynamic_j();
    m_energy.add_dynamic(nominal);
    const double real = m_energy.dynamic_j() - before;
    // The meter's (V/Vnom)^2 of the moment, applied to every part alike.
    const double k = nominal > 0.0 ? real / nominal : 0.0;
    m_actions += at_vnom.scaled(k);
    m_decompress_j += decompress_j_at_vnom * k;
    return real;
}

}  // namespace nnvp::nncore
