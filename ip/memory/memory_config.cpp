#include "ip/memory/memory_config.h"

namespace nnvp {

memory_config memory_config::dram() { return memory_config{}; }

memory_config memory_config::sram() {
    memory_config c;
    c.size_bytes = 512 * 1024;
    c.latency_cycles = 2;
    c.bytes_per_cycle = 32;
    c.read_pj_per_byte = 1.25;
    c.write_pj_per_byte = 1.25;
    c.leakage_mw = 2.0;
    return c;
}

memory_config parse_memory_config(const config_node& node, memory_kind default_kind) {
    const std::string kind = node.one_of(
        "kind", {"dram", "sram"}, default_kind == memory_kind::sram ? "sram" : "dram");
    const memory_config d = kind == "sram" ? memory_config::sram() : memory_config::dram();
    memory_config c;
    // Up to 1 TiB: addresses stay far from 64-bit wrap-around.
    c.size_bytes = node.uint_in("size_bytes", 1, 1ull << 40, d.size_bytes);
    c.latency_cycles =
        static_cast<unsigned>(node.uint_in("latency_cycles", 0, 1000000, d.latency_cycles));
    c.bytes_per_cycle =
        static_cast<unsigned>(node.uint_in("bytes_per_cycle", 1, 4096, d.bytes_per_cycle));
    c.read_pj_per_byte = node.number_in("read_pj_per_byte", 0.0, 1e6, d.read_pj_per_byte);
    c.write_pj_per_byte = node.number_in("write_pj_per_byte", 0.0, 1e6, d.write_pj_per_byte);
    c.leakage_mw = node.number_in("leakage_mw", 0.0, 1e6, d.leakage_mw);
    c.dmi = node.boolean("dmi", d.dmi);
    node.reject_unknown();
    return c;
}

}  // namespace nnvp
