// The Markdown tables of docs/power_experiments.md, from the report.json
// files of the five power sweeps (tools/power_experiments.sh runs them).
#pragma once

#include <nlohmann/json.hpp>

#include <ostream>
#include <string>
#include <vector>

namespace nnvp::power_tables {

// The reports of a sweep folder's points (p0000/, p0001/, ...), in order.
std::vector<nlohmann::json> sweep_points(const std::string& folder);

// "ondemand", "userspace 700 MHz", "per_layer (full DVFS)".
std::string governor_label(const nlohmann::json& report);
// "fixed_timeout retention after 200 us", "residency_aware, gap ewma".
std::string idle_label(const nlohmann::json& report);

// "### NAME" and its table; false for an experiment it does not know.
bool print_experiment(std::ostream& os, const std::string& name,
                      const std::vector<nlohmann::json>& points);

}  // namespace nnvp::power_tables
