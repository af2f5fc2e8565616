// `nnvp info MODEL.onnx` for a model the quantizer's importer refuses (nnvp
// run takes it at precision fp32 only): the
// model as the general importer (the one `nnvp check` uses) reads it, at its
// own ONNX types, after constant folding: one row per step with where it
// runs (an NN-core layer or a CPU op) and its output. Symbolic input sizes
// come from --input-shape NAME=D,D,...
#pragma once

#include <map>
#include <ostream>
#include <string>
#include <vector>

namespace nnvp {

// Prints the table (or JSON) for `path`; `refused` is why the
// quantizer's importer did not take the model (printed with it). Returns the exit code:
// 0, or 2 with a message on `err` (unknown sizes, unsupported ops, ...).
int print_general_info(std::ostream& out, std::ostream& err, const std::string& path, bool json,
                       const std::string& refused,
                       const std::map<std::string, std::vector<int64_t>>& input_shapes);

}  // namespace nnvp
