// Power states: exact entry/exit times and energies, OFF loses state and
// answers with errors, gated accesses stall (or wake the domain), illegal
// requests, residency and utilisation counters, hardware auto-idle.
#include <sysc/kernel/sc_spawn.h>

#include "tests/ip/power/power_bench.h"

using namespace nnvp;
using namespace nnvp::test;
using namespace sc_core;

namespace {
constexpr unsigned nn = power_bench::nn;
constexpr unsigned cpu = power_bench::cpu;
const sc_time us(1, SC_US);
const sc_time ns(1, SC_NS);

uint64_t rd64(power_bench& b, unsigned d, const regs::reg_def& lo) {
    uint64_t v = 0;
    EXPECT_EQ(b.bus.access(tlm::TLM_READ_COMMAND, power_bench::at(d, lo), &v, 8),
              tlm::TLM_OK_RESPONSE);
    return v;
}
}  // namespace

// Defaults: OFF entry 10 us / 2 uJ, exit 50 us / 5 uJ. The domain stays ON
// during the entry and OFF during the exit.
TEST(power_state, off_and_back_timing_energy_and_state_loss) {
    power_bench b(3);
    run_thread([&] {
        b.wr(pr::IRQ_ENABLE, pr::irq_state_done_bit(nn));
        b.nn_bus.write32_ok(0, 0x55);
        EXPECT_EQ(b.rd(nn, pr::STATE_CUR), regs::value(pr::state::on));
        const sc_time t0 = sc_time_stamp();
        b.wr(nn, pr::STATE_REQ, regs::value(pr::state::off));
        const uint32_t st = b.rd(nn, pr::STATUS);
        EXPECT_EQ(pr::STATUS_BUSY.get(st), 1u);
        EXPECT_EQ(pr::STATUS_STATE_BUSY.get(st), 1u);
        EXPECT_EQ(pr::STATUS_PHASE.get(st), regs::value(pr::phase::state));
        EXPECT_EQ(pr::STATUS_TARGET.get(st), regs::value(pr::state::off));
        EXPECT_EQ(b.rd(nn, pr::STATE_REQ), regs::value(pr::state::off));
        b.wait_until(t0 + 9 * us);
        EXPECT_EQ(b.rd(nn, pr::STATE_CUR), regs::value(pr::state::on));  // still entering
        b.wait_until(t0 + 11 * us);
        EXPECT_EQ(b.rd(nn, pr::STATE_CUR), regs::value(pr::state::off));
        EXPECT_EQ(b.rd(nn, pr::STATUS), 0u);
        EXPECT_EQ(b.rd(nn, pr::STATE_TRANSITIONS), 1u);
        EXPECT_EQ(b.rd(nn, pr::CONTEXT_LOST), 1u);
        EXPECT_EQ(b.rd(nn, pr::TRANS_ENERGY_NJ), 2000u);
        ASSERT_EQ(b.probe.rises().size(), 1u);
        EXPECT_EQ(b.probe.rises()[0], t0 + 10 * us);
        EXPECT_EQ(b.rd(pr::IRQ_STATUS), pr::irq_state_done_bit(nn));
        b.wr(pr::IRQ_STATUS, pr::irq_state_done_bit(nn));

        // An access to the OFF block: error response and a warning.
        allow_warnings(true);
        const int w0 = warnings_seen();
        uint32_t v = 0;
        EXPECT_EQ(b.nn_bus.read32(0, v), tlm::TLM_GENERIC_ERROR_RESPONSE);
        EXPECT_EQ(warnings_seen() - w0, 1);
        EXPECT_NE(last_warning().find("powered off"), std::string::npos);
        allow_warnings(false);

        const sc_time t1 = sc_time_stamp();
        b.wr(nn, pr::STATE_REQ, regs::value(pr::state::on));
        b.wait_until(t1 + 49 * us);
        EXPECT_EQ(b.rd(nn, pr::STATE_CUR), regs::value(pr::state::off));  // still powering up
        b.wait_until(t1 + 51 * us);
        EXPECT_EQ(b.rd(nn, pr::STATE_CUR), regs::value(pr::state::on));
        EXPECT_EQ(b.rd(nn, pr::TRANS_ENERGY_NJ), 7000u);
        EXPECT_DOUBLE_EQ(b.pc.transition_energy_j(nn), 7e-6);
        EXPECT_EQ(b.rd(nn, pr::STATE_TRANSITIONS), 2u);
        ASSERT_EQ(b.probe.rises().size(), 2u);
        EXPECT_EQ(b.probe.rises()[1], t1 + 50 * us);
        // Power-up reset: the block's register lost its value.
        EXPECT_EQ(b.nn_bus.read32(0), 0u);
        EXPECT_EQ(b.pc.state_entries(nn, regs::value(pr::state::off)), 1u);
        EXPECT_EQ(b.pc.state_entries(nn, regs::value(pr::state::on)), 1u);
    });
    // Seen from the domain: OFF at +10 us, ON at t1 + 50 us, nothing else.
    ASSERT_EQ(b.trace.size(), 2u);
    EXPECT_EQ(b.trace[0].state, power_state::off);
    EXPECT_EQ(b.trace[1].state, power_state::on);
    EXPECT_EQ(b.trace[1].at - b.trace[0].at > 50 * us, true);
}

