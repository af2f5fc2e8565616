#include "ip/interconnect/interconnect_config.h"

namespace nnvp {

unsigned interconnect_config::width_of(const std::string& region) const {
    auto it = target_width_bytes.find(region);
    return it == target_width_bytes.end() ? width_bytes : it->second;
}

interconnect_config parse_interconnect_config(const config_node& node, const memory_map* map) {
    const interconnect_config d;
    interconnect_config c;
    c.hop_cycles = static_cast<unsigned>(node.uint_in("hop_cycles", 0, 10000, d.hop_cycles));
    c.width_bytes = static_cast<unsigned>(node.uint_in("width_bytes", 1, 4096, d.width_bytes));
    if (node.has("target_width_bytes")) {
        const config_node widths = node.child("target_width_bytes");
        for (const std::string& name : widths.keys()) {
            if (map != nullptr && map->find(name) == nullptr)
                widths.fail(name, "expected the name of a memory-map region");
            c.target_width_bytes[name] =
                static_cast<unsigned>(widths.uint_in(name, 1, 4096));
        }
        widths.reject_unknown();
    }
    c.energy_pj_per_byte = node.number_in("energy_pj_per_byte", 0.0, 1e6, d.energy_pj_per_byte);
    c.leakage_mw = node.number_in("leakage_mw", 0.0, 1e6, d.leakage_mw);
    node.reject_unknown();
    return c;
}

}  // namespace nnvp
