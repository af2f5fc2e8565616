// The assembled SoC: firmware drives real blocks over the real bus; DMA time
// follows the bus/DRAM formula to the cycle, masters contend for DRAM, energy
// adds up, and bad guest accesses come back as bus errors.
#include "firmware/programs/board.h"
#include "firmware/drivers/nncore/nncore_driver.h"
#include "arch/regs/dma_regs.h"
#include "platform/soc.h"
#include "tests/ip/nncore/stream_builder.h"
#include "tests/support/sc_harness.h"

#include <cmath>

using namespace nnvp;
using namespace sc_core;

namespace {

const std::string default_config = std::string(NNVP_SOURCE_DIR) + "/platform/configs/default.json";

platform_config quiet_config(
    std::vector<std::pair<std::string, nlohmann::json>> overrides = {}) {
    overrides.emplace_back("cpu.echo_console", false);
    return load_platform_config(default_config, overrides);
}

double ns(double s) { return s * 1e9; }

// Firmware: `copies` DMA copies of 4 KiB from DRAM to SRAM, one after the other.
cpu::program_fn dma_copies(int copies) {
    return [copies](fw::hal& h) {
        fw::board b(h);
        if (!b.init())
            return 1;
        const uint64_t dram = h.map().at("dram").base, sram = h.map().at("sram").base;
        for (int i = 0; i < copies; ++i)
            if (b.dma.start_1d(0, dram, sram, 4096) != fw::dma_result::ok ||
                b.dma.wait(0, 1'000'000) != fw::dma_result::ok)
                return 2;
        return 0;
    };
}

}  // namespace

// A 4 KiB DRAM -> SRAM copy in 256-byte bursts. Per burst, with the default
// platform (fabric and DRAM both at 800 MHz, 1.25 ns a cycle):
//   read:  bus hop 2 + ceil(256/16) = 18 fabric cycles, DRAM 40 + 256/16 = 56 cycles
//   write: bus hop 2 + 16 = 18 fabric cycles, SRAM 2 + 256/32 = 10 fabric cycles
//   = 102 cycles = 127.5 ns; 16 bursts + 16 setup cycles = 2040 + 20 = 2060 ns.
// (With one burst in flight the engine is serial and the time a plain sum.)
TEST(soc, dma_time_follows_the_bus_and_dram_formula) {
    soc chip("soc", quiet_config({{"dma.max_outstanding", 1}}));
    const run_outcome out = chip.run(dma_copies(1), sc_time(1, SC_SEC));
    ASSERT_TRUE(out.halted);
    EXPECT_EQ(out.exit_code, 0);
    ASSERT_EQ(chip.dma_runs().size(), 1u);
    const dma_run& r = chip.dma_runs()[0];
    EXPECT_EQ(r.bytes, 4096u);
    EXPECT_NEAR(ns(r.end_s - r.start_s), 2060.0, 1e-6);
}

// A run in slices (what the app's progress line needs) simulates the same
// events: the same 2060 ns copy, the hook called between slices at rising
// simulated times (slices grow while the simulation is fast), and the chip
// observable from it.
TEST(soc, run_in_slices_gives_the_same_times_and_reports_progress) {
    soc chip("soc", quiet_config({{"dma.max_outstanding", 1}}));
    std::vector<double> seen;
    std::size_t runs_seen = 0;
    const run_outcome out = chip.run(
        dma_copies(3), sc_time(1, SC_SEC),
        [&](const soc& c) {
            seen.push_back(sc_time_stamp().to_seconds());
            runs_seen = std::max(runs_seen, c.dma_runs().size());
        },
        sc_time(100, SC_NS));
    ASSERT_TRUE(out.halted);
    EXPECT_EQ(out.exit_code, 0);
    EXPECT_FALSE(out.time_limit);
    ASSERT_EQ(chip.dma_runs().size(), 3u);
    for (const dma_run& r : chip.dma_runs())
        EXPECT_NEAR(ns(r.end_s - r.start_s), 2060.0, 1e-6);
    // Three copies of 2.06 us; slices of 100, 200, 400 ns... (each one
    // simulates far faster than 25 ms of wall time).
    ASSERT_GE(seen.size(), 5u);
    double expected_ns = 0, slice_ns = 100;
    for (double t : seen) {
        expected_ns += slice_ns;
        slice_ns *= 2;
        EXPECT_NEAR(ns(t), expected_ns, 1e-6);
    }
    EXPECT_GE(runs_seen, 1u);
    EXPECT_LT(runs_seen, 4u);
}

