// Governors as pure decision functions, driven by synthetic utilisation
// traces on the default nncore table (300..700 MHz at 0.70 V, 800 at 0.75,
// 900 at 0.80, 1000 at 0.85). Expected OPPs are computed by hand in the
// comments.
#include <gtest/gtest.h>

#include "firmware/power/governors.h"

using namespace nnvp::fw::pm;

namespace {

opp_table nncore_table() {
    return {{300e6, 0.70}, {400e6, 0.70}, {500e6, 0.70}, {600e6, 0.70},
            {700e6, 0.70}, {800e6, 0.75}, {900e6, 0.80}, {1000e6, 0.85}};
}

gov_sample at(double util, unsigned cur, uint64_t now_us = 0, unsigned opp_max = 7) {
    gov_sample s;
    s.util = util;
    s.cur = cur;
    s.now_ns = now_us * 1000;
    s.opp_max = opp_max;
    return s;
}

}  // namespace

TEST(opp_select, relations) {
    const opp_table t = nncore_table();
    EXPECT_EQ(lowest_at_least(t, 650e6, 7), 4u);
    EXPECT_EQ(lowest_at_least(t, 700e6, 7), 4u);
    EXPECT_EQ(lowest_at_least(t, 2e9, 7), 7u);
    EXPECT_EQ(lowest_at_least(t, 2e9, 5), 5u);
    EXPECT_EQ(highest_at_most(t, 650e6, 7), 3u);
    EXPECT_EQ(highest_at_most(t, 100e6, 7), 0u);
    EXPECT_EQ(highest_at_most(t, 2e9, 6), 6u);
    EXPECT_EQ(closest(t, 650e6, 7), 3u);
    EXPECT_EQ(closest(t, 651e6, 7), 4u);
    EXPECT_EQ(closest(t, 2e9, 5), 5u);
}

TEST(governor, fixed_policies) {
    const opp_table t = nncore_table();
    performance_governor perf;
    powersave_governor save;
    userspace_governor user(4);
    EXPECT_EQ(perf.decide(at(0.0, 2), t), 7u);
    EXPECT_EQ(perf.decide(at(0.0, 2, 0, 5), t), 5u);  // thermal cap
    EXPECT_EQ(save.decide(at(1.0, 7), t), 0u);
    EXPECT_EQ(user.decide(at(1.0, 7), t), 4u);
    user.set(9);
    EXPECT_EQ(user.decide(at(1.0, 0), t), 7u);
}

TEST(governor, ondemand_trace) {
    const opp_table t = nncore_table();
    ondemand_governor g(0.80);
    // util > 0.8: top; else the OPP closest to 300 + util x 700 MHz.
    EXPECT_EQ(g.decide(at(0.90, 3), t), 7u);
    EXPECT_EQ(g.decide(at(0.50, 7), t), 3u);   // 650 MHz: tie, the lower (600)
    EXPECT_EQ(g.decide(at(0.56, 3), t), 4u);   // 692 MHz -> 700
    EXPECT_EQ(g.decide(at(0.80, 4), t), 6u);   // not above: 860 MHz -> 900
    EXPECT_EQ(g.decide(at(0.001, 6), t), 0u);  // 300.7 MHz -> 300
    EXPECT_EQ(g.decide(at(0.95, 0, 0, 5), t), 5u);
}

TEST(governor, conservative_trace) {
    const opp_table t = nncore_table();
    conservative_governor g(0.05, 0.80, 0.20);  // steps of 50 MHz
    EXPECT_EQ(g.decide(at(0.9, 3), t), 3u);     // target 650: highest <= 650 is 600
    EXPECT_EQ(g.decide(at(0.9, 3), t), 4u);     // target 700
    EXPECT_EQ(g.decide(at(0.5, 4), t), 4u);     // in band: keep
    EXPECT_EQ(g.decide(at(0.1, 4), t), 4u);     // target 650: lowest >= 650 is 700
    EXPECT_EQ(g.decide(at(0.1, 4), t), 3u);     // target 600
    for (int i = 0; i < 20; ++i)
        g.decide(at(0.0, 0), t);
    EXPECT_EQ(g.decide(at(0.0, 0), t), 0u);  // clamped at f_min
}

TEST(governor, schedutil_headroom_and_rate_limit) {
    const opp_table t = nncore_table();
    schedutil_governor g(1.25, 1000);
    EXPECT_EQ(g.decide(at(0.3, 7, 0), t), 1u);     // 1.25 x 1000 x 0.3 = 375 -> 400
    EXPECT_EQ(g.decide(at(1.0, 1, 500), t), 1u);   // 500 MHz wanted, rate limited
    EXPECT_EQ(g.decide(at(1.0, 1, 1000), t), 2u);  // 500 MHz
    EXPECT_EQ(g.decide(at(0.6, 2, 2000), t), 1u);  // 375 -> 400
    EXPECT_EQ(g.decide(at(1.0, 1, 2500), t), 1u);  // rate limited again
}

TEST(governor, simple_ondemand_trace) {
    const opp_table t = nncore_table();
    simple_ondemand_governor g(90, 5);
    EXPECT_EQ(g.decide(at(0.95, 3), t), 7u);  // above 90 %
    EXPECT_EQ(g.decide(at(0.87, 7), t), 7u);  // above 85 %: keep
    EXPECT_EQ(g.decide(at(0.50, 7), t), 3u);  // 1000 x 50 / 87.5 = 571 MHz -> 600
    EXPECT_EQ(g.decide(at(0.00, 3), t), 0u);
}

