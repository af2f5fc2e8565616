#include "ip/nncore/timing/core_params.h"

#include <algorithm>
#include <cmath>

namespace nnvp::nncore {

namespace {

const char* const precision_keys[num_precisions] = {"fp32", "fp16", "int16",
                                                    "int8", "int4", "binary"};

// An optional object keyed by precision name; each key optional, others rejected.
template <class T, class Read>
void read_table(const config_node& node, const std::string& key, per_precision<T>& table,
                Read read) {
    if (!node.has(key))
        return;
    const config_node sub = node.child(key);
    for (std::size_t i = 0; i < num_precisions; ++i)
        table[i] = read(sub, precision_keys[i], table[i]);
    sub.reject_unknown();
}

}  // namespace

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

core_params parse_core_params(const config_node& node) {
    core_params p;
    p.rows = static_cast<unsigned>(node.uint_in("rows", 1, 1024, p.rows));
    p.cols = static_cast<unsigned>(node.uint_in("cols", 1, 1024, p.cols));
    p.weight_kb = static_cast<unsigned>(node.uint_in("weight_kb", 1, 1u << 20, p.weight_kb));
    p.input_kb = static_cast<unsigned>(node.uint_in("input_kb", 1, 1u << 20, p.input_kb));
    p.output_kb = static_cast<unsigned>(node.uint_in("output_kb", 1, 1u << 20, p.output_kb));
    read_table(node, "macs_per_pe", p.macs_per_pe,
               [](const config_node& n, const char* k, unsigned d) {
                   return static_cast<unsigned>(n.uint_in(k, 1, 64, d));
               });
    p.vector_lanes = static_cast<unsigned>(node.uint_in("vector_lanes", 1, 4096, p.vector_lanes));
    const auto read_pj = [](const config_node& n, const char* k, double d) {
        return n.number_in(k, 0.0, 1e6, d);
    };
    read_table(node, "mac_pj", p.mac_pj, read_pj);
    read_table(node, "vector_pj", p.vector_pj, read_pj);
    p.sram_pj_per_byte_8kb =
        node.number_in("sram_pj_per_byte_8kb", 0.0, 1e6, p.sram_pj_per_byte_8kb);
    p.weight_pj_per_byte = node.number_in("weight_pj_per_byte", 0.0, 1e6, p.weight_pj_per_byte);
    p.input_pj_per_byte = node.number_in("input_pj_per_byte", 0.0, 1e6, p.input_pj_per_byte);
    p.output_pj_per_byte = node.number_in("output_pj_per_byte", 0.0, 1e6, p.output_pj_per_byte);
    p.leakage_mw = node.number_in("leakage_mw", 0.0, 1e6, p.leakage_mw);
    p.auto_objective = node.one_of("auto_objective", {"cycles", "energy"}, "cycles") == "energy"
                           ? objective::energy
                           : objective::cycles;
    node.reject_unknown();
    return p;
}

}  // namespace nnvp::nncore
