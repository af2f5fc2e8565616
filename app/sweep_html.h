// sweep.html: one self-contained page (inline CSS and SVG, no scripts) for
// a finished sweep, written beside sweep.csv. For each Pareto pair (energy
// against latency, and the sweep's own pair when it names one) a scatter
// plot of every successful point: each point numbered as in the table, its
// parameters in its tooltip, the Pareto front drawn as a staircase with its
// points' parameters written beside them. Then one table of every point
// (parameters, status, the headline metrics any point has, front flags),
// failed points with their error.
#pragma once

#include <string>
#include <vector>

#include "app/sweep_results.h"

namespace nnvp {

std::string make_sweep_html(const sweep_spec& spec, const std::vector<sweep_result>& results);

// "key=value, ..." for point i: each swept parameter by the last part of
// its path (workload.power.governor.name -> name).
std::string point_label(const sweep_spec& spec, std::size_t i);

}  // namespace nnvp
