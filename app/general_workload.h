// `nnvp run` on an ONNX model: the model goes through the general importer,
// the one `nnvp check` uses (sw/onnx/check_importer.h), so any model `check`
// and `info` read also runs as a scenario, with several inputs and outputs.
// At workload.precision "fp32" it runs at its own ONNX types; at "int8",
// "int16" or "fp16" the imported network is quantized after import
// (sw/quant/network_quantizer.h: quantization scheme, bits, calibration,
// layer_precision by step name), calibrated on `calibration_inputs` sets
// drawn like the input sets (files, else seeded from another seed).
//
//   "workload": {
//     "network": "speech.onnx", "precision": "fp32",
//     "input_shapes": {"audio": [1, 40, 98]},     sizes of symbolic dims
//     "inputs": {"audio": "audio.npy",             one file for every input set,
//                "mask": ["m0.pb", "m1.pb"]},      or one per set (.npy or TensorProto .pb)
//     "input_sets": 2, "seed": 1, "inferences": 4
//   }
//
// Inputs without a file are seeded: floats uniform in [-1, 1), integers in
// 0..3, bools 0/1; a workload.dataset feeds a one-input image classifier. A file fixes the symbolic dims it covers. The batch is the
// model's own (workload.batch must stay 1): set it through input_shapes.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "app/workload.h"
#include "sw/onnx/model.h"

namespace nnvp {

// The report's network section: steps, CONV / FC layers and their MACs,
// weights, activations (elements of every step's output).
nlohmann::json general_network_info(const std::string& name, const compiler::network& net);

// True when `w` runs through the general importer (an ONNX model).
bool runs_general(const workload_spec& w);

// Input sets a caller makes itself instead of seeded or file ones (a
// generation's prompts, the decode states it calibrates on): per set, a
// value for every runtime input.
struct given_input_sets {
    std::vector<std::map<std::string, onnx_import::onnx_tensor>> sets, calibration;
};

// report.json network.weight_values of a run whose weights have no values.
inline constexpr const char* weights_without_values_note =
    "sizes only: timing mode compiles the large weights without generating, quantizing or "
    "staging their values";

// Imports the model with its inputs bound, quantizes it when the workload's
// precision is an integer one (calibrated in functional mode), and stages
// every input set. Throws config_error naming the scenario file and the
// workload field.
resolved_workload resolve_general_workload(const workload_spec& w, bool timing,
                                           const std::string& file,
                                           const given_input_sets* given = nullptr);

}  // namespace nnvp
