// Timer model: register semantics from timer_regs.h, the counter at exact
// times, compare matches at start + N cycles, periodic ticks, stopping,
// frequency changes, bad programming.
#include "ip/timer/timer.h"
#include "tests/support/sc_harness.h"

#include <random>

using namespace nnvp;
using namespace sc_core;
namespace r = nnvp::timer_regs;

namespace {

// Reference domain: 100 MHz (10 ns per tick), one OPP at half speed.
struct bench {
    clock_domain clk{"ref", {{100e6, 0.9}, {50e6, 0.9}}, 0, 0.9};
    timer dut;
    test::bus_master bus;
    test::irq_probe probe;
    sc_signal<bool> irq{"irq"};

    explicit bench(const timer_config& cfg = {}) : dut("timer", clk, cfg) {
        bus.socket.bind(dut.target);
        dut.irq.bind(irq);
        probe.in.bind(irq);
    }
    uint32_t rd(const regs::reg_def& reg) { return bus.read32(reg.offset); }
    void wr(const regs::reg_def& reg, uint32_t v) { bus.write32_ok(reg.offset, v); }
    uint32_t rd(const regs::reg_def& reg, unsigned ch) { return rd(r::channel_reg(reg, ch)); }
    void wr(const regs::reg_def& reg, unsigned ch, uint32_t v) { wr(r::channel_reg(reg, ch), v); }
    uint64_t count() {
        uint64_t v = 0;
        EXPECT_EQ(bus.access(tlm::TLM_READ_COMMAND, r::COUNT_LO.offset, &v, 8),
                  tlm::TLM_OK_RESPONSE);
        return v;
    }
    // One 64-bit store: commits LO and HI together.
    void set_compare(unsigned ch, uint64_t v) {
        EXPECT_EQ(bus.access(tlm::TLM_WRITE_COMMAND, r::channel_reg(r::CMP_LO, ch).offset, &v, 8),
                  tlm::TLM_OK_RESPONSE);
    }
    void set_period(unsigned ch, uint64_t v) {
        EXPECT_EQ(bus.access(tlm::TLM_WRITE_COMMAND, r::channel_reg(r::PERIOD_LO, ch).offset, &v, 8),
                  tlm::TLM_OK_RESPONSE);
    }
    static void wait_until(const sc_time& t) { wait(t - sc_time_stamp()); }
};

const uint32_t one_shot = r::CH_CTRL_ENABLE.make(1);
const uint32_t periodic = r::CH_CTRL_ENABLE.make(1) | r::CH_CTRL_PERIODIC.make(1);

}  // namespace

TEST(timer, reset_values_and_access_kinds_follow_the_header) {
    bench b;
    test::run_thread([&] {
        const uint32_t id = b.rd(r::ID);
        EXPECT_EQ(r::ID_CHANNELS.get(id), r::channels);
        EXPECT_EQ(r::ID_VERSION.get(id), r::version);
        EXPECT_EQ(b.bus.last_delay(), b.clk.cycles(1));
        EXPECT_EQ(b.rd(r::FREQ), 100000000u);
        EXPECT_EQ(b.rd(r::CTRL), r::CTRL.reset);
        EXPECT_EQ(b.rd(r::STATUS), r::STATUS.reset);
        EXPECT_EQ(b.rd(r::IRQ_ENABLE), r::IRQ_ENABLE.reset);
        for (unsigned ch = 0; ch < r::channels; ++ch)
            for (const auto& reg : {r::CH_CTRL, r::CMP_LO, r::CMP_HI, r::PERIOD_LO, r::PERIOD_HI})
                EXPECT_EQ(b.rd(reg, ch), reg.reset) << reg.name << ch;

        // Writes the map ignores (RO registers, reserved bits) warn once each.
        EXPECT_EQ(test::warnings_during([&] { b.wr(r::ID, 0); }), 1);
        EXPECT_EQ(b.rd(r::ID), id);
        EXPECT_EQ(test::warnings_during([&] { b.wr(r::FREQ, 5); }), 1);
        EXPECT_EQ(b.rd(r::FREQ), 100000000u);
        EXPECT_EQ(test::warnings_during([&] { b.wr(r::IRQ_ENABLE, 0xffffffff); }), 1);
        EXPECT_EQ(b.rd(r::IRQ_ENABLE), r::channel_mask);
        b.wr(r::PERIOD_LO, 1, 100);
        // Compare 0 is reached: matches at once (the reserved bits warn).
        EXPECT_EQ(test::warnings_during([&] { b.wr(r::CH_CTRL, 1, 0xffffffff); }), 1);
        EXPECT_EQ(b.rd(r::CH_CTRL, 1), r::CH_CTRL.write_mask);
        EXPECT_EQ(b.rd(r::STATUS), r::status_bit(1));
        b.wr(r::CH_CTRL, 1, 0);
        EXPECT_EQ(test::warnings_during([&] { b.wr(r::STATUS, 0xffffffff); }), 1);  // W1C
        EXPECT_EQ(b.rd(r::STATUS), 0u);
        EXPECT_FALSE(b.irq.read());  // IRQ_ENABLE had the bit: the line pulsed
        // CMP_LO is staged until CMP_HI is written.
        b.wr(r::CMP_LO, 2, 0x1234);
        EXPECT_EQ(b.rd(r::CMP_LO, 2), 0u);
        b.wr(r::CMP_HI, 2, 0x5);
        EXPECT_EQ(b.rd(r::CMP_LO, 2), 0x1234u);
        EXPECT_EQ(b.rd(r::CMP_HI, 2), 0x5u);
        EXPECT_EQ(b.dut.compare(2), 0x500001234ull);

        test::allow_warnings(true);
        uint32_t v = 0;
        EXPECT_EQ(b.bus.read32(0x014, v), tlm::TLM_ADDRESS_ERROR_RESPONSE);  // hole
        EXPECT_EQ(b.bus.read32(r::window_bytes, v), tlm::TLM_ADDRESS_ERROR_RESPONSE);
        test::allow_warnings(false);
    });
    EXPECT_FALSE(b.irq.read());
}

