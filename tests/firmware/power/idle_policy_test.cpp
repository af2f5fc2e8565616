// Idle policies and break-even times, computed by hand.
#include "firmware/power/idle_policy.h"

#include <gtest/gtest.h>

#include <cmath>

using namespace nnvp::fw;
using namespace nnvp::fw::pm;

namespace {
// The controller's default costs; powers of a 50 mW-leakage domain.
low_state retention() {
    return {pstate::retention, 5, 10, 0.5, 0.5, 5.0};
}
low_state off() {
    return {pstate::off, 10, 50, 2.0, 5.0, 0.0};
}

idle_params params(const char* name) {
    idle_params p;
    p.name = name;
    p.on_idle_mw = 50;
    p.states = {retention(), off()};
    return p;
}
}  // namespace

TEST(idle_policy, break_even) {
    // off: 7 uJ / 50 mW = 140 us, + 10 us entry = 150 us (> 60 us of latency).
    EXPECT_NEAR(break_even_us(off(), 50), 150.0, 1e-9);
    // retention: 1 uJ / 45 mW = 22.2 us, + 5 us = 27.2 us.
    EXPECT_NEAR(break_even_us(retention(), 50), 5 + 1000.0 / 45, 1e-9);
    // Latency dominates when the energy is tiny.
    low_state cheap{pstate::idle, 1, 2, 0, 0, 0};
    EXPECT_NEAR(break_even_us(cheap, 50), 3.0, 1e-12);
    // A state that saves nothing never pays off.
    EXPECT_TRUE(std::isinf(break_even_us(retention(), 5)));
}

TEST(idle_policy, break_even_between_two_low_states) {
    // (7 - 1 uJ) + 50 mW x 10 us - 45 mW x 5 us = 6.275 uJ, over 5 mW saved.
    EXPECT_NEAR(break_even_over_us(off(), retention(), 50), 1255.0, 1e-9);
    // Against a state drawing ON-idle power it is the plain break-even.
    const low_state on_like{pstate::idle, 0, 0, 0, 0, 50};
    EXPECT_NEAR(break_even_over_us(off(), on_like, 50), 150.0, 1e-9);
    EXPECT_TRUE(std::isinf(break_even_over_us(retention(), off(), 50)));
}

TEST(idle_policy, residency_aware_picks_the_deepest_state_that_pays_off) {
    auto p = make_idle_policy(params("residency_aware"));
    ASSERT_TRUE(p);
    EXPECT_EQ(p->decide(0, 20).state, pstate::on);
    EXPECT_EQ(p->decide(0, 100).state, pstate::retention);
    // OFF beats ON-idle past 150 us but beats RETENTION only past
    // (7 - 1 uJ + 50 mW x 10 us - 45 mW x 5 us) / 5 mW = 1255 us.
    EXPECT_EQ(p->decide(0, 200).state, pstate::retention);
    EXPECT_EQ(p->decide(0, 1250).state, pstate::retention);
    EXPECT_EQ(p->decide(0, 1260).state, pstate::off);
    EXPECT_EQ(p->decide(1100, 1260).state, pstate::retention);  // 160 us left
    idle_params tight = params("residency_aware");
    tight.max_exit_us = 20;  // OFF's 50 us exit is too slow for the workload
    EXPECT_EQ(make_idle_policy(tight)->decide(0, 1000).state, pstate::retention);
}

TEST(idle_policy, fixed_timeout_always_and_none) {
    idle_params ft = params("fixed_timeout");
    ft.timeout_us = 500;
    auto p = make_idle_policy(ft);
    idle_decision d = p->decide(100, 0);
    EXPECT_EQ(d.state, pstate::on);
    EXPECT_DOUBLE_EQ(d.recheck_in_us, 400);
    EXPECT_EQ(p->decide(500, 0).state, pstate::off);
    EXPECT_EQ(make_idle_policy(params("always"))->decide(0, 1).state, pstate::off);
    EXPECT_EQ(make_idle_policy(params("none"))->decide(1e6, 1e6).state, pstate::on);
    EXPECT_EQ(make_idle_policy(params("sometimes")), nullptr);
}

TEST(idle_policy, gap_predictor_is_an_ewma) {
    gap_predictor g(0.25);
    EXPECT_FALSE(g.ready());
    g.observe(100);
    EXPECT_DOUBLE_EQ(g.predict(), 100);
    g.observe(200);
    EXPECT_DOUBLE_EQ(g.predict(), 125);
}
