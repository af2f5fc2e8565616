// Test bench of the DMA: the DMA's initiator drives a test memory, a bus
// master programs the registers, a probe records the irq line. Build it
// inside a TEST body, before test::run_thread.
#pragma once

#include "ip/dma/dma.h"
#include "tests/ip/dma/test_memory.h"
#include "tests/support/sc_harness.h"

#include <cstdint>
#include <vector>

namespace nnvp::test {

constexpr uint64_t mem_base = 0x80000000u;
constexpr uint64_t mem_size = 1u << 20;
constexpr unsigned mem_latency = 10;  // cycles of the memory clock
constexpr unsigned mem_bpc = 16;      // bytes per memory cycle

inline dma_config bench_config() {
    dma_config c;
    c.channels = 4;
    c.burst_bytes = 256;
    c.setup_cycles = 16;
    c.descriptor_fetch_cycles = 4;
    return c;
}

struct dma_bench {
    // The fabric runs at 1 GHz (OPP 0) or 500 MHz (OPP 1); the memory has its
    // own fixed 1 GHz clock so that only the DMA's cycles follow the fabric.
    clock_domain fabric{"fabric", {{1e9, 0.9}, {500e6, 0.8}}, 0, 0.9};
    clock_domain mem_clk{"mem", {{1e9, 0.9}}, 0, 0.9};
    test_memory mem;
    dma dut;
    bus_master cpu;
    irq_probe probe;
    sc_core::sc_signal<bool> irq_line{"irq_line"};
    std::vector<dma::run_record> runs;

    explicit dma_bench(const dma_config& cfg = bench_config())
        : mem("mem", mem_base, mem_size, mem_clk, mem_latency, mem_bpc), dut("dma", fabric, cfg) {
        dut.initiator.bind(mem.socket);
        cpu.socket.bind(dut.target);
        dut.irq(irq_line);
        probe.in(irq_line);
        dut.on_run_end([this](const dma::run_record& r) { runs.push_back(r); });
    }

    static uint64_t addr(const dma_regs::reg_def& r, unsigned ch) {
        return dma_regs::channel_reg(r, ch).offset;
    }
    uint32_t read(const dma_regs::reg_def& r, unsigned ch) { return cpu.read32(addr(r, ch)); }
    void write(const dma_regs::reg_def& r, unsigned ch, uint32_t v) {
        cpu.write32_ok(addr(r, ch), v);
    }
    uint32_t read_global(const dma_regs::reg_def& r) { return cpu.read32(r.offset); }
    void write_global(const dma_regs::reg_def& r, uint32_t v) { cpu.write32_ok(r.offset, v); }

    // Programs the geometry registers of `ch` (not CTRL).
    void program(unsigned ch, const dma_regs::descriptor& d) {
        using namespace dma_regs;
        write(SRC_LO, ch, static_cast<uint32_t>(d.src));
        write(SRC_HI, ch, static_cast<uint32_t>(d.src >> 32));
        write(DST_LO, ch, static_cast<uint32_t>(d.dst));
        write(DST_HI, ch, static_cast<uint32_t>(d.dst >> 32));
        write(LEN, ch, d.len);
        write(COUNT1, ch, d.count1);
        write(SRC_STRIDE1, ch, d.src_stride1);
        write(DST_STRIDE1, ch, d.dst_stride1);
        write(COUNT2, ch, d.count2);
        write(SRC_STRIDE2, ch, d.src_stride2);
        write(DST_STRIDE2, ch, d.dst_stride2);
    }
    // CTRL value for a run with both interrupts.
    static uint32_t go(bool use_desc = false) {
        using namespace dma_regs;
        return CTRL_START.make(1) | CTRL_IRQ_DONE.make(1) | CTRL_IRQ_ERR.make(1) |
               CTRL_USE_DESC.make(use_desc);
    }
    // Both interrupts of every channel the instance has (the other bits are
    // reserved: setting them warns).
    void enable_irqs() {
        write_global(dma_regs::IRQ_ENABLE,
                     dma_regs::irq_bits((1u << dut.config().channels) - 1u));
    }

    // Polls STATUS every 50 ns until the channel is idle (bounded).
    uint32_t wait_idle(unsigned ch, unsigned max_polls = 200000) {
        uint32_t s = 0;
        for (unsigned i = 0; i < max_polls; ++i) {
            s = read(dma_regs::STATUS, ch);
            if (!dma_regs::STATUS_BUSY.get(s))
                return s;
            wait(50, sc_core::SC_NS);
        }
        ADD_FAILURE() << "channel " << ch << " still busy";
        return s;
    }

    void write_descriptor(uint64_t at, const dma_regs::descriptor& d) {
        dma_regs::encode(d, mem.at(at));
    }

    // Bus time of one burst of n bytes (read + write) on an idle memory.
    sc_core::sc_time burst_time(uint64_t n) const { return mem.access_delay(n) * 2; }
    // Bus time of all bursts of one row of `len` bytes.
    sc_core::sc_time row_time(uint64_t len) const {
        sc_core::sc_time t = sc_core::SC_ZERO_TIME;
        const uint64_t b = dut.config().burst_bytes;
        for (uint64_t off = 0; off < len; off += b)
            t += burst_time(std::min(b, len - off));
        return t;
    }
};

inline std::vector<unsigned char> pattern(std::size_t n, unsigned seed) {
    std::vector<unsigned char> v(n);
    uint32_t x = seed * 2654435761u + 1;
    for (auto& b : v) {
        x = x * 1664525u + 1013904223u;
        b = static_cast<unsigned char>(x >> 24);
    }
    return v;
}

}  // namespace nnvp::test
