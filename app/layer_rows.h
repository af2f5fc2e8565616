// The report's layers[] rows: one per package step (CPU steps included),
// from the NN core's command records and the firmware's per-step totals.
// nn_network's runs and generation runs (one row set per package) share it.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <nlohmann/json.hpp>
#include <vector>

#include "ip/nncore/nncore.h"
#include "platform/timeline.h"
#include "sw/compiler/builder.h"

namespace nnvp {

// NN-core commands summed (one layer's, or one phase's).
struct command_sums {
    std::string type, precision, dataflow;  // of the first command
    uint64_t macs = 0, compute = 0, stall = 0, dr = 0, dw = 0, sr = 0, sw = 0, skipped = 0;
    double energy = 0, util_sum = 0;  // util_sum: utilisation x cycles
    unsigned commands = 0;

    void add(const nncore::core::command_record& r);
    // The core waited for data longer than it computed: "memory", else "compute".
    const char* bound() const { return stall > compute ? "memory" : "compute"; }
};

struct layer_rows_input {
    const compiler::network* net = nullptr;
    const compiler::built_package* pkg = nullptr;
    // Command k's core step (its index among the package's core steps), or
    // -1 when it belongs to something else.
    std::function<int(std::size_t)> core_step_of;
    double runs = 1;  // the rows are means over this many runs of the package
    // Per package step (may be empty): simulated ns and CPU cycles over every run.
    std::vector<uint64_t> step_ns, step_cycles;
};

nlohmann::json layer_rows(const layer_rows_input& in,
                          const std::vector<nncore::core::command_record>& cmds);

// The name of each core step's op, in core-step order (what layers[] and
// trace.json call the NN-core commands of that step).
std::vector<std::string> core_step_names(const compiler::network& net,
                                         const compiler::built_package& pkg);

// Names the NN core's spans in the chip's trace by their layers: command k
// (the trace's k-th "nncore" span) gets names[core_step_of(k)], its
// platform name ("conv2d#6") when it belongs to no step.
void name_core_spans(timeline& trace, const std::vector<std::string>& names,
                     const std::function<int(std::size_t)>& core_step_of);

}  // namespace nnvp
