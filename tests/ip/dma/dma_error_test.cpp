// DMA guest errors: bus errors, bad geometry and descriptors, descriptor
// loops, abort, START while busy, reset, and random register writes. Each
// gets the modelled error (STATUS, IRQ) and never a crash or a hang.
#include "tests/ip/dma/dma_bench.h"

#include <map>
#include <random>

using namespace nnvp;
using namespace nnvp::dma_regs;
using namespace sc_core;
using test::mem_base;
using test::mem_size;

namespace {
constexpr uint64_t src_at = mem_base + 0x1000;
constexpr uint64_t dst_at = mem_base + 0x40000;

uint32_t error_status(error_code c) {
    return STATUS_ERROR.make(1) | STATUS_CODE.make(static_cast<uint32_t>(c));
}

descriptor copy(uint64_t src, uint64_t dst, uint32_t len) {
    descriptor d;
    d.src = src;
    d.dst = dst;
    d.len = len;
    return d;
}

// Runs `d` from the registers on channel 0 with interrupts; returns STATUS.
uint32_t run(test::dma_bench& b, const descriptor& d) {
    b.program(0, d);
    b.write(CTRL, 0, test::dma_bench::go());
    return b.wait_idle(0);
}
}  // namespace

TEST(dma_errors, read_bus_error_mid_transfer_stops_with_status_and_irq) {
    test::dma_bench b;
    test::allow_warnings(true);
    test::run_thread([&] {
        b.enable_irqs();
        // Bursts 1 and 2 are inside the memory, burst 3 runs past its end.
        const descriptor d = copy(mem_base + mem_size - 600, dst_at, 1024);
        b.program(0, d);
        const sc_time t0 = sc_time_stamp();
        b.write(CTRL, 0, test::dma_bench::go());
        EXPECT_EQ(b.wait_idle(0), error_status(error_code::read_bus));
        EXPECT_EQ(b.read(BYTES_DONE, 0), 512u);
        EXPECT_EQ(b.read_global(IRQ_STATUS), irq_error_bit(0));
        ASSERT_EQ(b.probe.rises().size(), 1u);
        EXPECT_EQ(b.probe.rises()[0], t0 + b.fabric.cycles(16) + b.burst_time(256) * 2);
        EXPECT_NE(test::last_warning().find("bus error reading 256 bytes at 0x800fffa8"),
                  std::string::npos)
            << test::last_warning();
        EXPECT_EQ(b.mem.dump(dst_at, 512), b.mem.dump(d.src, 512));
    });
}

TEST(dma_errors, write_bus_error_stops_after_the_read) {
    test::dma_bench b;
    test::allow_warnings(true);
    test::run_thread([&] {
        b.enable_irqs();
        b.program(1, copy(src_at, 0x1000, 64));
        const sc_time t0 = sc_time_stamp();
        b.write(CTRL, 1, test::dma_bench::go());
        EXPECT_EQ(b.wait_idle(1), error_status(error_code::write_bus));
        EXPECT_EQ(b.read(BYTES_DONE, 1), 0u);
        EXPECT_EQ(b.read_global(IRQ_STATUS), irq_error_bit(1));
        ASSERT_EQ(b.probe.rises().size(), 1u);
        EXPECT_EQ(b.probe.rises()[0], t0 + b.fabric.cycles(16) + b.mem.access_delay(64));
    });
}

TEST(dma_errors, error_without_irq_err_sets_status_only) {
    test::dma_bench b;
    test::allow_warnings(true);
    test::run_thread([&] {
        b.enable_irqs();
        b.program(0, copy(0x10, dst_at, 64));
        b.write(CTRL, 0, CTRL_START.make(1) | CTRL_IRQ_DONE.make(1));
        EXPECT_EQ(b.wait_idle(0), error_status(error_code::read_bus));
        EXPECT_EQ(b.read_global(IRQ_STATUS), 0u);
        // A new START clears the error.
        b.program(0, copy(src_at, dst_at, 64));
        b.write(CTRL, 0, CTRL_START.make(1));
        EXPECT_EQ(b.wait_idle(0), STATUS_DONE.make(1));
    });
    EXPECT_TRUE(b.probe.rises().empty());
}

