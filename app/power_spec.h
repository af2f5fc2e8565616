// The power section of a workload (workload.power): the NN core's DVFS
// governor and idle policy that the nn_network firmware runs
// (firmware/programs/network_power.h). Read strictly: every error names the
// file, the field and what was expected; a parameter that the chosen
// governor does not use is an error too.
//
//   "power": {
//     "governor": {"name": "ondemand", "sampling_ms": 10, "up_threshold_pct": 80},
//     "idle": {"policy": "residency_aware", "max_exit_us": 100, "gap_prediction": "ewma"}
//   }
//
// to_program_args() turns it into the program's integer arguments (% / us /
// ns / nJ / uW), taking the idle states' costs from the platform config.
#pragma once

#include <cstdint>
#include <map>
#include <string>

#include "ip/common/config_reader.h"
#include "platform/platform_config.h"

namespace nnvp {

struct power_spec {
    std::string governor = "none";
    double sampling_ms = 0;                // load-based governors' tick (0: boundaries only)
    std::map<std::string, double> params;  // governor parameters as written (validated)
    std::string idle = "none";             // none, always, fixed_timeout, residency_aware
    std::string idle_state = "off";        // always / fixed_timeout: idle, retention, off
    double timeout_us = 1000;              // fixed_timeout
    double max_exit_us = -1;               // residency_aware: -1 any
    std::string gap_prediction = "known";  // known (the next arrival) or ewma

    bool active() const { return governor != "none" || idle != "none"; }
};

// `node` is workload.power.
power_spec parse_power_spec(const config_node& node);

// Checks against the platform (userspace / per-layer OPPs exist) and writes
// the pm_* arguments into `args`; deadline_ns is the workload's deadline.
// Throws config_error naming `file`.
void power_program_args(const power_spec& p, const platform_config& cfg, double deadline_s,
                        const std::string& file, std::map<std::string, int64_t>& args);

}  // namespace nnvp
