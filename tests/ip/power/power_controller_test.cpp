// Power controller: registers, exact DVFS transition times and sequencing,
// stalls during PLL relock, request errors.
#include "tests/ip/power/power_bench.h"

using namespace nnvp;
using namespace nnvp::test;
using namespace sc_core;

namespace {
constexpr unsigned nn = power_bench::nn;
constexpr unsigned cpu = power_bench::cpu;
const sc_time us(1, SC_US);
}  // namespace

TEST(power_controller, reset_values_and_access_kinds) {
    power_bench b;
    run_thread([&] {
        const uint32_t id = b.rd(pr::ID);
        EXPECT_EQ(pr::ID_DOMAINS.get(id), 2u);
        EXPECT_EQ(pr::ID_VERSION.get(id), pr::version);
        EXPECT_EQ(pr::ID_MAGIC.get(id), pr::id_magic);
        EXPECT_EQ(b.rd(pr::IRQ_STATUS), pr::IRQ_STATUS.reset);
        EXPECT_EQ(b.rd(pr::IRQ_ENABLE), pr::IRQ_ENABLE.reset);
        EXPECT_EQ(b.rd(nn, pr::OPP_SEL), pr::OPP_SEL.reset);
        EXPECT_EQ(b.rd(nn, pr::NAME), 'n' | 'n' << 8 | 'c' << 16 | 'o' << 24);
        EXPECT_EQ(b.rd(cpu, pr::NAME), 'c' | 'p' << 8 | 'u' << 16);
        EXPECT_EQ(b.rd(nn, pr::OPP_COUNT), 8u);
        EXPECT_EQ(b.rd(nn, pr::OPP_CUR), 3u);
        EXPECT_EQ(b.rd(nn, pr::OPP_REQ), 3u);  // documented: the current OPP after reset
        EXPECT_EQ(b.rd(nn, pr::STATUS), 0u);
        EXPECT_EQ(b.rd(nn, pr::FREQ_MHZ), 600u);
        EXPECT_EQ(b.rd(nn, pr::VOLT_MV), 700u);
        EXPECT_EQ(b.rd(cpu, pr::FREQ_MHZ), 1000u);
        EXPECT_EQ(b.rd(nn, pr::TRANSITIONS), 0u);

        // Read-only registers ignore writes (per the header's access kinds),
        // with a warning each.
        EXPECT_EQ(warnings_during([&] { b.wr(pr::ID, 0); }), 1);
        EXPECT_EQ(b.rd(pr::ID), id);
        for (const auto& r : pr::domain_regs) {
            // Residency and cycle counters move with time; their writes are
            // checked in power_state_test.
            const bool live = r.offset >= pr::RES_ON_LO.offset && r.offset <= pr::IDLE_CYC_HI.offset;
            if (r.kind != regs::access::ro || live)
                continue;
            const uint32_t before = b.rd(nn, r);
            EXPECT_EQ(warnings_during([&] { b.wr(nn, r, 0x5a5a5a5a); }), 1) << r.name;
            EXPECT_EQ(b.rd(nn, r), before) << r.name;
        }
        // RW registers keep only their writable bits.
        b.wr(pr::IRQ_ENABLE, 0xffffffffu);
        EXPECT_EQ(b.rd(pr::IRQ_ENABLE), pr::IRQ_ENABLE.write_mask);
        EXPECT_EQ(warnings_during([&] { b.wr(nn, pr::OPP_SEL, 0xffffffffu); }), 1)
            << "reserved bits set";
        EXPECT_EQ(b.rd(nn, pr::OPP_SEL), pr::OPP_SEL.write_mask);
        EXPECT_FALSE(b.irq.read());

        // Reserved and absent offsets answer with an address error.
        allow_warnings(true);
        const int w0 = warnings_seen();
        uint32_t v = 0;
        EXPECT_EQ(b.bus.read32(pr::reserved_global_begin, v), tlm::TLM_ADDRESS_ERROR_RESPONSE);
        EXPECT_EQ(b.bus.read32(pr::reserved_global_end - 4, v), tlm::TLM_ADDRESS_ERROR_RESPONSE);
        EXPECT_EQ(b.bus.write32(pr::domain_offset(2), 0), tlm::TLM_ADDRESS_ERROR_RESPONSE);
        EXPECT_EQ(warnings_seen() - w0, 3);
    });
}