TEST(dma_errors, bad_geometry_is_reported_at_start_time) {
    test::dma_bench b;
    test::allow_warnings(true);
    test::run_thread([&] {
        const sc_time t0 = sc_time_stamp();
        EXPECT_EQ(run(b, copy(src_at, dst_at, 0)), error_status(error_code::bad_geometry));
        EXPECT_EQ(b.runs.back().end, t0 + sc_time(11, SC_NS));  // 11 register writes
        // Last source byte past 2^64 (through the 3D strides).
        descriptor d = copy(src_at, dst_at, 16);
        d.count1 = 0xffffffffu;
        d.src_stride1 = 0xffffffffu;
        d.count2 = 0xffffffffu;
        d.src_stride2 = 0xffffffffu;
        EXPECT_EQ(run(b, d), error_status(error_code::bad_geometry));
        // Ending exactly at 2^64 - 1 fits: nothing is mapped there (bus error).
        EXPECT_EQ(run(b, copy(0xffffffffffffff00ull, dst_at, 0x100)),
                  error_status(error_code::read_bus));
        EXPECT_EQ(run(b, copy(src_at, 0xffffffffffffff01ull, 0x100)),
                  error_status(error_code::bad_geometry));
    });
    EXPECT_EQ(b.mem.writes, 0u);
}

TEST(dma_errors, descriptor_errors) {
    test::dma_bench b;
    test::allow_warnings(true);
    test::run_thread([&] {
        auto run_list = [&](uint64_t at) {
            b.write(DESC_LO, 2, static_cast<uint32_t>(at));
            b.write(DESC_HI, 2, static_cast<uint32_t>(at >> 32));
            b.write(CTRL, 2, test::dma_bench::go(true));
            return b.wait_idle(2);
        };
        EXPECT_EQ(run_list(0), error_status(error_code::bad_descriptor));
        EXPECT_EQ(run_list(mem_base + 4), error_status(error_code::bad_descriptor));
        EXPECT_EQ(run_list(0x100), error_status(error_code::desc_fetch));
        EXPECT_EQ(b.read(CUR_DESC_LO, 2), 0x100u);
        descriptor d = copy(src_at, dst_at, 32);
        d.flags = 0x80;
        b.write_descriptor(mem_base, d);
        EXPECT_EQ(run_list(mem_base), error_status(error_code::bad_descriptor));
        d.flags = 0;
        d.reserved = 1;
        b.write_descriptor(mem_base, d);
        EXPECT_EQ(run_list(mem_base), error_status(error_code::bad_descriptor));
        // The second descriptor's next pointer is misaligned.
        d.reserved = 0;
        d.next = mem_base + 64;
        b.write_descriptor(mem_base, d);
        descriptor e = copy(src_at, dst_at + 64, 32);
        e.next = mem_base + 0x203;
        b.write_descriptor(mem_base + 64, e);
        EXPECT_EQ(run_list(mem_base), error_status(error_code::bad_descriptor));
        EXPECT_EQ(b.read(DESC_DONE, 2), 2u);
        EXPECT_EQ(b.read(BYTES_DONE, 2), 64u);
        // A descriptor with LEN 0.
        e.next = 0;
        e.len = 0;
        b.write_descriptor(mem_base + 64, e);
        EXPECT_EQ(run_list(mem_base), error_status(error_code::bad_geometry));
        EXPECT_EQ(b.read(DESC_DONE, 2), 1u);
    });
}

TEST(dma_errors, a_descriptor_loop_stops_at_the_limit) {
    dma_config cfg = test::bench_config();
    cfg.max_descriptors = 8;
    test::dma_bench b(cfg);
    test::allow_warnings(true);
    test::run_thread([&] {
        b.enable_irqs();
        const uint64_t list = mem_base + 0x400;
        descriptor d = copy(src_at, dst_at, 64);
        d.next = list;  // points at itself
        b.write_descriptor(list, d);
        b.write(DESC_LO, 0, static_cast<uint32_t>(list));
        const sc_time t0 = sc_time_stamp();
        b.write(CTRL, 0, test::dma_bench::go(true));
        EXPECT_EQ(b.wait_idle(0), error_status(error_code::desc_limit));
        EXPECT_EQ(b.read(DESC_DONE, 0), 8u);
        EXPECT_EQ(b.read(BYTES_DONE, 0), 8 * 64u);  // the whole run
        EXPECT_EQ(b.read_global(IRQ_STATUS), irq_error_bit(0));
        const sc_time per_desc =
            b.mem.access_delay(64) + b.fabric.cycles(4 + 16) + b.burst_time(64);
        EXPECT_EQ(b.runs.back().end, t0 + per_desc * 8);
        EXPECT_NE(test::last_warning().find("longer than 8 descriptors"), std::string::npos);
    });
    EXPECT_EQ(b.dut.descriptors_fetched(), 8u);
}

