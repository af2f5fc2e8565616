// nnvp sweep SWEEP.json [-j N] [--out DIR]: runs every point of a sweep file
// (app/sweep_spec.h) as a child `nnvp run` in DIR/pNNNN, N at a time, and
// writes DIR/sweep.csv: one row per point with its parameters, status and
// headline metrics, and Pareto-optimal points marked, and DIR/sweep.html
// (app/sweep_html.h): the fronts plotted, every point in a table. A point whose
// report.json exists (from the same overrides) is not run again; a failing
// point is recorded with its exit code and error and the sweep goes on.
#pragma once

#include <nlohmann/json.hpp>
#include <ostream>
#include <string>
#include <vector>

#include "app/sweep_spec.h"

namespace nnvp {

struct sweep_result {
    std::string dir;     // the point's run folder
    std::string status;  // "ok", "failed" (exit 1), "error" (exit 2 or worse)
    int exit_code = 0;
    bool resumed = false;   // finished by an earlier sweep, not run again
    std::string error;      // the last "nnvp:" line of the point's log, when not ok
    nlohmann::json report;  // null when the point wrote none
};

// The `nnvp run` arguments of point `i` (without the executable).
std::vector<std::string> point_arguments(const sweep_spec& spec, std::size_t i,
                                         const std::string& dir);

// sweep.csv: columns point, status, exit_code, <parameters>, <headline metrics>,
// pareto_energy_j_latency_s, [pareto_<a>_<b>], error, dir.
void write_sweep_csv(std::ostream& os, const sweep_spec& spec,
                     const std::vector<sweep_result>& results);

// A swept parameter's value as tables show it: strings bare, others as JSON.
std::string parameter_text(const nlohmann::json& v);

// Pareto flags of the successful points for objectives a and b (false for
// the others and for points that lack either metric).
std::vector<bool> pareto_flags(const std::vector<sweep_result>& results, const pareto_axis& a,
                               const pareto_axis& b);

// The command; exit 0 when every point succeeded, 1 when some failed,
// 2 on a bad sweep file or arguments.
int run_sweep(int argc, char* argv[]);

}  // namespace nnvp
