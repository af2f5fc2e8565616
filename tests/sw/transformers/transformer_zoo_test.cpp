// The zoo's transformers as built: their initializers are exactly the
// parameters the configuration implies and the published counts round to;
// imported, their MACs follow macs_per_token (sw/transformers/transformer_zoo.h);
// decoders expose their KV cache; shapes a model cannot take are refused.
#include <gtest/gtest.h>

#include <cmath>
#include <stdexcept>

#include "app/general_workload.h"
#include "sw/onnx/check_importer.h"
#include "sw/onnx/model.h"
#include "sw/transformers/transformer_zoo.h"

namespace {

using namespace nnvp;
using transformers::find_transformer;
using transformers::transformer_config;

// MACs of the imported network as `nnvp info` and the report count them.
uint64_t imported_macs(const compiler::network& net) {
    return general_network_info(net.name, net)["macs"].get<uint64_t>();
}

compiler::network import(const transformer_config& c, transformers::transformer_shape s) {
    const onnx::ModelProto m = transformers::build_transformer(c, s, 1);
    std::map<std::string, onnx_import::onnx_tensor> bound;
    for (const onnx_import::graph_input& in : onnx_import::runtime_inputs(m, c.name, {}, "", ""))
        bound[in.name] = onnx_import::zero_value(in.elem_type, in.dims, in.name);
    return onnx_import::import_for_check(m, bound, c.name).net;
}

TEST(transformer_zoo, parameters_match_the_configuration_and_the_published_counts) {
    // BERT-base 110M (Devlin et al. 2019), ViT-B/16 86M (Dosovitskiy et al.
    // 2021), GPT-2 124M (the released checkpoint); ours exactly:
    const std::map<std::string, uint64_t> exact = {{"bert_base", 109482240},
                                                   {"vit_b16", 86567656},
                                                   {"gpt2", 124439808},
                                                   {"llama_small", 44831232}};
    for (const transformer_config& c : transformers::transformer_zoo()) {
        SCOPED_TRACE(c.name);
        const onnx::ModelProto m = transformers::build_transformer(c, {1, 0, 0}, 1);
        EXPECT_EQ(onnx_import::parameter_count(m), transformers::parameter_count(c));
        EXPECT_EQ(transformers::parameter_count(c), exact.at(c.name));
        // Published figures have 2-3 digits (ViT's 86M leaves out the head:
        // 85.8M without it): within 1 %.
        if (c.published_params) {
            EXPECT_LT(std::fabs(double(exact.at(c.name)) - double(c.published_params)),
                      0.01 * double(c.published_params));
        }
    }
}

TEST(transformer_zoo, a_prefill_costs_tokens_times_the_per_token_formula) {
    const transformer_config& c = *find_transformer("llama_small");
    const int t = 6;
    // Every token attends over the whole (masked) pass; only the last one
    // goes through the head.
    const uint64_t want = t * transformers::macs_per_token(c, t) -
                          uint64_t(t - 1) * c.hidden * c.vocab;
    EXPECT_EQ(imported_macs(import(c, {1, t, 0})), want);
}

TEST(transformer_zoo, a_decode_step_attends_to_the_cache) {
    const transformer_config& c = *find_transformer("llama_small");  // GQA: 2 K/V heads
    const onnx::ModelProto m = transformers::build_transformer(c, {1, 1, 5}, 1);
    int past = 0, present = 0;
    for (const auto& in : m.graph().input())
        past += in.name().rfind("past_key_values.", 0) == 0;
    for (const auto& out : m.graph().output())
        if (out.name().rfind("present.", 0) == 0) {
            ++present;
            EXPECT_EQ(out.type().tensor_type().shape().dim(1).dim_value(), c.kv_heads);
            EXPECT_EQ(out.type().tensor_type().shape().dim(2).dim_value(), 6) << out.name();
        }
    EXPECT_EQ(past, 2 * c.layers);
    EXPECT_EQ(present, 2 * c.layers);
    EXPECT_EQ(imported_macs(import(c, {1, 1, 5})), transformers::macs_per_token(c, 6));
}

TEST(transformer_zoo, vit_counts_its_patch_embedding_and_head_once) {
    const transformer_config& c = *find_transformer("ViT-B/16");
    const uint64_t patches = 196, d = 768;
    EXPECT_EQ(imported_macs(import(c, {1, 0, 0})),
              197 * transformers::macs_per_token(c, 197) + patches * d * 3 * 16 * 16 + d * 1000);
}

TEST(transformer_zoo, shapes_the_model_cannot_take_are_refused_by_field) {
    const auto refused = [](const char* name, transformers::transformer_shape s, const char* what) {
        try {
            transformers::resolve_shape(*find_transformer(name), s);
            ADD_FAILURE() << name << " accepted";
        } catch (const std::invalid_argument& e) {
            EXPECT_NE(std::string(e.what()).find(what), std::string::npos) << e.what();
        }
    };
    refused("vit_b16", {1, 100, 0}, "tokens 100: ViT-B/16 reads 197 tokens");
    refused("bert_base", {1, 8, 4}, "past 4: an encoder has no KV cache");
    refused("gpt2", {1, 1000, 100}, "past + tokens = 1100: the model has 1024 positions");
    refused("gpt2", {0, 1, 0}, "batch 0");
    EXPECT_EQ(find_transformer("resnet50"), nullptr);
}

}  // namespace
