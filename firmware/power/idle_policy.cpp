#include "firmware/power/idle_policy.h"

#include <algorithm>
#include <limits>

namespace nnvp::fw::pm {

double break_even_us(const low_state& s, double on_idle_mw) {
    const double saved_mw = on_idle_mw - s.power_mw;
    if (saved_mw <= 0)
        return std::numeric_limits<double>::infinity();
    // uJ / mW = ms: x 1e3 for us.
    const double energy_us = (s.entry_uj + s.exit_uj) / saved_mw * 1e3;
    return std::max(s.entry_us + s.exit_us, s.entry_us + energy_us);
}

// E_d(t) < E_c(t) for t above
//   [(E_tr,d - E_tr,c) + (P_on - P_d) t_entry,d - (P_on - P_c) t_entry,c] / (P_c - P_d)
// (E_tr: entry + exit energy; the entry is spent ON, the rest in the state).
double break_even_over_us(const low_state& deeper, const low_state& shallower, double on_idle_mw) {
    const double saved_mw = shallower.power_mw - deeper.power_mw;
    if (saved_mw <= 0)
        return std::numeric_limits<double>::infinity();
    const double extra_uj = (deeper.entry_uj + deeper.exit_uj) -
                            (shallower.entry_uj + shallower.exit_uj) +
                            (on_idle_mw - deeper.power_mw) * deeper.entry_us * 1e-3 -
                            (on_idle_mw - shallower.power_mw) * shallower.entry_us * 1e-3;
    return std::max(deeper.entry_us + deeper.exit_us, extra_uj / saved_mw * 1e3);
}

void gap_predictor::observe(double gap_us) {
    m_estimate = m_seen ? m_alpha * gap_us + (1 - m_alpha) * m_estimate : gap_us;
    m_seen = true;
}

namespace {

class none_policy : public idle_policy {
public:
    const char* name() const override { return "none"; }
    idle_decision decide(double, double) const override { return {}; }
};

class always_policy : public idle_policy {
public:
    explicit always_policy(pstate s) : m_state(s) {}
    const char* name() const override { return "always"; }
    idle_decision decide(double, double) const override { return {m_state, 0}; }

private:
    pstate m_state;
};

class fixed_timeout_policy : public idle_policy {
public:
    fixed_timeout_policy(pstate s, double timeout_us) : m_state(s), m_timeout(timeout_us) {}
    const char* name() const override { return "fixed_timeout"; }
    idle_decision decide(double idle_for_us, double) const override {
        if (idle_for_us < m_timeout)
            return {pstate::on, m_timeout - idle_for_us};
        return {m_state, 0};
    }

private:
    pstate m_state;
    double m_timeout;
};

// The deepest candidate that pays off over the rest of the predicted gap
// against staying ON and against the shallower state chosen so far (pairwise
// break-even: for a gap between the two break-even times the shallower state
// costs less), and whose exit latency the workload tolerates.
class residency_aware_policy : public idle_policy {
public:
    explicit residency_aware_policy(const idle_params& p) : m_p(p) {}
    const char* name() const override { return "residency_aware"; }
    idle_decision decide(double idle_for_us, double predicted_gap_us) const override {
        const double left = predicted_gap_us - idle_for_us;
        idle_decision d;
        const low_state* chosen = nullptr;
        for (const low_state& s : m_p.states) {  // shallow -> deep
            if (s.exit_us > m_p.max_exit_us || break_even_us(s, m_p.on_idle_mw) > left)
                continue;
            if (chosen && break_even_over_us(s, *chosen, m_p.on_idle_mw) > left)
                continue;
            chosen = &s;
            d.state = s.state;
        }
        return d;
    }

private:
    idle_params m_p;
};

}  // namespace

std::unique_ptr<idle_policy> make_idle_policy(const idle_params& p) {
    if (p.name == "none")
        return std::make_unique<none_policy>();
    if (p.name == "always")
        return std::make_unique<always_policy>(p.always_state);
    if (p.name == "fixed_timeout")
        return std::make_unique<fixed_timeout_policy>(p.timeout_state, p.timeout_us);
    if (p.name == "residency_aware")
        return std::make_unique<residency_aware_policy>(p);
    return nullptr;
}

}  // namespace nnvp::fw::pm
