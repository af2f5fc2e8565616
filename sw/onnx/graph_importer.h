// ONNX float model -> the network IR (sw/net/graph.h), for `nnvp info` and
// for `nnvp run` through the quantizer. NCHW activations become NHWC, OIHW
// weights OHWI; BatchNormalization is folded into the preceding Conv (with
// none to fold into, it becomes a depthwise 1x1 conv), Pad into the
// following Conv / pool when it pads H and W only with zeros, Identity and
// Dropout disappear. Graph inputs must have fixed shapes; rank-4
// inputs are images (NCHW), rank-2 [N, K] inputs feature rows.
#pragma once

#include <onnx/onnx_pb.h>

#include <string>

#include "sw/net/graph.h"
#include "sw/onnx/tensor_pb.h"

namespace nnvp::onnx_import {

// Imports and validates the graph. Throws onnx_error naming the file, the
// node and the field for anything nnvp cannot represent.
net::graph import_graph(const onnx::ModelProto& model, const std::string& file);

// load_model + import_graph.
net::graph import_graph_file(const std::string& path);

}  // namespace nnvp::onnx_import
