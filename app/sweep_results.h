// What every sweep backend shares once its points have run: the result of a
// point read from its run folder, sweep.csv and sweep.html. The local
// backend (app/sweep.cpp) and the Slurm backend (app/sweep_slurm.h) both end
// in write_sweep_outputs, so their outputs cannot drift apart.
#pragma once

#include <nlohmann/json.hpp>
#include <ostream>
#include <string>
#include <vector>

#include "app/sweep_spec.h"

namespace nnvp {

struct sweep_result {
    std::string dir;        // the point's run folder
    std::string status;     // "ok", "failed" (exit 1), "error" (exit 2 or worse), "missing"
    int exit_code = 0;      // -1 when missing (no exit code recorded)
    bool resumed = false;   // finished by an earlier sweep, not run again
    std::string error;      // the last "nnvp:" line of the point's log, when not ok
    nlohmann::json report;  // null when the point wrote none
};

// "p0007": the run folder of point 7, inside the sweep folder.
std::string point_name(std::size_t i);

// "ok", "failed" or "error" for a point's `nnvp run` exit code.
std::string status_of(int exit_code);

// The JSON document in `path`, or null when it is missing or not JSON.
nlohmann::json read_json_file(const std::string& path);

// Why a point failed, in one line: the last line nnvp itself wrote
// ("nnvp: ..."), else the last line of the log; empty when there is no log.
std::string error_of(const std::string& log_path);

// Fills `r` from a finished point's folder: its exit code, status, error
// (from DIR/log.txt) and report.json; records them in DIR/point.json so a
// later sweep can resume from the folder.
void finish_point(sweep_result& r, const std::vector<std::string>& args, int exit_code);

// A result left by an earlier sweep in r.dir for exactly these arguments.
bool resume_point(sweep_result& r, const std::vector<std::string>& args);

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

// Writes out/sweep.csv and out/sweep.html and prints the one-line tally;
// 0 when every point is ok, else 1.
int write_sweep_outputs(const std::string& out, const sweep_spec& spec,
                        const std::vector<sweep_result>& results);

}  // namespace nnvp
