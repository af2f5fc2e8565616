// A scenario: which platform (config file plus overrides), which firmware
// program with which arguments, and run limits. Read strictly; every error
// names the file and the field.
#pragma once

#include "app/workload.h"
#include "firmware/programs/program.h"
#include "platform/platform_config.h"

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace nnvp {

struct scenario {
    std::string file;
    nlohmann::json resolved;  // the scenario document after --set overrides
    std::string name;
    std::string description;
    std::string mode;  // "functional" or "timing"
    double max_simulated_s = 10.0;
    double max_wall_s = 0;       // wall-clock limit of the simulation (0: none)
    double max_memory_gb = 8;    // refuse runs estimated above this (app/memory_budget.h)
    double max_estimated_hours = 24;  // refuse runs estimated longer (app/time_budget.h)
    platform_config platform;
    const fw::program* program = nullptr;
    std::string library;  // the firmware library the program comes from ("": built in)
    fw::program_args args;
    // A network workload (instead of "firmware"): the nn_network program
    // runs it; its arguments are set when the network is compiled.
    std::optional<workload_spec> workload;
    // `nnvp run --package-cache DIR` (app/package_cache.h); "": compile every time.
    std::string package_cache;
};

// `overrides` are --set pairs: "platform.<path>" reaches the platform config,
// anything else the scenario document itself. `firmware_path` (--firmware)
// replaces firmware.library.
scenario load_scenario(const std::string& path,
                       const std::vector<std::pair<std::string, nlohmann::json>>& overrides,
                       const std::string& firmware_path = "");

}  // namespace nnvp
