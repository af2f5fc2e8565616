// nnvp compare REPORT_A REPORT_B: headline and per-layer metrics of two runs
// side by side, with B/A ratios. Arguments are report.json files or the run
// folders holding them.
#pragma once

#include <nlohmann/json.hpp>
#include <ostream>
#include <string>

namespace nnvp {

// The comparison as text (the command prints it).
void print_comparison(std::ostream& os, const nlohmann::json& a, const nlohmann::json& b,
                      const std::string& label_a, const std::string& label_b);

// Reads a report.json (or DIR/report.json); throws config_error naming the
// file when it is missing, not JSON, or not an nnvp report.
nlohmann::json load_report(const std::string& path);

// The command: exit 0, or 2 on bad arguments or unreadable reports.
int run_compare(int argc, char* argv[]);

}  // namespace nnvp
