// Headline metrics of a run, read from its report.json: the numbers a user
// compares between runs (summary table, report.html, sweep rows, compare).
// Only what the report carries is returned: a bring-up run has no layers,
// a single-shot run no inferences.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

namespace nnvp {

struct headline_metric {
    std::string name;         // CSV column and Pareto key, e.g. "energy_j"
    std::string unit;         // SI unit for printing ("s", "J", "W", "" for counts)
    std::string description;  // one line for docs/outputs.md and --help
};

// Every metric nnvp knows, in the order tables print them.
const std::vector<headline_metric>& headline_metrics();
bool is_headline_metric(const std::string& name);

// Nearest-rank percentile `p` (0..100] of `v` (not empty): the value of a
// real sample, no interpolation.
double nearest_rank(std::vector<double> v, double p);

// The value of one metric in `report`, or nothing when the report lacks the
// section it comes from.
std::optional<double> headline_value(const nlohmann::json& report, const std::string& name);

struct headline_row {
    const headline_metric* metric;
    double value;
};
// The metrics present in `report`, in headline_metrics() order.
std::vector<headline_row> headline_rows(const nlohmann::json& report);

}  // namespace nnvp
