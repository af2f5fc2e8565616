// DMA timing and energy against the formula of ip/dma/dma.h, to the cycle:
//   setup_cycles * Tclk + sum over bursts (t_read + t_write)
// with the test memory's t = (latency + ceil(bytes / 16)) memory cycles.
#include "tests/ip/dma/dma_bench.h"

using namespace nnvp;
using namespace nnvp::dma_regs;
using namespace sc_core;
using test::mem_base;

namespace {
constexpr uint64_t src_at = mem_base + 0x1000;
constexpr uint64_t dst_at = mem_base + 0x40000;

descriptor tile_300x3() {
    descriptor d;
    d.src = src_at;
    d.dst = dst_at;
    d.len = 300;  // bursts of 256 and 44 bytes per row
    d.count1 = 3;
    d.src_stride1 = 512;
    d.dst_stride1 = 300;
    return d;
}

// Starts `d` on channel 0 and returns the completion time minus the START time.
sc_time timed_run(test::dma_bench& b, const descriptor& d) {
    b.program(0, d);
    const sc_time t0 = sc_time_stamp();
    b.write(CTRL, 0, test::dma_bench::go());
    b.wait_idle(0);
    return b.runs.back().end - t0;
}
}  // namespace

TEST(dma_timing, one_d_completion_and_irq_time_match_the_formula) {
    test::dma_bench b;
    test::run_thread([&] {
        b.enable_irqs();
        descriptor d;
        d.src = src_at;
        d.dst = dst_at;
        d.len = 1000;
        b.program(0, d);
        const sc_time t0 = sc_time_stamp();
        b.write(CTRL, 0, test::dma_bench::go());
        b.wait_idle(0);
        // 16 setup cycles at 1 GHz, then 3 bursts of 256 bytes (2 x (10 + 16)
        // cycles each) and one of 232 (2 x (10 + 15)): 16 + 156 + 50 = 222 ns.
        const sc_time expect = b.fabric.cycles(16) + b.burst_time(256) * 3 + b.burst_time(232);
        EXPECT_EQ(expect, sc_time(222, SC_NS));
        ASSERT_EQ(b.probe.rises().size(), 1u);
        EXPECT_EQ(b.probe.rises()[0], t0 + expect);
        ASSERT_EQ(b.runs.size(), 1u);
        EXPECT_EQ(b.runs[0].start, t0);
        EXPECT_EQ(b.runs[0].end, t0 + expect);
        EXPECT_EQ(b.runs[0].bytes, 1000u);
    });
}

TEST(dma_timing, two_d_rows_split_at_row_ends) {
    test::dma_bench b;
    test::run_thread([&] {
        const sc_time t = timed_run(b, tile_300x3());
        // Per row 2 x (26 + 13) = 78 cycles; 16 + 3 x 78 = 250 ns.
        EXPECT_EQ(t, b.fabric.cycles(16) + (b.burst_time(256) + b.burst_time(44)) * 3);
        EXPECT_EQ(t, sc_time(250, SC_NS));
    });
}

TEST(dma_timing, halving_the_fabric_clock_doubles_the_dma_cycles) {
    test::dma_bench b;
    test::run_thread([&] {
        const descriptor d = tile_300x3();
        const sc_time bus = (b.burst_time(256) + b.burst_time(44)) * 3;
        const sc_time fast = timed_run(b, d);
        b.fabric.set_opp(1);  // 1 GHz -> 500 MHz; the memory clock is fixed
        const sc_time slow = timed_run(b, d);
        EXPECT_EQ(fast - bus, sc_time(16, SC_NS));
        EXPECT_EQ(slow - bus, sc_time(32, SC_NS));
        EXPECT_EQ(slow - bus, (fast - bus) * 2);

        // The descriptor path: decode and setup cycles double too.
        const uint64_t list = mem_base + 0x200;
        descriptor l = d;
        b.write_descriptor(list, l);
        b.write(DESC_LO, 0, static_cast<uint32_t>(list));
        b.write(DESC_HI, 0, 0);
        const sc_time t0 = sc_time_stamp();
        b.write(CTRL, 0, test::dma_bench::go(true));
        b.wait_idle(0);
        EXPECT_EQ(b.runs.back().end - t0,
                  b.mem.access_delay(64) + sc_time(2 * (4 + 16), SC_NS) + bus);
    });
}

TEST(dma_timing, a_dvfs_change_applies_at_the_next_transfer) {
    test::dma_bench b;
    test::run_thread([&] {
        descriptor d = tile_300x3();
        b.program(0, d);
        const sc_time t0 = sc_time_stamp();
        b.write(CTRL, 0, test::dma_bench::go());
        wait(5, SC_NS);  // inside the setup: the setup time was computed at 1 GHz
        b.fabric.set_opp(1);
        b.wait_idle(0);
        const sc_time bus = (b.burst_time(256) + b.burst_time(44)) * 3;
        EXPECT_EQ(b.runs.back().end - t0, sc_time(16, SC_NS) + bus);
    });
}

TEST(dma_timing, a_gated_clock_holds_the_channel_at_a_burst_boundary) {
    test::dma_bench b;
    test::run_thread([&] {
        descriptor d;
        d.src = src_at;
        d.dst = dst_at;
        d.len = 2048;  // 8 bursts of 52 ns after 16 ns of setup
        b.program(0, d);
        const sc_time t0 = sc_time_stamp();
        b.write(CTRL, 0, test::dma_bench::go());
        wait(100, SC_NS);  // burst 2 is in flight (t0 + 68 .. t0 + 120 ns)
        b.fabric.set_state(power_state::idle);
        wait(400, SC_NS);
        EXPECT_EQ(b.mem.writes, 2u);  // held after burst 2 (registers stall while gated)
        b.fabric.set_state(power_state::on);
        const sc_time resumed = sc_time_stamp();
        b.wait_idle(0);
        // Bursts 3..8 follow the ungating; the rest of the formula is unchanged.
        EXPECT_GT(resumed, t0 + b.fabric.cycles(16) + b.burst_time(256) * 2);
        EXPECT_EQ(b.runs.back().end, resumed + b.burst_time(256) * 6);
        EXPECT_EQ(b.mem.dump(dst_at, 2048), b.mem.dump(src_at, 2048));
    });
}

TEST(dma_timing, energy_per_byte_scales_with_voltage_squared) {
    test::dma_bench b;
    test::run_thread([&] {
        descriptor d;
        d.src = src_at;
        d.dst = dst_at;
        d.len = 1000;
        timed_run(b, d);
        EXPECT_DOUBLE_EQ(b.dut.energy().dynamic_j(), 1000 * 2.5e-12);
        b.fabric.set_opp(1);  // 0.8 V against Vnom 0.9 V
        timed_run(b, d);
        const double r = 0.8 / 0.9;
        EXPECT_NEAR(b.dut.energy().dynamic_j(), 1000 * 2.5e-12 * (1 + r * r), 1e-20);
        // Descriptor bytes count as moved bytes too.
        const uint64_t list = mem_base + 0x200;
        b.write_descriptor(list, d);
        b.write(DESC_LO, 0, static_cast<uint32_t>(list));
        b.write(CTRL, 0, test::dma_bench::go(true));
        b.wait_idle(0);
        EXPECT_NEAR(b.dut.energy().dynamic_j(), 2.5e-12 * (1000 + (2000 + 64) * r * r), 1e-20);
        EXPECT_GT(b.dut.energy().leakage_j(), 0.0);
    });
}
