// The platform configuration: memory map, clock/voltage domains and every
// block's parameters, read strictly from JSON (unknown keys rejected, errors
// name the file and the field).
#pragma once

#include "ip/common/config_reader.h"
#include "ip/cpu/cpu.h"
#include "ip/dma/dma_config.h"
#include "ip/interconnect/interconnect.h"
#include "ip/intc/intc.h"
#include "ip/memory/memory_config.h"
#include "ip/nncore/nncore_config.h"
#include "ip/power/domain_config.h"
#include "ip/power/power_config.h"
#include "ip/timer/timer.h"
#include "arch/memory_map/memory_map.h"

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace nnvp {

// Which domain each block is clocked from (the floorplan; fixed by design).
struct block_domains {
    static constexpr const char* cpu = "cpu";
    static constexpr const char* interconnect = "fabric";
    static constexpr const char* dma = "fabric";
    static constexpr const char* sram = "fabric";
    static constexpr const char* dram = "dram";
    static constexpr const char* intc = "ref";
    static constexpr const char* timer = "ref";
    static constexpr const char* power = "ref";
    static constexpr const char* nncore = "nncore";
};

// The regions every platform must map, and the ones that raise interrupts.
inline const std::vector<std::string> required_regions = {
    "dram", "sram", "intc", "timer", "dma", "power", "nncore", "nncore_buf"};
inline const std::vector<std::string> domain_order = {"cpu", "fabric", "nncore", "dram", "ref"};

struct platform_config {
    std::string file;
    nlohmann::json resolved;  // the document after overrides, as simulated
    std::string name;
    double quantum_ns = 1000;
    bool trace_registers = false;     // register accesses into trace.json
    bool trace_transactions = false;  // bus transactions into trace.json
    uint64_t trace_event_limit = 200000;  // of each: the first this many are kept
    // Every event of the timeline together (spans, instants, counter
    // samples): past it trace.json and power.vcd stop, with a note.
    uint64_t trace_max_events = 5000000;
    // Stop the simulation at the first warning (soc::on_warning).
    bool break_on_warning = false;
    double trace_power_sample_us = 10;  // power samples in trace.json/power.vcd; 0: none
    memory_map map;
    std::vector<domain_desc> domains;  // in domain_order
    cpu_config cpu;
    interconnect_config interconnect;
    memory_config dram;
    memory_config sram;
    intc_config intc;
    timer_config timer;
    dma_config dma;
    power_config power;
    nncore_config nncore;
};

// The domain named `name` (e.g. "nncore"), or nullptr.
const domain_desc* find_domain(const platform_config& cfg, const std::string& name);

// Parses an already loaded document (`file` names it in error messages).
platform_config parse_platform_config(const nlohmann::json& doc, const std::string& file);

// Loads `path`, applies `overrides` ("dma.burst_bytes" -> 128) and parses.
platform_config load_platform_config(
    const std::string& path,
    const std::vector<std::pair<std::string, nlohmann::json>>& overrides = {});

}  // namespace nnvp
