// Every curated scenario (scenarios/**/*.json, sweep files aside) runs in
// timing mode, leaves a report with the contract's keys and meets its
// expected metrics (expected_metrics.json). The list is read when the tests
// are discovered, so a new scenario is tested without editing this file.
// Scenarios the exploration tests compare are run there; long ones are
// listed in scenario_runner.cpp with the reason.
#include <gtest/gtest.h>

#include <cctype>
#include <filesystem>
#include <fstream>

#include "tests/scenarios/scenario_runner.h"

namespace {

namespace fs = std::filesystem;
using namespace nnvp::test;

std::vector<std::string> generic_scenarios() {
    std::vector<std::string> out;
    for (const std::string& rel : curated_scenarios())
        if (!is_long(rel) && !is_compared(rel))
            out.push_back(rel);
    return out;
}

class curated : public ::testing::TestWithParam<std::string> {};

TEST_P(curated, runs_in_timing_mode_and_meets_its_metrics) {
    run_checked(GetParam());
}

std::string test_name(const ::testing::TestParamInfo<std::string>& info) {
    std::string s = info.param.substr(0, info.param.size() - 5);  // no ".json"
    for (char& c : s)
        if (!std::isalnum(static_cast<unsigned char>(c)))
            c = '_';
    return s;
}

INSTANTIATE_TEST_SUITE_P(scenarios, curated, ::testing::ValuesIn(generic_scenarios()), test_name);

}  // namespace

TEST(curated_library, the_lists_name_existing_files) {
    for (const std::string& rel : compared_scenarios()) {
        EXPECT_TRUE(fs::exists(scenarios_dir() / rel)) << rel;
    }
    for (const long_scenario& l : long_scenarios()) {
        EXPECT_TRUE(fs::exists(scenarios_dir() / l.path)) << l.path;
    }
    std::ifstream in(fs::path(NNVP_SOURCE_DIR) / "tests" / "scenarios" / "expected_metrics.json");
    const auto all = nlohmann::json::parse(in);
    for (const auto& [rel, entry] : all.items()) {
        if (rel.rfind("_", 0) == 0)
            continue;  // "_about"
        EXPECT_TRUE(fs::exists(scenarios_dir() / rel)) << "expected_metrics.json: " << rel;
        ASSERT_TRUE(entry.contains("checks")) << rel;
        for (const auto& c : entry["checks"]) {
            EXPECT_TRUE(c.contains("why")) << rel << ": every check says why: " << c.dump();
        }
    }
}

// In the bring-up, NN-core and exploration folders each scenario CI runs
// has metrics to meet, not just an exit code (other folders may add theirs).
TEST(curated_library, every_scenario_in_ci_has_expected_metrics) {
    int checked = 0;
    for (const std::string& rel : curated_scenarios()) {
        const std::string folder = rel.substr(0, rel.find('/'));
        if (is_long(rel) || (folder != "bringup" && folder != "nncore" && folder != "exploration"))
            continue;
        ++checked;
        EXPECT_TRUE(expected_for(rel).is_object())
            << rel << " has no entry in expected_metrics.json";
    }
    EXPECT_GE(checked, 16);
}

// The error-path story of bring-up is in the library (issue #6).
TEST(curated_library, the_misprogrammed_dma_scenario_is_there) {
    std::ifstream in(scenarios_dir() / "bringup" / "dma_error_demo.json");
    ASSERT_TRUE(in) << "scenarios/bringup/dma_error_demo.json";
    const auto s = nlohmann::json::parse(in);
    EXPECT_EQ(s["firmware"]["program"], "dma_error_demo");
}
