#include "sw/transformers/blocks.h"

#include <cmath>
#include <vector>

namespace nnvp::transformers {

namespace {

// Hugging Face's initialisation: normal(0, 0.02) for every projection (here
// uniform with that deviation), zero-mean biases.
constexpr float init_std = 0.02f;

}  // namespace

std::string block_writer::linear(const std::string& x, const std::string& name, int k, int n,
                                 bool bias) {
    const std::string w = m_w.parameter(name + ".weight", {k, n}, init_std);
    const std::string y = m_w.node("MatMul", name + "/MatMul", {x, w});
    if (!bias)
        return y;
    return m_w.node("Add", name + "/Add", {y, m_w.parameter(name + ".bias", {n}, init_std)});
}

std::string block_writer::layer_norm(const std::string& x, const std::string& name, float eps) {
    const std::string g = m_w.parameter(name + ".weight", {m_d.hidden}, 0.1f, 1.0f);
    const std::string b = m_w.parameter(name + ".bias", {m_d.hidden}, 0.1f);
    const std::string y = m_w.node("LayerNormalization", name, {x, g, b});
    m_w.attr("axis", int64_t{-1});
    m_w.attr("epsilon", eps);
    return y;
}

std::string block_writer::rms_norm(const std::string& x, const std::string& name, float eps) {
    const std::string sq = m_w.node("Pow", name + "/Pow", {x, m_w.scalar(name + "/two", 2.0f)});
    const std::string mean = m_w.node("ReduceMean", name + "/ReduceMean", {sq});
    m_w.attr("axes", std::vector<int64_t>{-1});
    const std::string var = m_w.node("Add", name + "/Add", {mean, m_w.scalar(name + "/eps", eps)});
    const std::string inv =
        m_w.node("Reciprocal", name + "/Reciprocal", {m_w.node("Sqrt", name + "/Sqrt", {var})});
    const std::string y = m_w.node("Mul", name + "/Mul", {x, inv});
    const std::string g = m_w.parameter(name + ".weight", {m_d.hidden}, 0.1f, 1.0f);
    return m_w.node("Mul", name + "/Mul_1", {y, g});
}

std::string block_writer::gelu(const std::string& x, const std::string& name) {
    const std::string scaled =
        m_w.node("Div", name + "/Div", {x, m_w.scalar(name + "/sqrt2", 1.4142135381698608f)});
    const std::string e = m_w.node("Erf", name + "/Erf", {scaled});
    const std::string one = m_w.node("Add", name + "/Add", {e, m_w.scalar(name + "/one", 1.0f)});
    const std::string y = m_w.node("Mul", name + "/Mul", {x, one});
    return m_w.node("Mul", name + "/Mul_1", {y, m_w.scalar(name + "/half", 0.5f)});
}

std::string block_writer::silu(const std::string& x, const std::string& name) {
    return m_w.node("Mul", name + "/Mul", {x, m_w.node("Sigmoid", name + "/Sigmoid", {x})});
}

std::string block_writer::split_heads(const std::string& x, const std::string& name, int n) {
    const std::string shape =
        m_w.shape(name + "/shape", {m_d.batch, m_d.tokens, n, m_d.head_dim()});
    const std::string r = m_w.node("Reshape", name + "/Reshape", {x, shape});
    const std::string t = m_w.node("Transpose", name + "/Transpose", {r});
    m_w.attr("perm", std::vector<int64_t>{0, 2, 1, 3});
    return t;
}

std::string block_writer::rotary(const std::string& x, const std::string& name) {
    const int hd = m_d.head_dim(), half = hd / 2;
    // Static cache: a table of every position the cache holds, looked up at
    // position_ids; otherwise the pass's own positions, constant.
    const int rows = m_d.static_cache ? m_d.past + 1 : m_d.tokens;
    const int first = m_d.static_cache ? 0 : m_d.past;
    std::vector<float> cos_t, sin_t;
    for (int t = 0; t < rows; ++t)
        for (int i = 0; i < hd; ++i) {
            const double inv_freq = std::pow(10000.0, -2.0 * (i % half) / hd);
            const double angle = (first + t) * inv_freq;
            cos_t.push_back(static_cast<float>(std::cos(angle)));
            sin_t.push_back(static_cast<float>(std::sin(angle)));
        }
    std::string c, s;
    if (m_d.static_cache) {
        const std::string at = m_w.shape(name + "/at", {1, 1, 1, hd});
        auto lookup = [&](const char* which, const std::vector<float>& table) {
            const std::string t = m_w.constant(name + "/" + which + "_table", {rows, hd}, table);
            const std::string g = m_w.node("Gather", name + "/Gather_" + which, {t, m_positions});
            return m_w.node("Reshape", name + "/Reshape_" + which, {g, at});
        };
        c = lookup("cos", cos_t);
        s = lookup("sin", sin_t);
    } else {
        const std::vector<int64_t> table = {1, 1, m_d.tokens, hd};
        c = m_w.constant(name + "/cos", table, cos_t);
        s = m_w.constant(name + "/sin", table, sin_t);
    }
    const std::string axis = m_w.shape(name + "/axis", {3});
    const std::string lo = m_w.node("Slice", name + "/Slice",
                                    {x, m_w.shape(name + "/zero", {0}),
                                     m_w.shape(name + "/half", {half}), axis});
    const std::string hi = m_w.node("Slice", name + "/Slice_1",
                                    {x, m_w.shape(name + "/half_1", {half}),
                                     m_w.shape(name + "/end", {hd}), axis});
    const std::string rot =
        m_w.node("Concat", name + "/Concat", {m_w.node("Neg", name + "/Neg", {hi}), lo});
    m_w.attr("axis", int64_t{-1});
    return m_w.node("Add", name + "/Add",
                    {m_w.node("Mul", name + "/Mul", {x, c}),
                     m_w.node("Mul", name + "/Mul_1", {rot, s})});
}

std::string block_writer::repeat_kv(const std::string& x, const std::string& name) {
    const int rep = m_d.heads / m_d.kv_heads;
    if (rep == 1)
        return x;
    const int64_t row = int64_t{m_d.context()} * m_d.head_dim();
    const std::string r = m_w.node(
        "Reshape", name + "/Reshape", {x, m_w.shape(name + "/rows", {m_d.batch, m_d.kv_heads, 1, row})});
    const std::string t =
        m_w.node("Tile", name + "/Tile", {r, m_w.shape(name + "/repeats", {1, 1, rep, 1})});
    return m_w.node("Reshape", name + "/Reshape_1",
                    {t, m_w.shape(name + "/heads", {m_d.batch, m_d.heads, m_d.context(),
                                                    m_d.head_dim()})});
}

std::string block_writer::attention(const std::string& q, const std::string& k,
                                    const std::string& v, const std::string& name, bool causal) {
    const std::string kt = m_w.node("Transpose", name + "/Transpose", {k});
    m_w.attr("perm", std::vector<int64_t>{0, 1, 3, 2});
    std::string scores = m_w.node(
        "Div", name + "/Div",
        {m_w.node("MatMul", name + "/MatMul", {q, kt}),
         m_w.scalar(name + "/scale", static_cast<float>(std::sqrt(double(m_d.head_dim()))))});
    if (!m_mask_bias.empty()) {
        scores = m_w.node("Add", name + "/Add", {scores, m_mask_bias});
    } else if (causal && m_d.tokens > 1) {  // one new token sees the whole cache
        std::vector<float> mask;
        for (int i = 0; i < m_d.tokens; ++i)
            for (int j = 0; j < m_d.context(); ++j)
                mask.push_back(j <= m_d.past + i ? 0.0f : masked_score);
        const std::string m =
            m_w.constant(name + "/causal_mask", {1, 1, m_d.tokens, m_d.context()}, mask);
        scores = m_w.node("Add", name + "/Add", {scores, m});
    }
    const std::string probs = m_w.node("Softmax", name + "/Softmax", {scores});
    m_w.attr("axis", int64_t{-1});
    const std::string ctx = m_w.node("MatMul", name + "/MatMul_1", {probs, v});
    const std::string merged = m_w.node("Transpose", name + "/Transpose_1", {ctx});
    m_w.attr("perm", std::vector<int64_t>{0, 2, 1, 3});
    return m_w.node("Reshape", name + "/Reshape",
                    {merged, m_w.shape(name + "/merged", {m_d.batch, m_d.tokens, m_d.hidden})});
}

}  // namespace nnvp::transformers
