// The five experiments of scenarios/power/ (docs/power_experiments.md), each
// reduced to the few points that show its finding, in timing mode. Figures in
// the comments are those of the full sweeps in the doc; the tolerances leave
// room for model changes that do not change the finding.
#include <gtest/gtest.h>

#include <string>

#include "run_nnvp.h"

using namespace nnvp::test;

namespace {

nnvp_run point(const char* scenario, std::vector<std::string> sets, const std::string& tag) {
    nnvp_run r = run_scenario(scenario, sets, tag);
    EXPECT_EQ(r.exit_code, 0) << r.output;
    return r;
}

}  // namespace

// 1. 300..700 MHz share 0.70 V: energy per frame falls with the clock up to
// 700 MHz (leakage time shrinks, the energy per cycle stays), then rises
// (the voltage does). NN core: 0.737 / 0.717 / 0.793 mJ at 600 / 700 / 800 MHz.
TEST(power_experiments, voltage_floor_knee) {
    const char* s = "scenarios/power/voltage_floor_knee.json";
    const nnvp_run below = point(s, {"workload.power.governor.opp=3"}, "knee3");
    const nnvp_run knee = point(s, {"workload.power.governor.opp=4"}, "knee4");
    const nnvp_run above = point(s, {"workload.power.governor.opp=5"}, "knee5");
    const double e_knee = nncore_energy_per_inference(knee.report);
    EXPECT_LT(e_knee, 0.99 * nncore_energy_per_inference(below.report));
    EXPECT_LT(e_knee, 0.95 * nncore_energy_per_inference(above.report));
    EXPECT_LT(run_energy_per_inference(knee.report), run_energy_per_inference(below.report));
    EXPECT_LT(run_energy_per_inference(knee.report), run_energy_per_inference(above.report));
    EXPECT_EQ(deadline_misses(knee.report), 0u);
}

// 2. Pacing wins while leakage is low (25 C: NN core 0.90 against 0.97 mJ per
// frame), racing once it dominates (100 C: 2.99 against 2.08 mJ).
TEST(power_experiments, leakage_crossover) {
    const char* s = "scenarios/power/leakage_crossover.json";
    const std::string race = R"(workload.power.governor={"name":"race_to_idle"})";
    const std::string hot = "platform.power.thermal.ambient_c=100";
    const nnvp_run pace_cold = point(s, {"workload.inferences=3"}, "pace25");
    const nnvp_run race_cold = point(s, {"workload.inferences=3", race}, "race25");
    const nnvp_run pace_hot = point(s, {"workload.inferences=3", hot}, "pace100");
    const nnvp_run race_hot = point(s, {"workload.inferences=3", hot, race}, "race100");
    EXPECT_LT(nncore_energy_per_inference(pace_cold.report),
              nncore_energy_per_inference(race_cold.report));
    EXPECT_LT(nncore_energy_per_inference(race_hot.report),
              0.85 * nncore_energy_per_inference(pace_hot.report));
    for (const nnvp_run* r : {&pace_cold, &race_cold, &pace_hot, &race_hot})
        EXPECT_EQ(deadline_misses(r->report), 0u);
}

// 3. ondemand sampling every 1 ms follows each 10 ms frame and meets every
// 5 ms deadline; sampling every 15 ms averages frames with idle gaps and
// under-clocks them (6 of 8 missed in the full run).
TEST(power_experiments, sampling_period_against_frame_period) {
    const char* s = "scenarios/power/sampling_period.json";
    const nnvp_run fast =
        point(s, {"workload.power.governor.sampling_ms=1", "workload.inferences=5"}, "samp1");
    const nnvp_run slow =
        point(s, {"workload.power.governor.sampling_ms=15", "workload.inferences=5"}, "samp15");
    EXPECT_EQ(deadline_misses(fast.report), 0u);
    EXPECT_GE(deadline_misses(slow.report), 3u);
    EXPECT_GT(slow.report["power"]["summary"]["worst_lateness_s"].get<double>(), 0.5e-3);
}

// 4. Per-layer scaling on MobileNet-v1: frequency-only (same voltage) never
// saves energy, it only adds relocks; full DVFS saves on the memory-bound
// layers (NN core 0.914 against 0.963 mJ) at a latency cost (4.6 against 3.4 ms).
TEST(power_experiments, per_layer_frequency_only_against_full_dvfs) {
    const char* s = "scenarios/power/per_layer_dvfs.json";
    const nnvp_run perf =
        point(s, {R"(workload.power.governor={"name":"performance"})"}, "pl_perf");
    const nnvp_run fonly = point(s, {}, "pl_fonly");
    const nnvp_run full = point(s, {"workload.power.governor.frequency_only=false"}, "pl_full");
    const double e_perf = nncore_energy_per_inference(perf.report);
    EXPECT_GT(nncore_energy_per_inference(fonly.report), e_perf);
    EXPECT_LT(nncore_energy_per_inference(full.report), 0.97 * e_perf);
    const double lat_perf = perf.report["power"]["summary"]["latency_mean_s"].get<double>();
    EXPECT_GT(full.report["power"]["summary"]["latency_mean_s"].get<double>(), 1.1 * lat_perf);
    EXPECT_GT(fonly.report["power"]["management"]["opp_requests"].get<unsigned>(), 20u);
}

// 5. Poisson requests (mean gap 1 ms): staying ON costs the most energy and
// has the lowest p99; always-off saves energy at the highest p99 (+50 us OFF
// exit); residency-aware (next arrival known) takes the least energy.
TEST(power_experiments, bursty_idle_policies) {
    const char* s = "scenarios/power/bursty_idle.json";
    auto idle = [](const char* j) { return std::string("workload.power.idle=") + j; };
    const std::vector<std::string> fewer = {"workload.inferences=100"};
    auto with = [&fewer](std::string x) {
        std::vector<std::string> v = fewer;
        v.push_back(std::move(x));
        return v;
    };
    const nnvp_run on = point(s, with(idle(R"({"policy":"none"})")), "b_none");
    const nnvp_run off = point(s, with(idle(R"({"policy":"always","state":"off"})")), "b_off");
    const nnvp_run ra =
        point(s, with(idle(R"({"policy":"residency_aware","gap_prediction":"known"})")), "b_ra");
    auto p99 = [](const nnvp_run& r) {
        return r.report["power"]["summary"]["latency_p99_s"].get<double>();
    };
    auto energy = [](const nnvp_run& r) { return r.report["power"]["energy_j"].get<double>(); };
    EXPECT_LT(energy(off), 0.8 * energy(on));
    EXPECT_LT(energy(ra), energy(off));
    EXPECT_LT(p99(on), p99(ra));
    EXPECT_LE(p99(ra), p99(off));
    EXPECT_GT(p99(off), p99(on) + 40e-6);
}
