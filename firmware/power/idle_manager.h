// Firmware glue that applies an idle policy (idle_policy.h) to one domain:
// the runtime calls on_idle() when the domain runs out of work and on_work()
// before it gives it new work. A policy that wants to be asked again later
// (fixed timeout) is re-run from a timer alarm.
#pragma once

#include <cstdint>

#include "firmware/drivers/power/power_driver.h"
#include "firmware/drivers/timer/timer_driver.h"
#include "firmware/power/idle_policy.h"

namespace nnvp::fw::pm {

class idle_manager {
public:
    idle_manager(hal& h, power_driver& drv, unsigned domain, const idle_policy& policy);

    // Timer channel for re-checks (without one, recheck() must be called).
    void use_timer(timer_driver& t, unsigned ch) {
        m_timer = &t;
        m_ch = ch;
    }
    // The domain just went idle; the next work is expected in predicted_gap_us.
    power_status on_idle(double predicted_gap_us);
    // Asks the policy again (from the alarm on_idle() set).
    power_status recheck();
    // Brings the domain back ON before new work and waits for it; wake_ns
    // is the time that took (0 when it was ON already).
    power_status on_work(uint64_t& wake_ns);

    pstate requested() const { return m_state; }
    uint64_t entries() const { return m_entries; }
    // on_work() saw that the domain's state was lost (OFF) since on_idle():
    // buffers in the domain must be reloaded.
    bool context_lost() const { return m_lost; }

private:
    power_status wait_idle(uint64_t t0);
    power_status apply(const idle_decision& d);

    hal& m_hal;
    power_driver& m_drv;
    unsigned m_domain;
    const idle_policy& m_policy;
    timer_driver* m_timer = nullptr;
    unsigned m_ch = 0;
    bool m_idle = false;
    uint64_t m_idle_since_ns = 0;
    double m_gap_us = 0;
    pstate m_state = pstate::on;
    uint32_t m_lost_before = 0;
    bool m_lost = false;
    uint64_t m_entries = 0;
};

}  // namespace nnvp::fw::pm
