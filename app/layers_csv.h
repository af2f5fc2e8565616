// layers.csv: one row per entry of report.json's layers[] (docs/outputs.md).
#pragma once

#include <nlohmann/json.hpp>

#include <ostream>

namespace nnvp {

// The contract's columns, in order; a row without a column leaves it empty.
void write_layers_csv(std::ostream& os, const nlohmann::json& report);

}  // namespace nnvp
