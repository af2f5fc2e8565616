// Generates text with a decoder the host staged as two packages (as a boot
// loader would): the prefill package runs the prompt in one pass, the step
// package one token over a static KV cache (firmware/runtime/generation.h).
// For each request the firmware waits for its arrival with the CPU asleep,
// copies the prompt into the prefill's input, runs it, picks the first
// token greedily, moves the prompt's keys and values into the step
// package's cache (slots 0 .. prompt - 1, converted to the cache's type when
// the packages quantized them differently), then per further token writes
// the token, its position and the mask entry, runs the step, picks the
// next token and appends the step's keys and values in place at the
// token's slot. Times, energy and tokens go to the generation table
// (arch/package/generation_table.h). Power management as nn_network's.
#include <random>
#include <string>
#include <vector>

#include "arch/package/generation_table.h"
#include "firmware/programs/board.h"
#include "firmware/programs/network_power.h"
#include "firmware/programs/program.h"
#include "firmware/runtime/generation.h"
#include "firmware/runtime/nn_runtime.h"
#include "nn/tensor/tensor_pack.h"

namespace nnvp::fw {

namespace {

namespace gt = generation_table;

struct generate_args {
    uint64_t prefill, step, prompts, prompt_slots, results, requests, generate;
    int64_t pattern;  // 0 back to back, 1 periodic, 2 Poisson
    uint64_t period_ns, seed;
};

generate_args generate_args_from(const program_args& a) {
    return {static_cast<uint64_t>(a.get("prefill_package")),
            static_cast<uint64_t>(a.get("step_package")),
            static_cast<uint64_t>(a.get("prompts")),
            static_cast<uint64_t>(a.get("prompt_slots")),
            static_cast<uint64_t>(a.get("stats")),
            static_cast<uint64_t>(a.get("requests")),
            static_cast<uint64_t>(a.get("generate")),
            a.get("arrival"),
            static_cast<uint64_t>(a.get("period_ns")),
            static_cast<uint64_t>(a.get("seed"))};
}

// One request after another: prefill, then a step per further token.
class generation_loop {
public:
    generation_loop(hal& h, board& b, nn_runtime& prefill, nn_runtime& step, network_power& pm,
                    const cpu_cost_model& cost, const generate_args& a, const generation_tensors& g)
        : m_h(h), m_b(b), m_prefill(prefill), m_step(step), m_pm(pm), m_cost(cost), m_a(a),
          m_g(g), m_pv(prefill.view()), m_sv(step.view()), m_rng(a.seed),
          m_gap(a.period_ns ? 1.0 / static_cast<double>(a.period_ns) : 1.0),
          m_step_ns(m_pv.steps.size() + m_sv.steps.size(), 0),
          m_step_cycles(m_step_ns.size(), 0) {}

    // 0, or the exit code of a bus error; a failed pass ends the loop with
    // its status in the table.
    int run() {
        const uint64_t t0 = m_h.now_ns();
        uint64_t next = t0;
        for (uint64_t r = 0; r < m_a.requests; ++r) {
            const uint64_t arrival = m_a.pattern == 0 ? std::max(next, m_h.now_ns()) : next;
            while (m_h.now_ns() < arrival)  // asleep until the request arrives
                m_h.wait_irq(arrival - m_h.now_ns());
            const uint64_t start = m_h.now_ns();
            m_e0 = m_b.energy_nj();
            m_n0 = nncore_energy();
            const uint64_t tr0 = m_b.transition_nj();
            uint64_t wake = 0;
            m_pm.begin_inference(arrival, wake);
            uint64_t first = 0;
            const int rc = generate(r, first);
            if (rc > 0)
                return rc;
            if (rc < 0)
                break;
            const uint64_t end = m_h.now_ns();
            m_b.say("request " + std::to_string(r) + ": first token " +
                    std::to_string((first - arrival) / 1000) + " us after arrival, " +
                    std::to_string(m_a.generate) + " tokens in " +
                    std::to_string((end - start) / 1000) + " us");
            if (!m_b.put_fields(gt::request_at(m_a.results, r),
                     {{gt::r_arrival, arrival}, {gt::r_start, start}, {gt::r_first_token, first},
                      {gt::r_end, end}, {gt::r_energy, m_b.energy_nj() - m_e0},
                      {gt::r_nncore_energy, nncore_energy() - m_n0},
                      {gt::r_transition, m_b.transition_nj() - tr0}, {gt::r_wake, wake}}))
                return 15;
            ++m_done;
            if (m_a.pattern == 1)
                next = t0 + (r + 1) * m_a.period_ns;
            else if (m_a.pattern == 2)
                next = arrival + static_cast<uint64_t>(std::llround(m_gap(m_rng)));
            else
                next = end;
            const uint64_t now = m_h.now_ns();
            m_pm.set_phase(pm::phase::idle);
            m_pm.end_inference(r + 1 < m_a.requests && next > now ? next - now : 0);
        }
        return 0;
    }

