// report.json of a run (DESIGN.md "report.json"); layers.csv is
// app/layers_csv.h, the human summary app/summary.h.
#pragma once

#include "app/scenario.h"
#include "platform/soc.h"

#include <nlohmann/json.hpp>


namespace nnvp {

nlohmann::json make_report(const scenario& sc, soc& chip, const run_outcome& outcome,
                           int warnings);

}  // namespace nnvp
