// `nnvp run` on a scenario with a workload: resolves the network (zoo or
// ONNX, quantized), compiles and stages it (network_job.h; a generation
// workload goes to llm_run.h instead), and after the
// run adds the report's network, inferences, throughput, layers and accuracy
// sections. In functional mode the outputs are checked bit for bit against
// the reference executor (workload.check) and compared with the FP32
// reference (accuracy).
#pragma once

#include <memory>

#include <nlohmann/json.hpp>

#include "app/llm_run.h"
#include "app/network_job.h"
#include "app/scenario.h"
#include "app/workload.h"

namespace nnvp {

class network_run {
public:
    // Throws config_error for bad workloads (exit 2).
    explicit network_run(scenario& sc);

    void preload(soc& chip) const {
        m_llm ? m_llm->preload(chip) : m_session->preload(chip);
    }
    network_session::run_progress progress(const soc& chip) const {
        return m_llm ? m_llm->progress(chip) : m_session->progress(chip);
    }
    // The compiled network and its package (nullptr for a generation workload).
    const compiler::network& network() const { return m_work.net; }
    const compiler::built_package* package() const {
        return m_session ? &m_session->package() : nullptr;
    }
    // Adds the sections; returns false when a check failed (exit 1).
    bool finish(soc& chip, const run_outcome& outcome, nlohmann::json& report);

private:
    nlohmann::json accuracy_json(bool& ok) const;
    nlohmann::json general_accuracy_json(bool& ok) const;

    workload_spec m_spec;
    bool m_timing = false;
    resolved_workload m_work;
    std::unique_ptr<network_session> m_session;
    std::unique_ptr<llm_run> m_llm;  // a generation workload instead (workload.generate)
    std::string m_cache_refusal;     // why --package-cache was not used ("" when it was)
};

}  // namespace nnvp
