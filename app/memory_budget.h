// Host memory a run would need, estimated before anything large is built:
// inputs inside the accepted ranges (batch 4096 on ResNet-50, 100000 input
// sets, a million inferences) would otherwise exhaust the machine's memory
// halfway through. Past the scenario's max_memory_gb (default 8, `nnvp run
// --max-memory GB`) the run is refused with the field that costs the most.
#pragma once

#include "app/scenario.h"
#include "sw/net/stats.h"

#include <optional>

#include <string>
#include <vector>

namespace nnvp {

// One field's share of the estimate.
struct memory_part {
    std::string field;  // "workload.batch"
    std::string what;   // "activations of 4096 images per inference"
    double bytes = 0;
    std::string fix;    // "lower workload.batch"
};

// The zoo CNN a workload runs, at its batch: nullopt for ONNX models,
// transformers and a batch the network refuses (resolve_workload says why).
// The memory and time estimates (app/time_budget.h) both start from it.
std::optional<net::network_stats> zoo_stats(const workload_spec& w);

// The parts of `sc`'s estimate (zoo CNNs in full; ONNX models their
// inputs of the given input_shapes; every workload its per-inference records).
std::vector<memory_part> estimate_memory(const scenario& sc);

// config_error naming sc.file, the total, the costliest field and how to
// raise the limit, when the estimate exceeds sc.max_memory_gb.
void check_memory_budget(const scenario& sc);

}  // namespace nnvp
