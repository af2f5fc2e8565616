// nnvp compare REPORT_A REPORT_B [REPORT_C ...]: runs side by side, each
// against the first (ratios X/A). Arguments are report.json files or the run
// folders holding them. Sections: headline metrics; per inference (totals
// depend on how long a run was simulated, so energy is also divided by the
// inferences, and a note says when the runs' simulated times differ);
// energy by power domain; latency percentiles; state and OPP residency (share
// of the simulated time) and transitions per domain; with two reports, the
// layers paired by position with their time, energy, DRAM bytes and
// utilization. Rows that no report has are left out.
#pragma once

#include <nlohmann/json.hpp>
#include <ostream>
#include <string>
#include <vector>

namespace nnvp {

// The comparison as text (the command prints it); labels name the reports.
void print_comparison(std::ostream& os, const std::vector<nlohmann::json>& reports,
                      const std::vector<std::string>& labels);

// Reads a report.json (or DIR/report.json); throws config_error naming the
// file when it is missing, not JSON, or not an nnvp report.
nlohmann::json load_report(const std::string& path);

// The command: exit 0, or 2 on bad arguments or unreadable reports.
int run_compare(int argc, char* argv[]);

}  // namespace nnvp
