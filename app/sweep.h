// nnvp sweep SWEEP.json [-j N] [--out DIR]: runs every point of a sweep file
// (app/sweep_spec.h) as a child `nnvp run` in DIR/pNNNN, N at a time, and
// writes DIR/sweep.csv: one row per point with its parameters, status and
// headline metrics, and Pareto-optimal points marked, and DIR/sweep.html
// (app/sweep_html.h): the fronts plotted, every point in a table. A point whose
// report.json exists (from the same overrides) is not run again; a failing
// point is recorded with its exit code and error and the sweep goes on.
// `--backend slurm` and `--collect DIR` hand the points to a Slurm job array
// instead (app/sweep_slurm.h); both backends share app/sweep_results.h.
#pragma once

#include <string>
#include <vector>

#include "app/sweep_results.h"
#include "app/sweep_spec.h"

namespace nnvp {

// The `nnvp run` arguments of point `i` (without the executable).
std::vector<std::string> point_arguments(const sweep_spec& spec, std::size_t i,
                                         const std::string& dir);

// The command; exit 0 when every point succeeded, 1 when some failed,
// 2 on a bad sweep file or arguments.
int run_sweep(int argc, char* argv[]);

}  // namespace nnvp
