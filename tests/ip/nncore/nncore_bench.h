// Test bench of the NN core: the core, the real DMA engine, the real
// interconnect and a DRAM memory, a bus master for the registers and a probe
// on the core's irq. Build it inside a TEST body, before test::run_thread.
//
// Clocks (all at 0.9 V = Vnom): fabric 1 GHz, DRAM 1 GHz, nncore 1 GHz (OPP 0)
// or 500 MHz (OPP 1). Array 8 x 8 so folds show in small layers.
#pragma once

#include <cstdint>
#include <vector>

#include "ip/dma/dma.h"
#include "ip/interconnect/interconnect.h"
#include "ip/memory/memory.h"
#include "ip/nncore/nncore.h"
#include "tests/ip/nncore/stream_builder.h"
#include "tests/support/sc_harness.h"

namespace nnvp::test {

constexpr uint64_t dram_base = 0x80000000u;
constexpr uint64_t dram_size = 16u << 20;
constexpr uint64_t dma_base = 0x40002000u;
constexpr uint64_t nn_base = 0x40004000u;
constexpr uint64_t buf_base = 0x20000000u;
constexpr uint64_t stream_addr = dram_base + 0x00f00000u;  // command streams live here

inline nncore_config bench_nncore_config() {
    nncore_config c;
    c.core.rows = 8;
    c.core.cols = 8;
    c.core.input_kb = 64;
    c.core.weight_kb = 64;
    c.core.output_kb = 32;
    c.core.leakage_mw = 10.0;
    c.buffer_latency_cycles = 2;
    c.buffer_bytes_per_cycle = 64;
    c.cmd_fetch_burst = 16;
    return c;
}

inline memory_config bench_dram(unsigned bytes_per_cycle = 16) {
    memory_config c;
    c.size_bytes = dram_size;
    c.latency_cycles = 10;
    c.bytes_per_cycle = bytes_per_cycle;
    c.read_pj_per_byte = 100.0;
    c.write_pj_per_byte = 100.0;
    c.leakage_mw = 0.0;
    return c;
}

inline dma_config bench_dma() {
    dma_config c;
    c.channels = 4;
    c.burst_bytes = 256;
    c.max_outstanding = 2;
    c.setup_cycles = 16;
    return c;
}

inline memory_map bench_map(uint64_t local_bytes) {
    memory_map m;
    m.regions = {{"nncore_buf", buf_base, local_bytes, -1},
                 {"dma", dma_base, 0x1000, -1},
                 {"nncore", nn_base, 0x1000, -1},
                 {"dram", dram_base, dram_size, -1}};
    return m;
}

struct nncore_bench {
    clock_domain fabric_clk{"fabric", {{1e9, 0.9}}, 0, 0.9};
    clock_domain dram_clk{"dram", {{1e9, 0.9}}, 0, 0.9};
    clock_domain nn_clk{"nncore", {{1e9, 0.9}, {500e6, 0.9}}, 0, 0.9};
    memory dram;
    dma dma_engine;
    nncore::core core;
    interconnect bus;
    bus_master cpu{"cpu"};
    irq_probe probe{"probe"};
    sc_core::sc_signal<bool> nn_irq{"nn_irq"};
    sc_core::sc_signal<bool> dma_irq{"dma_irq"};
    std::vector<nncore::core::command_record> records;
    std::vector<nncore::core::stream_record> streams;

    explicit nncore_bench(const nncore_config& cfg = bench_nncore_config(),
                          const memory_config& dram_cfg = bench_dram(),
                          const dma_config& dma_cfg = bench_dma())
        : dram("dram", dram_clk, dram_cfg),
          dma_engine("dma", fabric_clk, dma_cfg),
          core("nncore", nn_clk, cfg, dma_base, buf_base),
          bus("bus", bench_map(cfg.local_bytes()), fabric_clk, interconnect_config{}) {
        bus.bind_initiator("cpu", cpu.socket);
        bus.bind_initiator("dma", dma_engine.initiator);
        bus.bind_initiator("nncore", core.initiator);
        bus.bind_target("dram", dram.target);
        bus.bind_target("dma", dma_engine.target);
        bus.bind_target("nncore", core.target);
        bus.bind_target("nncore_buf", core.buffer);
        core.dma_channels.bind(dma_engine);
        dma_engine.irq(dma_irq);
        core.irq(nn_irq);
        probe.in(nn_irq);
        core.on_command([this](const nncore::core::command_record& r) { records.push_back(r); });
        core.on_stream_end([this](const nncore::core::stream_record& r) { streams.push_back(r); });
    }

    uint32_t reg(const regs::reg_def& r) { return cpu.read32(nn_base + r.offset); }
    void set(const regs::reg_def& r, uint32_t v) { cpu.write32_ok(nn_base + r.offset, v); }
    uint64_t read_counter(nncore_regs::counter c) {
        const uint32_t lo = cpu.read32(nn_base + nncore_regs::counter_lo(c).offset);
        const uint32_t hi = cpu.read32(nn_base + nncore_regs::counter_hi(c).offset);
        return (uint64_t{hi} << 32) | lo;
    }

    // Writes the stream to DRAM, programs the registers, rings the doorbell
    // and waits for the irq (or `limit`). Returns STATUS.
    uint32_t run(const stream& s, uint32_t mode = 0,
                 sc_core::sc_time limit = sc_core::sc_time(50, sc_core::SC_MS)) {
        const std::vector<uint8_t> bytes = s.bytes();
        dram.load(stream_addr - dram_base, bytes.data(), bytes.size());
        return ring(static_cast<uint32_t>(bytes.size()), mode, limit);
    }
    uint32_t ring(uint32_t cmd_bytes, uint32_t mode = 0,
                  sc_core::sc_time limit = sc_core::sc_time(50, sc_core::SC_MS),
                  uint64_t at = stream_addr) {
        using namespace nncore_regs;
        set(IRQ_ENABLE, IRQ_DONE.mask() | IRQ_ERROR.mask());
        set(IRQ_STATUS, IRQ_DONE.mask() | IRQ_ERROR.mask());
        set(CMD_BASE_LO, static_cast<uint32_t>(at));
        set(CMD_BASE_HI, static_cast<uint32_t>(at >> 32));
        set(CMD_BYTES, cmd_bytes);
        set(MODE, mode);
        set(DOORBELL, DOORBELL_RING.make(1));
        if (!nn_irq.read())
            sc_core::wait(limit, nn_irq.posedge_event());
        return reg(STATUS);
    }

    void put(uint64_t addr, const std::vector<uint8_t>& bytes) {
        dram.load(addr - dram_base, bytes.data(), bytes.size());
    }
    std::vector<uint8_t> get(uint64_t addr, std::size_t n) {
        std::vector<uint8_t> out(n);
        dram.dump(addr - dram_base, out.data(), n);
        return out;
    }
};

}  // namespace nnvp::test
