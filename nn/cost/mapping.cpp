#include "nn/cost/mapping.h"

#include <stdexcept>

namespace nnvp::cost {

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
    return o == objective::energy ? "energy" : o == objective::edp ? "edp" : "cycles";
}

const char* to_string(weight_format f) {
    switch (f) {
        case weight_format::dense:
            return "dense";
        case weight_format::bitmap:
            return "bitmap";
        case weight_format::csr:
            return "csr";
        case weight_format::automatic:
            return "automatic";
    }
    return "?";
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

weight_format parse_weight_format(const std::string& text) {
    for (weight_format f : {weight_format::dense, weight_format::bitmap, weight_format::csr,
                            weight_format::automatic})
        if (text == to_string(f))
            return f;
    throw std::invalid_argument("weight_format '" + text +
                                "': expected dense, bitmap, csr or automatic");
}

}  // namespace nnvp::cost
