// llm_run's report sections (llm_run.h): generation, inferences (one row
// per request), throughput, layers and accuracy.
#include <algorithm>
#include <cmath>
#include <iostream>
#include <numeric>

#include "app/general_workload.h"
#include "app/layer_rows.h"
#include "app/llm_reference.h"
#include "app/llm_run.h"
#include "app/power_report.h"
#include "sw/compiler/reference.h"
#include "sw/quant/error_report.h"
#include "sw/quant/network_quantizer.h"

namespace nnvp {

namespace {

using json = nlohmann::json;

// One phase's NN-core commands, per pass (request or token) of `time_s`.
json phase_json(const command_sums& x, double n, double time_s) {
    const auto cycles = static_cast<double>(x.compute + x.stall);
    const uint64_t dram = x.dr + x.dw;
    return {{"passes", n},
            {"time_s", time_s},
            {"macs", static_cast<double>(x.macs) / n},
            {"nncore_cycles", cycles / n},
            {"stall_cycles", static_cast<double>(x.stall) / n},
            {"utilization", cycles > 0 ? x.util_sum / cycles : 0.0},
            {"nncore_dram_bytes", static_cast<double>(dram) / n},
            {"ops_per_dram_byte",
             dram ? 2.0 * static_cast<double>(x.macs) / static_cast<double>(dram) : 0.0},
            {"nncore_energy_j", x.energy / n},
            {"bound", x.bound()}};
}

}  // namespace

json llm_run::inferences_json() const {
    json a = json::array();
    for (std::size_t i = 0; i < m_requests.size(); ++i) {
        const request_record& r = m_requests[i];
        const double latency = r.end_s - r.arrival_s;
        json row = {{"index", i},
                    {"arrival_s", r.arrival_s},
                    {"start_s", r.start_s},
                    {"end_s", r.end_s},
                    {"latency_s", latency},
                    {"service_s", r.end_s - r.start_s},
                    {"ttft_s", r.first_token_s - r.arrival_s},
                    {"prefill_end_s", r.first_token_s},
                    {"energy_j", r.energy_j},
                    {"nncore_energy_j", r.nncore_energy_j},
                    {"transition_energy_j", r.transition_energy_j},
                    {"wake_s", r.wake_s}};
        row["deadline_met"] = m_spec.arrival.deadline_s <= 0 || latency <= m_spec.arrival.deadline_s;
        a.push_back(row);
    }
    return a;
}

json llm_run::generation_json(const soc& chip) const {
    const auto tokens_per_request =
        static_cast<double>(m_g.batch) * static_cast<double>(m_spec.generate);
    std::vector<double> ttft, tpot;
    json requests = json::array();
    double energy = 0;
    command_sums prefill, decode;
    const auto& cmds = chip.nn_commands();
    for (std::size_t i = 0; i < m_requests.size(); ++i) {
        const request_record& r = m_requests[i];
        ttft.push_back(r.first_token_s - r.arrival_s);
        json gaps = json::array(), token_energy = json::array();
        for (std::size_t g = 0; g < r.token_end_s.size(); ++g) {
            token_energy.push_back(r.token_energy_j[g] - (g ? r.token_energy_j[g - 1] : 0.0));
            if (g == 0)
                continue;
            tpot.push_back(r.token_end_s[g] - r.token_end_s[g - 1]);
            gaps.push_back(tpot.back());
        }
        energy += r.energy_j;
        for (const auto& c : cmds) {
            const double t = c.start.to_seconds();
            if (t >= r.start_s && t < r.first_token_s)
                prefill.add(c);
            else if (t >= r.first_token_s && t < r.end_s)
                decode.add(c);
        }
        requests.push_back({{"index", i},
                            {"ttft_s", ttft.back()},
                            {"tpot_s", gaps},
                            {"token_end_s", r.token_end_s},
                            {"token_energy_j", token_energy},
                            {"tokens", r.tokens}});
    }
    const double n = static_cast<double>(m_requests.size());
    const double decode_tokens = n * static_cast<double>(m_spec.generate - 1);
    const double span = m_requests.empty() ? 0 : m_requests.back().end_s - m_requests.front().start_s;
    uint64_t kv_bytes = 0;
    for (uint16_t t : m_g.cache)
        kv_bytes += m_step->pkg.tensors[t].shape.count() *
                    nn::storage_bytes(m_step->pkg.tensors[t].type, 1);
    const region* kv_memory = chip.config().map.decode(m_step->pkg.tensors[m_g.cache[0]].address);
    double prefill_s = 0, decode_s = 0;
    for (const request_record& r : m_requests) {
        prefill_s += r.first_token_s - r.start_s;
        decode_s += r.end_s - r.first_token_s;
    }
    json g = {
        {"model", m_spec.transformer},
        {"prompt_tokens", m_spec.prompt},
        {"generated_tokens", m_spec.generate},
        {"batch", m_g.batch},
        {"requests", m_requests.size()},
        {"decoding", "greedy"},
        {"ttft_s", percentiles_json(ttft)},
        {"tpot_s", percentiles_json(tpot)},
        {"tokens_per_s", span > 0 ? n * tokens_per_request / span : 0.0},
        {"energy_per_token_j", n > 0 ? energy / (n * tokens_per_request) : 0.0},
        {"kv_cache", {{"capacity_tokens", m_g.capacity},
                      {"bytes", kv_bytes},
                      {"bytes_per_token", m_g.capacity ? kv_bytes / (uint64_t{m_g.capacity} * m_g.batch) : 0},
                      {"memory", kv_memory ? kv_memory->name : "?"},
                      {"type", nn::to_string(m_step->pkg.tensors[m_g.cache[0]].type)},
                      {"attention", "every step attends over the whole capacity, masked "
                                    "(a static cache)"}}},
        {"nncore_dram_bytes_per_token",
         decode_tokens > 0 ? static_cast<double>(decode.dr + decode.dw) / decode_tokens : 0.0},
        {"phases",
         {{"prefill", phase_json(prefill, std::max(n, 1.0), n > 0 ? prefill_s / n : 0.0)},
          {"decode", phase_json(decode, std::max(decode_tokens, 1.0),
                                decode_tokens > 0 ? decode_s / decode_tokens : 0.0)}}},
        {"requests_detail", requests}};
    return g;
}

int llm_run::core_step_of(uint64_t stream, bool prefill) const {
    const std::size_t sp = m_prefill->core_steps, ss = m_step->core_steps;
    const std::size_t per_request = sp + (static_cast<std::size_t>(m_spec.generate) - 1) * ss;
    if (per_request == 0)
        return -1;
    const std::size_t local = stream % per_request;
    if (prefill)
        return local < sp ? static_cast<int>(local) : -1;
    return local >= sp && ss ? static_cast<int>((local - sp) % ss) : -1;
}

json llm_run::layers_json(const soc& chip) const {
    const std::size_t prefill_steps = static_cast<std::size_t>(std::count_if(
        m_prefill->pkg.kinds.begin(), m_prefill->pkg.kinds.end(),
        [](package::step_kind k) { return k != package::step_kind::none; }));
    json rows = json::array();
    for (const pass* p : {m_prefill.get(), m_step.get()}) {
        const bool first = p == m_prefill.get();
        layer_rows_input in;
        in.net = &p->work.net;
        in.pkg = &p->pkg;
        in.runs = m_requests.empty() ? 1.0 : static_cast<double>(m_requests.size());
        const auto from = static_cast<long>(first ? 0 : prefill_steps);
        const auto to = static_cast<long>(first ? prefill_steps : m_step_ns.size());
        if (m_step_ns.size() >= prefill_steps) {
            in.step_ns.assign(m_step_ns.begin() + from, m_step_ns.begin() + to);
            in.step_cycles.assign(m_step_cycles.begin() + from, m_step_cycles.begin() + to);
        }
        const std::vector<uint32_t>& streams = chip.nn_command_streams();
        const std::vector<command_sums> sums = sum_by_core_step(
            chip.nn_commands(),
            [&](std::size_t k) { return k < streams.size() ? core_step_of(streams[k], first) : -1; },
            p->core_steps);
        for (json& row : layer_rows(in, sums)) {
            row["phase"] = first ? "prefill" : "decode";
            rows.push_back(std::move(row));
        }
    }
    return rows;
}

json llm_run::accuracy_json(bool& ok) const {
    const unsigned requests = static_cast<unsigned>(m_requests.size());
    const auto generate = static_cast<unsigned>(m_spec.generate);
    std::vector<std::vector<std::vector<int64_t>>> got;
    for (const request_record& r : m_requests)
        got.push_back(r.tokens);
    json a = {{"compared_requests", requests}, {"decoding", "greedy"}};
    if (m_spec.check) {
        const token_table want = reference_generation({&m_prefill->work.net, &m_prefill->view},
                                                      {&m_step->work.net, &m_step->view}, m_g,
                                                      m_prompts, requests, generate);
        std::size_t mismatched = 0;
        for (unsigned r = 0; r < requests; ++r)
            for (unsigned g = 0; g < generate; ++g)
                mismatched += want[r][g] != got[r][g];
        a["reference"] = "reference executor, the same packages' networks";
        a["tokens_identical_to_reference_executor"] = mismatched == 0;
        a["mismatched_tokens"] = mismatched;
        ok = ok && mismatched == 0;
    }
    if (m_prefill->work.float_net.ops.empty())
        return a;
    // The float model: the same greedy loop at the model's ONNX types.
    const package::package_view pv = view_of(m_prefill->work.float_net);
    const package::package_view sv = view_of(m_step->work.float_net);
    fw::generation_tensors fg;
    if (!fw::find_generation_tensors(pv, sv, fg).empty())
        return a;
    std::vector<nn::tensor> float_prompts;
    for (const std::vector<nn::tensor>& set : m_prefill->work.float_inputs)
        float_prompts.push_back(set.at(0));
    const token_table fp = reference_generation({&m_prefill->work.float_net, &pv},
                                                {&m_step->work.float_net, &sv}, fg,
                                                float_prompts, requests, generate);
    std::size_t same = 0, total = 0, first_same = 0;
    for (unsigned r = 0; r < requests; ++r)
        for (unsigned g = 0; g < generate; ++g)
            for (std::size_t b = 0; b < got[r][g].size(); ++b, ++total) {
                same += fp[r][g][b] == got[r][g][b];
                first_same += g == 0 && fp[r][g][b] == got[r][g][b];
            }
    // The first token's logits, as a CNN run compares its outputs.
    quant::error_sums err;
    const std::vector<compiler::tensor_desc> desc = compiler::plan_tensors(m_prefill->work.net);
    for (std::size_t k = 0; k < m_prompts.size(); ++k) {
        const std::vector<nn::tensor> q = compiler::reference_run(m_prefill->work.net, {m_prompts[k]});
        const std::vector<nn::tensor> f =
            compiler::reference_run(m_prefill->work.float_net, {float_prompts[k]});
        err.add(f[fg.prefill_logits], quant::real_values(desc[m_g.prefill_logits], q[m_g.prefill_logits]));
    }
    a["fp32_reference"] = "the model at its ONNX types, the same greedy loop";
    a["token_agreement"] = total ? double(same) / double(total) : 0.0;
    a["top1_agreement"] = requests ? double(first_same) / double(requests * m_g.batch) : 0.0;
    a["sqnr_db"] = err.noise > 0 ? 10 * std::log10(err.signal / err.noise) : 200.0;
    a["max_abs_err"] = err.max_abs;
    a["fp32_tokens"] = fp;
    return a;
}

bool llm_run::finish(soc& chip, json& report) {
    bool ok = collect(chip);
    const int decode_steps = m_spec.generate - 1;
    const uint64_t prefill_macs = m_prefill->work.network_info.value("macs", uint64_t{0});
    const uint64_t step_macs = m_step->work.network_info.value("macs", uint64_t{0});
    const json& pi = m_prefill->work.network_info;
    json net = {{"name", m_spec.transformer},
                {"importer", "general"},
                {"generation", true},
                {"layers", m_prefill->work.net.ops.size() + m_step->work.net.ops.size()},
                {"weights", pi.value("weights", uint64_t{0})},
                {"weight_bytes", pi.value("weight_bytes", uint64_t{0}) +
                                     m_step->work.network_info.value("weight_bytes", uint64_t{0})},
                {"weights_note", "the model's weights; weight_bytes counts both packages' copies"},
                {"macs", prefill_macs + static_cast<uint64_t>(decode_steps) * step_macs},
                {"macs_note", "per request: the prefill and generate - 1 decode steps"},
                {"compile_wall_s", m_compile_wall_s},
                {"batch", m_spec.batch},
                {"prefill", m_prefill->work.network_info},
                {"step", m_step->work.network_info}};
    net["prefill"]["package_bytes"] = m_prefill->pkg.image.size();
    net["step"]["package_bytes"] = m_step->pkg.image.size();
    net["package_bytes"] = m_prefill->pkg.image.size() + m_step->pkg.image.size();
    if (!m_prefill->work.values)
        net["weight_values"] = weights_without_values_note;
    report["network"] = net;
    report["quantization"] = m_prefill->work.quantization;
    report["inferences"] = inferences_json();
    report["layers"] = layers_json(chip);
    report["generation"] = generation_json(chip);
    const json& gen = report["generation"];
    std::vector<double> lat;
    double busy_energy = 0, busy_s = 0;
    for (const request_record& r : m_requests) {
        lat.push_back(r.end_s - r.arrival_s);
        busy_energy += r.energy_j;
        busy_s += r.end_s - r.start_s;
    }
    // Operations of the requests (1 MAC = 2 ops) over their span; per watt
    // while serving (the requests' own energy over their own time).
    const double ops = 2.0 * static_cast<double>(net["macs"].get<uint64_t>()) *
                       static_cast<double>(m_requests.size());
    const double busy_w = busy_s > 0 ? busy_energy / busy_s : 0;
    const double span =
        m_requests.empty() ? 0 : m_requests.back().end_s - m_requests.front().start_s;
    report["throughput"] = {{"inferences", m_requests.size()},
                            {"batch", m_spec.batch},
                            {"span_s", span},
                            {"inferences_per_s", span > 0 ? double(m_requests.size()) / span : 0.0},
                            {"gops", span > 0 ? ops / span / 1e9 : 0.0},
                            {"gops_per_w", busy_w > 0 && busy_s > 0 ? ops / busy_s / 1e9 / busy_w : 0.0},
                            {"tokens_per_s", gen["tokens_per_s"]},
                            {"energy_per_token_j", gen["energy_per_token_j"]},
                            {"latency_s", percentiles_json(lat)},
                            {"deadline_s", m_spec.arrival.deadline_s}};
    double wake = 0;
    for (const request_record& r : m_requests)
        wake += r.wake_s;
    add_power_summary(chip, report, power_management_json_of(m_spec.power, m_pm_args, m_pm, wake));
    if (!ok) {
        std::cerr << "nnvp: the firmware left no generation table (it failed before the end)\n";
        return false;
    }
    if (m_status != 0) {
        std::cerr << "nnvp: a request failed (runtime status " << m_status << ")\n";
        ok = false;
    }
    if (!m_timing && !m_requests.empty()) {
        report["accuracy"] = accuracy_json(ok);
        if (!ok)
            std::cerr << "nnvp: the generated tokens differ from the reference executor's\n";
    }
    return ok;
}

}  // namespace nnvp
