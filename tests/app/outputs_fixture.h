// Hand-made report.json documents for the output tests: a bring-up run (no
// layers) and a network run (two layers, three inferences, power states).
#pragma once

#include <nlohmann/json.hpp>

namespace nnvp::test {

inline nlohmann::json bringup_report() {
    return nlohmann::json::parse(R"({
      "scenario": {"name": "bringup", "mode": "functional", "description": "a <demo>"},
      "platform": {"name": "tiny"},
      "sim": {"simulated_s": 2e-5, "wall_s": 0.01, "end": "halted", "warnings": 0},
      "firmware": {"program": "dma_tensor_demo", "exit_code": 0},
      "power": {"energy_j": 4e-6, "avg_power_w": 0.2,
                "by_component": {"cpu": {"domain": "cpu", "energy_j": 3e-6,
                                         "dynamic_j": 2e-6, "leakage_j": 1e-6},
                                 "dma": {"domain": "fabric", "energy_j": 1e-6,
                                         "dynamic_j": 1e-6, "leakage_j": 0}},
                "states": {"cpu": {"on": 1.5e-5, "idle": 5e-6}}},
      "bus": {"targets": {"dram": {"bytes_read": 1000, "bytes_written": 600}}},
      "dma": {"runs": [{}, {}], "bytes_moved": 1600},
      "cpu": {"interrupts_taken": 2, "mmio_reads": 10, "mmio_writes": 5},
      "layers": []
    })");
}

// Platform: 16x16 PEs, 4 INT8 MACs per PE, NN core up to 1000 MHz, DRAM 16
// bytes per cycle at up to 800 MHz: peaks 2.048e12 op/s and 12.8e9 B/s.
inline nlohmann::json network_report() {
    nlohmann::json r = bringup_report();
    r["scenario"]["name"] = "net";
    r["platform"] = nlohmann::json::parse(R"({
      "name": "tiny",
      "nncore": {"rows": 16, "cols": 16, "macs_per_pe": {"int8": 4, "int4": 8}},
      "dram": {"bytes_per_cycle": 16},
      "domains": {"nncore": {"opps": [{"mhz": 500, "mv": 700}, {"mhz": 1000, "mv": 850}]},
                  "dram": {"opps": [{"mhz": 400, "mv": 1100}, {"mhz": 800, "mv": 1100}]}}
    })");
    r["layers"] = nlohmann::json::parse(R"([
      {"name": "conv1", "type": "conv2d", "precision": "int8", "dataflow": "ws",
       "macs": 1000000, "cycles": 1000, "compute_cycles": 600, "stall_cycles": 400,
       "utilization": 0.5, "dram_read_bytes": 8000, "dram_write_bytes": 2000,
       "energy_j": 1e-6, "start_s": 1e-6, "end_s": 2e-6},
      {"name": "fc", "type": "fully_connected", "precision": "int8", "dataflow": "os",
       "macs": 10000, "cycles": 3000, "compute_cycles": 3000, "stall_cycles": 0,
       "utilization": 0.1, "dram_read_bytes": 10000, "dram_write_bytes": 0,
       "energy_j": 5e-7, "start_s": 3e-6, "end_s": 6e-6}
    ])");
    r["inferences"] = nlohmann::json::parse(R"([
      {"index": 0, "start_s": 0, "end_s": 4e-6, "latency_s": 4e-6, "deadline_met": true},
      {"index": 1, "start_s": 5e-6, "end_s": 1.1e-5, "latency_s": 6e-6, "deadline_met": false},
      {"index": 2, "start_s": 1.2e-5, "end_s": 1.4e-5, "latency_s": 2e-6, "deadline_met": true}
    ])");
    r["throughput"] = {{"inferences_per_s", 1.5e5}, {"gops", 101.0}, {"gops_per_w", 505.0}};
    r["power"]["samples"] = nlohmann::json::parse(R"([
      {"t_s": 1e-5, "w": 0.25, "states": {"nncore": "on", "cpu": "on"}},
      {"t_s": 2e-5, "w": 0.15, "states": {"nncore": "off", "cpu": "on"}}
    ])");
    return r;
}

}  // namespace nnvp::test