TEST(power_controller, opp_table_readout) {
    power_bench b;
    run_thread([&] {
        const uint32_t khz[] = {300000, 400000, 500000, 600000, 700000, 800000, 900000, 1000000};
        const uint32_t mv[] = {700, 700, 700, 700, 700, 750, 800, 850};
        for (uint32_t i = 0; i < 8; ++i) {
            b.wr(nn, pr::OPP_SEL, i);
            EXPECT_EQ(b.rd(nn, pr::OPP_FREQ_KHZ), khz[i]) << i;
            EXPECT_EQ(b.rd(nn, pr::OPP_VOLT_MV), mv[i]) << i;
        }
        b.wr(nn, pr::OPP_SEL, 8);  // beyond the table: zeros
        EXPECT_EQ(b.rd(nn, pr::OPP_FREQ_KHZ), 0u);
        EXPECT_EQ(b.rd(nn, pr::OPP_VOLT_MV), 0u);
        EXPECT_EQ(b.rd(cpu, pr::OPP_COUNT), 2u);
        b.wr(cpu, pr::OPP_SEL, 0);
        EXPECT_EQ(b.rd(cpu, pr::OPP_FREQ_KHZ), 500000u);
        EXPECT_EQ(b.rd(cpu, pr::OPP_VOLT_MV), 800u);
    });
}

// 600 MHz @ 0.70 V -> 1000 MHz @ 0.85 V: 150 mV / 12.5 mV/us = 12 us of slew,
// then 40 us of relock: done at +52 us, voltage raised before frequency.
TEST(power_controller, up_transition_slews_then_relocks) {
    power_bench b(3);
    run_thread([&] {
        b.wr(pr::IRQ_ENABLE, pr::irq_opp_done_bit(nn));
        const sc_time t0 = sc_time_stamp();
        b.wr(nn, pr::OPP_REQ, 7);
        uint32_t st = b.rd(nn, pr::STATUS);
        EXPECT_EQ(pr::STATUS_BUSY.get(st), 1u);
        EXPECT_EQ(pr::STATUS_PHASE.get(st), regs::value(pr::phase::slew));
        EXPECT_EQ(pr::STATUS_TARGET.get(st), 7u);
        EXPECT_EQ(pr::STATUS_ERROR.get(st), 0u);

        b.wait_until(t0 + 6.5 * us);  // six 12.5 mV steps done
        EXPECT_EQ(b.rd(nn, pr::VOLT_MV), 775u);
        EXPECT_EQ(b.rd(nn, pr::FREQ_MHZ), 600u);
        EXPECT_EQ(b.nncore->state(), power_state::on);

        b.wait_until(t0 + 20 * us);  // relocking at the new voltage
        EXPECT_EQ(b.rd(nn, pr::VOLT_MV), 850u);
        EXPECT_EQ(b.rd(nn, pr::FREQ_MHZ), 600u);
        EXPECT_EQ(pr::STATUS_PHASE.get(b.rd(nn, pr::STATUS)), regs::value(pr::phase::relock));
        EXPECT_EQ(b.nncore->state(), power_state::idle);
        EXPECT_EQ(b.rd(nn, pr::OPP_CUR), 3u);

        b.wait_until(t0 + 60 * us);
        EXPECT_EQ(b.rd(nn, pr::OPP_CUR), 7u);
        EXPECT_EQ(b.rd(nn, pr::FREQ_MHZ), 1000u);
        EXPECT_EQ(b.rd(nn, pr::STATUS), 0u);
        EXPECT_EQ(b.rd(nn, pr::TRANSITIONS), 1u);
        EXPECT_EQ(b.rd(pr::IRQ_STATUS), pr::irq_opp_done_bit(nn));
        ASSERT_EQ(b.probe.rises().size(), 1u);
        EXPECT_EQ(b.probe.rises()[0], t0 + 52 * us);

        // W1C: writing 0 keeps the bit, writing 1 clears it and drops the line.
        b.wr(pr::IRQ_STATUS, 0);
        EXPECT_EQ(b.rd(pr::IRQ_STATUS), pr::irq_opp_done_bit(nn));
        const sc_time t_clear = sc_time_stamp();
        b.wr(pr::IRQ_STATUS, pr::irq_opp_done_bit(nn));
        EXPECT_EQ(b.rd(pr::IRQ_STATUS), 0u);
        ASSERT_EQ(b.probe.edges().size(), 2u);
        EXPECT_EQ(b.probe.edges()[1].at, t_clear);
        EXPECT_FALSE(b.probe.edges()[1].level);
    });
    // Sequencing seen from the domain: 12 voltage steps of 1 us, the clock
    // gated from +12 us to +52 us, the frequency changes only at the top voltage.
    ASSERT_FALSE(b.trace.empty());
    const sc_time t0 = b.trace.front().at - us;
    int steps = 0;
    for (const auto& s : b.trace) {
        if (s.freq_hz == 1000e6) {
            EXPECT_DOUBLE_EQ(s.voltage, 0.85);
        }
        if (s.state == power_state::idle) {
            EXPECT_GE(s.at, t0 + 12 * us);
            EXPECT_LE(s.at, t0 + 52 * us);  // the new frequency applies just before ungating
        }
    }
    for (std::size_t i = 1; i < b.trace.size(); ++i)
        steps += b.trace[i].voltage != b.trace[i - 1].voltage;
    EXPECT_EQ(steps + 1, 12);
    EXPECT_EQ(b.trace.back().at, t0 + 52 * us);
    EXPECT_EQ(b.trace.back().state, power_state::on);
    EXPECT_EQ(b.trace.back().freq_hz, 1000e6);
}