    int finish() {
        for (std::size_t k = 0; k < m_step_ns.size(); ++k)
            if (!m_b.put_fields(gt::step_at(m_a.results, m_a.requests, m_a.generate, m_g.batch, k),
                     {{0, m_step_ns[k]}, {8, m_step_cycles[k]}}))
                return 15;
        const network_power_counts pc = m_pm.counts();
        if (!m_b.put_fields(m_a.results, {{gt::h_magic, gt::magic}, {gt::h_done, m_done},
                               {gt::h_status, m_status}, {gt::h_failed_request, m_failed},
                               {gt::h_opp_requests, pc.opp_requests},
                               {gt::h_idle_entries, pc.idle_entries},
                               {gt::h_reinits, m_prefill.reinits() + m_step.reinits()},
                               {gt::h_batch, m_g.batch},
                               {gt::h_prefill_steps, m_pv.steps.size()},
                               {gt::h_step_steps, m_sv.steps.size()}}))
            return 15;
        m_b.say("generated " + std::to_string(m_done) + " of " + std::to_string(m_a.requests) +
                " requests, " + std::to_string(m_a.generate) + " tokens each");
        return m_status == 0 ? 0 : 16;
    }

private:
    uint64_t nncore_energy() {
        uint64_t nj = 0;
        m_b.power.energy_nj(m_pm.domain(), nj);
        return nj;
    }

    bool read(const package::tensor_record& t, nn::tensor& out) {
        m_buf.resize(t.bytes());
        if (m_h.read_block(t.address, m_buf.data(), m_buf.size()) != bus_status::ok)
            return false;
        m_h.consume_cycles(copy_cycles(m_cost, m_buf.size()));
        out = nn::unpack(t.dtype(), t.shape, m_buf.data(), m_buf.size());
        return true;
    }

    bool write_ints(const package::tensor_record& t, const std::vector<int64_t>& values) {
        const std::vector<uint8_t> bytes = nn::pack(integers_for(t, values));
        m_h.consume_cycles(copy_cycles(m_cost, bytes.size()));
        return m_h.write_block(t.address, bytes.data(), bytes.size()) == bus_status::ok;
    }

    // Runs one pass, adding its steps' times; false (status recorded) when it failed.
    bool run(nn_runtime& rt, uint64_t r) {
        run_summary s;
        const std::size_t first = &rt == &m_prefill ? 0 : m_pv.steps.size();
        const runtime_status status = rt.run(s);
        for (const step_result& st : s.steps) {
            m_step_ns[first + st.index] += st.ns();
            m_step_cycles[first + st.index] += st.cpu_cycles;
        }
        if (status == runtime_status::ok)
            return true;
        m_b.say("request " + std::to_string(r) + " failed: " + s.message);
        m_status = static_cast<uint64_t>(status);
        m_failed = r;
        return false;
    }

    // `rows` tokens of KV tensor `from` written into cache tensor `k` at
    // slots `slot` ..: one block per (sequence, KV head), converted first
    // when the types differ.
    bool append(const package::tensor_record& from, std::size_t k, unsigned slot) {
        nn::tensor rows;
        if (!read(from, rows))
            return false;
        const package::tensor_record& cache = m_sv.tensors[m_g.cache[k]];
        cpuops::work w;
        const std::vector<uint8_t> bytes = nn::pack(to_cache_type(rows, from, cache, w));
        m_h.consume_cycles(cpu_op_cycles(m_cost, w));
        const std::size_t block = bytes.size() / (std::size_t{m_g.batch} * m_g.kv_heads);
        const std::size_t token = block / static_cast<std::size_t>(from.shape.w);
        for (std::size_t b = 0; b < std::size_t{m_g.batch} * m_g.kv_heads; ++b) {
            const uint64_t at = cache.address + (b * m_g.capacity + slot) * token;
            if (m_h.write_block(at, bytes.data() + b * block, block) != bus_status::ok)
                return false;
        }
        m_h.consume_cycles(copy_cycles(m_cost, bytes.size()));
        return true;
    }

