// A small SoC for interconnect tests: three memories behind the fabric, two
// blocking masters and a raw initiator, all bound by name. Build it inside the
// TEST body (SystemC elaborates once per process).
#pragma once

#include "ip/interconnect/interconnect.h"
#include "ip/memory/memory.h"
#include "tests/ip/memory/tlm_initiator.h"
#include "tests/support/sc_harness.h"

namespace nnvp::test {

inline memory_map bench_map() {
    memory_map m;
    m.regions = {{"sram", 0x10000000, 0x100000, -1},
                 {"scratch", 0x18000000, 0x1000, -1},  // smaller than a DMI page
                 {"dram", 0x80000000, 0x1000000, -1}};
    return m;
}

// Fabric: 2 ns cycles, 2 hop cycles, 16-byte ports, 8-byte port to dram.
inline interconnect_config bench_fabric_config() {
    interconnect_config c;
    c.hop_cycles = 2;
    c.width_bytes = 16;
    c.target_width_bytes["dram"] = 8;
    c.energy_pj_per_byte = 0.5;
    c.leakage_mw = 0.0;
    return c;
}

inline memory_config bench_memory(uint64_t size, unsigned latency, unsigned bytes_per_cycle) {
    memory_config c;
    c.size_bytes = size;
    c.latency_cycles = latency;
    c.bytes_per_cycle = bytes_per_cycle;
    c.read_pj_per_byte = 1.0;
    c.write_pj_per_byte = 1.0;
    c.leakage_mw = 0.0;
    return c;
}

struct fabric_bench {
    // Fabric 500 MHz at 1.0 V, or 250 MHz at 0.8 V; memories 250 MHz (4 ns).
    clock_domain fabric_clk{"fabric", {{500e6, 1.0}, {250e6, 0.8}}, 0, 1.0};
    clock_domain sram_clk{"sram", {{250e6, 1.0}}, 0, 1.0};
    clock_domain dram_clk{"dram", {{250e6, 1.0}, {125e6, 1.0}}, 0, 1.0};
    memory_map map = bench_map();
    memory sram{"sram", sram_clk, bench_memory(0x100000, 2, 32)};
    memory scratch{"scratch", sram_clk, bench_memory(0x10000, 1, 4)};
    memory dram;
    interconnect bus;
    bus_master cpu{"cpu"};
    bus_master dma{"dma"};
    tlm_initiator probe{"probe"};

    explicit fabric_bench(const memory_config& dram_cfg = bench_memory(0x1000000, 10, 16),
                          const interconnect_config& cfg = bench_fabric_config())
        : dram("dram", dram_clk, dram_cfg), bus("bus", map, fabric_clk, cfg) {
        bus.bind_initiator("cpu", cpu.socket);
        bus.bind_initiator("dma", dma.socket);
        bus.bind_initiator("probe", probe.socket);
        bus.bind_target("sram", sram.target);
        bus.bind_target("scratch", scratch.target);
        bus.bind_target("dram", dram.target);
    }
};

}  // namespace nnvp::test
