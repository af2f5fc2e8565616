// The tables of docs/power_experiments.md (tools/power/): labels of the
// governor and idle policy a report names, and one table on hand-made
// reports with hand-computed cells.
#include <gtest/gtest.h>

#include <sstream>

#include "tools/power/power_tables.h"

namespace {

using nlohmann::json;
using namespace nnvp::power_tables;

json report(const json& governor, const json& idle, double nncore_j, double run_j, double latency_s,
            int misses) {
    json r;
    r["platform"]["domains"]["nncore"]["opps"] = {{{"mhz", 300}}, {{"mhz", 700}}, {{"mhz", 1000}}};
    r["power"]["management"] = {{"governor", governor}, {"idle", idle}, {"opp_requests", 3},
                                {"idle_entries", 0}};
    r["power"]["summary"] = {{"per_inference", {{"nncore_energy_j", nncore_j}, {"run_energy_j", run_j}}},
                             {"latency_mean_s", latency_s},
                             {"deadline_misses", misses}};
    return r;
}

const json no_idle = {{"policy", "none"}};

}  // namespace

TEST(power_tables, labels_name_the_policy_and_its_parameters) {
    EXPECT_EQ(governor_label(report({{"name", "userspace"}, {"opp", 1}}, no_idle, 0, 0, 0, 0)),
              "userspace 700 MHz");
    EXPECT_EQ(governor_label(report({{"name", "per_layer"}, {"frequency_only", 1}}, no_idle, 0, 0, 0, 0)),
              "per_layer (frequency only)");
    EXPECT_EQ(governor_label(report({{"name", "per_layer"}, {"frequency_only", false}}, no_idle, 0, 0, 0, 0)),
              "per_layer (full DVFS)");
    const json timeout = {{"policy", "fixed_timeout"}, {"state", "off"}, {"timeout_us", 150.0}};
    EXPECT_EQ(idle_label(report({{"name", "none"}}, timeout, 0, 0, 0, 0)),
              "fixed_timeout off after 150 us");
    const json residency = {{"policy", "residency_aware"}, {"max_exit_us", 20.0},
                            {"gap_prediction", "ewma"}};
    EXPECT_EQ(idle_label(report({{"name", "none"}}, residency, 0, 0, 0, 0)),
              "residency_aware, exit <= 20 us, gap ewma");
}

TEST(power_tables, the_voltage_floor_table_in_millijoules_and_milliseconds) {
    const std::vector<json> points = {
        report({{"name", "performance"}}, no_idle, 1.25e-3, 2.5e-3, 12.0e-3, 0),
        report({{"name", "userspace"}, {"opp", 0}}, no_idle, 0.8e-3, 3.0e-3, 40.5e-3, 8)};
    std::ostringstream os;
    ASSERT_TRUE(print_experiment(os, "voltage_floor_knee", points));
    EXPECT_EQ(os.str(),
              "### voltage_floor_knee\n\n"
              "| governor | NN core mJ/frame | run mJ/frame | latency ms | misses |\n"
              "|---|---|---|---|---|\n"
              "| performance | 1.250 | 2.500 | 12.000 | 0 |\n"
              "| userspace 300 MHz | 0.800 | 3.000 | 40.500 | 8 |\n\n");
    std::ostringstream none;
    EXPECT_FALSE(print_experiment(none, "no_such_experiment", points));
    EXPECT_EQ(none.str(), "");
}
