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

namespace {

dram_bank_config parse_bank_config(const config_node& n) {
    const dram_bank_config d;
    dram_bank_config b;
    b.enabled = true;
    b.banks = static_cast<unsigned>(n.uint_in("count", 1, 256, d.banks));
    b.row_bytes = n.uint_in("row_bytes", 64, 1u << 20, d.row_bytes);
    if ((b.row_bytes & (b.row_bytes - 1)) != 0)
        n.fail("row_bytes", "expected a power of two, got " + std::to_string(b.row_bytes));
    b.t_rcd_ns = n.number_in("t_rcd_ns", 0.0, 1e4, d.t_rcd_ns);
    b.t_rp_ns = n.number_in("t_rp_ns", 0.0, 1e4, d.t_rp_ns);
    b.t_cl_ns = n.number_in("t_cl_ns", 0.0, 1e4, d.t_cl_ns);
    b.t_wtr_ns = n.number_in("t_wtr_ns", 0.0, 1e4, d.t_wtr_ns);
    b.t_rtw_ns = n.number_in("t_rtw_ns", 0.0, 1e4, d.t_rtw_ns);
    b.t_rfc_ns = n.number_in("t_rfc_ns", 0.0, 1e5, d.t_rfc_ns);
    b.t_refi_ns = n.number_in("t_refi_ns", 0.0, 1e7, d.t_refi_ns);
    if (b.t_refi_ns > 0 && b.t_rfc_ns >= b.t_refi_ns)
        n.fail("t_rfc_ns", "expected less than t_refi_ns (" + std::to_string(b.t_refi_ns) +
                               "), got " + std::to_string(b.t_rfc_ns));
    b.activate_pj = n.number_in("activate_pj", 0.0, 1e6, d.activate_pj);
    n.reject_unknown();
    return b;
}

}  // namespace

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
    if (node.has("banks"))
        c.banks = parse_bank_config(node.child("banks"));
    node.reject_unknown();
    return c;
}

}  // namespace nnvp
