// Host-side counterparts of the llm_generate firmware program
// (firmware/programs/llm_generate.cpp): the same greedy generation on the
// reference executor (compiler::reference_run) for the same two packages,
// moving the KV cache with the same functions (firmware/runtime/generation.h),
// and the decode states a quantized step package is calibrated on.
#pragma once

#include <cstdint>
#include <vector>

#include "firmware/runtime/generation.h"
#include "sw/compiler/builder.h"

namespace nnvp {

// The package view a compiled `net` has (tensor records: shapes, types,
// quantization, roles, output flags; no addresses), made without building:
// what find_generation_tensors() reads, for networks never compiled too
// (the float model the quantized one is compared with).
package::package_view view_of(const compiler::network& net);

// One pass of a generation: its network and package view.
struct generation_package {
    const compiler::network* net = nullptr;
    const package::package_view* view = nullptr;
};

// Per request, per generated token, the batch's tokens. Requests run in
// order with one KV cache, as on the chip (a later request finds the
// earlier one's entries in the masked slots). `prompts[r % size]` is
// request r's prefill input.
using token_table = std::vector<std::vector<std::vector<int64_t>>>;
token_table reference_generation(const generation_package& prefill,
                                 const generation_package& step,
                                 const fw::generation_tensors& g,
                                 const std::vector<nn::tensor>& prompts, unsigned requests,
                                 unsigned generate);

// What a network at its float types leaves after each prompt: the greedy
// next token per sequence and present.<l>.key / .value (layer-major, key
// first; fp32 [batch, kv_heads, prompt, head_dim]). The decode states a
// quantized step package is calibrated on are made from them.
struct prompt_state {
    std::vector<int64_t> next;
    std::vector<nn::tensor> present;
};
std::vector<prompt_state> run_prompts(const compiler::network& prefill,
                                      const std::vector<nn::tensor>& prompts);

}  // namespace nnvp
