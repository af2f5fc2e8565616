// The workload section of a scenario: which network runs, how it is
// quantized, how many inferences arrive and when. Read strictly (every error
// names the file and the field); resolve() turns it into the package network
// and the real-valued inputs the host stages for the firmware.
//
//   "workload": {
//     "network": "resnet50",          zoo name, or a .onnx path (relative to the scenario)
//     "weights": "lenet_qat.nnw",     fmnist_lenet only: its weights file (relative to the scenario)
//     "precision": "int8",            fp32 fp16 int16 int8 int4 binary
//     "quantization": "per_channel",  none static_fixed dynamic_fixed per_channel
//     "bits": 0,                      narrower integer range (e.g. 6 in int8 storage)
//     "layer_precision": {"conv1": "int8"},   mixed precision overrides
//     "batch": 1, "inferences": 1, "seed": 1,
//     "calibration_inputs": 2,        seeded samples for calibration (functional mode)
//     "input_sets": 1,                distinct seeded inputs staged (inference i uses i % sets)
//     "arrival": {"pattern": "back_to_back" | "periodic" | "poisson",
//                 "fps": 30, "rate_per_s": 100, "deadline_ms": 33.3},
//     "check": true,                  functional: outputs against the reference executor
//     "arena": "dram",                activations in DRAM, the on-chip SRAM, or auto (SRAM if it fits)
//     "log_steps": false,             the firmware's console line per step and inference
//     "channel_split": "mapper",      input-channel passes: mapper fallback off (compiler)
//     "sparsity": {"mode": "skip",    the NN core's zero handling: none gate skip
//                  "weight_zero_pct": 50,    magnitude pruning of every conv / fc layer
//                  "activation_density": 0.6,    timing mode: non-zero share of inputs
//                  "weight_format": "automatic"},   dense bitmap csr automatic (DRAM storage)
//     "power": {"governor": {...}, "idle": {...}},   the NN core's power management (power_spec.h)
//     "tokens": 128, "past": 0,       zoo transformers: the pass's new and cached tokens
//     "prompt": 32, "generate": 32,   zoo decoders: generation, request = prompt + tokens out
//     "input_shapes": {"x": [1, 40, 98]},   "inputs": {"x": "x.npy"},   ONNX models:
//                                     general_workload.h
//     "dataset": {"name": "fashion-mnist", "split": "t10k", "images": 500, "offset": 0,
//                 "dir": "/usr/share/datasets/fashion-mnist"}
//   }                                 (a dataset: inputs are its images, `batch` per
//                                      inference, inferences default to images / batch,
//                                      calibration uses the first images of the train split)
#pragma once

#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "app/power_spec.h"
#include "ip/common/config_reader.h"
#include "sw/dataset/labelled_images.h"
#include "sw/net/graph.h"
#include "sw/compiler/builder.h"
#include "sw/quant/quant_options.h"

