#include "nn/cost/core_params.h"

#include <algorithm>
#include <cmath>

namespace nnvp::cost {

double sram_pj_per_byte(double kb, double pj_per_byte_8kb) {
    return pj_per_byte_8kb * std::max(1.0, std::sqrt(kb / 8.0));
}

double core_params::weight_buffer_pj_per_byte() const {
    return weight_pj_per_byte > 0.0 ? weight_pj_per_byte
                                    : sram_pj_per_byte(weight_kb, sram_pj_per_byte_8kb);
}

double core_params::input_buffer_pj_per_byte() const {
    return input_pj_per_byte > 0.0 ? input_pj_per_byte
                                   : sram_pj_per_byte(input_kb, sram_pj_per_byte_8kb);
}

double core_params::output_buffer_pj_per_byte() const {
    return output_pj_per_byte > 0.0 ? output_pj_per_byte
                                    : sram_pj_per_byte(output_kb, sram_pj_per_byte_8kb);
}

}  // namespace nnvp::cost
