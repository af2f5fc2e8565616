// How a layer is mapped onto the NN core: the dataflow of the PE array, what
// automatic choices minimise, and how weights are stored in DRAM. One enum
// per concept, shared by the cost model, the command format (whose wire
// values arch/nncore/command.h pins with static_asserts), the core model and
// the compiler.
#pragma once

#include <cstdint>
#include <string>

namespace nnvp::cost {

// Which GEMM dimension stays in the PEs (SCALE-Sim's OS / WS / IS); automatic
// picks one per layer by core_params::auto_objective.
enum class dataflow : uint8_t {
    output_stationary = 0,
    weight_stationary = 1,
    input_stationary = 2,
    automatic = 3
};
// What `automatic` minimises.
// edp: energy x cycles (energy-delay product).
enum class objective : uint8_t { cycles, energy, edp };
// Weight storage in DRAM: dense, bitmap (a presence bit per weight and the
// non-zero values) or CSR (values, column indices, row pointers); automatic
// picks the smallest (a compiler choice, never on the wire).
enum class weight_format : uint8_t { dense = 0, bitmap = 1, csr = 2, automatic = 3 };

const char* to_string(dataflow d);       // "os", "ws", "is", "auto"
const char* to_string(objective o);      // "cycles", "energy"
const char* to_string(weight_format f);  // "dense", "bitmap", "csr", "automatic"
// Accepts the names to_string gives; false (and `out` untouched) otherwise.
bool parse_dataflow(const std::string& text, dataflow& out);
// The inverse of to_string; throws std::invalid_argument naming the value.
weight_format parse_weight_format(const std::string& text);

}  // namespace nnvp::cost