// 1000 MHz @ 0.85 V -> 600 MHz @ 0.70 V: relock (40 us) first, then the
// voltage slews down (12 us): done at +52 us.
TEST(power_controller, down_transition_relocks_then_slews) {
    power_bench b(7);
    run_thread([&] {
        b.wr(pr::IRQ_ENABLE, pr::irq_opp_done_bit(nn));
        const sc_time t0 = sc_time_stamp();
        b.wr(nn, pr::OPP_REQ, 3);
        EXPECT_EQ(pr::STATUS_PHASE.get(b.rd(nn, pr::STATUS)), regs::value(pr::phase::relock));
        b.wait_until(t0 + 20 * us);
        EXPECT_EQ(b.nncore->state(), power_state::idle);
        EXPECT_EQ(b.rd(nn, pr::VOLT_MV), 850u);
        EXPECT_EQ(b.rd(nn, pr::FREQ_MHZ), 1000u);
        b.wait_until(t0 + 46.5 * us);
        EXPECT_EQ(b.nncore->state(), power_state::on);
        EXPECT_EQ(b.rd(nn, pr::FREQ_MHZ), 600u);
        EXPECT_EQ(b.rd(nn, pr::VOLT_MV), 775u);
        EXPECT_EQ(pr::STATUS_PHASE.get(b.rd(nn, pr::STATUS)), regs::value(pr::phase::slew));
        b.wait_until(t0 + 60 * us);
        EXPECT_EQ(b.rd(nn, pr::OPP_CUR), 3u);
        EXPECT_EQ(b.rd(nn, pr::VOLT_MV), 700u);
        ASSERT_EQ(b.probe.rises().size(), 1u);
        EXPECT_EQ(b.probe.rises()[0], t0 + 52 * us);
    });
    // The voltage never drops while the frequency is still high.
    for (const auto& s : b.trace) {
        if (s.voltage < 0.85) {
            EXPECT_EQ(s.freq_hz, 600e6);
        }
    }
}

