#include "ip/nncore/nncore_config.h"

#include "nn/cost/technology.h"

namespace nnvp {

namespace {

const char* const precision_keys[cost::num_precisions] = {"fp32", "fp16", "int16",
                                                            "int8", "int4", "binary"};

// An optional object keyed by precision name; each key optional, others rejected.
template <class T, class Read>
void read_table(const config_node& node, const std::string& key, cost::per_precision<T>& table,
                Read read) {
    if (!node.has(key))
        return;
    const config_node sub = node.child(key);
    for (std::size_t i = 0; i < cost::num_precisions; ++i)
        table[i] = read(sub, precision_keys[i], table[i]);
    sub.reject_unknown();
}

}  // namespace

cost::core_params parse_core_params(const config_node& node) {
    cost::core_params p;
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
    p.vector_function_ops = static_cast<unsigned>(
        node.uint_in("vector_function_ops", 0, 64, p.vector_function_ops));
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
    p.spad_pj_per_byte = node.number_in("spad_pj_per_byte", 0.0, 1e6, p.spad_pj_per_byte);
    p.noc_pj_per_byte = node.number_in("noc_pj_per_byte", 0.0, 1e6, p.noc_pj_per_byte);
    p.clock_pj_per_pe_cycle =
        node.number_in("clock_pj_per_pe_cycle", 0.0, 1e6, p.clock_pj_per_pe_cycle);
    p.leakage_uw_per_pe = node.number_in("leakage_uw_per_pe", 0.0, 1e6, p.leakage_uw_per_pe);
    p.leakage_uw_per_kb = node.number_in("leakage_uw_per_kb", 0.0, 1e6, p.leakage_uw_per_kb);
    // An explicit leakage_mw overrides the figure derived from PEs and buffers.
    if (node.has("leakage_mw"))
        p.leakage_mw = node.number_in("leakage_mw", 0.0, 1e6, 0.0);
    p.technology_nm = static_cast<unsigned>(node.uint_in("technology_nm", 1, 1000, 45));
    if (!cost::known_technology(p.technology_nm))
        node.fail("technology_nm", "expected " + cost::known_technologies() + " (nm), got " +
                                       std::to_string(p.technology_nm));
    p.zero_gating = node.boolean("zero_gating", p.zero_gating);
    const std::string objective = node.one_of("auto_objective", {"cycles", "energy", "edp"}, "cycles");
    p.auto_objective = objective == "energy" ? cost::objective::energy
                       : objective == "edp"  ? cost::objective::edp
                                             : cost::objective::cycles;
    node.reject_unknown();
    return p;
}

nncore_config parse_nncore_config(const config_node& node) {
    nncore_config c;
    // Our keys first: parse_core_params() reads the rest of the same object
    // and then rejects whatever nobody has read.
    c.buffer_latency_cycles = static_cast<unsigned>(
        node.uint_in("buffer_latency_cycles", 0, 1000, c.buffer_latency_cycles));
    c.buffer_bytes_per_cycle = static_cast<unsigned>(
        node.uint_in("buffer_bytes_per_cycle", 1, 4096, c.buffer_bytes_per_cycle));
    c.max_commands =
        static_cast<uint32_t>(node.uint_in("max_commands", 1, 1u << 24, c.max_commands));
    c.cmd_fetch_burst =
        static_cast<uint32_t>(node.uint_in("cmd_fetch_burst", 1, 256, c.cmd_fetch_burst));
    c.register_access_cycles = static_cast<unsigned>(
        node.uint_in("register_access_cycles", 0, 1000, c.register_access_cycles));
    c.kernel_threads =
        static_cast<unsigned>(node.uint_in("kernel_threads", 1, 64, c.kernel_threads));
    c.decompress_elements_per_cycle = static_cast<unsigned>(
        node.uint_in("decompress_elements_per_cycle", 1, 65536, c.decompress_elements_per_cycle));
    c.decompress_pj_per_byte =
        node.number_in("decompress_pj_per_byte", 0.0, 1e6, c.decompress_pj_per_byte);
    c.core = parse_core_params(node);
    node.reject_unknown();
    return c;
}

}  // namespace nnvp