    // Picks the batch's tokens from `logits` and records token g of request
    // r, picked at `picked_ns`.
    bool pick(const package::tensor_record& logits, uint64_t r, uint64_t g,
              std::vector<int64_t>& tokens, uint64_t& picked_ns) {
        nn::tensor l;
        if (!read(logits, l))
            return false;
        tokens = greedy_tokens(l);
        m_h.consume_cycles(copy_cycles(m_cost, l.size()));  // one compare per logit
        picked_ns = m_h.now_ns();
        const uint64_t at = gt::token_at(m_a.results, m_a.requests, m_a.generate, m_g.batch, r, g);
        if (!m_b.put_fields(at, {{gt::t_end, picked_ns}, {gt::t_energy, m_b.energy_nj() - m_e0},
                      {gt::t_nncore_energy, nncore_energy() - m_n0}}))
            return false;
        for (std::size_t b = 0; b < tokens.size(); ++b)
            if (m_h.write64(at + gt::t_ids + 8 * b, static_cast<uint64_t>(tokens[b])) != bus_status::ok)
                return false;
        return true;
    }

    // Request r: 0 done, -1 a pass failed, > 0 a bus error's exit code.
    int generate(uint64_t r, uint64_t& first_token_ns) {
        const package::tensor_record& ids = m_pv.tensors[m_g.prompt_ids];
        m_buf.resize(ids.bytes());
        const uint64_t slot = m_a.prompts + (r % m_a.prompt_slots) * ((ids.bytes() + 63) / 64 * 64);
        if (m_h.read_block(slot, m_buf.data(), m_buf.size()) != bus_status::ok ||
            m_h.write_block(ids.address, m_buf.data(), m_buf.size()) != bus_status::ok)
            return 13;
        m_h.consume_cycles(copy_cycles(m_cost, m_buf.size()));
        m_pm.set_phase(pm::phase::prefill);
        if (!run(m_prefill, r))
            return -1;
        std::vector<int64_t> tokens;
        if (!pick(m_pv.tensors[m_g.prefill_logits], r, 0, tokens, first_token_ns))
            return 14;
        for (std::size_t k = 0; k < m_g.present.size(); ++k)
            if (!append(m_pv.tensors[m_g.present[k]], k, 0))
                return 14;
        m_pm.set_phase(pm::phase::decode);
        std::vector<int64_t> mask(m_g.capacity + 1, 0);
        for (unsigned s = 0; s < m_g.prompt; ++s)
            mask[s] = 1;
        mask[m_g.capacity] = 1;  // the token itself
        for (uint64_t g = 1; g < m_a.generate; ++g) {
            const auto position = static_cast<unsigned>(m_g.prompt + g - 1);
            if (!write_ints(m_sv.tensors[m_g.step_ids], tokens) ||
                !write_ints(m_sv.tensors[m_g.position], {position}) ||
                !write_ints(m_sv.tensors[m_g.mask], mask))
                return 14;
            if (!run(m_step, r))
                return -1;
            uint64_t picked = 0;
            if (!pick(m_sv.tensors[m_g.step_logits], r, g, tokens, picked))
                return 14;
            if (g + 1 == m_a.generate)
                break;  // the last token's keys are never read
            for (std::size_t k = 0; k < m_g.update.size(); ++k)
                if (!append(m_sv.tensors[m_g.update[k]], k, position))
                    return 14;
            mask[position] = 1;
        }
        return 0;
    }