namespace nnvp {

struct arrival_spec {
    std::string pattern = "back_to_back";
    double fps = 0;         // periodic
    double rate_per_s = 0;  // poisson
    double deadline_s = 0;  // 0: none (periodic default: the period)
};

// Real inputs with labels instead of seeded ones (top-1 accuracy).
struct dataset_spec {
    std::string name;  // "fashion-mnist" (empty: seeded inputs)
    std::string dir = "/usr/share/datasets/fashion-mnist";
    std::string split = "t10k";
    unsigned images = 0;
    unsigned offset = 0;
};

// The NN core's handling of zero operands (MODE.sparsity) and how many zero
// weights the network has (docs/nncore_timing.md "Sparsity").
struct sparsity_spec {
    std::string mode = "none";       // none gate skip
    double weight_zero_pct = 0;      // pruned per conv / fc layer, smallest magnitudes first
    double activation_density = 1;   // timing mode's non-zero share of layer inputs
    std::string weight_format = "dense";  // weight storage in DRAM: dense bitmap csr automatic
};

struct workload_spec {
    std::string network;       // as written
    std::string channel_split = "mapper";  // mapper fallback off (compiler::channel_split_policy)
    std::string network_path;  // resolved (.onnx)
    std::string weights_path;  // fmnist_lenet: a weights file (resolved); empty: the committed one
    quant::quant_options quant;
    int batch = 1;
    unsigned inferences = 1;
    bool inferences_given = false;  // workload.inferences was written (not defaulted)
    uint64_t seed = 1;
    unsigned calibration_inputs = 2;
    unsigned input_sets = 1;
    arrival_spec arrival;
    bool check = true;
    std::string dataflow = "auto";  // the compiler's dataflow for every core layer: auto os ws is
    sparsity_spec sparsity;
    std::string arena = "dram";     // where activations live: dram sram auto
    bool log_steps = false;         // a console line per network step (report.json has them all)
    dataset_spec dataset;
    power_spec power;
    // ONNX models at fp32 (general_workload.h): sizes of symbolic input dims,
    // and input files per graph input (one for every set, or one per set; resolved).
    std::map<std::string, std::vector<int64_t>> input_shapes;
    std::map<std::string, std::vector<std::string>> input_files;
    // A zoo transformer (sw/transformers): its name, and the pass it runs:
    // `tokens` new tokens (0: the model's default) after `past` cached ones.
    std::string transformer;
    int tokens = 0;
    int past = 0;
    // Generation (decoders): `prompt` tokens in, `generate` tokens out per
    // request (llm_run.h); 0: one pass as tokens / past say.
    int prompt = 0;
    int generate = 0;
    // Set by the generation run, not read: the decode step's static cache.
    int capacity = 0;
};

// `node` is the scenario's "workload" object; `scenario_dir` resolves paths.
workload_spec parse_workload(const config_node& node, const std::string& scenario_dir);

// The network compiled for the VP and its inputs.
struct resolved_workload {
    std::string name;                     // network name
    net::graph graph;                     // the float network (weights materialized)
    compiler::network net;                 // quantized, ready for compiler::build
    std::vector<nn::tensor> real_inputs;  // fp32, one per input set (graph input 0; quantized runs)
    // Per input set, one tensor per package input in its stored type.
    std::vector<std::vector<nn::tensor>> inputs;
    // Read by the general importer (ONNX models): no float graph. `float_net`
    // is the network at the model's ONNX types and `float_inputs` its inputs
    // per set; `net` is the same network, or its quantized version.
    bool general = false;
    compiler::network float_net;
    std::vector<std::vector<nn::tensor>> float_inputs;
    std::vector<uint8_t> labels;          // dataset workloads: per image, in input-set order
    unsigned inferences = 0;              // when not 0: replaces the workload's (ONNX datasets)
    nlohmann::json network_info;          // name, layers, macs, weights, weight_bytes
    nlohmann::json quantization;          // scheme and per-layer error (functional mode)
    double weight_density = 1;            // non-zero share of the quantized weights (all layers)
    // false: a timing run's zoo transformer built its large weights without
    // values (general_workload.cpp): its packages are timing-only, and the
    // report's network.weight_values says so.
    bool values = true;
    double compile_wall_s = 0;
};

// workload.dataset's evaluated images and `calibration_images` from the start
// of the train split. Throws config_error naming workload.dataset when the
// files cannot be read or hold too few images.
struct dataset_images {
    dataset::labelled_images eval, train;
};
dataset_images load_dataset_images(const workload_spec& w, unsigned calibration_images,
                                   const std::string& file);

// Builds, calibrates (functional mode) and quantizes the network. Throws
// config_error for unknown networks / bad files, quant errors as they come.
resolved_workload resolve_workload(const workload_spec& w, bool timing, const std::string& file);

// Timing mode's build with the weights as sizes only: resolve(false), and
// when a step needs the values after all (nn::no_values_error), says so and
// returns resolve(true). `network` names the network on the console.
resolved_workload resolve_sizes_first(const std::string& network,
                                      const std::function<resolved_workload(bool values)>& resolve);

// How the firmware programs take the arrival: 0 back to back, 1 periodic,
// 2 Poisson; and the mean gap (the period, 1 / rate; 0 back to back).
int64_t arrival_code(const std::string& pattern);
double arrival_gap_s(const arrival_spec& a);
// workload.dataflow as the compiler takes it ("auto": the core picks).
cost::dataflow dataflow_of(const workload_spec& w);
compiler::channel_split_policy channel_split_of(const workload_spec& w);

}  // namespace nnvp
