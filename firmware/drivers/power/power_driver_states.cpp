// The power driver's power-state, telemetry, thermal and hardware-governor
// functions (the DVFS part is power_driver.cpp).
#include "firmware/drivers/power/power_driver.h"
#include "arch/regs/power_regs.h"

namespace nnvp::fw {

namespace pr = power_regs;

const char* to_string(pstate s) {
    switch (s) {
        case pstate::on:
            return "on";
        case pstate::idle:
            return "idle";
        case pstate::retention:
            return "retention";
        case pstate::off:
            return "off";
    }
    return "?";
}

double utilisation(const domain_telemetry& before, const domain_telemetry& after) {
    const uint64_t busy = after.busy_cycles - before.busy_cycles;
    const uint64_t idle = after.idle_cycles - before.idle_cycles;
    return busy + idle == 0 ? 0.0 : static_cast<double>(busy) / static_cast<double>(busy + idle);
}

power_status power_driver::request_state(unsigned domain, pstate st) {
    if (auto s = check_domain(domain); s != power_status::ok)
        return s;
    const auto v = static_cast<uint32_t>(st);
    if (v >= pr::state_count)
        return power_status::bad_state;
    bool busy = false;
    if (auto s = is_busy(domain, busy); s != power_status::ok)
        return s;
    if (busy)
        return power_status::busy;
    const uint32_t bit = pr::irq_state_done_bit(domain);
    m_done &= ~bit;
    if (auto s = wr(global(pr::IRQ_STATUS.offset), bit); s != power_status::ok)
        return s;
    if (auto s = wr(reg(domain, pr::STATE_REQ.offset), v); s != power_status::ok)
        return s;
    uint32_t status = 0;
    if (auto s = rd(reg(domain, pr::STATUS.offset), status); s != power_status::ok)
        return s;
    return error_of_status(status);
}

power_status power_driver::wait_state_done(unsigned domain, uint64_t timeout_ns) {
    return wait_bit(domain, pr::irq_state_done_bit(domain), timeout_ns);
}

power_status power_driver::set_state(unsigned domain, pstate st, uint64_t timeout_ns) {
    if (auto s = request_state(domain, st); s != power_status::ok)
        return s;
    return wait_state_done(domain, timeout_ns);
}

power_status power_driver::current_state(unsigned domain, pstate& st) {
    uint32_t v = 0;
    if (auto s = check_domain(domain); s != power_status::ok)
        return s;
    if (auto s = rd(reg(domain, pr::STATE_CUR.offset), v); s != power_status::ok)
        return s;
    st = static_cast<pstate>(pr::STATE_VALUE.get(v));
    return power_status::ok;
}

power_status power_driver::state_transitions(unsigned domain, uint32_t& count) {
    if (auto s = check_domain(domain); s != power_status::ok)
        return s;
    return rd(reg(domain, pr::STATE_TRANSITIONS.offset), count);
}

power_status power_driver::residency_ns(unsigned domain, pstate st, uint64_t& ns) {
    if (auto s = check_domain(domain); s != power_status::ok)
        return s;
    const auto v = static_cast<uint32_t>(st);
    if (v >= pr::state_count)
        return power_status::bad_state;
    return rd64(reg(domain, pr::residency_lo(v)), ns);
}

power_status power_driver::cycles(unsigned domain, uint64_t& busy, uint64_t& idle) {
    if (auto s = check_domain(domain); s != power_status::ok)
        return s;
    if (auto s = rd64(reg(domain, pr::BUSY_CYC_LO.offset), busy); s != power_status::ok)
        return s;
    return rd64(reg(domain, pr::IDLE_CYC_LO.offset), idle);
}

power_status power_driver::context_lost(unsigned domain, uint32_t& count) {
    if (auto s = check_domain(domain); s != power_status::ok)
        return s;
    return rd(reg(domain, pr::CONTEXT_LOST.offset), count);
}

power_status power_driver::transition_energy_nj(unsigned domain, uint32_t& nj) {
    if (auto s = check_domain(domain); s != power_status::ok)
        return s;
    return rd(reg(domain, pr::TRANS_ENERGY_NJ.offset), nj);
}

power_status power_driver::opp_max(unsigned domain, uint32_t& index) {
    if (auto s = check_domain(domain); s != power_status::ok)
        return s;
    return rd(reg(domain, pr::OPP_MAX.offset), index);
}

power_status power_driver::set_auto_idle(unsigned domain, uint32_t cycles) {
    if (auto s = check_domain(domain); s != power_status::ok)
        return s;
    return wr(reg(domain, pr::AUTO_IDLE.offset), cycles);
}

power_status power_driver::telemetry(unsigned domain, domain_telemetry& out) {
    uint32_t status = 0;
    pstate st = pstate::on;
    if (auto s = current_opp(domain, out.opp); s != power_status::ok)
        return s;
    if (auto s = opp_max(domain, out.opp_max); s != power_status::ok)
        return s;
    if (auto s = current_state(domain, st); s != power_status::ok)
        return s;
    out.state = st;
    if (auto s = rd(reg(domain, pr::STATUS.offset), status); s != power_status::ok)
        return s;
    out.busy = pr::STATUS_BUSY.get(status) != 0;
    if (auto s = cycles(domain, out.busy_cycles, out.idle_cycles); s != power_status::ok)
        return s;
    if (auto s = energy_nj(domain, out.energy_nj); s != power_status::ok)
        return s;
    return context_lost(domain, out.context_lost);
}

power_status power_driver::temperature_mc(int32_t& milli_c) {
    uint32_t v = 0;
    if (auto s = rd(global(pr::TEMP_MC.offset), v); s != power_status::ok)
        return s;
    milli_c = static_cast<int32_t>(v);
    return power_status::ok;
}

power_status power_driver::thermal(bool& capped, uint32_t& episodes) {
    uint32_t v = 0;
    if (auto s = rd(global(pr::THERMAL.offset), v); s != power_status::ok)
        return s;
    capped = pr::THERMAL_CAPPED.get(v) != 0;
    episodes = pr::THERMAL_EPISODES.get(v);
    return power_status::ok;
}

power_status power_driver::hw_governor(bool enable, uint32_t domain_mask, uint32_t period_us,
                                       uint32_t up_pct, uint32_t down_pct) {
    if (up_pct > 100 || down_pct >= up_pct || period_us == 0)
        return power_status::bad_index;
    if (auto s = wr(global(pr::HWGOV_PERIOD_US.offset), period_us); s != power_status::ok)
        return s;
    if (auto s = wr(global(pr::HWGOV_THRESH.offset),
                    pr::HWGOV_UP_PCT.make(up_pct) | pr::HWGOV_DOWN_PCT.make(down_pct));
        s != power_status::ok)
        return s;
    return wr(global(pr::HWGOV_CTRL.offset),
              pr::HWGOV_ENABLE.make(enable ? 1 : 0) | pr::HWGOV_MASK.make(domain_mask));
}

}  // namespace nnvp::fw