// In slices, firmware waiting for an interrupt that never comes is seen as
// starved once nothing is left to happen (the power sampler is off here).
TEST(soc, run_in_slices_ends_a_starved_run) {
    soc chip("soc", quiet_config({{"trace_power_sample_us", 0}}));
    int calls = 0;
    const run_outcome out = chip.run(
        [](fw::hal& h) {
            h.wait_irq(0);
            return 0;
        },
        sc_time(1, SC_SEC), [&](const soc&) { ++calls; }, sc_time(10, SC_US));
    EXPECT_FALSE(out.halted);
    EXPECT_TRUE(out.starved);
    EXPECT_LT(out.simulated.to_seconds(), 1e-3);
    EXPECT_LT(calls, 100);
}

// Halving the fabric clock doubles the fabric part of the time, not the DRAM part:
// per burst 18 + 18 + 10 = 46 fabric cycles (2.5 ns) + 56 DRAM cycles (1.25 ns)
// = 185 ns; 16 bursts + 16 setup cycles = 2960 + 40 = 3000 ns.
TEST(soc, dma_time_at_half_fabric_clock) {
    soc chip("soc", quiet_config({{"domains.fabric.initial", 1}, {"dma.max_outstanding", 1}}));
    chip.run(
        [](fw::hal& h) {
            fw::board b(h);
            b.init();
            b.dma.start_1d(0, h.map().at("dram").base, h.map().at("sram").base, 4096);
            return b.dma.wait(0, 1'000'000) == fw::dma_result::ok ? 0 : 1;
        },
        sc_time(1, SC_SEC));
    ASSERT_EQ(chip.dma_runs().size(), 1u);
    EXPECT_NEAR(ns(chip.dma_runs()[0].end_s - chip.dma_runs()[0].start_s), 3000.0, 1e-6);
}

// Bursts in flight hide the DRAM latency: with the default 4 outstanding
// bursts a 64 KiB DRAM -> SRAM copy runs well above the serial engine's
// 256 B / 127.5 ns = 2.0 GB/s, and never above the 16 B/cycle ports at 800 MHz
// (12.8 GB/s).
TEST(soc, outstanding_bursts_hide_latency_up_to_the_port_bandwidth) {
    soc chip("soc", quiet_config());
    chip.run(
        [](fw::hal& h) {
            fw::board b(h);
            b.init();
            b.dma.start_1d(0, h.map().at("dram").base, h.map().at("sram").base, 65536);
            return b.dma.wait(0, 0) == fw::dma_result::ok ? 0 : 1;
        },
        sc_time(1, SC_SEC));
    ASSERT_EQ(chip.dma_runs().size(), 1u);
    const dma_run& r = chip.dma_runs()[0];
    const double gbps = r.bytes / (r.end_s - r.start_s) / 1e9;
    EXPECT_GT(gbps, 2.5 * 2.0);
    EXPECT_LE(gbps, 12.8);
}

// Two channels streaming DRAM -> DRAM at once share the DRAM port: each takes
// about twice as long as alone.
TEST(soc, two_masters_share_dram_bandwidth) {
    soc chip("soc", quiet_config());
    chip.run(
        [](fw::hal& h) {
            fw::board b(h);
            b.init();
            const uint64_t dram = h.map().at("dram").base;
            const uint32_t n = 64 * 1024;
            b.dma.start_1d(0, dram, dram + 0x100000, n);  // alone
            b.dma.wait(0, 0);
            b.dma.start_1d(1, dram, dram + 0x200000, n);  // together
            b.dma.start_1d(2, dram + 0x300000, dram + 0x400000, n);
            b.dma.wait(1, 0);
            b.dma.wait(2, 0);
            return 0;
        },
        sc_time(1, SC_SEC));
    ASSERT_EQ(chip.dma_runs().size(), 3u);
    const auto dur = [&](std::size_t i) {
        return chip.dma_runs()[i].end_s - chip.dma_runs()[i].start_s;
    };
    EXPECT_GT(dur(1) / dur(0), 1.7);
    EXPECT_LT(dur(1) / dur(0), 2.1);
    EXPECT_GT(dur(2) / dur(0), 1.7);
    EXPECT_LT(dur(2) / dur(0), 2.1);
}

