#include "platform/power_stats.h"

#include <cmath>

#include "ip/power/energy_model.h"
#include "arch/regs/power_regs.h"
#include "platform/soc.h"

namespace nnvp {

namespace {
std::string mhz_label(double hz) {
    return std::to_string(static_cast<long long>(std::llround(hz / 1e6))) + "MHz";
}
}  // namespace

nlohmann::json power_energy_model(const soc& chip) {
    const power_config& pc = chip.config().power;
    nlohmann::json out = nlohmann::json::object();
    for (const std::string& name : domain_order) {
        const clock_domain& d = chip.domain(name);
        em_params p;
        const auto ce = pc.ceff_pf.find(name);
        p.ceff_f = ce == pc.ceff_pf.end() ? 0.0 : ce->second * 1e-12;
        for (const energy_meter* m : d.meters())
            p.leak_w_at_vnom += m->leakage_w_at_vnom() * m->factors().on;
        p.v_nominal = d.v_nominal();
        p.k_v_per_v = d.leakage().k_v_per_v;
        p.k_t_per_c = d.leakage().k_t_per_c;
        p.t_ref_c = d.leakage().t_ref_c;
        p.temp_c = d.temperature_c();
        std::vector<em_input_opp> opps;
        for (const operating_point& o : d.opps())
            opps.push_back({o.freq_hz, o.voltage_v});
        nlohmann::json rows = nlohmann::json::array();
        nlohmann::json dominated = nlohmann::json::array();
        for (const em_point& e : build_energy_model(opps, p)) {
            rows.push_back({{"mhz", e.freq_hz / 1e6},
                            {"mv", std::llround(e.volt_v * 1e3)},
                            {"dynamic_w", e.dynamic_w},
                            {"leakage_w", e.leakage_w},
                            {"power_w", e.power_w},
                            {"cost_w", e.cost},
                            {"energy_per_cycle_j", e.energy_per_cycle_j},
                            {"dominated", e.dominated}});
            if (e.dominated)
                dominated.push_back(mhz_label(e.freq_hz));
        }
        out[name] = {{"ceff_pf", p.ceff_f * 1e12},
                     {"leakage_w_at_vnom", p.leak_w_at_vnom},
                     {"temperature_c", p.temp_c},
                     {"opps", rows},
                     {"dominated", dominated}};
    }
    return out;
}

nlohmann::json power_state_stats(const soc& chip) {
    namespace pr = power_regs;
    const power_controller& ctl = chip.power();
    nlohmann::json out = nlohmann::json::object();
    for (std::size_t i = 0; i < domain_order.size(); ++i) {
        const clock_domain& d = chip.domain(domain_order[i]);
        nlohmann::json entries = nlohmann::json::object();
        for (uint32_t st = 0; st < pr::state_count; ++st)
            entries[to_string(static_cast<power_state>(st))] = ctl.state_entries(i, st);
        const uint64_t busy = d.busy_cycles();
        const uint64_t clocked = d.clocked_cycles();
        out[d.name()] = {{"state_transitions", ctl.state_transitions(i)},
                         {"entries", entries},
                         {"transition_energy_j", ctl.transition_energy_j(i)},
                         {"contexts_lost", d.contexts_lost()},
                         {"busy_cycles", busy},
                         {"idle_cycles", clocked - busy},
                         {"utilization", clocked ? static_cast<double>(busy) / clocked : 0.0}};
    }
    out["thermal"] = {{"temperature_c", ctl.temperature_c()},
                      {"peak_c", ctl.peak_temperature_c()},
                      {"cap_episodes", ctl.thermal_episodes()}};
    return out;
}

}  // namespace nnvp
