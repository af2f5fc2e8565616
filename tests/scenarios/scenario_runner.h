// Runs curated scenarios the way users do (`nnvp run` as a subprocess, in
// timing mode) and checks what every run must leave: exit code 0, the
// report.json keys of the DESIGN.md contract, and the scenario's expected
// metrics from tests/scenarios/expected_metrics.json with their tolerances.
#pragma once

#include <filesystem>
#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace nnvp::test {

// Scenario files relative to scenarios/ ("bringup/dma_error_demo.json"),
// sorted; sweep files are not scenarios.
std::vector<std::string> curated_scenarios();
// A sweep file (docs/outputs.md): in scenarios/sweeps/ or named *.sweep.json.
bool is_sweep_file(const std::string& rel);

// Too slow for CI (minutes, or functional ResNet-50), each with the reason.
struct long_scenario {
    std::string path;  // relative to scenarios/ (a folder ends with '/')
    std::string why;
};
const std::vector<long_scenario>& long_scenarios();
bool is_long(const std::string& rel);

// Scenarios the exploration tests run themselves (and check the same way),
// so the generic test does not run them twice.
const std::vector<std::string>& compared_scenarios();
bool is_compared(const std::string& rel);

std::filesystem::path scenarios_dir();

// Runs scenarios/<rel> with --set mode=timing (plus `extra` arguments) into a
// fresh scratch folder, asserts the run and the report contract with
// gtest (non-fatal), checks the expected metrics when `check_expected`, and
// returns report.json (null when there is none).
nlohmann::json run_checked(const std::string& rel, const std::string& extra = "",
                           bool check_expected = true);

// The expected-metric entry of a scenario (null when it has none).
nlohmann::json expected_for(const std::string& rel);

// Sums a numeric column over the layer rows for which `keep` holds.
double sum_layers(const nlohmann::json& report, const std::string& column,
                  const std::function<bool(const nlohmann::json&)>& keep);
// Layers the NN core ran (the CPU fallback and conversions excluded).
bool on_core(const nlohmann::json& layer);

}  // namespace nnvp::test
