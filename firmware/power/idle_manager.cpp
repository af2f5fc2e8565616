#include "firmware/power/idle_manager.h"

namespace nnvp::fw::pm {

namespace {
constexpr uint64_t poll_ns = 1000;
constexpr uint64_t wake_timeout_ns = 10'000'000;  // 10 ms: far above any exit latency
}  // namespace

idle_manager::idle_manager(hal& h, power_driver& drv, unsigned domain, const idle_policy& policy)
    : m_hal(h), m_drv(drv), m_domain(domain), m_policy(policy) {}

power_status idle_manager::on_idle(double predicted_gap_us) {
    m_idle = true;
    m_idle_since_ns = m_hal.now_ns();
    m_gap_us = predicted_gap_us;
    if (auto s = m_drv.context_lost(m_domain, m_lost_before); s != power_status::ok)
        return s;
    return apply(m_policy.decide(0, predicted_gap_us));
}

power_status idle_manager::recheck() {
    if (!m_idle)
        return power_status::ok;
    const double idle_for_us = static_cast<double>(m_hal.now_ns() - m_idle_since_ns) * 1e-3;
    return apply(m_policy.decide(idle_for_us, m_gap_us));
}

power_status idle_manager::apply(const idle_decision& d) {
    if (d.state != pstate::on && d.state != m_state) {
        const power_status s = m_drv.request_state(m_domain, d.state);
        if (s != power_status::ok)
            return s;
        m_state = d.state;
        ++m_entries;
    }
    if (d.recheck_in_us > 0 && m_timer)
        m_timer->alarm_in_ns(m_ch, static_cast<uint64_t>(d.recheck_in_us * 1e3),
                             [this] { recheck(); });
    return power_status::ok;
}

// Waits for a running transition (hardware-initiated ones raise no
// interrupt: poll STATUS.BUSY), then requests ON.
// Polls until the domain's sequencer is free, at most wake_timeout_ns after t0.
power_status idle_manager::wait_idle(uint64_t t0) {
    for (;;) {
        bool busy = true;
        if (auto s = m_drv.is_busy(m_domain, busy); s != power_status::ok)
            return s;
        if (!busy)
            return power_status::ok;
        if (m_hal.now_ns() - t0 > wake_timeout_ns)
            return power_status::timeout;
        m_hal.delay_ns(poll_ns);
    }
}

power_status idle_manager::on_work(uint64_t& wake_ns) {
    const uint64_t t0 = m_hal.now_ns();
    m_idle = false;
    if (m_timer)
        m_timer->stop(m_ch);
    wake_ns = 0;
    if (auto s = wait_idle(t0); s != power_status::ok)
        return s;
    pstate cur = pstate::on;
    if (auto s = m_drv.current_state(m_domain, cur); s != power_status::ok)
        return s;
    if (cur != pstate::on) {
        if (auto s = m_drv.request_state(m_domain, pstate::on); s != power_status::ok)
            return s;
        if (auto s = wait_idle(t0); s != power_status::ok)
            return s;
    }
    m_state = pstate::on;
    uint32_t lost = 0;
    if (auto s = m_drv.context_lost(m_domain, lost); s != power_status::ok)
        return s;
    m_lost = lost != m_lost_before;
    wake_ns = m_hal.now_ns() - t0;
    return power_status::ok;
}

}  // namespace nnvp::fw::pm