// The report's energy: components add up to the total, each domain's meters
// to the power controller's energy counter, and DRAM dynamic energy is
// bytes x pJ/byte at nominal voltage.
TEST(soc, energy_adds_up) {
    soc chip("soc", quiet_config());
    uint64_t counter_nj = 0;
    chip.run(
        [&](fw::hal& h) {
            fw::board b(h);
            b.init();
            const uint64_t dram = h.map().at("dram").base;
            b.dma.start_1d(0, dram, dram + 0x100000, 16384);
            b.dma.wait(0, 0);
            unsigned d = 0;
            b.power.find_domain("dram", d);
            b.power.energy_nj(d, counter_nj);
            return 0;
        },
        sc_time(1, SC_SEC));
    const nlohmann::json p = chip.power_stats();
    double sum = 0;
    for (const auto& [name, c] : p["by_component"].items()) {
        sum += c["energy_j"].get<double>();
        EXPECT_NEAR(c["energy_j"].get<double>(),
                    c["dynamic_j"].get<double>() + c["leakage_j"].get<double>() +
                        c["transition_j"].get<double>(),
                    1e-15)
            << name;
    }
    EXPECT_NEAR(sum, p["energy_j"].get<double>(), 1e-12);
    EXPECT_NEAR(p["energy_j"].get<double>(),
                p["dynamic_j"].get<double>() + p["leakage_j"].get<double>() +
                    p["transition_j"].get<double>(),
                1e-12);
    // DRAM at its nominal 1.1 V: 16 KiB read + 16 KiB written at 160 pJ/byte.
    EXPECT_NEAR(p["by_component"]["dram"]["dynamic_j"].get<double>(), 32768 * 160e-12, 1e-12);
    // The firmware-readable counter (nJ, read a little earlier) is close.
    EXPECT_NEAR(counter_nj * 1e-9, p["by_domain"]["dram"]["energy_j"].get<double>(), 0.05e-6);
    // Residencies cover the simulated time.
    double on = 0;
    for (const auto& [state, s] : p["states"]["dram"].items())
        on += s.get<double>();
    EXPECT_NEAR(on, sc_time_stamp().to_seconds(), 1e-12);
}

// Firmware that pokes at nothing gets a bus error it can handle; the VP goes on.
TEST(soc, guest_bus_errors_are_statuses_not_crashes) {
    soc chip("soc", quiet_config());
    test::allow_warnings(true);
    fw::bus_status unmapped = fw::bus_status::ok, hole = fw::bus_status::ok;
    fw::bus_status narrow = fw::bus_status::ok;
    const run_outcome out = chip.run(
        [&](fw::hal& h) {
            uint32_t v = 0;
            unmapped = h.read32(0x0, v);
            hole = h.write32(h.map().at("dma").base + 0xffc, 1);  // no register there
            uint8_t byte = 0;
            narrow = h.read_block(0xf0000000, &byte, 1);
            return 0;
        },
        sc_time(1, SC_SEC));
    EXPECT_TRUE(out.halted);
    EXPECT_EQ(unmapped, fw::bus_status::address_error);
    EXPECT_EQ(hole, fw::bus_status::address_error);
    EXPECT_EQ(narrow, fw::bus_status::address_error);
    EXPECT_EQ(chip.core().stats().bus_errors, 3u);
}

