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
    double runs = 1;  // the rows are means over this many runs of the package
    // Per package step (may be empty): simulated ns and CPU cycles over every run.
    std::vector<uint64_t> step_ns, step_cycles;
};

// The rows from the NN core's commands summed per core step of the package
// (its index among the package's core steps; missing steps count nothing).
nlohmann::json layer_rows(const layer_rows_input& in, const std::vector<command_sums>& by_core_step);

// Those sums from kept command rows: row k belongs to core step
// core_step_of(k) (-1: to none).
std::vector<command_sums> sum_by_core_step(const std::vector<nncore::core::command_record>& cmds,
                                           const std::function<int(std::size_t)>& core_step_of,
                                           std::size_t core_steps);

// The name of each core step's op, in core-step order (what layers[] and
// trace.json call the NN-core commands of that step).
std::vector<std::string> core_step_names(const compiler::network& net,
                                         const compiler::built_package& pkg);

}  // namespace nnvp