TEST(timer, counter_is_exact_at_any_time_and_64_bit_reads_are_consistent) {
    bench b;
    test::run_thread(
        [&] {
            bench::wait_until(sc_time(1, SC_US));
            EXPECT_EQ(b.count(), 100u);  // read at 1 us, before its 10 ns access time
            EXPECT_EQ(b.dut.count(), 101u);
            bench::wait_until(sc_time(1234567, SC_NS));
            EXPECT_EQ(b.rd(r::COUNT_LO), 123456u);
            // Past 2^32 ticks (42.9 s at 100 MHz): LO latches HI.
            const sc_time t = b.clk.cycles(0x100000005ull);
            bench::wait_until(t);
            EXPECT_EQ(b.rd(r::COUNT_LO), 5u);
            bench::wait_until(t + sc_time(1, SC_SEC));
            EXPECT_EQ(b.rd(r::COUNT_HI), 1u);  // latched by the LO read, not live
            // One second later, plus the COUNT_HI read's 10 ns.
            EXPECT_EQ(b.count(), 0x100000005ull + 100000000ull + 1);
        },
        sc_time(100, SC_SEC));
}

TEST(timer, one_shot_compare_fires_at_exactly_start_plus_n_cycles) {
    bench b;
    test::run_thread([&] {
        b.wr(r::IRQ_ENABLE, r::status_bit(1));
        b.set_compare(1, 1000);
        b.wr(r::CH_CTRL, 1, one_shot);
        bench::wait_until(b.clk.cycles(1000) - sc_time(1, SC_PS));
        EXPECT_FALSE(b.irq.read());
        wait(sc_time(1, SC_PS));
        wait(SC_ZERO_TIME);
        wait(SC_ZERO_TIME);
        EXPECT_TRUE(b.irq.read());
        EXPECT_EQ(b.rd(r::STATUS), r::status_bit(1));
        bench::wait_until(sc_time(15, SC_US));
        b.wr(r::STATUS, r::status_bit(1));  // W1C lowers the line at the write
        EXPECT_FALSE(b.irq.read());
        EXPECT_EQ(b.rd(r::STATUS), 0u);
        bench::wait_until(sc_time(50, SC_US));  // one-shot: no second match
    });
    ASSERT_EQ(b.probe.edges().size(), 2u);
    EXPECT_EQ(b.probe.edges()[0].at, b.clk.cycles(1000));
    EXPECT_EQ(b.probe.edges()[1].at, sc_time(15, SC_US));
    EXPECT_EQ(b.dut.matches(1), 1u);
}

TEST(timer, periodic_ticks_keep_their_phase_and_follow_a_period_change) {
    bench b;
    std::vector<sc_time> serviced;
    test::run_thread([&] {
        b.wr(r::IRQ_ENABLE, r::status_bit(0));
        b.set_period(0, 250);
        b.set_compare(0, 500);
        b.wr(r::CH_CTRL, 0, periodic);
        for (int i = 0; i < 6; ++i) {
            wait(b.irq.posedge_event());
            serviced.push_back(sc_time_stamp());
            if (i == 2)
                b.set_period(0, 1000);  // takes effect after the pending tick
            b.wr(r::STATUS, r::status_bit(0));
        }
        EXPECT_EQ(b.dut.compare(0), 500u + 3 * 250 + 3 * 1000);
    });
    const std::vector<uint64_t> ticks{500, 750, 1000, 1250, 2250, 3250};
    ASSERT_EQ(serviced.size(), ticks.size());
    for (std::size_t i = 0; i < ticks.size(); ++i)
        EXPECT_EQ(serviced[i], b.clk.cycles(ticks[i])) << i;
    EXPECT_EQ(b.probe.rises(), serviced);
}

