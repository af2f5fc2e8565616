// `nnvp info MODEL.onnx`: the model as the importer (the one `nnvp check`
// and `nnvp run` use) reads it, at its own ONNX types, after constant folding
// and fusion: MACs and weights, what was fused, one row per step with where
// it runs (an NN-core layer or a CPU op) and its output. Symbolic input sizes
// come from --input-shape NAME=D,D,...
#pragma once

#include <onnx/onnx_pb.h>

#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <ostream>
#include <string>
#include <vector>

namespace nnvp {

// Prints the table (or JSON) for `path`. Returns the exit code: 0, or 2 with
// a message on `err` (unknown sizes, unsupported ops, ...).
int print_general_info(std::ostream& out, std::ostream& err, const std::string& path, bool json,
                       const std::map<std::string, std::vector<int64_t>>& input_shapes);

// The same for a model in memory (a zoo transformer), headed by `label`
// and `extra`'s entries (JSON: merged into the object); `path` names it in
// messages. Throws what the importer throws.
void print_model_info(std::ostream& out, const onnx::ModelProto& m, const std::string& label,
                      const std::string& path, bool json,
                      const std::map<std::string, std::vector<int64_t>>& input_shapes,
                      const nlohmann::json& extra);

}  // namespace nnvp
