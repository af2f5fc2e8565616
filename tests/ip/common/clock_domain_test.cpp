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