TEST(dma_errors, abort_stops_at_the_next_burst_boundary) {
    test::dma_bench b;  // warnings fail this test: ABORT is not a guest error
    test::run_thread([&] {
        b.enable_irqs();
        b.program(0, copy(src_at, dst_at, 64 * 1024));
        const sc_time t0 = sc_time_stamp();
        b.write(CTRL, 0, test::dma_bench::go());
        wait(1000, SC_NS);
        const sc_time ta = sc_time_stamp();
        b.write(CTRL, 0, CTRL_ABORT.make(1));
        EXPECT_EQ(b.wait_idle(0), error_status(error_code::aborted));
        // Bursts end at t0 + 16 + k * 52 ns; the first boundary after ta stops it.
        const sc_time setup = b.fabric.cycles(16);
        const sc_time bt = b.burst_time(256);
        uint64_t k = 0;
        while (t0 + setup + bt * static_cast<double>(k) < ta)
            ++k;
        EXPECT_EQ(b.read(BYTES_DONE, 0), 256u * k);
        EXPECT_EQ(b.runs.back().end, t0 + setup + bt * static_cast<double>(k));
        EXPECT_EQ(b.read_global(IRQ_STATUS), irq_error_bit(0));
        EXPECT_EQ(b.mem.dump(dst_at, 256 * k), b.mem.dump(src_at, 256 * k));
    });
}

TEST(dma_errors, start_while_busy_is_ignored_with_a_warning) {
    test::dma_bench b;
    test::allow_warnings(true);
    test::run_thread([&] {
        const auto data = test::pattern(2048, 9);
        b.mem.fill(src_at, data);
        b.program(0, copy(src_at, dst_at, 2048));
        b.write(CTRL, 0, test::dma_bench::go());
        const int before = test::warnings_seen();
        b.write(LEN, 0, 16);
        b.write(CTRL, 0, test::dma_bench::go());
        EXPECT_EQ(test::warnings_seen() - before, 1);
        EXPECT_NE(test::last_warning().find("START while the channel is busy"), std::string::npos);
        EXPECT_EQ(b.wait_idle(0), STATUS_DONE.make(1));
        EXPECT_EQ(b.read(BYTES_DONE, 0), 2048u);
        EXPECT_EQ(b.mem.dump(dst_at, 2048), data);
    });
    EXPECT_EQ(b.runs.size(), 1u);
}

TEST(dma_errors, reset_mid_transfer_stops_the_channel_silently) {
    test::dma_bench b;
    test::run_thread([&] {
        b.enable_irqs();
        b.program(0, copy(src_at, dst_at, 64 * 1024));
        b.write(CTRL, 0, test::dma_bench::go());
        wait(500, SC_NS);
        b.dut.reset();
        EXPECT_EQ(b.read(STATUS, 0), 0u);
        EXPECT_EQ(b.read(LEN, 0), LEN.reset);
        const uint64_t writes = b.mem.writes;
        wait(2, SC_US);
        EXPECT_LE(b.mem.writes, writes + 1);  // at most the burst in flight
        EXPECT_EQ(b.read(STATUS, 0), 0u);
        b.enable_irqs();
        EXPECT_EQ(run(b, copy(src_at, dst_at, 100)), STATUS_DONE.make(1));
    });
    EXPECT_EQ(b.runs.size(), 1u);
}

TEST(dma_errors, random_register_writes_never_crash_or_hang) {
    test::dma_bench b;
    test::allow_warnings(true);
    test::run_thread([&] {
        std::mt19937_64 rng(20261122);
        auto pick = [&](uint64_t n) { return static_cast<uint64_t>(rng() % n); };
        for (int i = 0; i < 3000; ++i) {
            uint64_t off = pick(window_bytes / 4) * 4;
            if (pick(2))  // half of the writes hit the 4 channel blocks
                off = channel_offset(static_cast<unsigned>(pick(4))) + pick(19) * 4;
            uint32_t value = static_cast<uint32_t>(rng());
            if (off % channel_stride == SRC_HI.offset % channel_stride && pick(2))
                value = 0;  // sometimes a source in the memory ...
            if (off % channel_stride == SRC_LO.offset % channel_stride && pick(2))
                value = static_cast<uint32_t>(mem_base + pick(mem_size));
            if (off % channel_stride == LEN.offset % channel_stride && pick(2))
                value = static_cast<uint32_t>(pick(5000));  // ... and a short length
            b.cpu.write32(off, value);
            if (pick(8) == 0)
                wait(pick(200), SC_NS);
        }
        // Stop whatever still runs, then the engine still works.
        std::map<error_code, int> outcomes;
        for (const auto& r : b.runs)
            ++outcomes[r.error];
        EXPECT_GE(outcomes.size(), 3u);  // the writes did start runs of several kinds
        for (unsigned ch = 0; ch < 4; ++ch)
            b.write(CTRL, ch, CTRL_ABORT.make(1));
        for (unsigned ch = 0; ch < 4; ++ch)
            EXPECT_FALSE(STATUS_BUSY.get(b.wait_idle(ch)));
        const auto data = test::pattern(600, 4);
        b.mem.fill(src_at, data);
        descriptor d = copy(src_at, dst_at, 600);
        EXPECT_EQ(run(b, d), STATUS_DONE.make(1));
        EXPECT_EQ(b.mem.dump(dst_at, 600), data);
    });
}
