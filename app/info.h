// `nnvp info NETWORK|MODEL.onnx [--json]`: the layer table of a network
// (type, input and output shapes, MACs, weights, activations) and totals
// split into CONV and FC, in the units DNN papers tabulate (sw/net/stats.h).
#pragma once

#include <nlohmann/json.hpp>
#include <ostream>
#include <string>

#include "sw/net/stats.h"

namespace nnvp {

// argv as main() receives it (argv[1] == "info"). Prints to stdout; errors to
// stderr. Exit codes: 0 success, 2 bad input (unknown network, bad option,
// a model file nnvp cannot read yet).
int run_info(int argc, char* argv[]);

// The human table and the JSON document of `run_info`, for reuse.
void print_info_table(std::ostream& os, const net::graph& g, const net::network_stats& s,
                      const std::string& summary);
nlohmann::json info_json(const net::graph& g, const net::network_stats& s,
                         const std::string& summary);

}  // namespace nnvp