// Retention (entry 5 us, exit 10 us) keeps the block's state; a move from
// RETENTION to OFF passes through ON (10 us exit, then 10 us OFF entry).
TEST(power_state, retention_keeps_state_and_low_to_low_passes_through_on) {
    power_bench b(3);
    run_thread([&] {
        b.nn_bus.write32_ok(0, 0x77);
        b.wr(nn, pr::STATE_REQ, regs::value(pr::state::retention));
        wait(6 * us);
        EXPECT_EQ(b.rd(nn, pr::STATE_CUR), regs::value(pr::state::retention));
        b.wr(nn, pr::STATE_REQ, regs::value(pr::state::on));
        wait(11 * us);
        EXPECT_EQ(b.nn_bus.read32(0), 0x77u);  // retained
        EXPECT_EQ(b.rd(nn, pr::CONTEXT_LOST), 0u);
        b.wr(nn, pr::STATE_REQ, regs::value(pr::state::retention));
        wait(6 * us);
        const sc_time t0 = sc_time_stamp();
        b.wr(nn, pr::STATE_REQ, regs::value(pr::state::off));
        b.wait_until(t0 + 9 * us);
        EXPECT_EQ(b.rd(nn, pr::STATE_CUR), regs::value(pr::state::retention));
        b.wait_until(t0 + 15 * us);
        EXPECT_EQ(b.rd(nn, pr::STATE_CUR), regs::value(pr::state::on));  // entering OFF
        b.wait_until(t0 + 21 * us);
        EXPECT_EQ(b.rd(nn, pr::STATE_CUR), regs::value(pr::state::off));
        // Enter and leave retention (0.5 + 0.5 uJ), enter it again (0.5), leave
        // it (0.5) and enter OFF (2): 4 uJ.
        EXPECT_EQ(b.rd(nn, pr::TRANS_ENERGY_NJ), 4000u);
    });
}

// An access to a clock-gated block stalls until firmware wakes the domain:
// it completes at wake request + IDLE exit (50 ns) + one block cycle.
TEST(power_state, gated_access_stalls_until_woken) {
    power_bench b(3);
    sc_time done;
    run_thread([&] {
        b.wr(nn, pr::STATE_REQ, regs::value(pr::state::idle));
        wait(1 * us);
        EXPECT_EQ(b.nncore->state(), power_state::idle);
        const sc_time t_wake = sc_time_stamp() + 100 * us;
        sc_spawn([&b, t_wake] {
            wait(t_wake - sc_time_stamp());
            b.wr(nn, pr::STATE_REQ, regs::value(pr::state::on));
        });
        b.nn_bus.write32_ok(0, 1);
        done = sc_time_stamp();
        EXPECT_EQ(done, t_wake + 50 * ns + b.nncore->cycles(1));
    });
}

// With auto_wake the access itself wakes the domain.
TEST(power_state, auto_wake_on_access) {
    power_config cfg;
    cfg.auto_wake = true;
    power_bench b(3, cfg);
    run_thread([&] {
        b.wr(nn, pr::STATE_REQ, regs::value(pr::state::retention));
        wait(10 * us);
        const sc_time t0 = sc_time_stamp();
        b.nn_bus.write32_ok(0, 9);
        EXPECT_EQ(sc_time_stamp(), t0 + 10 * us + b.nncore->cycles(1));  // retention exit
        EXPECT_EQ(b.rd(nn, pr::STATE_CUR), regs::value(pr::state::on));
        EXPECT_EQ(b.rd(nn, pr::STATE_REQ), regs::value(pr::state::retention));  // firmware's request stays
        EXPECT_EQ(b.nn_bus.read32(0), 9u);
        EXPECT_FALSE(b.irq.read());  // hardware-initiated: no interrupt
    });
}

