#include "sw/transformers/transformer_zoo.h"

#include <algorithm>
#include <stdexcept>

#include "sw/net/zoo.h"
#include "sw/transformers/blocks.h"

namespace nnvp::transformers {

namespace {

using onnx::TensorProto;

// The CNN zoo's key, '/' dropped too ("ViT-B/16").
std::string canonical(std::string s) {
    s.erase(std::remove(s.begin(), s.end(), '/'), s.end());
    return net::name_key(s);
}

block_dims dims_of(const transformer_config& c, const transformer_shape& s) {
    block_dims d;
    d.batch = s.batch;
    d.tokens = s.tokens;
    d.past = s.past;
    d.hidden = c.hidden;
    d.heads = c.heads;
    d.kv_heads = c.kv_heads;
    if (s.capacity > 0) {
        d.static_cache = true;
        d.past = s.capacity;
    }
    return d;
}

// Token ids -> embeddings plus learned positions past .. past + tokens - 1
// (a constant, as Hugging Face's position_ids buffer exports).
std::string embed(block_writer& b, const transformer_config& c, const std::string& ids,
                  const std::string& words, const std::string& positions) {
    model_writer& w = b.writer();
    const block_dims& d = b.dims();
    std::string x = w.node("Gather", words + "/Gather",
                           {w.parameter(words + ".weight", {c.vocab, c.hidden}, 0.02f), ids});
    if (positions.empty())
        return x;
    std::vector<int64_t> pos;
    for (int t = 0; t < d.tokens; ++t)
        pos.push_back(d.past + t);
    const std::string table = w.parameter(positions + ".weight", {c.max_positions, c.hidden}, 0.02f);
    const std::string at = d.static_cache ? std::string("position_ids")
                                          : w.integers(positions + "/ids", {1, d.tokens}, pos);
    const std::string p = w.node("Gather", positions + "/Gather", {table, at});
    return w.node("Add", positions + "/Add", {x, p});
}

// Pre-norm encoder layer (ViT) or GPT-2 block; post-norm BERT layer.
std::string encoder_layer(block_writer& b, const std::string& x, const std::string& p, bool post_norm,
                          float eps) {
    const int d = b.dims().hidden, ffn = 4 * d;
    const std::string in = post_norm ? x : b.layer_norm(x, p + "/norm1", eps);
    const std::string q = b.split_heads(b.linear(in, p + "/attn/query", d, d, true), p + "/q", b.dims().heads);
    const std::string k = b.split_heads(b.linear(in, p + "/attn/key", d, d, true), p + "/k", b.dims().heads);
    const std::string v = b.split_heads(b.linear(in, p + "/attn/value", d, d, true), p + "/v", b.dims().heads);
    const std::string ctx = b.attention(q, k, v, p + "/attn", false);
    std::string h = b.writer().node("Add", p + "/Add", {x, b.linear(ctx, p + "/attn/output", d, d, true)});
    if (post_norm)
        h = b.layer_norm(h, p + "/norm1", eps);
    const std::string f_in = post_norm ? h : b.layer_norm(h, p + "/norm2", eps);
    const std::string f = b.linear(b.gelu(b.linear(f_in, p + "/mlp/fc1", d, ffn, true), p + "/mlp/gelu"),
                                   p + "/mlp/fc2", ffn, d, true);
    h = b.writer().node("Add", p + "/Add_1", {h, f});
    return post_norm ? b.layer_norm(h, p + "/norm2", eps) : h;
}

onnx::ModelProto bert(const transformer_config& c, const block_dims& d, model_writer& w) {
    block_writer b(w, d);
    const std::string ids = w.input("input_ids", TensorProto::INT64, {d.batch, d.tokens});
    std::string x = embed(b, c, ids, "embeddings/word_embeddings", "embeddings/position_embeddings");
    // Every token of segment 0 (Hugging Face's default token_type_ids buffer).
    const std::string types = w.parameter("embeddings/token_type_embeddings.weight", {2, c.hidden}, 0.02f);
    x = w.node("Add", "embeddings/Add_1",
               {x, w.node("Gather", "embeddings/token_type_embeddings/Gather",
                          {types, w.integers("embeddings/token_type_ids", {1, d.tokens},
                                             std::vector<int64_t>(static_cast<std::size_t>(d.tokens), 0))})});
    x = b.layer_norm(x, "embeddings/LayerNorm", 1e-12f);
    for (int l = 0; l < c.layers; ++l)
        x = encoder_layer(b, x, "encoder/layer." + std::to_string(l), true, 1e-12f);
    w.output(x, TensorProto::FLOAT, {d.batch, d.tokens, c.hidden});
    // The pooler: tanh(W · first token + b).
    const std::string first = w.node("Gather", "pooler/Gather", {x, w.integers("pooler/first", {}, {0})});
    w.attr("axis", int64_t{1});
    const std::string pooled =
        w.node("Tanh", "pooler/Tanh", {b.linear(first, "pooler/dense", c.hidden, c.hidden, true)});
    w.output(pooled, TensorProto::FLOAT, {d.batch, c.hidden});
    return w.finish(c.name);
}

onnx::ModelProto vit(const transformer_config& c, const block_dims& d, model_writer& w) {
    block_writer b(w, d);
    const int grid = c.image / c.patch, patches = grid * grid;
    const std::string px = w.input("pixel_values", TensorProto::FLOAT, {d.batch, 3, c.image, c.image});
    std::string x = w.node("Conv", "embeddings/patch_embeddings/Conv",
                           {px, w.parameter("embeddings/patch_embeddings.weight", {c.hidden, 3, c.patch, c.patch}, 0.02f),
                            w.parameter("embeddings/patch_embeddings.bias", {c.hidden}, 0.02f)});
    w.attr("kernel_shape", std::vector<int64_t>{c.patch, c.patch});
    w.attr("strides", std::vector<int64_t>{c.patch, c.patch});
    x = w.node("Reshape", "embeddings/Reshape", {x, w.shape("embeddings/flat", {d.batch, c.hidden, patches})});
    x = w.node("Transpose", "embeddings/Transpose", {x});
    w.attr("perm", std::vector<int64_t>{0, 2, 1});
    std::string cls = w.parameter("embeddings/cls_token", {1, 1, c.hidden}, 0.02f);
    if (d.batch > 1)
        cls = w.node("Expand", "embeddings/Expand", {cls, w.shape("embeddings/cls_shape", {d.batch, 1, c.hidden})});
    x = w.node("Concat", "embeddings/Concat", {cls, x});
    w.attr("axis", int64_t{1});
    x = w.node("Add", "embeddings/Add",
               {x, w.parameter("embeddings/position_embeddings", {1, patches + 1, c.hidden}, 0.02f)});
    for (int l = 0; l < c.layers; ++l)
        x = encoder_layer(b, x, "encoder/layer." + std::to_string(l), false, 1e-12f);
    x = b.layer_norm(x, "layernorm", 1e-12f);
    const std::string first = w.node("Gather", "classifier/Gather", {x, w.integers("classifier/first", {}, {0})});
    w.attr("axis", int64_t{1});
    w.output(b.linear(first, "classifier", c.hidden, c.classes, true), TensorProto::FLOAT, {d.batch, c.classes});
    return w.finish(c.name);
}

// The decoder's cache: inputs past_key_values.<l>.key / .value when past > 0,
// outputs present.<l>.key / .value.
std::string cached(block_writer& b, const std::string& now, int l, const char* which) {
    model_writer& w = b.writer();
    const block_dims& d = b.dims();
    std::string all = now;
    if (d.past > 0) {
        const std::string past = w.input("past_key_values." + std::to_string(l) + "." + which,
                                         TensorProto::FLOAT, {d.batch, d.kv_heads, d.past, d.head_dim()});
        all = w.node("Concat", "h." + std::to_string(l) + "/attn/Concat_" + which, {past, now});
        w.attr("axis", int64_t{2});
    }
    if (d.static_cache) {  // the token's row; the runtime writes it into the cache
        const std::string update = "cache_update." + std::to_string(l) + "." + which;
        w.node("Identity", update, {now});
        w.output(update, TensorProto::FLOAT, {d.batch, d.kv_heads, 1, d.head_dim()});
        return all;
    }
    const std::string present = "present." + std::to_string(l) + "." + which;
    w.node("Identity", present, {all});
    w.output(present, TensorProto::FLOAT, {d.batch, d.kv_heads, d.context(), d.head_dim()});
    return present;
}

std::string gpt2_block(block_writer& b, const std::string& x, int l) {
    model_writer& w = b.writer();
    const int d = b.dims().hidden;
    const std::string p = "h." + std::to_string(l);
    const std::string qkv = b.linear(b.layer_norm(x, p + "/ln_1", 1e-5f), p + "/attn/c_attn", d, 3 * d, true);
    const std::vector<std::string> parts =
        w.node_outputs("Split", p + "/attn/Split", {qkv, w.shape(p + "/attn/split", {d, d, d})}, 3);
    w.attr("axis", int64_t{-1});
    const std::string q = b.split_heads(parts[0], p + "/attn/q", b.dims().heads);
    const std::string k = cached(b, b.split_heads(parts[1], p + "/attn/k", b.dims().heads), l, "key");
    const std::string v = cached(b, b.split_heads(parts[2], p + "/attn/v", b.dims().heads), l, "value");
    const std::string ctx = b.attention(q, k, v, p + "/attn", true);
    const std::string h = w.node("Add", p + "/Add", {x, b.linear(ctx, p + "/attn/c_proj", d, d, true)});
    const std::string f = b.linear(b.gelu(b.linear(b.layer_norm(h, p + "/ln_2", 1e-5f), p + "/mlp/c_fc", d, 4 * d, true),
                                          p + "/mlp/gelu"),
                                   p + "/mlp/c_proj", 4 * d, d, true);
    return w.node("Add", p + "/Add_1", {h, f});
}

std::string llama_block(block_writer& b, const transformer_config& c, const std::string& x, int l) {
    model_writer& w = b.writer();
    const int d = c.hidden, kv = c.kv_heads * c.head_dim();
    const std::string p = "layers." + std::to_string(l);
    const std::string in = b.rms_norm(x, p + "/input_layernorm", 1e-6f);
    const std::string q = b.rotary(b.split_heads(b.linear(in, p + "/self_attn/q_proj", d, d, false), p + "/q", c.heads), p + "/q_rope");
    const std::string k = cached(b, b.rotary(b.split_heads(b.linear(in, p + "/self_attn/k_proj", d, kv, false), p + "/k", c.kv_heads), p + "/k_rope"), l, "key");
    const std::string v = cached(b, b.split_heads(b.linear(in, p + "/self_attn/v_proj", d, kv, false), p + "/v", c.kv_heads), l, "value");
    const std::string ctx = b.attention(q, b.repeat_kv(k, p + "/k_rep"), b.repeat_kv(v, p + "/v_rep"), p + "/self_attn", true);
    const std::string h = w.node("Add", p + "/Add", {x, b.linear(ctx, p + "/self_attn/o_proj", d, d, false)});
    const std::string f_in = b.rms_norm(h, p + "/post_attention_layernorm", 1e-6f);
    const std::string gate = b.silu(b.linear(f_in, p + "/mlp/gate_proj", d, c.ffn, false), p + "/mlp/act");
    const std::string up = b.linear(f_in, p + "/mlp/up_proj", d, c.ffn, false);
    const std::string f = b.linear(w.node("Mul", p + "/mlp/Mul", {gate, up}), p + "/mlp/down_proj", c.ffn, d, false);
    return w.node("Add", p + "/Add_1", {h, f});
}

// A static cache's step inputs: the position, and the mask as Hugging Face
// turns it into an additive bias: (mask - 1) x 30, so a 0 adds masked_score.
void static_cache_inputs(block_writer& b) {
    model_writer& w = b.writer();
    const block_dims& d = b.dims();
    b.set_positions(w.input("position_ids", TensorProto::INT64, {1, 1}));
    const std::string mask = w.input("attention_mask", TensorProto::INT64, {1, d.context()});
    const std::string m = w.node("Cast", "mask/Cast", {mask});
    w.attr("to", int64_t{TensorProto::FLOAT});
    const std::string bias =
        w.node("Mul", "mask/Mul", {w.node("Sub", "mask/Sub", {m, w.scalar("mask/one", 1.0f)}),
                                   w.scalar("mask/scale", -masked_score)});
    b.set_mask_bias(
        w.node("Reshape", "mask/Reshape", {bias, w.shape("mask/shape", {1, 1, 1, d.context()})}));
}

onnx::ModelProto decoder(const transformer_config& c, const block_dims& d, model_writer& w) {
    block_writer b(w, d);
    const bool gpt2 = c.fam == family::gpt2;
    const std::string ids = w.input("input_ids", TensorProto::INT64, {d.batch, d.tokens});
    if (d.static_cache)
        static_cache_inputs(b);
    std::string x = embed(b, c, ids, gpt2 ? "wte" : "embed_tokens", gpt2 ? "wpe" : "");
    for (int l = 0; l < c.layers; ++l)
        x = gpt2 ? gpt2_block(b, x, l) : llama_block(b, c, x, l);
    x = gpt2 ? b.layer_norm(x, "ln_f", 1e-5f) : b.rms_norm(x, "norm", 1e-6f);
    // Logits of the last token only (what generation reads; Hugging Face's
    // logits_to_keep = 1).
    if (d.tokens > 1) {
        x = w.node("Slice", "last_token/Slice",
                   {x, w.shape("last_token/start", {d.tokens - 1}), w.shape("last_token/end", {d.tokens}),
                    w.shape("last_token/axis", {1})});
    }
    std::string head;
    if (gpt2) {  // tied: the head is wteᵀ
        head = w.node("Transpose", "lm_head/Transpose", {"wte.weight"});
        w.attr("perm", std::vector<int64_t>{1, 0});
    } else {
        head = w.parameter("lm_head.weight", {c.hidden, c.vocab}, 0.02f);
    }
    const std::string logits = w.node("MatMul", "logits", {x, head});
    w.output(logits, TensorProto::FLOAT, {d.batch, 1, c.vocab});
    return w.finish(c.name);
}

}  // namespace

const std::vector<transformer_config>& transformer_zoo() {
    static const std::vector<transformer_config> zoo = {
        {"bert_base",
         "BERT-base, uncased (Devlin et al., NAACL 2019): 12 post-norm layers, 768 hidden, 12 heads, "
         "30522-token vocabulary, pooler",
         family::bert, 12, 768, 12, 12, 3072, 30522, 512, 0, 0, 0, 128, 110000000},
        {"vit_b16",
         "ViT-B/16 (Dosovitskiy et al., ICLR 2021): 224x224 image, 16x16 patches, 197 tokens, "
         "12 pre-norm layers, 768 hidden, 12 heads, 1000 classes",
         family::vit, 12, 768, 12, 12, 3072, 0, 197, 224, 16, 1000, 197, 86000000},
        {"gpt2",
         "GPT-2 small (Radford et al. 2019; 124M as released): 12 layers, 768 hidden, 12 heads, "
         "1024 context, 50257-token vocabulary, tied head, KV cache",
         family::gpt2, 12, 768, 12, 12, 3072, 50257, 1024, 0, 0, 0, 128, 124000000},
        {"llama_small",
         "Llama-style decoder (Touvron et al. 2023 architecture, small): 4 layers, 512 hidden, "
         "8 heads, 2 KV heads (GQA), SwiGLU 1536, RMSNorm, rotary positions, 32000 vocabulary",
         family::llama, 4, 512, 8, 2, 1536, 32000, 2048, 0, 0, 0, 128, 0},
    };
    return zoo;
}

const transformer_config* find_transformer(const std::string& name) {
    for (const transformer_config& c : transformer_zoo())
        if (canonical(c.name) == canonical(name))
            return &c;
    return nullptr;
}

transformer_shape resolve_shape(const transformer_config& c, transformer_shape s) {
    const std::string at = std::string(c.name) + ": ";
    if (s.batch < 1)
        throw std::invalid_argument(at + "batch " + std::to_string(s.batch) + ": at least 1");
    if (s.tokens == 0)
        s.tokens = s.capacity > 0 ? 1 : c.default_tokens;
    if (c.fam == family::vit && s.tokens != c.default_tokens)
        throw std::invalid_argument(at + "tokens " + std::to_string(s.tokens) +
                                    ": ViT-B/16 reads 197 tokens (196 patches and the class token)");
    if (s.tokens < 1)
        throw std::invalid_argument(at + "tokens " + std::to_string(s.tokens) + ": at least 1");
    if (s.past < 0 || (s.past > 0 && !c.decoder()))
        throw std::invalid_argument(at + "past " + std::to_string(s.past) +
                                    (c.decoder() ? ": not negative" : ": an encoder has no KV cache"));
    if (s.capacity < 0 || (s.capacity > 0 && !c.decoder()))
        throw std::invalid_argument(at + "capacity " + std::to_string(s.capacity) +
                                    (c.decoder() ? ": not negative" : ": an encoder has no KV cache"));
    if (s.capacity > 0 && (s.tokens != 1 || s.past != 0))
        throw std::invalid_argument(at + "capacity " + std::to_string(s.capacity) +
                                    ": a static-cache step takes one token and no past (tokens " +
                                    std::to_string(s.tokens) + ", past " + std::to_string(s.past) + ")");
    if (s.capacity + 1 > c.max_positions)
        throw std::invalid_argument(at + "capacity + 1 = " + std::to_string(s.capacity + 1) +
                                    ": the model has " + std::to_string(c.max_positions) + " positions");
    if (s.past + s.tokens > c.max_positions)
        throw std::invalid_argument(at + "past + tokens = " + std::to_string(s.past + s.tokens) +
                                    ": the model has " + std::to_string(c.max_positions) + " positions");
    return s;
}

onnx::ModelProto build_transformer(const transformer_config& c, transformer_shape s, uint64_t seed,
                                   bool values) {
    const block_dims d = dims_of(c, resolve_shape(c, s));
    model_writer w(seed, values);
    switch (c.fam) {
    case family::bert: return bert(c, d, w);
    case family::vit: return vit(c, d, w);
    default: return decoder(c, d, w);
    }
}

uint64_t parameter_count(const transformer_config& c) {
    const uint64_t d = c.hidden, f = c.ffn, kv = uint64_t(c.kv_heads) * c.head_dim();
    if (c.fam == family::llama) {
        const uint64_t layer = d * d * 2 + d * kv * 2 + 3 * d * f + 2 * d;
        return c.layers * layer + d + 2 * d * c.vocab;  // untied embedding and head
    }
    const uint64_t layer = 4 * (d * d + d) + d * f + f + f * d + d + 4 * d;  // + two norms
    const uint64_t norm = 2 * d;
    switch (c.fam) {
    case family::bert:
        return (c.vocab + c.max_positions + 2) * d + norm + c.layers * layer + d * d + d;
    case family::vit: {
        const uint64_t patches = uint64_t(c.image / c.patch) * (c.image / c.patch);
        return d * 3 * c.patch * c.patch + d + d + (patches + 1) * d + c.layers * layer + norm +
               d * c.classes + c.classes;
    }
    default:  // gpt2: tied head
        return (uint64_t(c.vocab) + c.max_positions) * d + c.layers * layer + norm;
    }
}

uint64_t macs_per_token(const transformer_config& c, int context) {
    const uint64_t d = c.hidden, kv = uint64_t(c.kv_heads) * c.head_dim();
    const uint64_t ffn = (c.fam == family::llama ? 3 : 2) * d * c.ffn;
    const uint64_t layer = d * (2 * d + 2 * kv) + ffn + 2 * uint64_t(context) * d;
    return c.layers * layer + (c.decoder() ? d * c.vocab : 0);
}

}  // namespace nnvp::transformers