// Firmware waiting for an interrupt that never comes ends the run (nothing
// left to simulate, or the time limit), it does not hang the VP.
TEST(soc, firmware_waiting_forever_ends_the_run) {
    platform_config cfg = quiet_config();
    soc chip("soc", cfg);
    const run_outcome out = chip.run(
        [](fw::hal& h) {
            h.wait_irq(0);
            return 0;
        },
        sc_time(1, SC_SEC));
    EXPECT_FALSE(out.halted);
    EXPECT_TRUE(out.starved || out.time_limit);
    EXPECT_LT(out.wall_s, 5.0);
}

// The wall-clock limit inside one long NN-core command (a guest's legal but
// huge conv): the command is abandoned between its output rows, the run
// ends with wall_limit and says the core was left mid-command. A limit of
// 1 ns and one slice for the whole run make it deterministic: the first row
// is never computed.
TEST(soc, the_wall_clock_limit_abandons_a_long_nn_core_command) {
    soc chip("soc", quiet_config());
    ref::layer l;
    l.name = "conv";
    l.op = ref::op_kind::conv2d;
    l.prec = ref::precision::fp32;
    l.out_channels = 8;
    l.geo = {3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1};
    test::stream s;
    s.add(test::compute_command(l, {1, 32, 32, 4}, {}, test::operands(0, 128 * 1024, 256 * 1024))
              .cmd);
    s.end();
    const std::vector<uint8_t> bytes = s.bytes();
    chip.dram().load(0x100000, bytes.data(), bytes.size());
    const uint64_t stream_at = chip.config().map.at("dram").base + 0x100000;
    chip.set_wall_limit(1e-9);
    bool returned = false;
    const run_outcome out = chip.run(
        [&](fw::hal& h) {
            fw::nncore_driver nn(h, h.map().at("nncore").base);
            if (nn.probe() != fw::nncore_result::ok || nn.configure({}) != fw::nncore_result::ok ||
                nn.submit(stream_at, static_cast<uint32_t>(bytes.size())) != fw::nncore_result::ok)
                return 2;
            nn.poll(1'000'000'000);
            returned = true;
            return 0;
        },
        sc_time(1, SC_SEC), [](const soc&) {}, sc_time(1, SC_SEC));
    EXPECT_TRUE(out.wall_limit);
    EXPECT_FALSE(out.halted);
    EXPECT_FALSE(returned);
    EXPECT_TRUE(chip.nn_core().interrupted());
    EXPECT_EQ(out.busy, std::vector<std::string>{
                            "nncore (a compute command, abandoned at the wall-clock limit)"});
    EXPECT_TRUE(chip.nn_commands().empty());  // no row for the unfinished command
}

// CPU bulk copies through DMI skip the bus but not the energy bill: DRAM
// counts their bytes and charges its per-byte energy.
TEST(soc, dmi_copies_are_charged_to_the_memory) {
    soc chip("soc", quiet_config());
    std::vector<uint8_t> data(64 * 1024, 0x5a);
    chip.run(
        [&](fw::hal& h) {
            const uint64_t dram = h.map().at("dram").base;
            h.write_block(dram, data.data(), data.size());
            h.read_block(dram, data.data(), data.size());
            return 0;
        },
        sc_time(1, SC_SEC));
    const nlohmann::json p = chip.power_stats();
    // Whatever went over the bus (the first chunks, before DMI was granted)
    // plus the DMI part: all 128 KiB are charged at 160 pJ/byte.
    EXPECT_GT(chip.core().stats().bulk_bytes_dmi, 100000u);
    EXPECT_NEAR(p["by_component"]["dram"]["dynamic_j"].get<double>(), 2 * 65536 * 160e-12, 1e-12);
}

TEST(soc, a_firmware_exception_halts_the_cpu_and_says_why) {
    soc chip("soc", quiet_config());
    const run_outcome out = chip.run(
        [](fw::hal& h) -> int {
            h.log("starting");
            throw std::runtime_error("descriptor table full");
        },
        sc_time(1, SC_SEC), [](const soc&) {});  // in slices, as nnvp run does
    EXPECT_TRUE(out.halted);
    EXPECT_FALSE(out.time_limit);
    EXPECT_FALSE(out.starved);
    EXPECT_EQ(out.exit_code, -1);
    EXPECT_EQ(out.stopped_by, "firmware exception: descriptor table full");
    ASSERT_EQ(chip.core().console().size(), 2u);
    EXPECT_EQ(chip.core().console().back(), "cpu halted: firmware exception: descriptor table full");
    EXPECT_LT(out.simulated.to_seconds(), 1e-3) << "stopped when it threw, not at the limit";
}

// A run that does not halt says what the CPU was blocked on (issue 16: a
// WFI on an interrupt never enabled ran to the limit and said nothing).
TEST(soc, a_run_that_does_not_halt_says_what_the_cpu_was_blocked_on) {
    soc chip("soc", quiet_config());
    const run_outcome wfi = chip.run(
        [](fw::hal& h) -> int {
            h.delay_ns(2000);
            h.wait_irq(0);  // nothing enabled: never wakes
            return 0;
        },
        sc_time(1, SC_MS));
    EXPECT_FALSE(wfi.halted);
    EXPECT_EQ(wfi.blocked_on.rfind("waiting for an interrupt (WFI) since 0.002 ms; the CPU has "
                                   "interrupts disabled; no interrupt source is enabled at the "
                                   "interrupt controller",
                                   0),
              0u)
        << wfi.blocked_on;
    EXPECT_TRUE(wfi.busy.empty());
}

TEST(soc, a_poll_loop_is_named_by_its_register) {
    soc chip("soc", quiet_config());
    const uint64_t status =
        chip.config().map.at("dma").base + dma_regs::channel_reg(dma_regs::STATUS, 1).offset;
    const run_outcome poll = chip.run(
        [status](fw::hal& h) -> int {
            for (;;) {  // waits for a channel nobody started
                uint32_t v = 0;
                h.read32(status, v);
                h.delay_ns(100);
            }
        },
        sc_time(20, SC_US));
    EXPECT_TRUE(poll.time_limit);
    EXPECT_EQ(poll.blocked_on.rfind("polling dma.STATUS (", 0), 0u) << poll.blocked_on;
    EXPECT_NE(poll.blocked_on.find(" reads in a row since 0 ms)"), std::string::npos)
        << poll.blocked_on;
}

// The same copy as one burst train (dma.train_bytes 4096: one read and one
// write transaction for the 16 bursts). With one burst in flight the train
// lasts 16 round trips of a burst, 16 x 102 cycles: the 2060 ns above. With
// four in flight, the default, bursts complete in rounds of four a round
// trip apart, 16 cycles apart within a round (the DRAM's pace): burst 15 at
// 102 + 3 x 102 + 3 x 16 = 456 cycles, 570 ns + 20 ns of setup; the
// per-burst model gives the same. (One SoC per test: SystemC elaborates once.)
namespace {
double copy_ns(std::vector<std::pair<std::string, nlohmann::json>> overrides) {
    soc chip("soc", quiet_config(std::move(overrides)));
    const run_outcome out = chip.run(dma_copies(1), sc_time(1, SC_SEC));
    EXPECT_TRUE(out.halted);
    EXPECT_EQ(chip.dma_runs().size(), 1u);
    const dma_run& r = chip.dma_runs().at(0);
    EXPECT_EQ(r.bytes, 4096u);
    return ns(r.end_s - r.start_s);
}
}  // namespace

TEST(soc, a_burst_train_with_one_burst_in_flight_takes_its_round_trips) {
    EXPECT_NEAR(copy_ns({{"dma.max_outstanding", 1}, {"dma.train_bytes", 4096}}), 2060.0, 1e-6);
}

TEST(soc, a_burst_train_with_four_in_flight_completes_in_rounds) {
    EXPECT_NEAR(copy_ns({{"dma.train_bytes", 4096}}), 590.0, 1e-6);
}

TEST(soc, four_bursts_in_flight_complete_in_rounds) {
    EXPECT_NEAR(copy_ns({}), 590.0, 1e-6);
}