TEST(power_state, illegal_requests_are_rejected_with_an_error_status) {
    power_bench b(3);
    allow_warnings(true);
    run_thread([&] {
        b.wr(pr::IRQ_ENABLE, pr::IRQ_ERROR.mask());
        const int w0 = warnings_seen();
        b.wr(nn, pr::STATE_REQ, 4);
        uint32_t st = b.rd(nn, pr::STATUS);
        EXPECT_EQ(pr::STATUS_ERROR.get(st), 1u);
        EXPECT_EQ(pr::STATUS_ERR_CODE.get(st), regs::value(pr::error_code::bad_state));
        EXPECT_EQ(b.rd(nn, pr::STATE_CUR), regs::value(pr::state::on));
        wait(SC_ZERO_TIME);
        EXPECT_TRUE(b.irq.read());
        EXPECT_EQ(warnings_seen() - w0, 1);
        b.wr(pr::IRQ_STATUS, pr::IRQ_ERROR.mask());

        // "cpu" is always on: only ON may be requested.
        b.wr(cpu, pr::STATE_REQ, regs::value(pr::state::off));
        st = b.rd(cpu, pr::STATUS);
        EXPECT_EQ(pr::STATUS_ERR_CODE.get(st), regs::value(pr::error_code::not_allowed));
        EXPECT_EQ(b.cpu_dom.state(), power_state::on);
        EXPECT_NE(last_warning().find("always on"), std::string::npos);

        // Busy: a state request during an OPP transition, and the reverse.
        b.wr(nn, pr::OPP_REQ, 7);
        b.wr(nn, pr::STATE_REQ, regs::value(pr::state::idle));
        EXPECT_EQ(pr::STATUS_ERR_CODE.get(b.rd(nn, pr::STATUS)), regs::value(pr::error_code::busy));
        wait(100 * us);
        EXPECT_EQ(b.rd(nn, pr::OPP_CUR), 7u);
        EXPECT_EQ(b.nncore->state(), power_state::on);
        b.wr(nn, pr::STATE_REQ, regs::value(pr::state::off));
        b.wr(nn, pr::OPP_REQ, 2);
        EXPECT_EQ(pr::STATUS_ERR_CODE.get(b.rd(nn, pr::STATUS)), regs::value(pr::error_code::busy));
        EXPECT_EQ(b.rd(nn, pr::OPP_REQ), 7u);  // the last accepted request
        EXPECT_EQ(warnings_seen() - w0, 4);
        // A valid request clears the error.
        wait(20 * us);
        b.wr(nn, pr::STATE_REQ, regs::value(pr::state::on));
        EXPECT_EQ(pr::STATUS_ERROR.get(b.rd(nn, pr::STATUS)), 0u);
    });
}

