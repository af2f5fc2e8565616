// workload.power is read strictly: each mistake exits with code 2 and a
// message naming the scenario file, the field and what was expected.
#include <gtest/gtest.h>

#include <string>

#include "run_nnvp.h"

using namespace nnvp::test;

namespace {

const char* frames = "scenarios/power/ondemand_lenet5_30fps.json";

void expect_refused(const std::vector<std::string>& sets, const std::string& message,
                    const std::string& tag) {
    const nnvp_run r = run_scenario(frames, sets, tag);
    EXPECT_EQ(r.exit_code, 2) << r.output;
    EXPECT_NE(r.output.find("ondemand_lenet5_30fps.json"), std::string::npos) << r.output;
    EXPECT_NE(r.output.find(message), std::string::npos) << r.output;
}

}  // namespace

TEST(power_spec, unknown_governor_and_policy) {
    expect_refused({R"(workload.power.governor={"name":"turbo"})"},
                   "workload.power.governor.name: expected one of {none, performance", "bad_gov");
    expect_refused({R"(workload.power.idle={"policy":"sleepy"})"},
                   "workload.power.idle.policy: expected one of {none, always", "bad_idle");
}

TEST(power_spec, parameters_must_belong_to_the_governor) {
    expect_refused({R"(workload.power.governor={"name":"performance","up_threshold_pct":80})"},
                   "workload.power.governor.up_threshold_pct: expected a parameter of the "
                   "performance governor",
                   "foreign_param");
    expect_refused({"workload.power.governor.up_threshold_pct=120"},
                   "workload.power.governor.up_threshold_pct", "range");
    expect_refused(
        {R"(workload.power.governor={"name":"conservative","up_threshold_pct":30,"down_threshold_pct":40})"},
        "workload.power.governor.down_threshold_pct: expected a value below up_threshold_pct",
        "cons_order");
}

TEST(power_spec, platform_and_workload_checks) {
    expect_refused({R"(workload.power.governor={"name":"userspace","opp":9})"},
                   "workload.power.governor.opp: expected an nncore OPP index 0..7", "opp");
    expect_refused({R"(workload.power.governor={"name":"pace_to_deadline"})",
                    R"(workload.arrival={"pattern":"back_to_back"})"},
                   "workload.power.governor.name: expected a deadline for pace_to_deadline",
                   "no_deadline");
}
