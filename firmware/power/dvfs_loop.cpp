#include "firmware/power/dvfs_loop.h"

namespace nnvp::fw::pm {

dvfs_loop::dvfs_loop(hal& h, power_driver& drv, unsigned domain, governor& gov)
    : m_hal(h), m_drv(drv), m_domain(domain), m_gov(gov) {}

power_status dvfs_loop::init() {
    uint32_t n = 0;
    if (auto s = m_drv.opp_count(m_domain, n); s != power_status::ok)
        return s;
    m_table.clear();
    for (unsigned i = 0; i < n; ++i) {
        opp_info o{};
        if (auto s = m_drv.opp(m_domain, i, o); s != power_status::ok)
            return s;
        m_table.push_back({o.freq_khz * 1e3, o.volt_mv * 1e-3});
    }
    m_prev_ns = m_hal.now_ns();
    m_stepped = true;
    return m_drv.telemetry(m_domain, m_prev);
}

power_status dvfs_loop::step() {
    domain_telemetry now;
    if (auto s = m_drv.telemetry(m_domain, now); s != power_status::ok)
        return m_last_status = s;
    ++m_steps;
    m_last_util = utilisation(m_prev, now);
    const uint64_t t = m_hal.now_ns();
    gov_sample smp;
    smp.energy_j = static_cast<double>(now.energy_nj - m_prev.energy_nj) * 1e-9;
    smp.period_ns = m_stepped && t > m_prev_ns ? t - m_prev_ns : 0;
    m_prev = now;
    m_prev_ns = t;
    m_stepped = true;
    if (m_table.empty())
        return m_last_status = power_status::bad_index;
    smp.util = m_last_util;
    smp.cur = now.opp;
    smp.opp_max = now.opp_max;
    smp.now_ns = m_hal.now_ns();
    const unsigned next = m_gov.decide(smp, m_table);
    if (next == now.opp || now.busy)
        return m_last_status = power_status::ok;
    ++m_requests;
    return m_last_status = m_drv.request_opp(m_domain, next);
}

timer_status dvfs_loop::attach(timer_driver& t, unsigned ch, uint64_t period_ns) {
    return t.start_periodic_ns(ch, period_ns, [this] { step(); });
}

}  // namespace nnvp::fw::pm
