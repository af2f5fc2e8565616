// Clock domains and energy meters: cycles to time, DVFS, energy integration.
#include "ip/common/clock_domain.h"
#include "ip/common/energy_meter.h"
#include "tests/support/sc_harness.h"

using namespace nnvp;
using namespace sc_core;

TEST(clock_domain, cycles_follow_the_operating_point) {
    clock_domain d("nncore", {{500e6, 0.7}, {1000e6, 0.85}}, 0, 0.85);
    EXPECT_EQ(d.cycles(1), sc_time(2, SC_NS));
    EXPECT_EQ(d.cycles(1000), sc_time(2, SC_US));
    d.set_opp(1);
    EXPECT_EQ(d.cycles(1000), sc_time(1, SC_US));
    EXPECT_EQ(d.cycles_in(sc_time(1, SC_US)), 1000u);
    EXPECT_DOUBLE_EQ(d.voltage(), 0.85);
}

TEST(clock_domain, non_integer_periods_round_once_per_span) {
    clock_domain d("x", {{900e6, 0.8}}, 0, 0.8);
    // 900 cycles at 900 MHz is exactly 1 us, although one period is 1111.1 ps.
    EXPECT_EQ(d.cycles(900), sc_time(1, SC_US));
    EXPECT_EQ(d.cycles_in(d.cycles(12345)), 12345u);
}

TEST(energy_meter, dynamic_scales_with_v_squared_and_leakage_integrates) {
    clock_domain d("nncore", {{500e6, 0.5}, {1000e6, 1.0}}, 1, 1.0);
    energy_meter m("core", d, 0.010);  // 10 mW leakage at 1.0 V
    test::run_thread([&] {
        m.add_dynamic(1e-9);
        wait(1, SC_MS);                // 10 uJ of leakage at 1.0 V
        d.set_opp(0);                  // 0.5 V: leakage halves, dynamic quarters
        m.add_dynamic(1e-9);
        wait(1, SC_MS);                // 5 uJ
        d.set_state(power_state::off);
        wait(1, SC_MS);                // nothing
    });
    EXPECT_DOUBLE_EQ(m.dynamic_j(), 1.25e-9);
    EXPECT_NEAR(m.leakage_j(), 15e-6, 1e-15);
    EXPECT_NEAR(m.total_j(), 15e-6 + 1.25e-9, 1e-15);
}

// A running component (a CPU executing) accrues its per-cycle energy as time
// passes, at the clock and voltage of each moment, and none while stopped:
// what a power plot samples mid-run is the power of that moment.
TEST(energy_meter, running_energy_accrues_per_cycle_as_time_passes) {
    clock_domain d("cpu", {{500e6, 0.5}, {1000e6, 1.0}}, 1, 1.0);
    energy_meter m("cpu", d, 0.0);
    double at_1ms = 0, at_2ms = 0, stopped = 0;
    test::run_thread([&] {
        m.set_running(10e-12);  // 10 pJ per cycle at 1.0 V
        wait(1, SC_MS);         // 1e6 cycles: 10 uJ
        at_1ms = m.total_j();
        d.set_opp(0);           // 500 MHz at 0.5 V: 5e5 cycles x 10 pJ / 4
        wait(1, SC_MS);
        at_2ms = m.total_j();
        m.set_running(0);
        wait(1, SC_MS);
        stopped = m.total_j();
    });
    EXPECT_NEAR(at_1ms, 10e-6, 1e-15);
    EXPECT_NEAR(at_2ms, 10e-6 + 1.25e-6, 1e-15);
    EXPECT_NEAR(stopped, at_2ms, 1e-18);
    EXPECT_NEAR(m.dynamic_j(), 11.25e-6, 1e-15);
}
