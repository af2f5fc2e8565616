#include "nn/cost/core_params.h"

#include <algorithm>
#include <cmath>

#include "nn/cost/technology.h"

namespace nnvp::cost {

double sram_pj_per_byte(double kb, double pj_per_byte_8kb) {
    return pj_per_byte_8kb * std::max(1.0, std::sqrt(kb / 8.0));
}

double core_params::energy_scale() const {
    return technology_energy_factor(technology_nm, nominal_v);
}

double core_params::noc_energy_pj_per_byte() const {
    // Wire length of one traversal ~ the array's side, referred to 16 x 16.
    const double pes = static_cast<double>(rows) * static_cast<double>(cols);
    return noc_pj_per_byte * std::sqrt(pes / 256.0) * energy_scale();
}

double core_params::weight_buffer_pj_per_byte() const {
    return (weight_pj_per_byte > 0.0 ? weight_pj_per_byte
                                     : sram_pj_per_byte(weight_kb, sram_pj_per_byte_8kb)) *
           energy_scale();
}

double core_params::input_buffer_pj_per_byte() const {
    return (input_pj_per_byte > 0.0 ? input_pj_per_byte
                                    : sram_pj_per_byte(input_kb, sram_pj_per_byte_8kb)) *
           energy_scale();
}

double core_params::output_buffer_pj_per_byte() const {
    return (output_pj_per_byte > 0.0 ? output_pj_per_byte
                                     : sram_pj_per_byte(output_kb, sram_pj_per_byte_8kb)) *
           energy_scale();
}

double core_params::core_leakage_mw() const {
    if (leakage_mw >= 0.0)
        return leakage_mw;
    const double pes = static_cast<double>(rows) * static_cast<double>(cols);
    const double kb = static_cast<double>(weight_kb) + input_kb + output_kb;
    return (pes * leakage_uw_per_pe + kb * leakage_uw_per_kb) * 1e-3 * energy_scale();
}

}  // namespace nnvp::cost
