// A sweep file: a base scenario and the design points to run it at, each a
// list of --set overrides, from a grid (every combination) or an explicit
// list. Read strictly: every error names the file, the field and what was
// expected (docs/outputs.md shows the format).
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

namespace nnvp {

struct pareto_axis {
    std::string metric;  // a headline metric (app/headline.h)
    bool maximize = false;
};

struct sweep_spec {
    using overrides = std::vector<std::pair<std::string, nlohmann::json>>;

    std::string file;
    std::string scenario;  // path as the sweep runs it (relative to the sweep file's folder)
    std::string description;
    overrides fixed;                      // "set": applied to every point first
    std::vector<std::string> parameters;  // swept keys, in column order
    std::vector<overrides> points;        // one entry per point, values of `parameters`
    // Energy against latency is always marked; this is the second pair, if named.
    std::vector<pareto_axis> pareto;  // empty or two axes
    // "package_cache": points share compiled packages (app/package_cache.h)
    // in the sweep folder's package-cache/ (default true).
    bool package_cache = true;
    // "outputs": "all" (default) or "report": points write report.json and
    // layers.csv only (sweep.csv and sweep.html read nothing else).
    bool report_only = false;
};

sweep_spec load_sweep(const std::string& path);
sweep_spec parse_sweep(const nlohmann::json& doc, const std::string& file);

// The text --set takes for a value (JSON, so strings stay strings).
std::string override_text(const nlohmann::json& value);

}  // namespace nnvp
