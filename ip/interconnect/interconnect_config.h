// Configuration of the interconnect (the SoC fabric). No SystemC here.
#pragma once

#include "ip/common/config_reader.h"
#include "arch/memory_map/memory_map.h"

#include <map>
#include <string>

namespace nnvp {

struct interconnect_config {
    // Fabric cycles from a request entering the fabric to its first beat
    // reaching the target (decode, arbitration, register slices).
    unsigned hop_cycles = 2;
    // Bytes a target port moves per fabric cycle (a 128-bit data path).
    unsigned width_bytes = 16;
    // Per-target data-path width by region name, overriding width_bytes.
    std::map<std::string, unsigned> target_width_bytes;
    // Energy of moving one byte through the fabric at nominal voltage. An
    // assumption: on-chip wires cost ~0.1 pJ/bit/mm at 45-40 nm (Keckler et al.,
    // "GPUs and the future of parallel computing", IEEE Micro 2011) and a fabric
    // hop plus switch is a few hundred um to 1 mm of wire: ~0.06 pJ/bit, rounded
    // to 0.5 pJ/byte. Override it in the platform config.
    double energy_pj_per_byte = 0.5;
    // Leakage of the fabric at nominal voltage (assumption).
    double leakage_mw = 1.0;

    // Data-path width of the port to `region`.
    unsigned width_of(const std::string& region) const;
};

// Reads the interconnect's JSON object. Keys (all optional): "hop_cycles",
// "width_bytes", "target_width_bytes" (object: region name -> bytes),
// "energy_pj_per_byte", "leakage_mw". Unknown keys are rejected; with `map`,
// every name in target_width_bytes must be a region of it.
interconnect_config parse_interconnect_config(const config_node& node,
                                              const memory_map* map = nullptr);

}  // namespace nnvp
