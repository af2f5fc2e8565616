#include "app/power_report.h"

#include <algorithm>

#include "platform/soc.h"

namespace nnvp {

namespace {

double number(const nlohmann::json& j, const char* key) {
    return j.contains(key) && j[key].is_number() ? j[key].get<double>() : 0.0;
}

}  // namespace

void add_power_summary(const soc& chip, nlohmann::json& report, nlohmann::json management) {
    nlohmann::json& power = report["power"];
    const nlohmann::json& inferences = report["inferences"];
    const nlohmann::json& tp = report["throughput"];
    const double n = inferences.empty() ? 1.0 : static_cast<double>(inferences.size());
    double busy_j = 0, nncore_j = 0, trans_j = 0, latency = 0, wake = 0;
    for (const nlohmann::json& r : inferences) {
        busy_j += number(r, "energy_j");
        nncore_j += number(r, "nncore_energy_j");
        trans_j += number(r, "transition_energy_j");
        latency += number(r, "latency_s");
        wake += number(r, "wake_s");
    }
    double peak = 0;
    chip.trace().for_each_sample([&peak](const std::string& signal, double, double value) {
        if (signal == "power_w")
            peak = std::max(peak, value);
    });
    const double e_inf = busy_j / n, d = latency / n;
    nlohmann::json sum = {
        {"energy_j", number(power, "energy_j")},
        {"dynamic_j", number(power, "dynamic_j")},
        {"leakage_j", number(power, "leakage_j")},
        {"transition_j", number(power, "transition_j")},
        {"per_inference",
         {{"run_energy_j", number(power, "energy_j") / n},
          {"run_dynamic_j", number(power, "dynamic_j") / n},
          {"run_leakage_j", number(power, "leakage_j") / n},
          {"run_transition_j", number(power, "transition_j") / n},
          {"energy_j", e_inf},
          {"nncore_energy_j", nncore_j / n},
          {"transition_j", trans_j / n},
          {"wake_s", wake / n}}},
        {"avg_power_w", number(power, "avg_power_w")},
        {"peak_power_w", peak},
        {"peak_window_s", chip.config().trace_power_sample_us * 1e-6},
        {"edp_j_s", e_inf * d},
        {"ed2p_j_s2", e_inf * d * d},
        {"latency_mean_s", d},
        {"latency_p99_s", tp.contains("latency_s") ? number(tp["latency_s"], "p99") : 0.0},
        {"deadline_misses", tp.value("deadline_misses", 0u)},
        {"worst_lateness_s", number(tp, "worst_lateness_s")}};
    const char* dom = "nncore";
    if (power.contains("states") && power["states"].contains(dom))
        sum["nncore_state_residency_s"] = power["states"][dom];
    if (power.contains("opp_residency") && power["opp_residency"].contains(dom))
        sum["nncore_opp_residency_s"] = power["opp_residency"][dom];
    if (power.contains("transitions") && power["transitions"].contains(dom))
        sum["nncore_opp_transitions"] = power["transitions"][dom];
    if (power.contains("power_states") && power["power_states"].contains(dom))
        sum["nncore_state_transitions"] = power["power_states"][dom].value("state_transitions", 0);
    if (!chip.config().trace_power_sample_us)
        sum.erase("peak_power_w");  // no samples to take it from
    const nlohmann::json& gov = management["governor"];
    if (gov.value("name", "") == "power_cap") {
        // Whether the cap held while serving: the NN core's energy over the
        // requests' own time (the domain may not get under a cap below what
        // it draws at its slowest OPP).
        double service_s = 0;
        for (const nlohmann::json& r : inferences)
            service_s += number(r, "service_s");
        const double cap_w = number(gov, "cap_mw") * 1e-3;
        const double serving_w = service_s > 0 ? nncore_j / service_s : 0.0;
        management["cap"] = {{"cap_w", cap_w},
                             {"nncore_serving_power_w", serving_w},
                             {"met", serving_w <= cap_w}};
    }
    power["management"] = std::move(management);
    power["summary"] = std::move(sum);
}

}  // namespace nnvp
