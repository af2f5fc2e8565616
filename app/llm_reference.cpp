#include "app/llm_reference.h"

#include <algorithm>
#include <cstring>

#include "sw/compiler/reference.h"

namespace nnvp {

namespace {

// `rows` (the cache's type already) into `cache` at slots `slot` ..: one
// block per (sequence, KV head), as the firmware writes them.
void write_slots(nn::tensor& cache, const nn::tensor& rows, unsigned slot) {
    const nn::shape4 c = cache.shape(), r = rows.shape();
    const std::size_t token = rows.bytes().size() / (static_cast<std::size_t>(r.n) * r.h * r.w);
    const std::size_t block = token * static_cast<std::size_t>(r.w);
    for (std::size_t b = 0; b < static_cast<std::size_t>(r.n) * r.h; ++b)
        std::memcpy(cache.bytes().data() + (b * static_cast<std::size_t>(c.w) + slot) * token,
                    rows.bytes().data() + b * block, block);
}

}  // namespace

package::package_view view_of(const compiler::network& net) {
    package::package_view v;
    const std::vector<compiler::tensor_desc> d = compiler::plan_tensors(net);
    const auto extra = static_cast<std::size_t>(net.extra_input_index(0));
    const auto constants = static_cast<std::size_t>(net.constant_index(0));
    for (std::size_t t = 0; t < d.size(); ++t) {
        package::tensor_record r;
        r.shape = d[t].shape;
        r.type = static_cast<uint8_t>(d[t].type);
        r.scale = d[t].q.scale;
        r.zero_point = d[t].q.zero_point;
        r.role = t == 0 || (t >= extra && t < constants) ? package::tensor_role::input
                 : t >= constants                         ? package::tensor_role::constant
                                                          : package::tensor_role::activation;
        v.tensors.push_back(r);
    }
    v.hdr.output_tensor = static_cast<uint16_t>(net.output_index());
    for (int o : net.output_indices())
        v.tensors[static_cast<std::size_t>(o)].flags |= package::tensor_flag_output;
    return v;
}

token_table reference_generation(const generation_package& prefill,
                                 const generation_package& step,
                                 const fw::generation_tensors& g,
                                 const std::vector<nn::tensor>& prompts, unsigned requests,
                                 unsigned generate) {
    const package::package_view& pv = *prefill.view;
    const package::package_view& sv = *step.view;
    std::vector<nn::tensor> cache;  // one KV cache for every request, as on the chip
    for (uint16_t t : g.cache)
        cache.emplace_back(sv.tensors[t].dtype(), sv.tensors[t].shape);
    token_table out(requests);
    for (unsigned r = 0; r < requests; ++r) {
        const std::vector<nn::tensor> p =
            compiler::reference_run(*prefill.net, {prompts[r % prompts.size()]});
        std::vector<int64_t> tokens = fw::greedy_tokens(p[g.prefill_logits]);
        out[r].push_back(tokens);
        cpuops::work w;
        for (std::size_t k = 0; k < g.present.size(); ++k)
            write_slots(cache[k],
                        fw::to_cache_type(p[g.present[k]], pv.tensors[g.present[k]],
                                          sv.tensors[g.cache[k]], w),
                        0);
        std::vector<int64_t> mask(g.capacity + 1, 0);
        std::fill(mask.begin(), mask.begin() + g.prompt, 1);
        mask[g.capacity] = 1;
        for (unsigned k = 1; k < generate; ++k) {
            const unsigned position = g.prompt + k - 1;
            std::vector<nn::tensor> in = {fw::integers_for(sv.tensors[g.step_ids], tokens),
                                          fw::integers_for(sv.tensors[g.position], {position}),
                                          fw::integers_for(sv.tensors[g.mask], mask)};
            in.insert(in.end(), cache.begin(), cache.end());
            const std::vector<nn::tensor> s = compiler::reference_run(*step.net, in);
            tokens = fw::greedy_tokens(s[g.step_logits]);
            out[r].push_back(tokens);
            if (k + 1 == generate)
                break;
            for (std::size_t c = 0; c < g.update.size(); ++c)
                write_slots(cache[c],
                            fw::to_cache_type(s[g.update[c]], sv.tensors[g.update[c]],
                                              sv.tensors[g.cache[c]], w),
                            position);
            mask[position] = 1;
        }
    }
    return out;
}

std::vector<prompt_state> run_prompts(const compiler::network& prefill,
                                      const std::vector<nn::tensor>& prompts) {
    std::vector<int> outs = prefill.output_indices();
    std::sort(outs.begin(), outs.end());  // the caches in graph order, then the logits
    std::vector<prompt_state> states;
    for (const nn::tensor& ids : prompts) {
        const std::vector<nn::tensor> t = compiler::reference_run(prefill, {ids});
        prompt_state s;
        s.next = fw::greedy_tokens(t[static_cast<std::size_t>(outs.back())]);
        for (std::size_t k = 0; k + 1 < outs.size(); ++k)
            s.present.push_back(t[static_cast<std::size_t>(outs[k])]);
        states.push_back(std::move(s));
    }
    return states;
}

}  // namespace nnvp
