// report.json and layers.csv of a run (DESIGN.md "report.json"); the human
// summary is app/summary.h.
#pragma once

#include "app/scenario.h"
#include "platform/soc.h"

#include <nlohmann/json.hpp>

#include <ostream>
#include <string>

namespace nnvp {

nlohmann::json make_report(const scenario& sc, soc& chip, const run_outcome& outcome,
                           int warnings);
// layers.csv: one row per entry of report["layers"], the contract's columns.
void write_layers_csv(std::ostream& os, const nlohmann::json& report);

}  // namespace nnvp