// Same voltage (300 -> 700 MHz at 0.70 V): the relock only. An access to a
// block in the domain during the relock completes one cycle (at the new
// clock) after the relock ends.
TEST(power_controller, same_voltage_is_relock_only_and_stalls_the_domain) {
    power_bench b(0);
    run_thread([&] {
        uint32_t v = 0;
        const sc_time a0 = sc_time_stamp();
        EXPECT_EQ(b.nn_bus.read32(0, v), tlm::TLM_OK_RESPONSE);
        EXPECT_EQ(sc_time_stamp() - a0, b.nncore->cycles(1));  // 1 cycle at 300 MHz

        b.wr(pr::IRQ_ENABLE, pr::irq_opp_done_bit(nn));
        const sc_time t0 = sc_time_stamp();
        b.wr(nn, pr::OPP_REQ, 4);
        EXPECT_EQ(pr::STATUS_PHASE.get(b.rd(nn, pr::STATUS)), regs::value(pr::phase::relock));
        b.wait_until(t0 + 10 * us);
        EXPECT_EQ(b.nn_bus.read32(0, v), tlm::TLM_OK_RESPONSE);
        EXPECT_EQ(b.nncore->freq_hz(), 700e6);
        EXPECT_EQ(sc_time_stamp(), t0 + 40 * us + b.nncore->cycles(1));
        ASSERT_EQ(b.probe.rises().size(), 1u);
        EXPECT_EQ(b.probe.rises()[0], t0 + 40 * us);
    });
    for (const auto& s : b.trace)
        EXPECT_DOUBLE_EQ(s.voltage, 0.70);
}

TEST(power_controller, same_index_completes_at_once) {
    power_bench b(3);
    run_thread([&] {
        b.wr(pr::IRQ_ENABLE, pr::irq_opp_done_bit(nn));
        const sc_time t0 = sc_time_stamp();
        b.wr(nn, pr::OPP_REQ, 3);
        EXPECT_EQ(b.rd(nn, pr::STATUS), 0u);
        ASSERT_EQ(b.probe.rises().size(), 1u);
        EXPECT_EQ(b.probe.rises()[0], t0);
        EXPECT_EQ(b.rd(nn, pr::TRANSITIONS), 1u);
        EXPECT_EQ(b.pc.domain_energy_j(nn), 0.0);  // no relock, no cost
    });
    EXPECT_TRUE(b.trace.empty());
}

TEST(power_controller, out_of_range_index_is_an_error) {
    power_bench b(3);
    allow_warnings(true);
    run_thread([&] {
        b.wr(pr::IRQ_ENABLE, pr::IRQ_ERROR.mask() | pr::irq_opp_done_bit(nn));
        const int w0 = warnings_seen();
        const sc_time t0 = sc_time_stamp();
        b.wr(nn, pr::OPP_REQ, 8);
        EXPECT_EQ(warnings_seen() - w0, 1);
        EXPECT_NE(last_warning().find("beyond OPP_COUNT"), std::string::npos);
        const uint32_t st = b.rd(nn, pr::STATUS);
        EXPECT_EQ(pr::STATUS_BUSY.get(st), 0u);
        EXPECT_EQ(pr::STATUS_ERROR.get(st), 1u);
        EXPECT_EQ(pr::STATUS_ERR_CODE.get(st), regs::value(pr::error_code::bad_index));
        EXPECT_EQ(b.rd(nn, pr::OPP_REQ), 3u);
        EXPECT_EQ(b.rd(pr::IRQ_STATUS), pr::IRQ_ERROR.mask());
        ASSERT_EQ(b.probe.rises().size(), 1u);
        EXPECT_EQ(b.probe.rises()[0], t0);
        b.wr(pr::IRQ_STATUS, pr::IRQ_ERROR.mask());
        EXPECT_FALSE(b.irq.read());
        // The next accepted request clears the error.
        b.wr(nn, pr::OPP_REQ, 2);
        EXPECT_EQ(pr::STATUS_ERROR.get(b.rd(nn, pr::STATUS)), 0u);
        wait(100 * us);
        EXPECT_EQ(b.rd(nn, pr::OPP_CUR), 2u);
    });
}

