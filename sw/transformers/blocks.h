// The pieces every transformer of the zoo is made of, written as the ONNX
// nodes torch.onnx.export emits for them (Hugging Face's modules, opset 17).
// Tensors are [batch, tokens, hidden] between blocks; heads are
// [batch, heads, tokens, head_dim], keys of the cache the same.
#pragma once

#include <string>

#include "sw/transformers/model_writer.h"

namespace nnvp::transformers {

// The sizes one model's blocks share.
struct block_dims {
    int batch = 1;
    int tokens = 1;  // new tokens of this pass
    int past = 0;    // cached tokens before them (decoders)
    int hidden = 0;
    int heads = 1;
    int kv_heads = 1;  // grouped-query attention: heads / kv_heads share one K/V head
    // A decode step over a static cache (Hugging Face's StaticCache): `past`
    // is the cache's capacity, the token's position is the graph input
    // `position_ids` and which slots hold tokens the input `attention_mask`.
    bool static_cache = false;
    int head_dim() const { return hidden / heads; }
    int context() const { return past + tokens; }
};

// The additive causal mask's value at masked positions: exp(-30) < 1e-13,
// so masked weights vanish next to any unmasked one in fp32, while the
// scores' integer range stays usable when the model is quantized (finfo.min,
// which Hugging Face uses, would take the whole int8 range).
constexpr float masked_score = -30.0f;

class block_writer {
public:
    block_writer(model_writer& w, block_dims d) : m_w(w), m_d(d) {}
    model_writer& writer() { return m_w; }
    const block_dims& dims() const { return m_d; }

    // x [.., k] · W [k, n] (+ b [n]): MatMul then Add, as nn.Linear exports.
    std::string linear(const std::string& x, const std::string& name, int k, int n, bool bias);
    // LayerNormalization over the last axis with gain and bias parameters.
    std::string layer_norm(const std::string& x, const std::string& name, float eps);
    // x / sqrt(mean(x^2) + eps) * g (Llama's RMSNorm, as exported: Pow,
    // ReduceMean, Add, Sqrt, Reciprocal, Mul, Mul).
    std::string rms_norm(const std::string& x, const std::string& name, float eps);
    // 0.5 x (1 + erf(x / sqrt 2)): the five nodes the importer fuses into GELU.
    std::string gelu(const std::string& x, const std::string& name);
    // x · sigmoid(x).
    std::string silu(const std::string& x, const std::string& name);
    // [b, t, n * hd] -> [b, n, t, hd].
    std::string split_heads(const std::string& x, const std::string& name, int n);
    // Rotary position embedding (Su et al. 2021, the rotate-half form) of
    // heads [b, n, t, hd] at positions past .. past + t - 1, base 10000
    // (static cache: at `position_ids`, looked up in a table of past + 1).
    std::string rotary(const std::string& x, const std::string& name);
    // GQA: [b, kv, T, hd] -> [b, heads, T, hd], each K/V head repeated for
    // its heads / kv_heads query heads.
    std::string repeat_kv(const std::string& x, const std::string& name);
    // softmax(q kᵀ / sqrt(hd) + causal mask) v for q [b, heads, t, hd] and
    // k, v [b, heads, T, hd], merged back to [b, t, hidden]. With a static
    // cache the mask is `mask_bias` [1, 1, 1, T] (set_mask_bias).
    std::string attention(const std::string& q, const std::string& k, const std::string& v,
                          const std::string& name, bool causal);
    // The static cache's additive mask, built once from attention_mask.
    void set_mask_bias(const std::string& bias) { m_mask_bias = bias; }
    // Static cache: the input position_ids [1, 1].
    void set_positions(const std::string& ids) { m_positions = ids; }

private:
    model_writer& m_w;
    block_dims m_d;
    std::string m_mask_bias, m_positions;
};

}  // namespace nnvp::transformers