TEST(governor, race_to_idle) {
    const opp_table t = nncore_table();
    race_to_idle_governor g;
    EXPECT_EQ(g.decide(at(0.01, 0), t), 7u);
    EXPECT_EQ(g.decide(at(0.0, 2), t), 2u);  // nothing to do: leave it to the idle policy
    g.on_job({true, 1e6, 0});
    EXPECT_EQ(g.decide(at(0.0, 2, 0, 6), t), 6u);
}

TEST(governor, pace_to_deadline) {
    const opp_table t = nncore_table();
    pace_to_deadline_governor g(0.10, 100);
    EXPECT_EQ(g.decide(at(0.5, 5), t), 0u);  // no job: slowest
    // 10 M cycles, deadline 20.1 ms: (20.1 - 0.1) x 0.9 = 18 ms -> 555.6 MHz -> 600.
    g.on_job({true, 10e6, 20'100'000});
    EXPECT_NEAR(g.required_hz(0), 10e6 / 0.018, 1.0);
    EXPECT_EQ(g.decide(at(0.5, 7), t), 3u);
    // 10 ms later the same work is left: 9.1 ms x 0.9 -> 1.22 GHz: out of reach.
    EXPECT_EQ(g.decide(at(0.5, 3, 10'000), t), 7u);
    EXPECT_EQ(g.decide(at(0.5, 3, 10'000, 5), t), 5u);
}

TEST(governor, per_layer_frequency_only_for_memory_bound_layers) {
    const opp_table t = nncore_table();
    per_layer_governor same_v(4, true);  // compute OPP: 700 MHz at 0.70 V
    same_v.on_layer({1e6, 2e-3});        // needs 500 MHz to hide under 2 ms of DRAM
    EXPECT_EQ(same_v.decide(at(1, 4), t), 2u);
    same_v.on_layer({1e6, 1e-3});  // 1.43 ms of compute > 1 ms: compute-bound
    EXPECT_EQ(same_v.decide(at(1, 2), t), 4u);
    per_layer_governor top_v(7, true);  // 1000 MHz is alone at 0.85 V
    top_v.on_layer({1e6, 2e-3});
    EXPECT_EQ(top_v.decide(at(1, 7), t), 7u);
    per_layer_governor full(7, false);  // full DVFS may drop to 500 MHz
    full.on_layer({1e6, 2e-3});
    EXPECT_EQ(full.decide(at(1, 7), t), 2u);
}

TEST(governor, factory_knows_every_name) {
    for (const char* n :
         {"performance", "powersave", "userspace", "ondemand", "conservative", "schedutil",
          "simple_ondemand", "race_to_idle", "pace_to_deadline", "per_layer"}) {
        governor_params p;
        p.name = n;
        auto g = make_governor(p);
        ASSERT_TRUE(g) << n;
        EXPECT_STREQ(g->name(), n);
    }
    governor_params bad;
    bad.name = "turbo";
    EXPECT_EQ(make_governor(bad), nullptr);
}

// Phase-aware: the runtime's phase picks the OPP; the thermal cap still binds.
TEST(governor, phase_aware_follows_the_phase) {
    const opp_table t = nncore_table();
    phase_aware_governor g(~0u, 2);
    EXPECT_EQ(g.decide(at(0.1, 0), t), 7u);  // no phase known: the top
    g.on_phase(phase::prefill);
    EXPECT_EQ(g.decide(at(0.0, 2), t), 7u);
    EXPECT_EQ(g.decide(at(0.0, 2, 0, 5), t), 5u);  // capped at 5
    g.on_phase(phase::decode);
    EXPECT_EQ(g.decide(at(1.0, 7), t), 2u);
    g.on_phase(phase::idle);
    EXPECT_EQ(g.decide(at(0.0, 7), t), 2u);
    EXPECT_STREQ(to_string(phase::decode), "decode");
}

namespace {

// A sample of `mw` average power over `period_us` at OPP `cur`.
gov_sample powered(double mw, unsigned cur, uint64_t period_us) {
    gov_sample s = at(1.0, cur);
    s.period_ns = period_us * 1000;
    s.energy_j = mw * 1e-3 * static_cast<double>(period_us) * 1e-6;
    return s;
}

}  // namespace

// Power cap of 300 mW over a 3 ms window of 1 ms samples:
//   at 7, 400 mW: over -> 6; window (400 + 330) / 2 = 365 -> 5;
//   (400 + 330 + 260) / 3 = 330 -> 4; the 400 leaves: (330 + 260 + 200) / 3
//   = 263 <= 300, but up to 5 scales by (800 x 0.75^2) / (700 x 0.70^2) =
//   1.312 -> 345 > 300: stay; 150 mW: (260 + 200 + 150) / 3 = 203, x 1.312 =
//   267: up to 5; 150 again: (200 + 150 + 150) / 3 = 167, up to 6 scales by
//   (900 x 0.80^2) / (800 x 0.75^2) = 1.28 -> 213: up to 6. A boundary
//   sample (no period) keeps the OPP.
TEST(governor, power_cap_steps_down_over_the_cap_and_up_with_room) {
    const opp_table t = nncore_table();
    power_cap_governor g(0.300, 3000);
    EXPECT_EQ(g.decide(powered(400, 7, 1000), t), 6u);
    EXPECT_EQ(g.decide(powered(330, 6, 1000), t), 5u);
    EXPECT_EQ(g.decide(powered(260, 5, 1000), t), 4u);
    EXPECT_EQ(g.decide(powered(200, 4, 1000), t), 4u);
    EXPECT_NEAR(g.window_power_w(), 0.263333, 1e-6);
    EXPECT_EQ(g.decide(powered(150, 4, 1000), t), 5u);
    EXPECT_EQ(g.decide(powered(150, 5, 1000), t), 6u);
    EXPECT_EQ(g.decide(at(1.0, 6), t), 6u);  // no period: keep
}