// Documented rule: a request while BUSY is rejected, the running transition
// completes unchanged.
TEST(power_controller, request_while_busy_is_rejected) {
    power_bench b(3);
    allow_warnings(true);
    run_thread([&] {
        b.wr(pr::IRQ_ENABLE, pr::IRQ_ERROR.mask() | pr::irq_opp_done_bit(nn));
        const sc_time t0 = sc_time_stamp();
        b.wr(nn, pr::OPP_REQ, 7);
        b.wait_until(t0 + 5 * us);
        const int w0 = warnings_seen();
        b.wr(nn, pr::OPP_REQ, 0);
        EXPECT_EQ(warnings_seen() - w0, 1);
        const uint32_t st = b.rd(nn, pr::STATUS);
        EXPECT_EQ(pr::STATUS_BUSY.get(st), 1u);
        EXPECT_EQ(pr::STATUS_TARGET.get(st), 7u);
        EXPECT_EQ(pr::STATUS_ERR_CODE.get(st), regs::value(pr::error_code::busy));
        EXPECT_EQ(b.rd(nn, pr::OPP_REQ), 7u);
        b.wait_until(t0 + 60 * us);
        EXPECT_EQ(b.rd(nn, pr::OPP_CUR), 7u);
        EXPECT_EQ(b.rd(pr::IRQ_STATUS), pr::IRQ_ERROR.mask() | pr::irq_opp_done_bit(nn));
        ASSERT_EQ(b.probe.rises().size(), 1u);  // error at +5 us; the line stays high
        EXPECT_EQ(b.probe.rises()[0], t0 + 5 * us);
        EXPECT_EQ(b.pc.transitions(nn), 1u);
    });
}

// cpu 1000 MHz @ 0.9 V -> 500 MHz @ 0.8 V (40 us relock + 8 us slew) runs in
// parallel with nncore 3 -> 7 (52 us).
TEST(power_controller, domains_transition_independently) {
    power_bench b(3);
    run_thread([&] {
        b.wr(pr::IRQ_ENABLE, pr::irq_opp_done_bit(nn) | pr::irq_opp_done_bit(cpu));
        const sc_time t0 = sc_time_stamp();
        b.wr(cpu, pr::OPP_REQ, 0);
        const sc_time t1 = sc_time_stamp();
        b.wr(nn, pr::OPP_REQ, 7);
        wait(sc_time(49, SC_US) - (sc_time_stamp() - t0));
        EXPECT_EQ(b.rd(pr::IRQ_STATUS), pr::irq_opp_done_bit(cpu));
        b.wait_until(t1 + 60 * us);
        EXPECT_EQ(b.rd(pr::IRQ_STATUS), pr::irq_opp_done_bit(cpu) | pr::irq_opp_done_bit(nn));
        EXPECT_EQ(b.cpu_dom.freq_hz(), 500e6);
        EXPECT_DOUBLE_EQ(b.cpu_dom.voltage(), 0.8);
        ASSERT_EQ(b.probe.rises().size(), 1u);
        EXPECT_EQ(b.probe.rises()[0], t0 + 48 * us);
    });
}

// Timing comes from the config: 25 mV/us and 10 us relock give 6 + 10 us.
TEST(power_controller, timing_follows_the_config) {
    power_config cfg;
    cfg.slew_mv_per_us = 25;
    cfg.pll_relock_us = 10;
    power_bench b(3, cfg);
    run_thread([&] {
        b.wr(pr::IRQ_ENABLE, pr::irq_opp_done_bit(nn));
        const sc_time t0 = sc_time_stamp();
        b.wr(nn, pr::OPP_REQ, 7);
        wait(30 * us);
        ASSERT_EQ(b.probe.rises().size(), 1u);
        EXPECT_EQ(b.probe.rises()[0], t0 + 16 * us);
    });
}
