#include "app/llm_run.h"

#include <chrono>
#include <iostream>
#include <random>

#include "app/general_workload.h"
#include "app/layer_rows.h"
#include "app/llm_reference.h"
#include "firmware/programs/registry.h"
#include "app/power_report.h"
#include "arch/package/generation_table.h"
#include "sw/onnx/check_importer.h"
#include "sw/transformers/transformer_zoo.h"

namespace nnvp {

namespace {

constexpr uint64_t MiB = 1u << 20;
using onnx_import::onnx_tensor;
using input_map = std::map<std::string, onnx_tensor>;

uint64_t align_up(uint64_t v, uint64_t a) {
    return (v + a - 1) / a * a;
}

// A prompt: `batch` sequences of seeded token ids over the whole vocabulary
// (raw 64-bit draws: portable, unlike std's distributions).
input_map prompt_set(int batch, int tokens, int vocab, uint64_t seed) {
    onnx_tensor t = onnx_import::zero_value(onnx::TensorProto::INT64, {batch, tokens}, "input_ids");
    std::mt19937_64 gen(seed);
    for (std::size_t i = 0; i < t.count(); ++i)
        t.data.set_int(i, static_cast<int64_t>(gen() % static_cast<uint64_t>(vocab)));
    return {{"input_ids", std::move(t)}};
}

// The step's inputs after a prompt: its next token at position `prompt`,
// its keys and values in slots 0 .. prompt - 1 (`s` null: zeros), the mask
// showing them.
input_map step_state(const transformers::transformer_config& c, int batch, int prompt,
                     int capacity, const prompt_state* s) {
    input_map m;
    auto ints = [&](const std::string& name, std::vector<int64_t> dims) {
        return onnx_import::zero_value(onnx::TensorProto::INT64, std::move(dims), name);
    };
    onnx_tensor ids = ints("input_ids", {batch, 1});
    for (int b = 0; b < batch && s; ++b)
        ids.data.set_int(static_cast<std::size_t>(b), s->next[static_cast<std::size_t>(b)]);
    onnx_tensor position = ints("position_ids", {1, 1});
    position.data.set_int(0, prompt);
    onnx_tensor mask = ints("attention_mask", {1, capacity + 1});
    for (int k = 0; k < prompt; ++k)
        mask.data.set_int(static_cast<std::size_t>(k), 1);
    mask.data.set_int(static_cast<std::size_t>(capacity), 1);
    m["input_ids"] = std::move(ids);
    m["position_ids"] = std::move(position);
    m["attention_mask"] = std::move(mask);
    const int blocks = batch * c.kv_heads, hd = c.head_dim();
    for (int l = 0; l < c.layers; ++l)
        for (int w = 0; w < 2; ++w) {
            const std::string name =
                "past_key_values." + std::to_string(l) + (w == 0 ? ".key" : ".value");
            onnx_tensor t = onnx_import::zero_value(onnx::TensorProto::FLOAT,
                                                    {batch, c.kv_heads, capacity, hd}, name);
            for (int b = 0; s && b < blocks; ++b)
                for (int k = 0; k < prompt * hd; ++k)
                    t.data.set_float(static_cast<std::size_t>(b * capacity * hd + k),
                                     s->present[static_cast<std::size_t>(2 * l + w)].get_float(
                                         static_cast<std::size_t>(b * prompt * hd + k)));
            m[name] = std::move(t);
        }
    return m;
}

// Prompts as `net`'s input 0 (its type: token ids are int32 inside).
std::vector<nn::tensor> staged_prompts(const compiler::network& net,
                                       const std::vector<input_map>& sets) {
    const compiler::tensor_desc d = compiler::plan_tensors(net)[0];
    std::vector<nn::tensor> r;
    for (const input_map& m : sets) {
        nn::tensor t(d.type, d.shape);
        const onnx_tensor& ids = m.at("input_ids");
        for (std::size_t i = 0; i < ids.count(); ++i)
            t.set_int(i, ids.data.get_int(i));
        r.push_back(std::move(t));
    }
    return r;
}

}  // namespace

llm_run::~llm_run() = default;

llm_run::llm_run(scenario& sc)
    : m_spec(*sc.workload), m_timing(sc.mode == "timing"), m_file(sc.file),
      m_prefill(std::make_unique<pass>()), m_step(std::make_unique<pass>()) {
    const auto t0 = std::chrono::steady_clock::now();
    const transformers::transformer_config& c = *transformers::find_transformer(m_spec.transformer);
    const int batch = m_spec.batch, prompt = m_spec.prompt;
    const int capacity = prompt + m_spec.generate - 2;
    const bool quantized = m_spec.quant.precision != ref::precision::fp32;
    const std::string& governor = m_spec.power.governor;
    if (governor == "per_layer" || governor == "pace_to_deadline")
        throw config_error(m_file + ": workload.power.governor.name: " + governor +
                           " predicts from one package's steps, and a generation runs two "
                           "(prefill and decode step): use phase_aware, power_cap or a "
                           "load-based governor");
    given_input_sets prompts;
    for (unsigned k = 0; k < m_spec.input_sets; ++k)
        prompts.sets.push_back(prompt_set(batch, prompt, c.vocab, m_spec.seed * 7919 + k));
    for (unsigned k = 0; quantized && !m_timing && k < m_spec.calibration_inputs; ++k)
        prompts.calibration.push_back(prompt_set(batch, prompt, c.vocab, m_spec.seed * 104729 + k));
    workload_spec w = m_spec;
    w.tokens = prompt;
    m_prefill->work = resolve_general_workload(w, m_timing, m_file, &prompts);
    // The step: calibrated on the states the float prefill leaves after the
    // calibration prompts (seeded caches and masks would set its scales wrong).
    given_input_sets states;
    states.sets.push_back(step_state(c, batch, prompt, capacity, nullptr));
    if (!prompts.calibration.empty())
        for (const prompt_state& s :
             run_prompts(m_prefill->work.float_net,
                         staged_prompts(m_prefill->work.float_net, prompts.calibration)))
            states.calibration.push_back(step_state(c, batch, prompt, capacity, &s));
    w.tokens = 1;
    w.capacity = capacity;
    m_step->work = resolve_general_workload(w, m_timing, m_file, &states);
    for (const std::vector<nn::tensor>& set : m_prefill->work.inputs)
        m_prompts.push_back(set.at(0));
    m_compile_wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    compile(sc);
    sc.program = fw::find_program("llm_generate");
    std::map<std::string, int64_t> v = {
        {"prefill_package", static_cast<int64_t>(m_prefill->package_at)},
        {"step_package", static_cast<int64_t>(m_step->package_at)},
        {"prompts", static_cast<int64_t>(m_prompts_at)},
        {"prompt_slots", static_cast<int64_t>(m_prompts.size())},
        {"stats", static_cast<int64_t>(m_stats_at)},
        {"requests", m_spec.inferences},
        {"generate", m_spec.generate},
        {"arrival", arrival_code(m_spec.arrival.pattern)},
        {"period_ns", static_cast<int64_t>(std::llround(arrival_gap_s(m_spec.arrival) * 1e9))},
        {"seed", static_cast<int64_t>(m_spec.seed)},
        {"timing", m_timing ? 1 : 0}};
    v.insert(m_pm_args.begin(), m_pm_args.end());
    if (const std::string problem = sc.program->resolve(v); !problem.empty())
        throw config_error(m_file + ": workload: " + problem);
    sc.args = fw::program_args(v);
    std::cout << "nnvp: " << c.name << " generation (" << ref::to_string(m_spec.quant.precision)
              << "): prompt " << prompt << ", " << m_spec.generate << " tokens, batch " << batch
              << "; packages of " << m_prefill->pkg.image.size() << " (prefill) and "
              << m_step->pkg.image.size() << " bytes (step, a " << capacity
              << "-slot KV cache), compiled in " << m_compile_wall_s << " s\n";
}

void llm_run::compile(const scenario& sc) {
    const auto t0 = std::chrono::steady_clock::now();
    const platform_config& cfg = sc.platform;
    const region& dram = cfg.map.at("dram");
    m_dram_base = dram.base;
    const cost::dataflow df = dataflow_of(m_spec);
    const cost::weight_format wf = cost::parse_weight_format(m_spec.sparsity.weight_format);
    // Arenas first (prefill's, then the step's unless it goes on chip),
    // then the packages: every address is known before either is built.
    const uint64_t prefill_arena = dram.base + 64 * MiB;
    const uint64_t step_arena = align_up(prefill_arena + arena_bound(m_prefill->work.net), MiB);
    m_prefill->package_at = align_up(step_arena + arena_bound(m_step->work.net), MiB);
    try {
        compiler::build_options o = core_build_options(cfg, df, wf, channel_split_of(m_spec));
        o.arena_base = prefill_arena;
        o.load_address = m_prefill->package_at;
        m_prefill->pkg = compiler::build(m_prefill->work.net, o);
        m_step->package_at = align_up(m_prefill->package_at + m_prefill->pkg.image.size(), MiB);
        o = core_build_options(cfg, df, wf, channel_split_of(m_spec));
        place_arena(o, cfg, m_spec.arena, step_arena, m_file);
        o.load_address = m_step->package_at;
        m_step->pkg = compiler::build(m_step->work.net, o);
        check_arena(m_step->pkg, cfg, m_spec.arena, m_file);
    } catch (const std::invalid_argument& e) {
        throw config_error(m_file + ": workload.network: cannot compile: " + e.what());
    }
    for (pass* p : {m_prefill.get(), m_step.get()}) {
        p->view = view_of(p->work.net);
        p->core_steps = static_cast<std::size_t>(
            std::count(p->pkg.kinds.begin(), p->pkg.kinds.end(), package::step_kind::core));
    }
    if (const std::string bad = fw::find_generation_tensors(m_prefill->view, m_step->view, m_g);
        !bad.empty())
        throw config_error(m_file + ": workload.network: the decoder's passes do not fit the "
                                    "generation runtime: " + bad);
    m_prompts_at = align_up(m_step->package_at + m_step->pkg.image.size(), MiB);
    m_prompt_bytes = align_up(m_prompts.at(0).bytes().size(), 64);
    m_stats_at = align_up(m_prompts_at + m_prompt_bytes * m_prompts.size(), MiB);
    uint64_t steps = 0;  // package steps: every op not folded away
    for (const pass* p : {m_prefill.get(), m_step.get()})
        steps += static_cast<uint64_t>(std::count_if(p->pkg.kinds.begin(), p->pkg.kinds.end(),
                                                     [](package::step_kind k) {
                                                         return k != package::step_kind::none;
                                                     }));
    const uint64_t end = m_stats_at + generation_table::table_bytes(
                                          m_spec.inferences, static_cast<uint64_t>(m_spec.generate),
                                          m_g.batch, steps);
    if (end > dram.base + dram.size)
        throw config_error(m_file + ": workload: the two packages (" +
                           std::to_string(m_prefill->pkg.image.size() + m_step->pkg.image.size()) +
                           " bytes), arenas, prompts and results need " +
                           std::to_string(end - dram.base) + " bytes of DRAM: expected at most " +
                           std::to_string(dram.size) +
                           " (the platform's DRAM: raise it with --set platform.dram.size_bytes=2G)");
    power_program_args(m_spec.power, cfg, m_spec.arrival.deadline_s, m_file, m_pm_args);
    m_compile_wall_s += std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

void llm_run::preload(soc& chip) const {
    // trace.json's NN-core spans named by their layers, "prefill" or "decode" first.
    chip.name_commands([this, prefill_names = core_step_names(m_prefill->work.net, m_prefill->pkg),
                        step_names = core_step_names(m_step->work.net, m_step->pkg)](
                           uint32_t stream, const std::string& platform_name) {
        const int p = core_step_of(stream, true), s = core_step_of(stream, false);
        if (p >= 0 && static_cast<std::size_t>(p) < prefill_names.size())
            return "prefill " + prefill_names[static_cast<std::size_t>(p)];
        if (s >= 0 && static_cast<std::size_t>(s) < step_names.size())
            return "decode " + step_names[static_cast<std::size_t>(s)];
        return platform_name;
    });
    for (const pass* p : {m_prefill.get(), m_step.get()})
        stage_package(chip, p->package_at - m_dram_base, p->pkg.image);
    for (std::size_t k = 0; k < m_prompts.size(); ++k) {
        const std::vector<uint8_t>& b = m_prompts[k].bytes();
        chip.dram().load(m_prompts_at + k * m_prompt_bytes - m_dram_base, b.data(), b.size());
    }
    const std::vector<uint8_t> zero(generation_table::header_bytes, 0);
    chip.dram().load(m_stats_at - m_dram_base, zero.data(), zero.size());
}

stream_progress llm_run::progress(const soc& chip) const {
    const std::size_t per_request =
        m_prefill->core_steps + (static_cast<std::size_t>(m_spec.generate) - 1) * m_step->core_steps;
    return progress_of(chip.nn_stream_count(), per_request, m_spec.inferences, "request");
}

bool llm_run::collect(soc& chip) {
    namespace gt = generation_table;
    auto get = [&](uint64_t addr) { return dram_u64(chip, addr); };
    if (get(m_stats_at) != gt::magic)
        return false;
    const uint64_t done = get(m_stats_at + gt::h_done), batch = get(m_stats_at + gt::h_batch);
    m_status = get(m_stats_at + gt::h_status);
    m_pm = {get(m_stats_at + gt::h_opp_requests), get(m_stats_at + gt::h_idle_entries),
            get(m_stats_at + gt::h_reinits)};
    const uint64_t requests = m_spec.inferences, generate = static_cast<uint64_t>(m_spec.generate);
    auto seconds = [&](uint64_t addr) { return static_cast<double>(get(addr)) * 1e-9; };
    m_requests.clear();
    for (uint64_t r = 0; r < done; ++r) {
        const uint64_t at = gt::request_at(m_stats_at, r);
        request_record q;
        q.arrival_s = seconds(at + gt::r_arrival);
        q.start_s = seconds(at + gt::r_start);
        q.first_token_s = seconds(at + gt::r_first_token);
        q.end_s = seconds(at + gt::r_end);
        q.energy_j = seconds(at + gt::r_energy);  // nJ -> J: the same factor
        q.nncore_energy_j = seconds(at + gt::r_nncore_energy);
        q.transition_energy_j = seconds(at + gt::r_transition);
        q.wake_s = seconds(at + gt::r_wake);
        for (uint64_t g = 0; g < generate; ++g) {
            const uint64_t t = gt::token_at(m_stats_at, requests, generate, batch, r, g);
            q.token_end_s.push_back(seconds(t + gt::t_end));
            q.token_energy_j.push_back(seconds(t + gt::t_energy));
            std::vector<int64_t> ids;
            for (uint64_t b = 0; b < batch; ++b)
                ids.push_back(static_cast<int64_t>(get(t + gt::t_ids + 8 * b)));
            q.tokens.push_back(std::move(ids));
        }
        m_requests.push_back(std::move(q));
    }
    const uint64_t steps =
        get(m_stats_at + gt::h_prefill_steps) + get(m_stats_at + gt::h_step_steps);
    m_step_ns.assign(steps, 0);
    m_step_cycles.assign(steps, 0);
    for (uint64_t s = 0; s < steps; ++s) {
        const uint64_t at = gt::step_at(m_stats_at, requests, generate, batch, s);
        m_step_ns[s] = get(at);
        m_step_cycles[s] = get(at + 8);
    }
    return true;
}

}  // namespace nnvp
