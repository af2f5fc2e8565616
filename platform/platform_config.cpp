#include "platform/platform_config.h"

#include <fstream>
#include <sstream>

namespace nnvp {

namespace {

// Regions whose block sets their size: a map entry may leave "size" out.
bool sized_by_block(const std::string& region) {
    return region == "dram" || region == "sram" || region == "nncore_buf";
}

// Regions without a "size" get size 0 here and their block's size later.
memory_map parse_memory_map(const config_node& root) {
    memory_map map;
    for (const config_node& e : root.elements("memory_map")) {
        region r;
        r.name = e.string("name");
        r.base = e.uint("base");
        if (e.has("size") || !sized_by_block(r.name))
            r.size = e.uint("size");
        r.irq = static_cast<int>(e.uint_in("irq", 1, 1023, 0));
        if (!e.has("irq"))
            r.irq = -1;
        e.reject_unknown();
        map.regions.push_back(r);
    }
    return map;
}

}  // namespace

const domain_desc* find_domain(const platform_config& cfg, const std::string& name) {
    for (const domain_desc& d : cfg.domains)
        if (d.name == name)
            return &d;
    return nullptr;
}

platform_config parse_platform_config(const nlohmann::json& doc, const std::string& file) {
    config_node root(doc, file);
    platform_config cfg;
    cfg.file = file;
    cfg.resolved = doc;
    cfg.name = root.string("name", "unnamed");
    root.string("description", "");
    cfg.quantum_ns = root.number_in("quantum_ns", 1, 1e9, cfg.quantum_ns);
    cfg.trace_registers = root.boolean("trace_registers", false);
    cfg.trace_transactions = root.boolean("trace_transactions", false);
    cfg.trace_event_limit =
        root.uint_in("trace_event_limit", 1, 100000000, 200000);
    cfg.trace_max_events =
        root.uint_in("trace_max_events", 1000, 1000000000, cfg.trace_max_events);
    cfg.break_on_warning = root.boolean("break_on_warning", false);
    cfg.trace_power_sample_us =
        root.number_in("trace_power_sample_us", 0, 1e9, cfg.trace_power_sample_us);
    // Finer than a nanosecond is no power measurement, only a full memory.
    if (cfg.trace_power_sample_us > 0 && cfg.trace_power_sample_us < 1e-3)
        root.fail("trace_power_sample_us", "expected 0 (no power samples) or a period of at "
                                           "least 0.001 us, got " +
                                               std::to_string(cfg.trace_power_sample_us));

    const config_node domains = root.child("domains");
    for (const std::string& name : domain_order) {
        if (domains.has(name))
            cfg.domains.push_back(parse_domain(domains.child(name), name));
        else {
            domain_desc d;
            if (!default_domain(name, d))
                domains.fail(name, "missing (required)");
            cfg.domains.push_back(d);
        }
    }
    domains.reject_unknown();

    cfg.map = parse_memory_map(root);
    for (const std::string& name : required_regions)
        if (!cfg.map.find(name))
            root.fail("memory_map", "no region named \"" + name + "\" (required)");
    for (const region& r : cfg.map.regions) {
        bool known = false;
        for (const std::string& name : required_regions)
            known |= r.name == name;
        if (!known)
            root.fail("memory_map", "unknown region \"" + r.name + "\" (no block to map there)");
    }

    auto block = [&](const char* key) {
        static const nlohmann::json empty = nlohmann::json::object();
        return root.has(key) ? root.child(key) : config_node(empty, file, key);
    };
    cfg.cpu = parse_cpu_config(block("cpu"));
    cfg.interconnect = parse_interconnect_config(block("interconnect"));
    cfg.dram = parse_memory_config(block("dram"), memory_kind::dram);
    cfg.sram = parse_memory_config(block("sram"), memory_kind::sram);
    cfg.intc = parse_intc_config(block("intc"));
    cfg.timer = parse_timer_config(block("timer"));
    cfg.dma = parse_dma_config(block("dma"));
    cfg.power = parse_power_config(block("power"));
    cfg.nncore = parse_nncore_config(block("nncore"));
    root.reject_unknown();
    // The core's energies hold at its domain's nominal voltage (the
    // technology scaling of nn/cost/technology.h takes node and voltage).
    if (const domain_desc* nn = find_domain(cfg, "nncore"))
        cfg.nncore.core.nominal_v = nn->v_nominal_mv / 1000.0;

    // The memories' windows follow their blocks unless the map sizes them.
    // A memory smaller than its window would answer part of the window with
    // errors; larger, part of it would be unreachable. Both are config slips.
    const std::string follow = " (or leave the region's size out: it follows the block)";
    for (std::size_t i = 0; i < cfg.map.regions.size(); ++i) {
        region& r = cfg.map.regions[i];
        const uint64_t block = r.name == "dram"   ? cfg.dram.size_bytes
                               : r.name == "sram" ? cfg.sram.size_bytes
                                                  : cfg.nncore.local_bytes();
        if (!sized_by_block(r.name))
            continue;
        if (r.size == 0) {
            r.size = block;
            cfg.resolved["memory_map"][i]["size"] = block;
        } else if (r.size != block && r.name == "nncore_buf") {
            root.fail("memory_map", "region \"nncore_buf\" must be input_kb + weight_kb + "
                                    "output_kb of the nncore block (" +
                                        std::to_string(block) + " bytes)" + follow);
        } else if (r.size != block) {
            root.fail(r.name + ".size_bytes",
                      "must equal the size of the \"" + r.name + "\" region in memory_map" + follow);
        }
    }
    const std::string problem = cfg.map.validate(cfg.intc.sources);
    if (!problem.empty())
        root.fail("memory_map", problem);
    for (const char* reg : {"timer", "dma", "power", "nncore"})
        if (cfg.map.at(reg).irq < 0)
            root.fail("memory_map", std::string("region \"") + reg + "\" needs an \"irq\"");
    return cfg;
}

platform_config load_platform_config(
    const std::string& path, const std::vector<std::pair<std::string, nlohmann::json>>& overrides) {
    config_node loaded = load_config_file(path);
    nlohmann::json doc = loaded.json();
    for (const auto& [key, value] : overrides)
        set_by_path(doc, key, value, path + " (override " + key + ")");
    return parse_platform_config(doc, path);
}

}  // namespace nnvp
