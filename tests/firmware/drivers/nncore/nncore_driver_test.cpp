// The NN-core driver on a fake HAL: exact register sequences, error paths,
// bus errors and timeouts. Offsets, masks and reset values come from
// arch/regs/nncore_regs.h.
#include "firmware/drivers/nncore/nncore_driver.h"

#include <gtest/gtest.h>

#include <random>
#include <vector>

#include "tests/support/fake_hal.h"

using namespace nnvp;
using namespace nnvp::nncore_regs;
using fw::nncore_driver;
using fw::nncore_result;
using test::fake_hal;

namespace {

constexpr uint64_t base = 0x4000'0000;
constexpr uint64_t at(const reg_def& r) {
    return base + r.offset;
}
constexpr uint32_t both_irqs = IRQ_DONE.mask() | IRQ_ERROR.mask();

// A fake core: identification registers of a 16x8 array, 64/128/32 KiB.
void identify(fake_hal& h) {
    h.words[at(ID)] = id_value;
    h.words[at(ARRAY)] = ARRAY_ROWS.make(16) | ARRAY_COLS.make(8);
    h.words[at(PRECISIONS)] = 0x3f;
    h.words[at(INPUT_KB)] = 64;
    h.words[at(WEIGHT_KB)] = 128;
    h.words[at(OUTPUT_KB)] = 32;
    h.words[at(CMD_VERSION)] = nncore_cmd::version;
}

std::vector<fake_hal::access> writes(const fake_hal& h) {
    std::vector<fake_hal::access> out;
    for (const auto& a : h.accesses)
        if (a.write)
            out.push_back(a);
    return out;
}

void expect_writes(const fake_hal& h, const std::vector<std::pair<reg_def, uint32_t>>& want) {
    const auto got = writes(h);
    ASSERT_EQ(got.size(), want.size());
    for (std::size_t i = 0; i < want.size(); ++i) {
        EXPECT_EQ(got[i].addr, at(want[i].first)) << "write " << i << " " << want[i].first.name;
        EXPECT_EQ(got[i].value, want[i].second) << "write " << i << " " << want[i].first.name;
    }
}

}  // namespace

TEST(nncore_driver, probe_reads_identification_and_enables_irqs) {
    fake_hal h;
    identify(h);
    nncore_driver d(h, base);
    ASSERT_EQ(d.probe(), nncore_result::ok);
    const auto& i = d.info();
    EXPECT_EQ(i.id, id_value);
    EXPECT_EQ(i.rows, 16);
    EXPECT_EQ(i.cols, 8);
    EXPECT_TRUE(i.supports(ref::precision::binary));
    EXPECT_EQ(i.input_kb, 64u);
    EXPECT_EQ(i.weight_kb, 128u);
    EXPECT_EQ(i.output_kb, 32u);
    EXPECT_EQ(i.local_bytes(), 224u * 1024u);
    EXPECT_EQ(i.cmd_version, nncore_cmd::version);
    std::vector<uint64_t> reads;
    for (const auto& a : h.accesses)
        if (!a.write)
            reads.push_back(a.addr);
    EXPECT_EQ(reads, (std::vector<uint64_t>{at(ID), at(ARRAY), at(PRECISIONS), at(INPUT_KB),
                                            at(WEIGHT_KB), at(OUTPUT_KB), at(CMD_VERSION)}));
    expect_writes(h, {{IRQ_STATUS, both_irqs}, {IRQ_ENABLE, both_irqs}});
    EXPECT_EQ(both_irqs, IRQ_ENABLE.write_mask);
}

TEST(nncore_driver, probe_rejects_wrong_id_version_and_bus_error) {
    fake_hal h;
    identify(h);
    h.words[at(ID)] = 0x12345678;
    EXPECT_EQ(nncore_driver(h, base).probe(), nncore_result::no_device);
    identify(h);
    h.words[at(CMD_VERSION)] = nncore_cmd::version + 1;
    EXPECT_EQ(nncore_driver(h, base).probe(), nncore_result::bad_version);
    identify(h);
    h.faults[at(OUTPUT_KB)] = fw::bus_status::address_error;
    EXPECT_EQ(nncore_driver(h, base).probe(), nncore_result::bus_error);
    h.faults.clear();
    h.faults[at(IRQ_ENABLE)] = fw::bus_status::access_error;
    EXPECT_EQ(nncore_driver(h, base).probe(), nncore_result::bus_error);
    h.faults.clear();
    h.faults[at(ID)] = fw::bus_status::address_error;
    EXPECT_EQ(nncore_driver(h, base).probe(), nncore_result::bus_error);
}

