// Firmware glue between a governor (governor.h) and the power controller:
// on every step it reads the domain's telemetry, computes the utilisation
// since the previous step, asks the governor, and requests the OPP it chose
// (without waiting; a step that finds a transition running changes nothing).
// attach() runs the steps from a periodic timer channel.
#pragma once

#include <cstdint>

#include "firmware/drivers/power/power_driver.h"
#include "firmware/drivers/timer/timer_driver.h"
#include "firmware/power/governor.h"

namespace nnvp::fw::pm {

class dvfs_loop {
public:
    dvfs_loop(hal& h, power_driver& drv, unsigned domain, governor& gov);

    // Reads the OPP table and the first telemetry sample.
    power_status init();
    // One governor step (also callable directly, e.g. at inference start).
    power_status step();
    // Runs step() every period_ns from timer channel `ch`.
    timer_status attach(timer_driver& t, unsigned ch, uint64_t period_ns);

    const opp_table& table() const { return m_table; }
    governor& gov() { return m_gov; }
    unsigned domain() const { return m_domain; }
    uint64_t steps() const { return m_steps; }
    uint64_t requests() const { return m_requests; }
    double last_util() const { return m_last_util; }
    power_status last_status() const { return m_last_status; }

private:
    hal& m_hal;
    power_driver& m_drv;
    unsigned m_domain;
    governor& m_gov;
    opp_table m_table;
    domain_telemetry m_prev;
    uint64_t m_prev_ns = 0;  // when m_prev was read
    bool m_stepped = false;  // m_prev holds a reading
    uint64_t m_steps = 0;
    uint64_t m_requests = 0;
    double m_last_util = 0;
    power_status m_last_status = power_status::ok;
};

}  // namespace nnvp::fw::pm