// Residency counters add up to the simulated time; busy + idle cycles are
// the clocked cycles at the clock of the moment.
TEST(power_state, residencies_sum_to_simulated_time_and_cycles_count_activity) {
    power_bench b(3);  // 600 MHz
    run_thread([&] {
        wait(10 * us);
        b.nncore->begin_activity();
        wait(10 * us);  // 6000 busy cycles
        b.nncore->end_activity();
        b.wr(nn, pr::STATE_REQ, regs::value(pr::state::retention));
        wait(30 * us);
        b.wr(nn, pr::STATE_REQ, regs::value(pr::state::off));
        wait(100 * us);
        b.wr(nn, pr::STATE_REQ, regs::value(pr::state::idle));
        wait(200 * us);
        b.wr(nn, pr::STATE_REQ, regs::value(pr::state::on));
        wait(10 * us);
        // RES_ON (the state in force) is read first, at `now`.
        const auto now_ns = static_cast<uint64_t>(std::llround(sc_time_stamp().to_seconds() * 1e9));
        uint64_t sum = 0;
        const regs::reg_def lo[] = {pr::RES_ON_LO, pr::RES_IDLE_LO, pr::RES_RET_LO, pr::RES_OFF_LO};
        for (const auto& r : lo)
            sum += rd64(b, nn, r);
        EXPECT_NEAR(static_cast<double>(sum), static_cast<double>(now_ns), 4.0);
        EXPECT_GT(rd64(b, nn, pr::RES_OFF_LO), 100'000u);
        EXPECT_EQ(rd64(b, nn, pr::BUSY_CYC_LO), 6000u);
        const double on_s = b.pc.state_residency_s(nn, regs::value(pr::state::on));
        EXPECT_NEAR(static_cast<double>(rd64(b, nn, pr::IDLE_CYC_LO)), on_s * 600e6 - 6000, 2.0);
        double total = 0;
        for (uint32_t s = 0; s < pr::state_count; ++s)
            total += b.pc.state_residency_s(nn, s);
        EXPECT_NEAR(total, sc_time_stamp().to_seconds(), 1e-12);
    });
}

// AUTO_IDLE = 600 cycles (1 us at 600 MHz): the domain gates 1 us after its
// last activity (+ the 50 ns IDLE entry), never while active.
TEST(power_state, hardware_auto_idle) {
    power_bench b(3);
    run_thread([&] {
        const sc_time t0 = sc_time_stamp();
        b.wr(nn, pr::AUTO_IDLE, 600);
        EXPECT_EQ(b.rd(nn, pr::AUTO_IDLE), 600u);
        b.wait_until(t0 + 1 * us);
        EXPECT_EQ(b.nncore->state(), power_state::on);
        b.wait_until(t0 + 1 * us + 60 * ns);
        EXPECT_EQ(b.nncore->state(), power_state::idle);
        b.wr(nn, pr::STATE_REQ, regs::value(pr::state::on));
        wait(1 * us);
        b.nncore->begin_activity();
        wait(5 * us);
        EXPECT_EQ(b.nncore->state(), power_state::on);
        const sc_time t1 = sc_time_stamp();
        b.nncore->end_activity();
        b.wait_until(t1 + 1 * us + 40 * ns);
        EXPECT_EQ(b.nncore->state(), power_state::on);
        b.wait_until(t1 + 1 * us + 60 * ns);
        EXPECT_EQ(b.nncore->state(), power_state::idle);
        EXPECT_EQ(b.rd(nn, pr::STATE_TRANSITIONS), 3u);
    });
}

// A block auto-idle gated (the hardware, not firmware) wakes on the next
// access with the IDLE exit latency, auto_wake or not, and no warning.
TEST(power_state, an_auto_idled_block_wakes_on_access) {
    power_bench b(3);
    run_thread([&] {
        b.wr(nn, pr::AUTO_IDLE, 600);
        wait(2 * us);
        ASSERT_EQ(b.nncore->state(), power_state::idle);
        const int warnings = warnings_seen();
        const sc_time t0 = sc_time_stamp();
        b.nn_bus.write32_ok(0, 7);
        EXPECT_EQ(sc_time_stamp(), t0 + 50 * ns + b.nncore->cycles(1));  // IDLE exit
        EXPECT_EQ(warnings_seen(), warnings);
        EXPECT_EQ(b.nncore->state(), power_state::on);
        EXPECT_EQ(b.nn_bus.read32(0), 7u);
    });
}

// Gated by firmware and never ungated: after the 1 s bound the access fails
// and the warning says clock-gated, not powered off.
TEST(power_state, a_gated_block_nobody_wakes_is_reported_clock_gated) {
    power_bench b(3);
    run_thread([&] {
        b.wr(nn, pr::STATE_REQ, regs::value(pr::state::idle));
        wait(1 * us);
        allow_warnings(true);
        uint32_t v = 0;
        EXPECT_EQ(b.nn_bus.read32(0, v), tlm::TLM_GENERIC_ERROR_RESPONSE);
        allow_warnings(false);
        EXPECT_NE(last_warning().find("block is clock-gated (idle)"), std::string::npos)
            << last_warning();
    });
}

// Energy never decreases across OPP and state transitions; with the domain
// idle and at a fixed point, energy = leakage power x time.
TEST(power_state, energy_is_monotonic_and_constant_load_integrates) {
    power_bench b(3);
    energy_meter core("core", *b.nncore, 0.010);  // 10 mW at 0.9 V
    run_thread([&] {
        uint64_t last = 0;
        auto check = [&] {
            uint64_t e = 0;
            EXPECT_EQ(
                b.bus.access(tlm::TLM_READ_COMMAND, power_bench::at(nn, pr::ENERGY_LO), &e, 8),
                tlm::TLM_OK_RESPONSE);
            EXPECT_GE(e, last);
            last = e;
        };
        const uint32_t seq_opp[] = {7, 0, 5};
        const uint32_t seq_state[] = {regs::value(pr::state::idle), regs::value(pr::state::retention), regs::value(pr::state::off),
                                      regs::value(pr::state::on)};
        for (uint32_t o : seq_opp) {
            b.wr(nn, pr::OPP_REQ, o);
            for (int i = 0; i < 10; ++i) {
                wait(10 * us);
                check();
            }
        }
        for (uint32_t s : seq_state) {
            b.wr(nn, pr::STATE_REQ, s);
            for (int i = 0; i < 10; ++i) {
                wait(10 * us);
                check();
            }
        }
        // Constant load: 1 ms at OPP 5 (0.75 V) -> 10 mW x 0.75 / 0.9 x 1 ms.
        const double e0 = core.total_j();
        wait(1, SC_MS);
        EXPECT_NEAR(core.total_j() - e0, 0.010 * 0.75 / 0.9 * 1e-3, 1e-15);
    });
}
