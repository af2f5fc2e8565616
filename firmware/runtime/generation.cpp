#include "firmware/runtime/generation.h"

#include <algorithm>

namespace nnvp::fw {

namespace {

std::vector<uint16_t> with_role(const package::package_view& v, package::tensor_role role) {
    std::vector<uint16_t> r;
    for (std::size_t i = 0; i < v.tensors.size(); ++i)
        if (v.tensors[i].role == role)
            r.push_back(static_cast<uint16_t>(i));
    return r;
}

// Every output in tensor order (the graph's order: the caches, then logits).
std::vector<uint16_t> outputs_in_order(const package::package_view& v) {
    std::vector<uint16_t> r = package::network_outputs(v);
    std::sort(r.begin(), r.end());
    return r;
}

bool whole_bytes(const package::tensor_record& t) {
    return nn::storage_bytes(t.dtype(), 8) % 8 == 0;
}

std::string describe(const nn::shape4& s) {
    return std::to_string(s.n) + "x" + std::to_string(s.h) + "x" + std::to_string(s.w) + "x" +
           std::to_string(s.c);
}

// A KV tensor of `slots` tokens: [batch, kv_heads, slots, head_dim] in a
// whole-byte type; "" or what is wrong.
std::string check_kv(const package::tensor_record& t, const generation_tensors& g, unsigned slots,
                     const std::string& what) {
    const nn::shape4 want{static_cast<int>(g.batch), static_cast<int>(g.kv_heads),
                          static_cast<int>(slots), static_cast<int>(g.head_dim)};
    if (!(t.shape == want))
        return what + " is " + describe(t.shape) + ", expected " + describe(want) +
               " (batch x kv_heads x tokens x head_dim)";
    if (!whole_bytes(t))
        return what + ": a KV tensor needs a whole-byte element type";
    return "";
}

}  // namespace

cpuops::tensor_info info_of(const package::tensor_record& t) {
    cpuops::tensor_info i;
    i.shape = t.shape;
    i.type = t.dtype();
    i.q.scale = t.scale;
    i.q.zero_point = t.zero_point;
    return i;
}

std::string find_generation_tensors(const package::package_view& prefill,
                                    const package::package_view& step, generation_tensors& g) {
    const std::vector<uint16_t> p_in = with_role(prefill, package::tensor_role::input);
    const std::vector<uint16_t> p_out = outputs_in_order(prefill);
    const std::vector<uint16_t> s_in = with_role(step, package::tensor_role::input);
    const std::vector<uint16_t> s_out = outputs_in_order(step);
    if (p_in.size() != 1)
        return "prefill package: " + std::to_string(p_in.size()) +
               " inputs, expected 1 (the prompt's ids)";
    if (p_out.size() < 3 || p_out.size() % 2 == 0)
        return "prefill package: " + std::to_string(p_out.size()) +
               " outputs, expected 2 per layer (present key, value) and the logits";
    const std::size_t caches = p_out.size() - 1;
    if (s_in.size() != 3 + caches || s_out.size() != 1 + caches)
        return "step package: " + std::to_string(s_in.size()) + " inputs and " +
               std::to_string(s_out.size()) + " outputs, expected " + std::to_string(3 + caches) +
               " (ids, position, mask, the cache) and " + std::to_string(1 + caches) +
               " (the cache updates, logits) for the prefill's " + std::to_string(caches / 2) +
               " layers";
    g = generation_tensors{};
    g.prompt_ids = p_in[0];
    g.present.assign(p_out.begin(), p_out.end() - 1);
    g.prefill_logits = p_out.back();
    g.step_ids = s_in[0];
    g.position = s_in[1];
    g.mask = s_in[2];
    g.cache.assign(s_in.begin() + 3, s_in.end());
    g.update.assign(s_out.begin(), s_out.end() - 1);
    g.step_logits = s_out.back();
    const nn::shape4 first = prefill.tensors[g.present[0]].shape;
    g.batch = static_cast<unsigned>(first.n);
    g.kv_heads = static_cast<unsigned>(first.h);
    g.prompt = static_cast<unsigned>(first.w);
    g.head_dim = static_cast<unsigned>(first.c);
    g.capacity = static_cast<unsigned>(step.tensors[g.cache[0]].shape.w);
    if (g.capacity < g.prompt)
        return "step package: a cache of " + std::to_string(g.capacity) +
               " slots cannot hold the prompt's " + std::to_string(g.prompt) + " tokens";
    for (std::size_t k = 0; k < caches; ++k) {
        const std::string n = std::to_string(k);
        for (const std::string& e :
             {check_kv(prefill.tensors[g.present[k]], g, g.prompt, "prefill output " + n),
              check_kv(step.tensors[g.cache[k]], g, g.capacity, "step cache input " + n),
              check_kv(step.tensors[g.update[k]], g, 1, "step cache update " + n)})
            if (!e.empty())
                return e;
    }
    auto count = [](const package::package_view& v, uint16_t t) { return v.tensors[t].shape.count(); };
    auto integer = [](const package::package_view& v, uint16_t t) {
        return nn::is_integer(v.tensors[t].dtype()) && whole_bytes(v.tensors[t]);
    };
    if (count(prefill, g.prompt_ids) != std::size_t{g.batch} * g.prompt || !integer(prefill, g.prompt_ids))
        return "prefill package: the ids input is not batch x prompt integers";
    if (count(step, g.step_ids) != g.batch || !integer(step, g.step_ids))
        return "step package: input 0 (input_ids) is not one integer per sequence";
    if (count(step, g.position) != 1 || !integer(step, g.position))
        return "step package: input 1 (position_ids) is not one integer";
    if (count(step, g.mask) != std::size_t{g.capacity} + 1 || !integer(step, g.mask))
        return "step package: input 2 (attention_mask) holds " +
               std::to_string(count(step, g.mask)) + " elements, expected capacity + 1 = " +
               std::to_string(g.capacity + 1) + " integers";
    const std::size_t vocab = static_cast<std::size_t>(prefill.tensors[g.prefill_logits].shape.c);
    for (const auto& [v, t] : {std::pair{&prefill, g.prefill_logits}, std::pair{&step, g.step_logits}})
        if (count(*v, t) != g.batch * vocab)
            return "the logits hold " + std::to_string(count(*v, t)) + " values, expected batch x " +
                   std::to_string(vocab);
    return "";
}

nn::tensor to_cache_type(const nn::tensor& rows, const package::tensor_record& from,
                         const package::tensor_record& to, cpuops::work& work) {
    work = {};
    if (from.type == to.type && from.scale == to.scale && from.zero_point == to.zero_point)
        return rows;
    cpuops::op convert{cpuops::kind::convert, {static_cast<int32_t>(to.type)}, {}};
    if (nn::is_integer(to.dtype()))
        convert.floats = {to.scale, static_cast<float>(to.zero_point)};
    cpuops::tensor_info in = info_of(from), out = info_of(to);
    in.shape = out.shape = rows.shape();
    work = cpuops::cost(convert, {in}, out);
    return cpuops::execute(convert, {&rows}, {in}, out);
}

nn::tensor integers_for(const package::tensor_record& t, const std::vector<int64_t>& values) {
    nn::tensor v(t.dtype(), t.shape);
    for (std::size_t i = 0; i < values.size() && i < v.size(); ++i)
        v.set_int(i, values[i]);
    return v;
}

std::vector<int64_t> greedy_tokens(const nn::tensor& logits) {
    const auto width = static_cast<std::size_t>(logits.shape().c);
    std::vector<int64_t> picks;
    for (std::size_t row = 0; width > 0 && row < logits.size() / width; ++row) {
        std::size_t best = 0;
        for (std::size_t k = 1; k < width; ++k)
            if (logits.get_float(row * width + k) > logits.get_float(row * width + best))
                best = k;
        picks.push_back(static_cast<int64_t>(best));
    }
    return picks;
}

}  // namespace nnvp::fw
