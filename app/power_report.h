// The power-policy figures of a network run, added to report.json after the
// run (issue #5): power.management (the governor, the idle policy and what
// they did) and power.summary, the numbers a power engineer compares:
//   energy total / dynamic / leakage / transitions, for the run and per
//   inference; the NN core's share; average and peak power (peak: the
//   highest average over one power sample window, platform
//   trace_power_sample_us); EDP = E x D and ED2P = E x D^2 per inference
//   (E the inference's own energy, D its mean latency); latency p99,
//   deadline misses and worst lateness; the NN core's residency per state
//   and per OPP and its transition counts.
#pragma once

#include <nlohmann/json.hpp>

namespace nnvp {

class soc;

// Needs report["power"], ["inferences"] and ["throughput"] filled.
void add_power_summary(const soc& chip, nlohmann::json& report, nlohmann::json management);

}  // namespace nnvp