TEST(timer, unserviced_periodic_ticks_coalesce_without_losing_phase) {
    bench b;
    test::run_thread([&] {
        b.set_period(0, 100);
        b.set_compare(0, 100);
        b.wr(r::CH_CTRL, 0, periodic);
        bench::wait_until(b.clk.cycles(1050));  // 10 ticks, status never cleared
        EXPECT_EQ(b.rd(r::STATUS), r::status_bit(0));
        EXPECT_EQ(b.dut.matches(0), 10u);
        EXPECT_FALSE(b.irq.read());  // masked
        // Unmasking an old status raises the line now.
        b.wr(r::IRQ_ENABLE, r::status_bit(0));
        EXPECT_TRUE(b.irq.read());
    });
    ASSERT_EQ(b.probe.rises().size(), 1u);
    EXPECT_EQ(b.probe.rises()[0], b.clk.cycles(1050 + 1));  // after the STATUS read
}

TEST(timer, stopping_the_counter_holds_count_and_matches) {
    bench b;
    test::run_thread([&] {
        b.wr(r::IRQ_ENABLE, 1);
        b.set_compare(0, 300);
        b.wr(r::CH_CTRL, 0, one_shot);
        bench::wait_until(sc_time(2, SC_US));
        b.wr(r::CTRL, 0);  // stop at 2 us: count 200
        bench::wait_until(sc_time(5, SC_US));
        EXPECT_EQ(b.count(), 200u);
        EXPECT_FALSE(b.irq.read());
        bench::wait_until(sc_time(6, SC_US));
        b.wr(r::CTRL, r::CTRL_ENABLE.make(1));  // 100 cycles to go
        bench::wait_until(sc_time(10, SC_US));
        // Reset the counter: reads 0 right after, the RESET bit reads 0.
        b.wr(r::CTRL, r::CTRL_ENABLE.make(1) | r::CTRL_RESET_COUNT.make(1));
        EXPECT_EQ(b.rd(r::CTRL), r::CTRL_ENABLE.make(1));
        EXPECT_EQ(b.count(), 2u);  // two 10 ns accesses since the reset
        b.wr(r::STATUS, 1);
        bench::wait_until(sc_time(20, SC_US));
    });
    const auto rises = b.probe.rises();
    ASSERT_EQ(rises.size(), 2u);
    EXPECT_EQ(rises[0], sc_time(6, SC_US) + b.clk.cycles(100));
    // The reset re-armed the one-shot: it matches when the count is 300 again.
    EXPECT_EQ(rises[1], sc_time(10, SC_US) + b.clk.cycles(300));
}

TEST(timer, halving_the_clock_doubles_the_time_to_a_compare) {
    bench b;
    sc_time t_read;
    test::run_thread([&] {
        b.wr(r::IRQ_ENABLE, 0x3);
        b.set_compare(0, 1000);
        b.wr(r::CH_CTRL, 0, one_shot);
        bench::wait_until(sc_time(4, SC_US));  // count 400
        b.clk.set_opp(1);                      // 50 MHz: 600 ticks take 12 us
        EXPECT_EQ(b.rd(r::FREQ), 50000000u);
        bench::wait_until(sc_time(10, SC_US));
        EXPECT_EQ(b.count(), 700u);
        bench::wait_until(sc_time(30, SC_US));
        b.wr(r::STATUS, 0x3);
        // A compare 1000 ticks ahead at 50 MHz is 20 us away.
        t_read = sc_time_stamp();
        const uint64_t now = b.count();
        EXPECT_EQ(now, 400u + 1301u);  // 26.02 us at 20 ns since the change
        b.set_compare(1, now + 1000);
        b.wr(r::CH_CTRL, 1, one_shot);
        bench::wait_until(sc_time(60, SC_US));
    });
    const auto rises = b.probe.rises();
    ASSERT_EQ(rises.size(), 2u);
    EXPECT_EQ(rises[0], sc_time(16, SC_US));
    EXPECT_EQ(rises[1], t_read + sc_time(20, SC_US));
}

