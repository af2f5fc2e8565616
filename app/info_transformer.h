// `nnvp info <transformer>`: a zoo transformer (sw/transformers) for one
// pass (--batch, --tokens, --past), as the importer reads it, headed by its
// parameters beside the published count and its MACs per token; --export
// writes the ONNX model (the file `nnvp run` and `nnvp check` then take).
#pragma once

#include <ostream>
#include <string>

#include "sw/transformers/transformer_zoo.h"

namespace nnvp {

// Returns the exit code: 0, or 2 with a message on `err`.
int print_transformer_info(std::ostream& out, std::ostream& err,
                           const transformers::transformer_config& c,
                           transformers::transformer_shape shape, bool json,
                           const std::string& export_path);

}  // namespace nnvp
