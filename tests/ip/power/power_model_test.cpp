// The energy model per OPP, the RC thermal step and the new power config
// keys (plain C++).
#include <gtest/gtest.h>

#include <cmath>

#include "ip/power/energy_model.h"
#include "ip/power/power_config.h"
#include "ip/power/thermal_model.h"
#include "tests/support/config_error.h"

using namespace nnvp;

namespace {
std::vector<em_input_opp> nncore_opps() {
    return {{300e6, 0.70}, {400e6, 0.70}, {500e6, 0.70}, {600e6, 0.70},
            {700e6, 0.70}, {800e6, 0.75}, {900e6, 0.80}, {1000e6, 0.85}};
}
}  // namespace

// Ceff 370 pF, 50 mW leakage at 0.9 V. 300 MHz: 370p x 0.49 x 300M = 54.39 mW
// + 50 x 0.7 / 0.9 = 38.89 mW -> 93.28 mW, cost x 1000/300 = 310.9 mW.
// 700 MHz: 126.91 + 38.89 = 165.80 mW, cost 236.9 mW: every point at the
// 0.70 V floor below 700 MHz costs more than 700 MHz and is dominated.
TEST(energy_model, powers_costs_and_dominated_points) {
    em_params p;
    p.ceff_f = 370e-12;
    p.leak_w_at_vnom = 0.050;
    p.v_nominal = 0.9;
    const auto em = build_energy_model(nncore_opps(), p);
    ASSERT_EQ(em.size(), 8u);
    EXPECT_NEAR(em[0].dynamic_w, 0.054390, 1e-9);
    EXPECT_NEAR(em[0].leakage_w, 0.05 * 0.7 / 0.9, 1e-12);
    EXPECT_NEAR(em[0].cost, (0.054390 + 0.05 * 0.7 / 0.9) * 1000 / 300, 1e-9);
    EXPECT_NEAR(em[4].power_w, 0.12691 + 0.05 * 0.7 / 0.9, 1e-9);
    EXPECT_NEAR(em[7].cost, em[7].power_w, 1e-15);  // f = f_max
    EXPECT_NEAR(em[7].energy_per_cycle_j, em[7].power_w / 1e9, 1e-20);
    const bool dominated[] = {true, true, true, true, false, false, false, false};
    for (std::size_t i = 0; i < em.size(); ++i)
        EXPECT_EQ(em[i].dominated, dominated[i]) << i;
    // Hot silicon: leakage doubles at 50 C with k_t = ln 2 / 25.
    p.k_t_per_c = std::log(2.0) / 25;
    p.temp_c = 50;
    EXPECT_NEAR(em_leakage_w(p, 0.9), 0.100, 1e-12);
    EXPECT_THROW(build_energy_model({}, p), std::invalid_argument);
}

// tau = R C = 1 s: after 1 s at 2 W (R = 20 C/W) the die is 40 x (1 - 1/e)
// above ambient; the step is exact, so ten 0.1 s steps give the same.
TEST(thermal_model, exact_rc_step) {
    const double one = thermal_step_c(25, 2.0, 1.0, 25, 20, 0.05);
    EXPECT_NEAR(one, 25 + 40 * (1 - std::exp(-1.0)), 1e-12);
    double t = 25;
    for (int i = 0; i < 10; ++i)
        t = thermal_step_c(t, 2.0, 0.1, 25, 20, 0.05);
    EXPECT_NEAR(t, one, 1e-12);
    EXPECT_DOUBLE_EQ(thermal_steady_c(25, 20, 2.0), 65.0);
    EXPECT_NEAR(thermal_step_c(65, 0.0, 1e3, 25, 20, 0.05), 25.0, 1e-9);  // cools down
}

TEST(power_config, states_thermal_governor_and_leakage_keys) {
    const config_node n = parse_config_text(R"({
        "states": {"off": {"entry_us": 20, "exit_us": 80, "entry_uj": 1, "exit_uj": 3}},
        "always_on": ["ref"], "auto_wake": true, "auto_idle_cycles": {"nncore": 1000},
        "leakage": {"k_v_per_v": 2.5, "k_t_per_c": 0.03, "t_ref_c": 30},
        "thermal": {"enabled": true, "cap_c": 90, "release_c": 85, "cap_opp": {"nncore": 5}},
        "hw_governor": {"enabled": true, "domains": ["nncore", "cpu"], "period_us": 500},
        "ceff_pf": {"nncore": 400}})",
                                            "p.json");
    const power_config c = parse_power_config(n);
    EXPECT_DOUBLE_EQ(c.states[3].entry_us, 20);
    EXPECT_DOUBLE_EQ(c.states[3].exit_uj, 3);
    EXPECT_DOUBLE_EQ(c.states[2].exit_us, 10);  // default kept
    ASSERT_EQ(c.always_on.size(), 1u);
    EXPECT_TRUE(c.auto_wake);
    EXPECT_EQ(c.auto_idle_cycles.at("nncore"), 1000u);
    EXPECT_DOUBLE_EQ(c.leak_k_v_per_v, 2.5);
    EXPECT_DOUBLE_EQ(c.leak_t_ref_c, 30);
    EXPECT_TRUE(c.thermal.enabled);
    EXPECT_EQ(c.thermal.cap_opp.at("nncore"), 5u);
    EXPECT_EQ(c.hw_governor.domains.size(), 2u);
    EXPECT_DOUBLE_EQ(c.ceff_pf.at("nncore"), 400);
    EXPECT_DOUBLE_EQ(c.ceff_pf.at("cpu"), 31);  // default kept
}

TEST(power_config, bad_state_and_thermal_keys_name_the_field) {
    auto error_of = [](const char* text) {
        return test::config_error_of(
            [&] { parse_power_config(parse_config_text(text, "p.json")); });
    };
    EXPECT_NE(error_of(R"({"states": {"sleep": {}}})").find("p.json: states.sleep: unknown key"),
              std::string::npos);
    EXPECT_NE(error_of(R"({"states": {"off": {"exit_us": -1}}})").find("states.off.exit_us"),
              std::string::npos);
    EXPECT_NE(error_of(R"({"thermal": {"cap_c": 50, "release_c": 60}})")
                  .find("thermal.release_c: expected a temperature <= cap_c"),
              std::string::npos);
    EXPECT_NE(
        error_of(R"({"hw_governor": {"up_pct": 30, "down_pct": 40}})").find("hw_governor.down_pct"),
        std::string::npos);
    EXPECT_NE(error_of(R"({"always_on": "cpu"})").find("always_on"), std::string::npos);
}
