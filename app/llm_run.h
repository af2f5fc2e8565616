// `nnvp run` on a generation workload (a zoo decoder with workload.prompt
// and workload.generate): the model is built twice, as the prefill pass
// (the prompt in one pass) and as the decode step over a static KV cache of
// prompt + generate - 2 slots (sw/transformers/transformer_zoo.h), both
// quantized alike (the step calibrated on the decode states the float
// prefill leaves), compiled into two packages and staged with the prompts;
// the llm_generate firmware program serves the requests. Afterwards the
// report gets the generation section (TTFT, TPOT percentiles, tokens/s,
// energy and DRAM bytes per token, KV-cache bytes, per-phase bound and
// utilisation, and in functional mode the greedy tokens checked against the
// reference executor's and compared with the float model's), inferences
// (one row per request), throughput and layers (both packages' steps, per
// request).
//
// DRAM layout from the DRAM region's base: the prefill's arena at +64 MiB,
// the step's arena (unless workload.arena puts it, and with it the KV
// cache, in the on-chip SRAM), the two packages, the prompts and the
// generation table, each 1 MiB aligned.
#pragma once

#include <map>
#include <memory>
#include <nlohmann/json.hpp>

#include "app/network_job.h"
#include "app/scenario.h"
#include "app/workload.h"
#include "firmware/runtime/generation.h"

namespace nnvp {

struct request_record {
    double arrival_s = 0, start_s = 0, first_token_s = 0, end_s = 0;
    double energy_j = 0, nncore_energy_j = 0, transition_energy_j = 0, wake_s = 0;
    std::vector<double> token_end_s, token_energy_j;  // per generated token (cumulative counter)
    std::vector<std::vector<int64_t>> tokens;         // per generated token, per sequence
};

// One pass of the generation, compiled.
struct generation_pass {
    resolved_workload work;
    compiler::built_package pkg;
    package::package_view view;  // view_of(work.net)
    uint64_t package_at = 0;
    std::size_t core_steps = 0;
};

class llm_run {
public:
    // Builds, quantizes and compiles both passes; sets sc.program and
    // sc.args. Throws config_error for a bad workload (exit 2).
    explicit llm_run(scenario& sc);
    ~llm_run();

    void preload(soc& chip) const;
    stream_progress progress(const soc& chip) const;
    // Adds the report's sections; false when the firmware failed or a check
    // failed (exit 1).
    bool finish(soc& chip, nlohmann::json& report);

private:
    using pass = generation_pass;
    void compile(const scenario& sc);
    bool collect(soc& chip);
    nlohmann::json generation_json(const soc& chip) const;
    nlohmann::json inferences_json() const;
    nlohmann::json layers_json(const soc& chip) const;
    // The core step of the prefill (prefill) or decode pass that NN-core
    // stream `stream` ran, or -1 (streams run one per core step, request by
    // request: the prefill's, then each decode step's).
    int core_step_of(uint64_t stream, bool prefill) const;
    nlohmann::json accuracy_json(bool& ok) const;

    workload_spec m_spec;
    bool m_timing = false;
    std::string m_file;
    std::unique_ptr<pass> m_prefill, m_step;
    std::vector<nn::tensor> m_prompts;  // staged: the prefill's input, per slot
    fw::generation_tensors m_g;
    uint64_t m_dram_base = 0, m_prompts_at = 0, m_prompt_bytes = 0, m_stats_at = 0;
    std::map<std::string, int64_t> m_pm_args;
    double m_compile_wall_s = 0;
    // From the generation table.
    std::vector<request_record> m_requests;
    uint64_t m_status = 0;
    power_management_counts m_pm;
    std::vector<uint64_t> m_step_ns, m_step_cycles;  // prefill's steps, then the step's
};

}  // namespace nnvp
