// What a runtime needs to generate text with two packages of a decoder
// (sw/transformers/transformer_zoo.h): the prefill package (the prompt in
// one pass: outputs present.<l>.key / .value, then logits) and the step
// package (one token over a static cache: inputs input_ids, position_ids,
// attention_mask, past_key_values.<l>.*; outputs cache_update.<l>.*, then
// logits). The functions here find those tensors in the packages (by order
// and shape: the contract both sides keep), move the KV cache between the
// packages' types and pick tokens. No HAL: the firmware moves the bytes,
// the host's reference loop calls the same functions.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "arch/package/validator.h"
#include "nn/cpuops/cpu_op.h"
#include "nn/tensor/tensor.h"

namespace nnvp::fw {

struct generation_tensors {
    // Prefill: the prompt ids, present.<l>.key / .value (layer-major, key
    // first) and the last token's logits.
    uint16_t prompt_ids = 0;
    std::vector<uint16_t> present;
    uint16_t prefill_logits = 0;
    // Step: its inputs and outputs.
    uint16_t step_ids = 0, position = 0, mask = 0;
    std::vector<uint16_t> cache;   // past_key_values.<l>.* (the KV cache itself)
    std::vector<uint16_t> update;  // cache_update.<l>.*
    uint16_t step_logits = 0;
    // Sizes: sequences decoded together, prompt tokens, cache slots, KV
    // blocks per sequence (kv_heads), elements per token and block (head_dim).
    unsigned batch = 0, prompt = 0, capacity = 0, kv_heads = 0, head_dim = 0;
};

// Finds the tensors, checking the contract: "" when the packages fit it,
// else what does not ("step package: input 2 (attention_mask) holds 15
// elements, expected capacity + 1 = 16").
std::string find_generation_tensors(const package::package_view& prefill,
                                    const package::package_view& step, generation_tensors& out);

// The tensor's type and quantization as CPU ops take them.
cpuops::tensor_info info_of(const package::tensor_record& t);

// `rows` (held as `from`) in the cache tensor's type `to`: the same values
// when both agree, else through the CPU convert op (requantized).
// `work` gets the op's cost (nothing when no conversion was needed).
nn::tensor to_cache_type(const nn::tensor& rows, const package::tensor_record& from,
                         const package::tensor_record& to, cpuops::work& work);

// An integer input (ids, position, mask) in the tensor's type and shape,
// `values` in order (the rest 0).
nn::tensor integers_for(const package::tensor_record& t, const std::vector<int64_t>& values);

// The greedy pick: per row of the logits (their innermost dim, the
// vocabulary), the index of the largest value (the first of equals).
std::vector<int64_t> greedy_tokens(const nn::tensor& logits);

}  // namespace nnvp::fw
