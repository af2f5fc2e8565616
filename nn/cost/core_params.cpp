#include "nn/cost/core_params.h"

#include <algorithm>
#include <cmath>

namespace nnvp::nncore {

const char* to_string(dataflow d) {
    switch (d) {
        case dataflow::output_stationary:
            return "os";
        case dataflow::weight_stationary:
            return "ws";
        case dataflow::input_stationary:
            return "is";
        case dataflow::automatic:
            return "auto";
    }
    return "?";
}

const char* to_string(objective o) {
    return o == objective::energy ? "energy" : "cycles";
}

bool parse_dataflow(const std::string& text, dataflow& out) {
    for (dataflow d : {dataflow::output_stationary, dataflow::weight_stationary,
                       dataflow::input_stationary, dataflow::automatic}) {
        if (text == to_string(d)) {
            out = d;
            return true;
        }
    }
    return false;
}

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

}  // namespace nnvp::nncore