TEST(nncore_driver, configure_writes_mode_densities_and_channels) {
    fake_hal h;
    nncore_driver d(h, base);
    fw::nncore_settings s;
    s.mode = fw::nncore_run_mode::timing;
    s.sparsity = fw::nncore_sparsity::skip;
    s.weight_density = 0x8000;
    s.act_density = 0x4000;
    s.dma_channels = 0xc;
    ASSERT_EQ(d.configure(s), nncore_result::ok);
    // MODE: timing bit 0, sparsity bits [3:2] = 2.
    expect_writes(
        h, {{MODE, 0x9}, {WEIGHT_DENSITY, 0x8000}, {ACT_DENSITY, 0x4000}, {DMA_CHANNELS, 0xc}});
    EXPECT_EQ(h.accesses.front().addr, at(STATUS));  // busy check first

    h.accesses.clear();
    ASSERT_EQ(d.configure({}), nncore_result::ok);  // defaults equal the reset values
    expect_writes(h, {{MODE, MODE.reset},
                      {WEIGHT_DENSITY, WEIGHT_DENSITY.reset},
                      {ACT_DENSITY, ACT_DENSITY.reset},
                      {DMA_CHANNELS, DMA_CHANNELS.reset}});
}

TEST(nncore_driver, configure_rejects_bad_values_and_busy_core) {
    fake_hal h;
    nncore_driver d(h, base);
    fw::nncore_settings s;
    s.weight_density = 0x10001;
    EXPECT_EQ(d.configure(s), nncore_result::bad_argument);
    s = {};
    s.act_density = 0x20000;
    EXPECT_EQ(d.configure(s), nncore_result::bad_argument);
    s = {};
    s.dma_channels = 0;
    EXPECT_EQ(d.configure(s), nncore_result::bad_argument);
    s.dma_channels = 0x10000;
    EXPECT_EQ(d.configure(s), nncore_result::bad_argument);
    EXPECT_TRUE(h.accesses.empty());
    h.words[at(STATUS)] = STATUS_BUSY.make(1);
    EXPECT_EQ(d.configure({}), nncore_result::busy);
    EXPECT_TRUE(writes(h).empty());
    h.words[at(STATUS)] = 0;
    h.faults[at(ACT_DENSITY)] = fw::bus_status::generic_error;
    EXPECT_EQ(d.configure({}), nncore_result::bus_error);
}

