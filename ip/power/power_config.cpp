#include "ip/power/power_config.h"

namespace nnvp {

namespace {

state_cost parse_state(const config_node& n, const state_cost& d) {
    state_cost c;
    c.entry_us = n.number_in("entry_us", 0.0, 1e6, d.entry_us);
    c.exit_us = n.number_in("exit_us", 0.0, 1e6, d.exit_us);
    c.entry_uj = n.number_in("entry_uj", 0.0, 1e6, d.entry_uj);
    c.exit_uj = n.number_in("exit_uj", 0.0, 1e6, d.exit_uj);
    n.reject_unknown();
    return c;
}

std::vector<std::string> names(const config_node& n, const std::string& key,
                               const std::vector<std::string>& dflt) {
    if (!n.has(key))
        return dflt;
    std::vector<std::string> out;
    for (const config_node& e : n.elements(key)) {
        if (!e.json().is_string())
            n.fail(key, "expected an array of domain names");
        out.push_back(e.json().get<std::string>());
    }
    return out;
}

thermal_config parse_thermal(const config_node& n) {
    thermal_config t;
    t.enabled = n.boolean("enabled", t.enabled);
    t.r_c_per_w = n.number_in("r_c_per_w", 1e-6, 1e6, t.r_c_per_w);
    t.c_j_per_c = n.number_in("c_j_per_c", 1e-9, 1e6, t.c_j_per_c);
    t.ambient_c = n.number_in("ambient_c", -60.0, 200.0, t.ambient_c);
    t.step_us = n.number_in("step_us", 1.0, 1e9, t.step_us);
    t.cap_c = n.number_in("cap_c", -60.0, 300.0, t.cap_c);
    t.release_c = n.number_in("release_c", -60.0, 300.0, t.release_c);
    if (t.release_c > t.cap_c)
        n.fail("release_c", "expected a temperature <= cap_c");
    if (n.has("cap_opp")) {
        const config_node caps = n.child("cap_opp");
        for (const std::string& k : caps.keys())
            t.cap_opp[k] = static_cast<unsigned>(caps.uint_in(k, 0, 255));
        caps.reject_unknown();
    }
    n.reject_unknown();
    return t;
}

hw_governor_config parse_hw_governor(const config_node& n) {
    hw_governor_config g;
    g.enabled = n.boolean("enabled", g.enabled);
    g.domains = names(n, "domains", g.domains);
    g.period_us = n.number_in("period_us", 1.0, 1e9, g.period_us);
    g.up_pct = static_cast<unsigned>(n.uint_in("up_pct", 1, 100, g.up_pct));
    g.down_pct = static_cast<unsigned>(n.uint_in("down_pct", 0, 100, g.down_pct));
    if (g.down_pct >= g.up_pct)
        n.fail("down_pct", "expected a percentage below up_pct");
    n.reject_unknown();
    return g;
}

}  // namespace

power_config parse_power_config(const config_node& node) {
    power_config c;
    c.slew_mv_per_us = node.number_in("slew_mv_per_us", 1e-3, 1e6, c.slew_mv_per_us);
    c.slew_step_mv = node.number_in("slew_step_mv", 0.1, 5000.0, c.slew_step_mv);
    c.pll_relock_us = node.number_in("pll_relock_us", 0.0, 1e6, c.pll_relock_us);
    c.transition_energy_uj = node.number_in("transition_energy_uj", 0.0, 1e6,
                                            c.transition_energy_uj);
    c.leakage_mw = node.number_in("leakage_mw", 0.0, 1e6, c.leakage_mw);
    if (node.has("states")) {
        const config_node st = node.child("states");
        const char* keys[] = {"idle", "retention", "off"};
        for (std::size_t i = 0; i < 3; ++i)
            if (st.has(keys[i]))
                c.states[i + 1] = parse_state(st.child(keys[i]), c.states[i + 1]);
        st.reject_unknown();
    }
    c.always_on = names(node, "always_on", c.always_on);
    c.auto_wake = node.boolean("auto_wake", c.auto_wake);
    if (node.has("auto_idle_cycles")) {
        const config_node ai = node.child("auto_idle_cycles");
        for (const std::string& k : ai.keys())
            c.auto_idle_cycles[k] = static_cast<uint32_t>(ai.uint_in(k, 0, 0xffffffffu));
        ai.reject_unknown();
    }
    if (node.has("leakage")) {
        const config_node l = node.child("leakage");
        c.leak_k_v_per_v = l.number_in("k_v_per_v", 0.0, 100.0, c.leak_k_v_per_v);
        c.leak_k_t_per_c = l.number_in("k_t_per_c", 0.0, 1.0, c.leak_k_t_per_c);
        c.leak_t_ref_c = l.number_in("t_ref_c", -60.0, 200.0, c.leak_t_ref_c);
        l.reject_unknown();
    }
    if (node.has("thermal"))
        c.thermal = parse_thermal(node.child("thermal"));
    if (node.has("hw_governor"))
        c.hw_governor = parse_hw_governor(node.child("hw_governor"));
    if (node.has("ceff_pf")) {
        const config_node ce = node.child("ceff_pf");
        for (const std::string& k : ce.keys())
            c.ceff_pf[k] = ce.number_in(k, 0.0, 1e9);
        ce.reject_unknown();
    }
    node.reject_unknown();
    return c;
}

}  // namespace nnvp
