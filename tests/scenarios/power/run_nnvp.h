// Runs `nnvp run` on a scenario of scenarios/power/ with --set overrides in
// a scratch folder and returns its exit code, output and report.json.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace nnvp::test {

struct nnvp_run {
    int exit_code = -1;
    std::string output;     // stdout and stderr
    nlohmann::json report;  // empty when none was written
};

// `scenario` relative to the source tree; each `sets` entry is one
// "key.path=value" (shell-quoted here).
nnvp_run run_scenario(const std::string& scenario, const std::vector<std::string>& sets,
                      const std::string& tag);

// Shortcuts into report.power.summary.
double nncore_energy_per_inference(const nlohmann::json& report);
double run_energy_per_inference(const nlohmann::json& report);
unsigned deadline_misses(const nlohmann::json& report);

}  // namespace nnvp::test
