// The zoo's transformers: BERT-base, ViT-B/16, GPT-2 (124M) and a small
// Llama-style decoder, at their published shapes with seeded weights. Each
// is built as the ONNX graph PyTorch exports for it (blocks.h) for one
// concrete pass: `batch` sequences of `tokens` new tokens after `past`
// cached ones. Decoders take the cache as inputs past_key_values.<l>.key /
// .value [batch, kv_heads, past, head_dim] (when past > 0) and return
// logits [batch, tokens, vocab] and present.<l>.key / .value (past +
// tokens), as Hugging Face's exports with use_cache do. docs/zoo.md sets
// their parameters and MACs beside the published figures.
#pragma once

#include <onnx/onnx_pb.h>

#include <cstdint>
#include <string>
#include <vector>

namespace nnvp::transformers {

enum class family { bert, vit, gpt2, llama };

struct transformer_config {
    const char* name;
    const char* summary;  // architecture and paper
    family fam;
    int layers, hidden, heads, kv_heads, ffn, vocab, max_positions;
    int image, patch, classes;  // vit only
    int default_tokens;         // a pass's tokens when the workload does not say
    uint64_t published_params;  // as the paper / model card rounds it, for docs and tests
    bool decoder() const { return fam == family::gpt2 || fam == family::llama; }
    int head_dim() const { return hidden / heads; }
};

struct transformer_shape {
    int batch = 1;
    int tokens = 0;  // 0: the model's default (ViT: always its 197 patches + class token)
    int past = 0;
    // > 0: one decode step over a static cache of `capacity` slots
    // (decode_step_inputs below); tokens 1, past 0.
    int capacity = 0;
};

// A decode step over a static cache, as a runtime drives it token by token
// (Hugging Face's StaticCache export): inputs input_ids [batch, 1],
// position_ids [1, 1] (the token's position), attention_mask [1, capacity
// + 1] (1 for the cache slots that hold tokens and for the last entry, the
// token itself; 0 masks) and past_key_values.<l>.key / .value [batch,
// kv_heads, capacity, head_dim]; outputs, in this order, cache_update.<l>.key
// / .value [batch, kv_heads, 1, head_dim] (the token's keys and values, which
// the runtime writes into slot `position`) per layer, then logits [batch, 1,
// vocab]. Every step attends over the whole capacity, masked.

const std::vector<transformer_config>& transformer_zoo();
// Names compare without case, '-', '_' and '/' ("ViT-B/16"); nullptr when unknown.
const transformer_config* find_transformer(const std::string& name);

// The model for one pass. Throws std::invalid_argument naming the field
// ("tokens", "past", "batch", "capacity") when the shape does not fit the model: more
// positions than it has, a cache on an encoder, ViT tokens other than 197.
// values false: the large parameters have no values (model_writer), for
// timing mode.
onnx::ModelProto build_transformer(const transformer_config& c, transformer_shape s,
                                   uint64_t seed, bool values = true);

// The shape with its defaults filled in (and checked as build_transformer does).
transformer_shape resolve_shape(const transformer_config& c, transformer_shape s);

// Parameters (elements of the model's initializers), counted from the
// configuration alone.
uint64_t parameter_count(const transformer_config& c);

// MACs of one token's pass through the model attending to `context`
// tokens (itself included): per layer, the projections (hidden x (hidden +
// 2 kv_heads x head_dim + hidden)), the feed-forward (2 or, gated, 3 x
// hidden x ffn) and the two attention products (2 x context x hidden), then
// the head (hidden x vocab for decoders and BERT's none; ViT's counted
// once per image by the caller). Our prefill evaluates the full masked
// score matrix, so a pass of t tokens costs t x macs_per_token(context = past + t).
uint64_t macs_per_token(const transformer_config& c, int context);

}  // namespace nnvp::transformers