    hal& m_h;
    board& m_b;
    nn_runtime& m_prefill;
    nn_runtime& m_step;
    network_power& m_pm;
    const cpu_cost_model& m_cost;
    const generate_args m_a;
    const generation_tensors m_g;
    const package::package_view& m_pv;
    const package::package_view& m_sv;
    std::mt19937_64 m_rng;
    std::exponential_distribution<double> m_gap;
    std::vector<uint64_t> m_step_ns, m_step_cycles;  // prefill's steps, then the step package's
    std::vector<uint8_t> m_buf;
    uint64_t m_done = 0, m_status = 0, m_failed = ~uint64_t{0};
    uint64_t m_e0 = 0, m_n0 = 0;  // the request's energy counters at its start
};

nncore_settings settings_of(const program_args& args) {
    nncore_settings s;
    s.mode = args.get("timing") != 0 ? nncore_run_mode::timing : nncore_run_mode::functional;
    return s;
}

int llm_generate(hal& h, const program_args& args) {
    board b(h);
    if (!b.init())
        return 10;
    nncore_driver core(h, h.map().at("nncore").base);
    const cpu_cost_model cost;
    runtime_options quiet;  // a line per request, not per step of every pass
    quiet.log_steps = false;
    nn_runtime prefill(h, b.intc, core, cost, quiet), step(h, b.intc, core, cost, quiet);
    if (prefill.init(settings_of(args)) != runtime_status::ok ||
        step.init(settings_of(args)) != runtime_status::ok)
        return 11;
    const generate_args a = generate_args_from(args);
    for (auto [rt, at] : {std::pair{&prefill, a.prefill}, std::pair{&step, a.step}})
        if (rt->load(at) != runtime_status::ok) {
            b.say("the package at " + std::to_string(at) + " was rejected: " + rt->load_error().message);
            return 12;
        }
    generation_tensors g;
    if (const std::string bad = find_generation_tensors(prefill.view(), step.view(), g); !bad.empty()) {
        b.say("the packages do not make a decoder: " + bad);
        return 12;
    }
    if (g.prompt + a.generate - 2 > g.capacity) {  // the last step reads slot prompt + generate - 3
        b.say("the step package's cache holds " + std::to_string(g.capacity) +
              " slots: too few for the prompt and " + std::to_string(a.generate) + " tokens");
        return 12;
    }
    network_power pm(b, core, power_config_from(args));
    if (!pm.init())
        return 17;
    prefill.on_step([&pm](const step_event& e) { pm.on_step(e); });
    step.on_step([&pm](const step_event& e) { pm.on_step(e); });
    prefill.watch_power_loss(b.power, pm.domain());
    step.watch_power_loss(b.power, pm.domain());
    generation_loop loop(h, b, prefill, step, pm, cost, a, g);
    if (const int rc = loop.run())
        return rc;
    return loop.finish();
}

std::vector<arg_spec> llm_generate_args() {
    std::vector<arg_spec> a = {
        {"prefill_package", 0, 0, INT64_MAX, "address of the prefill package"},
        {"step_package", 0, 0, INT64_MAX, "address of the decode-step package"},
        {"prompts", 0, 0, INT64_MAX, "address of the staged prompts (the prefill's ids input, 64-byte aligned slots)"},
        {"prompt_slots", 1, 1, 1 << 30, "number of staged prompts (request r uses r % slots)"},
        {"stats", 0, 0, INT64_MAX, "address of the generation table (arch/package/generation_table.h)"},
        {"requests", 1, 1, 1 << 20, "number of requests"},
        {"generate", 2, 2, 1 << 20, "tokens to generate per request (the first from the prefill)"},
        {"arrival", 0, 0, 2, "0 back to back, 1 periodic, 2 Poisson"},
        {"period_ns", 0, 0, INT64_MAX, "periodic: the period; Poisson: the mean gap"},
        {"seed", 1, 0, INT64_MAX, "seed of the Poisson arrivals"},
        {"timing", 0, 0, 1, "1: timing mode (no arithmetic); set from the scenario's mode"}};
    for (arg_spec& s : power_arg_specs())
        a.push_back(std::move(s));
    return a;
}

}  // namespace

extern const program llm_generate_program = {
    "llm_generate",
    "generates text with a decoder the host staged as a prefill and a decode-step package "
    "(nnvp run with a workload that sets generate fills every argument): per request the "
    "prompt in one pass, then one token per step with the KV cache appended in place",
    llm_generate_args(), llm_generate};

}  // namespace nnvp::fw
