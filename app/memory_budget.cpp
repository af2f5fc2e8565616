#include "app/memory_budget.h"

#include "app/general_workload.h"
#include "platform/soc.h"
#include "sw/net/stats.h"
#include "sw/net/zoo.h"

#include <algorithm>
#include <cstdio>

namespace nnvp {

namespace {

// Bytes per element the host keeps of each tensor: the float value, its
// quantized copy and the reference executor's (measured peak over ResNet-50
// and VGG-16 runs is below this).
constexpr double bytes_per_element = 8;
// What a run keeps per inference: its record, results table row and output
// in the guest's DRAM, and its row of report.json's inferences[] (measured
// 2.8 KB per LeNet-5 inference; layer rows are summed as they finish).
constexpr double bytes_per_inference = 3072;
// Events the timeline records per layer and inference (DMA runs, commands,
// streams, interrupts; measured 177 on ResNet-50 at the default buffers, 12
// on LeNet-5), and the bytes of one (measured 47), up to trace_max_events.
constexpr double events_per_inference_layer = 200;
constexpr double bytes_per_event = 48;
// A power sample (a timeline event).
constexpr double bytes_per_power_sample = bytes_per_event;

std::string gib(double bytes) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.3g GiB", bytes / (1024.0 * 1024.0 * 1024.0));
    return buf;
}

void add_power_samples(const scenario& sc, std::vector<memory_part>& parts) {
    const double period_s = sc.platform.trace_power_sample_us * 1e-6;
    if (period_s <= 0)
        return;
    const double samples = std::min(sc.max_simulated_s / period_s,
                                    static_cast<double>(soc::max_power_samples));
    const double signals = static_cast<double>(sc.platform.domains.size() + 1);
    char every[64];
    std::snprintf(every, sizeof every, "power samples every %g us over %g s",
                  sc.platform.trace_power_sample_us, sc.max_simulated_s);
    parts.push_back({"platform.trace_power_sample_us", every,
                     samples * signals * bytes_per_power_sample,
                     "raise platform.trace_power_sample_us (or lower max_simulated_s)"});
}

// A zoo CNN: its weights, inputs and activations at the scenario's batch.
void add_zoo_network(const workload_spec& w, const net::network_stats& st,
                     std::vector<memory_part>& parts) {
    const double input = static_cast<double>(st.inputs[0].count());
    parts.push_back({"workload.network", "weights of " + w.network,
                     static_cast<double>(st.weights()) * bytes_per_element,
                     "choose a smaller network"});
    parts.push_back({"workload.batch",
                     "activations of " + std::to_string(w.batch) + " images per inference",
                     static_cast<double>(st.activations) * bytes_per_element,
                     "lower workload.batch"});
    const double sets = w.dataset.name.empty() ? w.input_sets : w.dataset.images / w.batch;
    parts.push_back({w.dataset.name.empty() ? "workload.input_sets" : "workload.dataset.images",
                     std::to_string(static_cast<long long>(sets)) + " staged input sets",
                     (sets + w.calibration_inputs) * input * bytes_per_element,
                     w.dataset.name.empty() ? "lower workload.input_sets"
                                            : "lower workload.dataset.images"});
}

// An ONNX model's inputs of the sizes workload.input_shapes gives (a
// symbolic dim set to 1e9 would otherwise be allocated per input set).
void add_given_inputs(const workload_spec& w, std::vector<memory_part>& parts) {
    double elements = 0;
    for (const auto& [name, dims] : w.input_shapes) {
        double n = 1;
        for (const int64_t d : dims)
            n *= static_cast<double>(std::max<int64_t>(d, 1));
        elements += n;
    }
    if (elements > 0)
        parts.push_back({"workload.input_shapes",
                         std::to_string(w.input_sets) + " input sets of the given shapes",
                         (w.input_sets + w.calibration_inputs) * elements * bytes_per_element,
                         "give smaller workload.input_shapes (or fewer workload.input_sets)"});
}

}  // namespace

std::optional<net::network_stats> zoo_stats(const workload_spec& w) {
    if (runs_general(w) || !w.transformer.empty() || !net::in_zoo(w.network))
        return std::nullopt;
    try {
        net::graph g = net::build_zoo(w.network);
        if (w.batch != 1)
            g.set_batch(w.batch);
        return net::compute_stats(g);
    } catch (const std::exception&) {
        return std::nullopt;
    }
}

std::vector<memory_part> estimate_memory(const scenario& sc) {
    std::vector<memory_part> parts;
    add_power_samples(sc, parts);
    if (!sc.workload)
        return parts;
    const workload_spec& w = *sc.workload;
    double layers = 100;  // a typical network when its graph is not built here
    add_given_inputs(w, parts);
    if (const std::optional<net::network_stats> st = zoo_stats(w)) {
        add_zoo_network(w, *st, parts);
        layers = static_cast<double>(st->layers.size());
    }
    parts.push_back({"workload.inferences",
                     std::to_string(w.inferences) + " inferences' records",
                     w.inferences * bytes_per_inference,
                     "lower workload.inferences (or split the run)"});
    const double events = std::min(w.inferences * layers * events_per_inference_layer,
                                   static_cast<double>(sc.platform.trace_max_events));
    parts.push_back({"platform.trace_max_events",
                     std::to_string(static_cast<long long>(events)) + " trace events",
                     events * bytes_per_event, "lower platform.trace_max_events"});
    return parts;
}

void check_memory_budget(const scenario& sc) {
    const std::vector<memory_part> parts = estimate_memory(sc);
    double total = 0;
    const memory_part* top = nullptr;
    for (const memory_part& p : parts) {
        total += p.bytes;
        if (!top || p.bytes > top->bytes)
            top = &p;
    }
    const double limit = sc.max_memory_gb * 1024.0 * 1024.0 * 1024.0;
    if (total <= limit || !top)
        return;
    throw config_error(sc.file + ": " + top->field + ": the run would need about " + gib(total) +
                       " of host memory (" + top->what + ": " + gib(top->bytes) +
                       "), above max_memory_gb = " + gib(limit) + ": " + top->fix +
                       ", or raise the limit (max_memory_gb in the scenario, --max-memory GB)");
}

}  // namespace nnvp
