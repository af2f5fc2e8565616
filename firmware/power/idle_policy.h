// Idle policies: which power state a domain should enter when it runs out of
// work, as pure decision functions over (time idle so far, predicted idle
// gap). idle_manager (idle_manager.h) applies the decisions through the power
// driver.
//
// Break-even time of a low state s against staying ON-idle at P_on (the
// controller keeps the domain ON during the entry latency and in s during the
// exit latency):
//   E_s(t)  = E_entry + E_exit + P_on t_entry + P_s (t - t_entry)
//   E_on(t) = P_on t
//   t_be    = max(t_entry + t_exit, t_entry + (E_entry + E_exit) / (P_on - P_s))
// (infinite when P_s >= P_on). Entering s pays off for idle gaps >= t_be.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "firmware/drivers/power/power_driver.h"

namespace nnvp::fw::pm {

struct low_state {
    pstate state = pstate::off;
    double entry_us = 0, exit_us = 0;
    double entry_uj = 0, exit_uj = 0;
    double power_mw = 0;  // the domain's power in the state
};

double break_even_us(const low_state& s, double on_idle_mw);
// The idle gap above which `deeper` costs less than `shallower` (infinite
// when it draws no less power): residency_aware goes deeper only past it.
double break_even_over_us(const low_state& deeper, const low_state& shallower, double on_idle_mw);

struct idle_params {
    std::string name = "none";           // none, always, fixed_timeout, residency_aware
    double on_idle_mw = 0;               // the domain's power ON and idle
    std::vector<low_state> states;       // candidates, shallowest first
    pstate always_state = pstate::off;   // "always": entered at once
    pstate timeout_state = pstate::off;  // "fixed_timeout": entered after timeout_us
    double timeout_us = 1000;
    double max_exit_us = 1e18;  // residency_aware: exit latency the workload tolerates
};

struct idle_decision {
    pstate state = pstate::on;  // the state to be in now
    double recheck_in_us = 0;   // > 0: ask again after this much more idle time
};

class idle_policy {
public:
    virtual ~idle_policy() = default;
    virtual const char* name() const = 0;
    virtual idle_decision decide(double idle_for_us, double predicted_gap_us) const = 0;
};

// nullptr for an unknown name.
std::unique_ptr<idle_policy> make_idle_policy(const idle_params& p);

// Exponentially weighted average of observed idle gaps (the menu governor's
// idea, without its correction factors): predict() = last estimate.
class gap_predictor {
public:
    explicit gap_predictor(double alpha = 0.25) : m_alpha(alpha) {}
    void observe(double gap_us);
    double predict() const { return m_estimate; }
    bool ready() const { return m_seen; }

private:
    double m_alpha;
    double m_estimate = 0;
    bool m_seen = false;
};

}  // namespace nnvp::fw::pm
