#include "app/network_run.h"

#include "app/general_workload.h"
#include "app/power_report.h"

#include <chrono>
#include <cmath>
#include <iostream>

#include "sw/compiler/reference.h"
#include "sw/quant/error_report.h"
#include "sw/quant/float_exec.h"
#include "sw/quant/network_quantizer.h"
#include "sw/quant/quantizer.h"

namespace nnvp {

network_run::network_run(scenario& sc) : m_spec(*sc.workload), m_timing(sc.mode == "timing") {
    if (m_spec.generate > 0) {
        m_llm = std::make_unique<llm_run>(sc);
        return;
    }
    m_work = resolve_workload(m_spec, m_timing, sc.file);
    network_job job;
    job.net = m_work.net;
    job.input_sets = m_work.inputs;
    job.inferences = m_work.inferences ? m_work.inferences : m_spec.inferences;
    job.arrival = m_spec.arrival.pattern;
    job.period_s = arrival_gap_s(m_spec.arrival);
    job.deadline_s = m_spec.arrival.deadline_s > 0 ? m_spec.arrival.deadline_s
                     : job.arrival == "periodic"   ? job.period_s
                                                   : 0;
    job.seed = m_spec.seed;
    job.df = dataflow_of(m_spec);
    job.channel_split = channel_split_of(m_spec);
    job.timing = m_timing;
    job.power = m_spec.power;
    job.sparsity = m_spec.sparsity.mode == "gate" ? 1 : m_spec.sparsity.mode == "skip" ? 2 : 0;
    job.weight_density = m_work.weight_density;
    job.act_density = m_spec.sparsity.activation_density;
    job.weight_format = cost::parse_weight_format(m_spec.sparsity.weight_format);
    job.arena = m_spec.arena;
    job.log_steps = m_spec.log_steps;
    job.file = sc.file;
    job.package_cache = sc.package_cache;
    if (!sc.package_cache.empty()) {
        job.package_identity = package_network_identity(sc);
        if (job.package_identity.is_null())
            m_cache_refusal = package_cache_refusal(sc);
    }
    try {
        m_session = std::make_unique<network_session>(std::move(job), sc.platform);
    } catch (const std::invalid_argument& e) {
        throw config_error(sc.file + ": workload.network: cannot compile: " + e.what());
    }
    sc.args = m_session->args();
    std::cout << "nnvp: " << m_work.name << " (" << m_work.quantization["precision"].get<std::string>()
              << ", " << m_work.quantization["scheme"].get<std::string>() << "): "
              << m_session->package().image.size() << "-byte package, arena "
              << m_session->package().arena_size << " bytes, compiled in "
              << m_work.compile_wall_s + m_session->compile_wall_s() << " s\n";
    if (m_session->cache_use())
        std::cout << "nnvp: " << m_session->cache_use()->console_line() << "\n";
    else if (!m_cache_refusal.empty())
        std::cout << "nnvp: package cache: not used: " << m_cache_refusal << "\n";
}

namespace {

double sqnr_db(double signal, double noise) {
    if (noise <= 0)
        return signal > 0 ? 200.0 : 0.0;  // exact: report a large finite figure
    return 10 * std::log10(signal / noise);
}

std::size_t argmax_row(const nn::tensor& t, std::size_t row, std::size_t width) {
    std::size_t best = 0;
    for (std::size_t k = 1; k < width; ++k)
        if (t.get_float(row * width + k) > t.get_float(row * width + best))
            best = k;
    return best;
}

}  // namespace

// The general importer's networks: the reference executor is their
// reference, for every output; a quantized one is also compared with the
// network at its ONNX types (every output dequantized: SQNR, largest error,
// top-1 agreement of output 0's rows).
nlohmann::json network_run::general_accuracy_json(bool& ok) const {
    const std::vector<nn::tensor>& outs = m_session->outputs();
    const std::size_t n = std::min(outs.size(), m_work.inputs.size());
    const compiler::network& net = m_work.net;
    const bool quantized = m_work.quantization.value("precision", "fp32") != "fp32";
    const std::vector<compiler::tensor_desc> desc = compiler::plan_tensors(net);
    const std::vector<int> at = net.output_indices();
    const std::vector<int> fat = m_work.float_net.output_indices();
    std::size_t mismatched = 0, rows = 0, agree = 0, labelled = 0, correct = 0;
    quant::error_sums err;
    for (std::size_t k = 0; k < n; ++k) {
        std::vector<const nn::tensor*> got = {&outs[k]};
        for (const nn::tensor& e : m_session->extra_outputs().at(k))
            got.push_back(&e);
        if (m_spec.check) {
            const std::vector<nn::tensor> golden = compiler::reference_run(net, m_work.inputs[k]);
            for (std::size_t o = 0; o < at.size() && o < got.size(); ++o)
                mismatched += golden[static_cast<std::size_t>(at[o])].bytes() != got[o]->bytes();
        }
        if (!m_work.labels.empty()) {  // a dataset: the first output's rows are class scores
            const nn::tensor real =
                quant::real_values(desc[static_cast<std::size_t>(at[0])], *got[0]);
            const auto width = static_cast<std::size_t>(real.shape().c);
            for (std::size_t r = 0; r < real.size() / width && labelled < m_work.labels.size();
                 ++r, ++labelled)
                correct += argmax_row(real, r, width) == m_work.labels[labelled];
        }
        if (!quantized)
            continue;
        const std::vector<nn::tensor> fp = compiler::reference_run(m_work.float_net, m_work.float_inputs[k]);
        for (std::size_t o = 0; o < at.size() && o < got.size(); ++o) {
            const nn::tensor& want = fp[static_cast<std::size_t>(fat[o])];
            const nn::tensor real = quant::real_values(desc[static_cast<std::size_t>(at[o])], *got[o]);
            err.add(want, real);
            const auto width = static_cast<std::size_t>(want.shape().c);
            for (std::size_t r = 0; o == 0 && width > 1 && r < want.size() / width; ++r, ++rows)
                agree += argmax_row(real, r, width) == argmax_row(want, r, width);
        }
    }
    nlohmann::json a = {{"reference", quantized ? "fp32 (the model at its ONNX types)"
                                                : "reference executor (the model at its ONNX types)"},
                        {"compared_inputs", n},
                        {"outputs_per_inference", 1 + net.extra_outputs.size()}};
    if (!m_work.labels.empty()) {
        a["dataset"] = m_spec.dataset.name + "/" + m_spec.dataset.split;
        a["labelled"] = labelled;
        a["top1"] = labelled ? double(correct) / double(labelled) : 0.0;
    }
    if (quantized) {
        a["max_abs_err"] = err.max_abs;
        a["sqnr_db"] = sqnr_db(err.signal, err.noise);
        a["top1_agreement"] = rows ? double(agree) / double(rows) : 0.0;
    }
    if (m_spec.check) {
        a["bit_exact_vs_reference_executor"] = mismatched == 0;
        a["mismatched_outputs"] = mismatched;
        ok = ok && mismatched == 0;
    }
    return a;
}

nlohmann::json network_run::accuracy_json(bool& ok) const {
    const std::vector<nn::tensor>& outs = m_session->outputs();
    const std::size_t sets = m_work.inputs.size();
    const std::size_t n = std::min(outs.size(), sets);
    quant::error_sums err;
    std::size_t rows = 0, agree = 0, mismatched = 0, correct = 0;
    for (std::size_t k = 0; k < n; ++k) {
        const nn::tensor real = quant::dequantize_output(m_work.net, outs[k]);
        const quant::float_run ref =
            quant::run_float(m_work.graph, {m_work.real_inputs[k]});
        const nn::tensor& want = ref.values.at(m_work.graph.outputs()[0]);
        err.add(want, real);
        const std::size_t width = static_cast<std::size_t>(want.shape().c);
        for (std::size_t r = 0; r < want.size() / width; ++r, ++rows) {
            const std::size_t got = argmax_row(real, r, width);
            agree += got == argmax_row(want, r, width);
            if (!m_work.labels.empty())
                correct += got == m_work.labels[rows];
        }
        if (m_spec.check) {
            const std::vector<nn::tensor> golden =
                compiler::reference_run(m_work.net, m_work.inputs[k]);
            if (golden[static_cast<std::size_t>(m_work.net.output_index())].bytes() !=
                outs[k].bytes())
                ++mismatched;
        }
    }
    nlohmann::json a = {{"reference", "fp32"},
                        {"compared_inputs", n},
                        {"max_abs_err", err.max_abs},
                        {"sqnr_db", sqnr_db(err.signal, err.noise)},
                        {"top1_agreement", rows ? double(agree) / rows : 0.0}};
    if (!m_work.labels.empty()) {
        a["dataset"] = m_spec.dataset.name + "/" + m_spec.dataset.split;
        a["labelled"] = rows;
        a["top1"] = rows ? double(correct) / rows : 0.0;
    }
    if (m_spec.check) {
        a["bit_exact_vs_reference_executor"] = mismatched == 0;
        a["mismatched_outputs"] = mismatched;
        ok = ok && mismatched == 0;
    }
    return a;
}

bool network_run::finish(soc& chip, const run_outcome& outcome, nlohmann::json& report) {
    (void)outcome;
    if (m_llm)
        return m_llm->finish(chip, report);
    bool ok = m_session->collect(chip);
    nlohmann::json net = m_work.network_info;
    net["compile_wall_s"] = m_work.compile_wall_s + m_session->compile_wall_s();
    net["package_bytes"] = m_session->package().image.size();
    if (!m_work.values)
        net["weight_values"] = weights_without_values_note;
    net["arena_bytes"] = m_session->package().arena_size;
    if (m_session->cache_use())
        net["package_cache"] = m_session->cache_use()->json();
    else if (!m_cache_refusal.empty())
        net["package_cache"] = {{"outcome", "not used"}, {"problem", m_cache_refusal}};
    const region* arena = chip.config().map.decode(m_session->package().arena_base);
    net["arena_memory"] = arena ? arena->name : "?";
    net["batch"] = m_spec.batch;
    const sparsity_spec& sp = m_spec.sparsity;
    net["sparsity"] = {{"mode", sp.mode},
                       {"weight_zero_pct", sp.weight_zero_pct},
                       {"weight_density", m_work.weight_density},
                       {"weight_format", sp.weight_format},
                       // Functional mode measures every layer's operands.
                       {"activation_density", m_timing ? nlohmann::json(sp.activation_density)
                                                       : nlohmann::json("measured")}};
    report["network"] = net;
    report["quantization"] = m_work.quantization;
    report["inferences"] = m_session->inferences_json();
    const double energy = report["power"].value("energy_j", 0.0);
    report["throughput"] = m_session->throughput_json(net["macs"].get<uint64_t>(), energy);
    report["layers"] = m_session->layers_json();
    add_power_summary(chip, report, m_session->power_management_json());
    if (!ok) {
        std::cerr << "nnvp: the firmware left no results table (it failed before the end)\n";
        return false;
    }
    if (m_session->runtime_status() != 0) {
        std::cerr << "nnvp: an inference failed (runtime status " << m_session->runtime_status()
                  << ")\n";
        ok = false;
    }
    if (!m_timing && !m_session->outputs().empty()) {
        report["accuracy"] = m_work.general ? general_accuracy_json(ok) : accuracy_json(ok);
        if (!ok)
            std::cerr << "nnvp: the outputs differ from the reference executor's\n";
    }
    return ok;
}

}  // namespace nnvp
