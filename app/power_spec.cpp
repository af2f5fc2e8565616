#include "app/power_spec.h"

#include <cmath>
#include <vector>

#include "firmware/programs/network_power.h"

namespace nnvp {

namespace {

struct param_def {
    const char* key;
    double lo, hi;
    const char* arg;  // the program argument it sets
};

// Every governor parameter a scenario may write, with its range.
const std::vector<param_def>& param_defs() {
    static const std::vector<param_def> defs = {
        {"opp", 0, 255, "pm_userspace_opp"},
        {"up_threshold_pct", 1, 100, "pm_up_pct"},
        {"freq_step_pct", 1, 100, "pm_freq_step_pct"},
        {"down_threshold_pct", 0, 99, "pm_cons_down_pct"},
        {"headroom_pct", 100, 1000, "pm_headroom_pct"},
        {"rate_limit_us", 0, 1e9, "pm_rate_limit_us"},
        {"upthreshold_pct", 1, 100, "pm_so_up_pct"},
        {"downdifferential_pct", 0, 99, "pm_so_down_pct"},
        {"margin_pct", 0, 99, "pm_margin_pct"},
        {"transition_us", 0, 1e6, "pm_transition_us"},
        {"compute_opp", 0, 255, "pm_compute_opp"},
        {"frequency_only", 0, 1, "pm_frequency_only"},
        {"prefill_opp", 0, 255, "pm_prefill_opp"},
        {"decode_opp", 0, 255, "pm_decode_opp"},
        {"cap_mw", 1, 1e9, "pm_cap_mw"},
        {"window_us", 1, 1e9, "pm_cap_window_us"},
    };
    return defs;
}

// The parameters each governor uses (besides sampling_ms, which all accept).
const std::map<std::string, std::vector<std::string>>& governor_keys() {
    static const std::map<std::string, std::vector<std::string>> keys = {
        {"none", {}},
        {"performance", {}},
        {"powersave", {}},
        {"userspace", {"opp"}},
        {"ondemand", {"up_threshold_pct"}},
        {"conservative", {"freq_step_pct", "up_threshold_pct", "down_threshold_pct"}},
        {"schedutil", {"headroom_pct", "rate_limit_us"}},
        {"simple_ondemand", {"upthreshold_pct", "downdifferential_pct"}},
        {"race_to_idle", {}},
        {"pace_to_deadline", {"margin_pct", "transition_us"}},
        {"per_layer", {"compute_opp", "frequency_only"}},
        {"phase_aware", {"prefill_opp", "decode_opp"}},
        {"power_cap", {"cap_mw", "window_us"}},
    };
    return keys;
}

bool load_based(const std::string& g) {
    return g == "ondemand" || g == "conservative" || g == "schedutil" || g == "simple_ondemand" ||
           g == "race_to_idle" || g == "power_cap";
}

std::string joined(const std::vector<std::string>& v) {
    std::string s;
    for (const std::string& x : v)
        s += (s.empty() ? "" : ", ") + x;
    return s.empty() ? "no others" : s;
}

}  // namespace

power_spec parse_power_spec(const config_node& node) {
    power_spec p;
    if (node.has("governor")) {
        const config_node g = node.child("governor");
        p.governor = g.one_of("name", fw::pm_governor_codes());
        p.sampling_ms = g.number_in("sampling_ms", 0, 1e6, load_based(p.governor) ? 10 : 0);
        const std::vector<std::string>& allowed = governor_keys().at(p.governor);
        for (const std::string& k : g.keys()) {
            if (k == "name" || k == "sampling_ms")
                continue;
            bool ok = false;
            for (const std::string& a : allowed)
                ok = ok || a == k;
            if (!ok)
                g.fail(k, "expected a parameter of the " + p.governor + " governor (" +
                              joined(allowed) + ", sampling_ms)");
            for (const param_def& d : param_defs())
                if (k == d.key)
                    p.params[k] = k == "frequency_only" ? (g.boolean(k) ? 1.0 : 0.0)
                                                        : g.number_in(k, d.lo, d.hi);
        }
        auto value = [&p](const char* k, double dflt) {
            return p.params.count(k) ? p.params.at(k) : dflt;
        };
        if (p.governor == "power_cap")  // the report names the cap it held to
            for (const auto& [k, dflt] : {std::pair{"cap_mw", 1000.0}, std::pair{"window_us", 10000.0}})
                p.params.emplace(k, dflt);
        if (p.governor == "conservative" &&
            value("down_threshold_pct", 20) >= value("up_threshold_pct", 80))
            g.fail("down_threshold_pct", "expected a value below up_threshold_pct");
        if (p.governor == "simple_ondemand" &&
            value("downdifferential_pct", 5) >= value("upthreshold_pct", 90))
            g.fail("downdifferential_pct", "expected a value below upthreshold_pct");
        g.reject_unknown();
    }
    if (node.has("idle")) {
        const config_node i = node.child("idle");
        p.idle = i.one_of("policy", fw::pm_idle_codes());
        if (p.idle == "always" || p.idle == "fixed_timeout")
            p.idle_state = i.one_of("state", {"idle", "retention", "off"}, "off");
        if (p.idle == "fixed_timeout")
            p.timeout_us = i.number_in("timeout_us", 0, 1e9, p.timeout_us);
        if (p.idle == "residency_aware")
            p.max_exit_us = i.number_in("max_exit_us", 0, 1e9, -1);
        if (p.idle != "none")
            p.gap_prediction = i.one_of("gap_prediction", {"known", "ewma"}, "known");
        i.reject_unknown();
    }
    node.reject_unknown();
    return p;
}

void power_program_args(const power_spec& p, const platform_config& cfg, double deadline_s,
                        const std::string& file, std::map<std::string, int64_t>& args) {
    auto fail = [&file](const std::string& field, const std::string& expected) {
        throw config_error(file + ": workload.power." + field + ": expected " + expected);
    };
    const domain_desc* nn = find_domain(cfg, "nncore");
    if (nn == nullptr || nn->opps.empty())
        fail("governor", "a platform with an nncore domain and its OPP table");
    const std::string top = std::to_string(nn->opps.size() - 1);
    for (const char* k : {"opp", "compute_opp", "prefill_opp", "decode_opp"})
        if (p.params.count(k) && p.params.at(k) > static_cast<double>(nn->opps.size() - 1))
            fail(std::string("governor.") + k, "an nncore OPP index 0.." + top);
    if (p.governor == "pace_to_deadline" && deadline_s <= 0)
        fail("governor.name",
             "a deadline for pace_to_deadline (workload.arrival.deadline_ms, or a periodic "
             "arrival whose deadline is its period)");
    args["deadline_ns"] = static_cast<int64_t>(std::llround(deadline_s * 1e9));
    args["pm_governor"] = fw::pm_code(fw::pm_governor_codes(), p.governor);
    args["pm_sampling_us"] = static_cast<int64_t>(std::llround(p.sampling_ms * 1e3));
    for (const param_def& d : param_defs())
        if (p.params.count(d.key))
            args[d.arg] = static_cast<int64_t>(std::llround(p.params.at(d.key)));
    // conservative's up threshold has its own argument.
    if (p.governor == "conservative" && p.params.count("up_threshold_pct"))
        args["pm_cons_up_pct"] =
            static_cast<int64_t>(std::llround(p.params.at("up_threshold_pct")));
    args["pm_idle"] = fw::pm_code(fw::pm_idle_codes(), p.idle);
    args["pm_idle_state"] = p.idle_state == "idle" ? 1 : p.idle_state == "retention" ? 2 : 3;
    args["pm_timeout_us"] = static_cast<int64_t>(std::llround(p.timeout_us));
    args["pm_max_exit_us"] =
        p.max_exit_us < 0 ? -1 : static_cast<int64_t>(std::llround(p.max_exit_us));
    args["pm_gap_ewma"] = p.gap_prediction == "ewma" ? 1 : 0;
    // The idle policy's view of the domain: its leakage at the top OPP's
    // voltage and the ambient temperature (docs/power.md, Leakage), the
    // retention factor 0.1, the state costs of power.states.
    const power_config& pw = cfg.power;
    const double v = nn->opps.back().volt_mv / 1e3, vn = nn->v_nominal_mv / 1e3;
    const double leak_w = cfg.nncore.core.core_leakage_mw() * 1e-3 * (v / vn) *
                          std::exp(pw.leak_k_v_per_v * (v - vn)) *
                          std::exp(pw.leak_k_t_per_c * (pw.thermal.ambient_c - pw.leak_t_ref_c));
    args["pm_on_idle_uw"] = static_cast<int64_t>(std::llround(leak_w * 1e6));
    args["pm_ret_uw"] = static_cast<int64_t>(std::llround(leak_w * 0.1 * 1e6));
    auto costs = [&args](const char* k, const state_cost& c) {
        const std::string b = std::string("pm_") + k;
        args[b + "_entry_ns"] = static_cast<int64_t>(std::llround(c.entry_us * 1e3));
        args[b + "_exit_ns"] = static_cast<int64_t>(std::llround(c.exit_us * 1e3));
        args[b + "_entry_nj"] = static_cast<int64_t>(std::llround(c.entry_uj * 1e3));
        args[b + "_exit_nj"] = static_cast<int64_t>(std::llround(c.exit_uj * 1e3));
    };
    costs("ret", pw.states[2]);
    costs("off", pw.states[3]);
}

}  // namespace nnvp