TEST(nncore_driver, submit_writes_stream_registers_then_doorbell) {
    fake_hal h;
    nncore_driver d(h, base);
    const uint64_t addr = 0x1'2345'6780;
    const uint32_t bytes = nncore_cmd::header_bytes + 3 * nncore_cmd::command_bytes;
    ASSERT_EQ(d.submit(addr, bytes), nncore_result::ok);
    expect_writes(h, {{IRQ_STATUS, both_irqs},
                      {CMD_BASE_LO, 0x2345'6780},
                      {CMD_BASE_HI, 0x1},
                      {CMD_BYTES, bytes},
                      {DOORBELL, DOORBELL_RING.make(1)}});
}

TEST(nncore_driver, submit_rejects_bad_streams_and_busy_core) {
    fake_hal h;
    nncore_driver d(h, base);
    const uint32_t one = nncore_cmd::header_bytes + nncore_cmd::command_bytes;
    EXPECT_EQ(d.submit(0x1004, one), nncore_result::bad_argument);  // misaligned
    EXPECT_EQ(d.submit(0x1000, nncore_cmd::header_bytes), nncore_result::bad_argument);
    EXPECT_EQ(d.submit(0x1000, one + 4), nncore_result::bad_argument);
    EXPECT_TRUE(h.accesses.empty());
    h.words[at(STATUS)] = STATUS_BUSY.make(1);
    EXPECT_EQ(d.submit(0x1000, one), nncore_result::busy);
    EXPECT_TRUE(writes(h).empty());
    h.words[at(STATUS)] = 0;
    h.faults[at(DOORBELL)] = fw::bus_status::address_error;
    EXPECT_EQ(d.submit(0x1000, one), nncore_result::bus_error);
}

TEST(nncore_driver, wait_sleeps_until_done_interrupt) {
    fake_hal h;
    nncore_driver d(h, base);
    h.words[at(STATUS)] = STATUS_BUSY.make(1);
    int sleeps = 0;
    // The core finishes while the CPU sleeps: the IRQ handler runs inside wait_irq.
    h.on_wait_irq = [&] {
        ++sleeps;
        h.words[at(STATUS)] = STATUS_DONE.make(1);
        h.words[at(IRQ_STATUS)] = IRQ_DONE.make(1);
        d.on_irq();
    };
    ASSERT_EQ(d.wait(1'000'000), nncore_result::ok);
    EXPECT_EQ(sleeps, 1);
    EXPECT_EQ(d.done_irqs(), 1u);
    EXPECT_EQ(d.error_irqs(), 0u);
    EXPECT_EQ(h.writes_to(at(IRQ_STATUS)), (std::vector<uint32_t>{IRQ_DONE.mask()}));
    // Check-then-sleep: STATUS is read before the first sleep and after it.
    EXPECT_EQ(h.accesses.front().addr, at(STATUS));
    EXPECT_EQ(h.accesses.back().addr, at(STATUS));
}

TEST(nncore_driver, wait_returns_at_once_when_already_done) {
    fake_hal h;
    nncore_driver d(h, base);
    h.words[at(STATUS)] = STATUS_DONE.make(1);
    int sleeps = 0;
    h.on_wait_irq = [&] { ++sleeps; };
    EXPECT_EQ(d.wait(1000), nncore_result::ok);
    EXPECT_EQ(sleeps, 0);
    EXPECT_EQ(h.accesses.size(), 1u);
}

TEST(nncore_driver, error_interrupt_reports_code_and_command) {
    fake_hal h;
    nncore_driver d(h, base);
    h.words[at(STATUS)] = STATUS_BUSY.make(1);
    h.on_wait_irq = [&] {
        h.words[at(STATUS)] = STATUS_ERROR.make(1);
        h.words[at(ERROR_CODE)] = static_cast<uint32_t>(error_code::buffer_overrun);
        h.words[at(ERROR_CMD)] = 7;
        h.words[at(IRQ_STATUS)] = IRQ_ERROR.make(1);
        d.on_irq();
    };
    ASSERT_EQ(d.wait(0), nncore_result::command_error);
    EXPECT_EQ(d.error().code, error_code::buffer_overrun);
    EXPECT_EQ(d.error().command, 7u);
    EXPECT_EQ(d.error_irqs(), 1u);
    EXPECT_STREQ(fw::to_string(d.error().code), "local buffer overrun");
    fw::nncore_error e;
    ASSERT_EQ(d.read_error(e), nncore_result::ok);
    EXPECT_EQ(e.code, error_code::buffer_overrun);
    // A new submit forgets the old error.
    h.words[at(STATUS)] = 0;
    ASSERT_EQ(d.submit(0x1000, nncore_cmd::header_bytes + nncore_cmd::command_bytes),
              nncore_result::ok);
    EXPECT_EQ(d.error().code, error_code::none);
    EXPECT_EQ(d.error_irqs(), 0u);
}

TEST(nncore_driver, wait_times_out_and_unbounded_wait_keeps_sleeping) {
    fake_hal h;
    nncore_driver d(h, base);
    h.words[at(STATUS)] = STATUS_BUSY.make(1);
    h.time_ns = 500;
    EXPECT_EQ(d.wait(2000), nncore_result::timeout);  // fake wait_irq advances the clock
    EXPECT_EQ(h.time_ns, 2500u);
    // timeout 0: sleeps without bound until the core finishes (3rd wake-up).
    int sleeps = 0;
    h.on_wait_irq = [&] {
        if (++sleeps == 3)
            h.words[at(STATUS)] = STATUS_DONE.make(1);
    };
    EXPECT_EQ(d.wait(0), nncore_result::ok);
    EXPECT_EQ(sleeps, 3);
}

TEST(nncore_driver, wait_and_poll_report_bus_errors) {
    fake_hal h;
    nncore_driver d(h, base);
    h.faults[at(STATUS)] = fw::bus_status::access_error;
    EXPECT_EQ(d.wait(100), nncore_result::bus_error);
    EXPECT_EQ(d.poll(100), nncore_result::bus_error);
    h.faults.clear();
    h.words[at(STATUS)] = STATUS_ERROR.make(1);
    h.faults[at(ERROR_CMD)] = fw::bus_status::address_error;
    EXPECT_EQ(d.wait(100), nncore_result::bus_error);
}

TEST(nncore_driver, poll_reads_status_every_interval) {
    fake_hal h;
    nncore_driver d(h, base);
    h.words[at(STATUS)] = STATUS_BUSY.make(1);
    h.on_read[at(STATUS)] = [&](uint64_t) {
        return h.time_ns >= 3000 ? STATUS_DONE.make(1) : STATUS_BUSY.make(1);
    };
    EXPECT_EQ(d.poll(10'000, 1000), nncore_result::ok);
    EXPECT_EQ(h.time_ns, 3000u);
    EXPECT_EQ(h.accesses.size(), 4u);  // reads at 0, 1000, 2000, 3000 ns
    h.time_ns = 0;
    h.on_read.clear();
    EXPECT_EQ(d.poll(2500, 1000), nncore_result::timeout);
    EXPECT_EQ(h.time_ns, 3000u);
    h.words[at(STATUS)] = STATUS_ERROR.make(1);
    h.words[at(ERROR_CODE)] = static_cast<uint32_t>(error_code::no_end);
    h.words[at(ERROR_CMD)] = 2;
    EXPECT_EQ(d.poll(100), nncore_result::command_error);
    EXPECT_EQ(d.error().code, error_code::no_end);
    EXPECT_EQ(d.error().command, 2u);
}

TEST(nncore_driver, on_irq_clears_only_what_it_read_and_ignores_spurious) {
    fake_hal h;
    nncore_driver d(h, base);
    d.on_irq();  // nothing pending: no write
    EXPECT_TRUE(writes(h).empty());
    h.words[at(IRQ_STATUS)] = both_irqs | 0xf0;  // unknown bits are not cleared
    h.words[at(ERROR_CODE)] = static_cast<uint32_t>(error_code::dma_error);
    h.words[at(ERROR_CMD)] = 4;
    d.on_irq();
    EXPECT_EQ(h.writes_to(at(IRQ_STATUS)), (std::vector<uint32_t>{both_irqs}));
    EXPECT_EQ(d.done_irqs(), 1u);
    EXPECT_EQ(d.error_irqs(), 1u);
    EXPECT_EQ(d.error().code, error_code::dma_error);
    EXPECT_EQ(d.error().command, 4u);
    h.faults[at(IRQ_STATUS)] = fw::bus_status::generic_error;
    d.on_irq();  // a failing read does nothing
    EXPECT_EQ(d.done_irqs(), 1u);
}

TEST(nncore_driver, counters_read_lo_then_hi) {
    fake_hal h;
    nncore_driver d(h, base);
    const uint64_t macs = base + counter_offset(counter::macs);
    h.words[macs] = 0x89abcdef;
    h.words[macs + 4] = 0x01234567;
    uint64_t v = 0;
    ASSERT_EQ(d.read_counter(counter::macs, v), nncore_result::ok);
    EXPECT_EQ(v, 0x0123456789abcdefull);
    ASSERT_EQ(h.accesses.size(), 2u);
    EXPECT_EQ(h.accesses[0].addr, macs);
    EXPECT_EQ(h.accesses[1].addr, macs + 4);

    h.accesses.clear();
    fw::nncore_driver::counter_values all{};
    ASSERT_EQ(d.read_counters(all), nncore_result::ok);
    EXPECT_EQ(all[static_cast<std::size_t>(counter::macs)], 0x0123456789abcdefull);
    ASSERT_EQ(h.accesses.size(), 2u * static_cast<std::size_t>(counter::count));
    for (std::size_t i = 0; i < h.accesses.size(); ++i)
        EXPECT_EQ(h.accesses[i].addr, base + counter_base + 4 * i);

    EXPECT_EQ(d.read_counter(counter::count, v), nncore_result::bad_argument);
    h.faults[base + counter_offset(counter::bytes_read) + 4] = fw::bus_status::address_error;
    EXPECT_EQ(d.read_counter(counter::bytes_read, v), nncore_result::bus_error);
    EXPECT_EQ(d.read_counters(all), nncore_result::bus_error);

    h.accesses.clear();
    ASSERT_EQ(d.clear_counters(), nncore_result::ok);
    expect_writes(h, {{COUNTERS_CLEAR, COUNTERS_CLEAR_ALL.make(1)}});
}

TEST(nncore_driver, commands_done_and_result_strings) {
    fake_hal h;
    nncore_driver d(h, base);
    h.words[at(CMDS_DONE)] = 12;
    uint32_t n = 0;
    ASSERT_EQ(d.commands_done(n), nncore_result::ok);
    EXPECT_EQ(n, 12u);
    EXPECT_STREQ(fw::to_string(nncore_result::timeout), "timeout");
    EXPECT_STREQ(fw::to_string(error_code::bad_header), "bad stream header");
}

TEST(nncore_driver, random_device_behaviour_never_crashes_or_hangs) {
    // Seeded, bounded: every register read returns a random value, some
    // accesses fail, and the driver's whole API runs against it. Each call
    // must return one of its status codes (timeouts bound the waits).
    std::mt19937 rng(20261122);
    fake_hal h;
    for (uint32_t off = 0; off < window_bytes; off += 4) {
        h.on_read[base + off] = [&](uint64_t) { return static_cast<uint32_t>(rng()); };
    }
    h.on_wait_irq = [&] { h.time_ns += 100; };
    nncore_driver d(h, base);
    int ok = 0;
    for (int iter = 0; iter < 2000; ++iter) {
        h.faults.clear();
        if (rng() % 4 == 0)
            h.faults[base + (rng() % (window_bytes / 4)) * 4] = fw::bus_status::access_error;
        nncore_result r = nncore_result::ok;
        switch (rng() % 9) {
            case 0:
                r = d.probe();
                break;
            case 1: {
                fw::nncore_settings s;
                s.mode = static_cast<fw::nncore_run_mode>(rng() % 3);
                s.sparsity = static_cast<fw::nncore_sparsity>(rng() % 4);
                s.weight_density = static_cast<uint32_t>(rng() % 0x20000);
                s.act_density = static_cast<uint32_t>(rng() % 0x20000);
                s.dma_channels = static_cast<uint32_t>(rng() % 0x20000);
                r = d.configure(s);
                break;
            }
            case 2:
                r = d.submit(rng() % 2 ? rng() : (rng() & ~7ull),
                             rng() % 2 ? static_cast<uint32_t>(rng()) : 32 + 128 * (rng() % 4));
                break;
            case 3:
                r = d.wait(rng() % 3 == 0 ? 0 : rng() % 10'000);
                break;
            case 4:
                r = d.poll(rng() % 10'000, rng() % 2000);
                break;
            case 5: {
                uint64_t v = 0;
                r = d.read_counter(static_cast<counter>(rng() % 14), v);
                break;
            }
            case 6:
                r = d.clear_counters();
                break;
            case 7:
                d.on_irq();
                break;
            default: {
                fw::nncore_error e;
                r = d.read_error(e);
                EXPECT_NE(fw::to_string(e.code), nullptr);
            }
        }
        EXPECT_LE(static_cast<unsigned>(r), static_cast<unsigned>(nncore_result::command_error));
        EXPECT_NE(fw::to_string(r), nullptr);
        ok += r == nncore_result::ok;
    }
    EXPECT_GT(ok, 100);
}
