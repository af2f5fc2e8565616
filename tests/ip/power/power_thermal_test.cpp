// The autonomous parts of the power controller: the RC thermal model (its
// temperature reaches leakage and caps the OPP) and the hardware governor.
#include <cmath>

#include "ip/power/thermal_model.h"
#include "tests/ip/power/power_bench.h"

using namespace nnvp;
using namespace nnvp::test;
using namespace sc_core;

namespace {
constexpr unsigned nn = power_bench::nn;
const sc_time us(1, SC_US);

power_config hot_config() {
    power_config c;
    c.thermal.enabled = true;
    c.thermal.r_c_per_w = 20;
    c.thermal.c_j_per_c = 0.0005;  // tau = 10 ms
    c.thermal.step_us = 100;
    c.thermal.cap_c = 50;
    c.thermal.release_c = 45;
    c.thermal.cap_opp["nncore"] = 2;
    return c;
}
}  // namespace

// A 2 W (at 0.9 V) leaky nncore at 1000 MHz / 0.85 V: 1.889 W, steady
// temperature 25 + 37.8 = 62.8 C > 50 C: the cap engages, the controller
// moves the domain to OPP 2 and clamps requests above it.
TEST(power_thermal, temperature_follows_the_rc_model_and_caps_the_opp) {
    power_bench b(7, hot_config());
    energy_meter hot("hot", *b.nncore, 2.0);
    run_thread([&] {
        wait(100 * us);
        // First step: T = 25 + P R (1 - exp(-dt / RC)), P = 2 W x 0.85 / 0.9
        // plus the controller's 0.05 mW.
        const double p = 2.0 * 0.85 / 0.9 + 0.05e-3;
        const double t1 = 25 + p * 20 * (1 - std::exp(-1e-4 / 1e-2));
        EXPECT_NEAR(b.pc.temperature_c(), t1, 1e-9);
        EXPECT_NEAR(static_cast<int32_t>(b.rd(pr::TEMP_MC)), t1 * 1000, 0.5);
        EXPECT_DOUBLE_EQ(b.nncore->temperature_c(), b.pc.temperature_c());
        EXPECT_EQ(b.rd(nn, pr::OPP_MAX), 7u);
        wait(30, SC_MS);
        EXPECT_EQ(pr::THERMAL_CAPPED.get(b.rd(pr::THERMAL)), 1u);
        EXPECT_EQ(pr::THERMAL_EPISODES.get(b.rd(pr::THERMAL)), 1u);
        EXPECT_EQ(b.rd(nn, pr::OPP_MAX), 2u);
        EXPECT_EQ(b.rd(nn, pr::OPP_CUR), 2u);
        b.wr(nn, pr::OPP_REQ, 6);
        EXPECT_EQ(pr::STATUS_THROTTLED.get(b.rd(nn, pr::STATUS)), 1u);
        EXPECT_EQ(b.rd(nn, pr::OPP_REQ), 2u);
        // 0.70 V: 1.556 W, steady 56.1 C: stays above the release point.
        wait(50, SC_MS);
        EXPECT_NEAR(b.pc.temperature_c(), 25 + (2.0 * 0.7 / 0.9 + 0.05e-3) * 20, 0.2);
        EXPECT_EQ(pr::THERMAL_CAPPED.get(b.rd(pr::THERMAL)), 1u);
    });
}

// Leakage doubles every 25 C with k_t = ln 2 / 25, and grows by e^(k_v dV).
TEST(power_thermal, leakage_is_exponential_in_temperature_and_voltage) {
    power_config c;
    c.leak_k_t_per_c = std::log(2.0) / 25;
    c.leak_k_v_per_v = 3.0;
    c.thermal.ambient_c = 50;  // no RC model: the die sits at the ambient
    power_bench b(7, c);       // 0.85 V
    energy_meter m("m", *b.nncore, 0.010);
    run_thread([&] {
        const double expect = 0.010 * (0.85 / 0.9) * std::exp(3.0 * (0.85 - 0.9)) * 2.0;
        EXPECT_NEAR(m.leakage_power_w(), expect, 1e-15);
        wait(1, SC_MS);
        EXPECT_NEAR(m.leakage_j(), expect * 1e-3, 1e-15);
        EXPECT_EQ(static_cast<int32_t>(b.rd(pr::TEMP_MC)), 50000);
    });
}

// HWGOV: period 100 us, up 80 %, down 30 %. Fully busy: the top OPP after the
// first period (+100 us; 52 us of slew and relock). Activity ends at +160 us:
// the second period was busy during the 12 us slew and 8 us at 1 GHz (15200
// of 55200 clocked cycles, 27.5 %), so one OPP down per period from +200 us.
TEST(power_thermal, hardware_governor) {
    power_bench b(3);
    run_thread([&] {
        b.wr(pr::HWGOV_PERIOD_US, 100);
        b.wr(pr::HWGOV_THRESH, pr::HWGOV_UP_PCT.make(80) | pr::HWGOV_DOWN_PCT.make(30));
        b.nncore->begin_activity();
        b.wr(pr::HWGOV_CTRL, pr::HWGOV_ENABLE.make(1) | pr::HWGOV_MASK.make(1u << nn));
        wait(160 * us);
        EXPECT_EQ(b.rd(nn, pr::OPP_CUR), 7u);
        b.nncore->end_activity();
        wait(100 * us);  // +200 us: down to 6 (relock then slew, 44 us)
        EXPECT_EQ(b.rd(nn, pr::OPP_CUR), 6u);
        wait(400 * us);  // +300 .. +600 us: 5, 4, 3, 2
        EXPECT_EQ(b.rd(nn, pr::OPP_CUR), 2u);
        EXPECT_EQ(b.rd(nn, pr::TRANSITIONS), 6u);
        EXPECT_FALSE(b.irq.read());  // hardware-initiated: no interrupt
        b.wr(pr::HWGOV_CTRL, 0);
        wait(300 * us);
        EXPECT_EQ(b.rd(nn, pr::OPP_CUR), 2u);
    });
}