TEST(timer, clock_domain_at_half_speed_from_the_start) {
    bench b;
    test::run_thread([&] {
        b.clk.set_opp(1);
        b.wr(r::IRQ_ENABLE, 1);
        b.set_compare(0, 1000);
        b.wr(r::CH_CTRL, 0, one_shot);
        bench::wait_until(sc_time(30, SC_US));
    });
    ASSERT_EQ(b.probe.rises().size(), 1u);
    EXPECT_EQ(b.probe.rises()[0], b.clk.cycles(1000));
    EXPECT_EQ(b.probe.rises()[0], sc_time(20, SC_US));
}

TEST(timer, a_compare_already_reached_fires_at_the_write) {
    bench b;
    test::run_thread([&] {
        b.wr(r::IRQ_ENABLE, 1);
        b.wr(r::CH_CTRL, 0, one_shot);  // compare 0 is reached: fires now
        EXPECT_EQ(b.rd(r::STATUS), 1u);
        b.wr(r::STATUS, 1);
        bench::wait_until(sc_time(1, SC_US));
        b.set_compare(0, 50);  // one 64-bit access at 1 us: LO and HI at once
        bench::wait_until(sc_time(2, SC_US));
    });
    const auto rises = b.probe.rises();
    ASSERT_EQ(rises.size(), 2u);
    EXPECT_EQ(rises[0], b.clk.cycles(1));  // the CH_CTRL write, after IRQ_ENABLE
    EXPECT_EQ(rises[1], sc_time(1, SC_US));
}

TEST(timer, periodic_with_period_zero_warns_and_acts_once) {
    bench b;
    test::run_thread([&] {
        b.set_compare(0, 10);
        test::allow_warnings(true);
        const int before = test::warnings_seen();
        b.wr(r::CH_CTRL, 0, periodic);
        bench::wait_until(sc_time(10, SC_US));
        EXPECT_EQ(test::warnings_seen() - before, 1);
        test::allow_warnings(false);
        EXPECT_EQ(b.dut.matches(0), 1u);
    });
}

TEST(timer, config_is_parsed_strictly) {
    auto cfg = parse_timer_config(parse_config_text(R"({"access_cycles": 3, "match_pj": 1})",
                                                    "p.json"));
    EXPECT_EQ(cfg.access_cycles, 3u);
    EXPECT_DOUBLE_EQ(cfg.match_pj, 1.0);
    EXPECT_EQ(parse_timer_config(parse_config_text("{}", "p.json")).access_cycles, 1u);
    EXPECT_THROW(parse_timer_config(parse_config_text(R"({"chanels": 2})", "p.json")),
                 config_error);
    EXPECT_THROW(parse_timer_config(parse_config_text(R"({"access_pj": -1})", "p.json")),
                 config_error);
}

// Any value at any offset, clock changes in between: no crash, no hang, and
// the block works exactly once firmware reprograms it.
TEST(timer, random_register_writes_never_break_the_block) {
    bench b;
    test::allow_warnings(true);
    test::run_thread(
        [&] {
            std::mt19937 rng(20261122);
            for (int i = 0; i < 3000; ++i) {
                const uint32_t off = rng() % (r::window_bytes + 64);
                uint32_t v = rng();
                switch (rng() % 10) {
                case 0: b.clk.set_opp(rng() % 2); break;
                case 1: b.bus.read32(off & ~3u, v); break;
                case 2: b.bus.write32(off, v); break;
                case 3: {
                    uint64_t w = (uint64_t{rng()} << 32) | rng();
                    b.bus.access(rng() & 1 ? tlm::TLM_WRITE_COMMAND : tlm::TLM_READ_COMMAND,
                                 off & ~7u, &w, 8);
                    break;
                }
                case 4: wait(sc_time(rng() % 5000, SC_NS)); break;
                case 5: b.bus.write32(r::channel_base + (rng() % r::channels) * r::channel_stride +
                                          (rng() % 6) * 4, v % 4000);
                    break;
                default: b.bus.write32(off & ~3u, v); break;
                }
            }
            // Reprogram and check exact behaviour.
            b.clk.set_opp(0);
            for (unsigned ch = 0; ch < r::channels; ++ch)
                b.wr(r::CH_CTRL, ch, 0);
            b.wr(r::IRQ_ENABLE, 0);
            b.wr(r::STATUS, r::channel_mask);
            b.wr(r::CTRL, r::CTRL_ENABLE.make(1) | r::CTRL_RESET_COUNT.make(1));
            const sc_time t0 = sc_time_stamp() - b.clk.cycles(1);  // the reset's access
            b.wr(r::IRQ_ENABLE, 1);
            b.set_compare(0, 500);
            b.wr(r::CH_CTRL, 0, one_shot);
            wait(b.irq.posedge_event());
            EXPECT_EQ(sc_time_stamp(), t0 + b.clk.cycles(500));
        },
        sc_time(1000, SC_SEC));
}
