// The power controller's power states: STATE_REQ/STATE_CUR, entry and exit
// sequencing, residency and utilisation counters, hardware auto-idle and
// wake-on-access (power_controller.h describes the rules).
#include <algorithm>
#include <cmath>

#include "ip/power/power_controller.h"
#include "ip/power/power_controller_dom.h"
#include "arch/regs/power_regs.h"

namespace nnvp {

using namespace sc_core;
namespace pr = power_regs;

namespace {
const char* state_name(uint32_t st) {
    return st < pr::state_count ? to_string(static_cast<power_state>(st)) : "?";
}
}  // namespace

void power_controller::add_state_behaviour(std::size_t d) {
    dom& s = *m_doms[d];
    clock_domain& c = *s.clk;
    const auto reg = [d](const regs::reg_def& r) {
        return pr::domain_reg(r, static_cast<uint32_t>(d));
    };
    m_regs.on_read(reg(pr::STATE_REQ), [&s] { return s.state_requested; });
    m_regs.on_write(reg(pr::STATE_REQ),
                    [this, d](uint32_t now, uint32_t) { on_state_request(d, now); });
    m_regs.on_read(reg(pr::STATE_CUR), [&c] { return static_cast<uint32_t>(c.state()); });
    m_regs.on_read(reg(pr::STATE_TRANSITIONS),
                   [&s] { return static_cast<uint32_t>(s.state_transitions); });
    // 64-bit counters: reading LO computes the value and latches HI.
    auto counter = [this, &reg, &s](const regs::reg_def& lo, const regs::reg_def& hi,
                                    std::size_t latch, std::function<uint64_t()> value) {
        m_regs.on_read(reg(lo), [&s, latch, value] {
            const uint64_t v = value();
            s.hi_latch[latch] = static_cast<uint32_t>(v >> 32);
            return static_cast<uint32_t>(v);
        });
        m_regs.on_read(reg(hi), [&s, latch] { return s.hi_latch[latch]; });
    };
    const regs::reg_def res[pr::state_count][2] = {{pr::RES_ON_LO, pr::RES_ON_HI},
                                                   {pr::RES_IDLE_LO, pr::RES_IDLE_HI},
                                                   {pr::RES_RET_LO, pr::RES_RET_HI},
                                                   {pr::RES_OFF_LO, pr::RES_OFF_HI}};
    for (uint32_t st = 0; st < pr::state_count; ++st)
        counter(res[st][0], res[st][1], st, [this, &s, st] { return residency_ns(s, st); });
    counter(pr::BUSY_CYC_LO, pr::BUSY_CYC_HI, 4, [&c] { return c.busy_cycles(); });
    counter(pr::IDLE_CYC_LO, pr::IDLE_CYC_HI, 5,
            [&c] { return c.clocked_cycles() - c.busy_cycles(); });
    m_regs.on_read(reg(pr::AUTO_IDLE), [&s] { return s.auto_idle_cycles; });
    m_regs.on_write(reg(pr::AUTO_IDLE), [&s](uint32_t now, uint32_t) {
        s.auto_idle_cycles = now;
        s.auto_idle_changed.notify(SC_ZERO_TIME);
    });
    m_regs.on_read(reg(pr::CONTEXT_LOST),
                   [&c] { return static_cast<uint32_t>(c.contexts_lost()); });
    m_regs.on_read(reg(pr::TRANS_ENERGY_NJ), [&s] {
        return static_cast<uint32_t>(std::llround(s.dvfs_meter->fixed_j() * 1e9));
    });
    m_regs.on_read(reg(pr::OPP_MAX), [&s] { return static_cast<uint32_t>(s.opp_max); });
}

void power_controller::on_state_request(std::size_t d, uint32_t value) {
    dom& s = *m_doms[d];
    const std::string what = "state request rejected: " + std::string(state_name(value)) + " (" +
                             std::to_string(value) + ")";
    if (s.busy) {
        reject(d, pr::error_code::busy, what + " while a transition runs");
        return;
    }
    if (value >= pr::state_count) {
        reject(d, pr::error_code::bad_state, what + ": states are 0 (on) .. 3 (off)");
        return;
    }
    if (value != regs::value(pr::state::on) && s.always_on) {
        reject(d, pr::error_code::not_allowed, what + ": the domain is always on");
        return;
    }
    start(d, kind_state, value, true);
}

// Leave the present low state (exit latency and energy; the domain stays in
// it meanwhile), then enter the target (entry latency and energy; the domain
// stays ON meanwhile).
void power_controller::run_state(dom& s) {
    clock_domain& c = *s.clk;
    const auto from = static_cast<uint32_t>(c.state());
    const uint32_t to = s.state_target;
    if (from == to)
        return;
    s.phase = pr::phase::state;
    if (from != regs::value(pr::state::on)) {
        const state_cost& x = m_cfg.states[from];
        s.dvfs_meter->add_fixed(x.exit_uj * 1e-6);
        wait(sc_time(x.exit_us, SC_US));
        c.set_state(power_state::on);
        ++s.entries[regs::value(pr::state::on)];
    }
    if (to != regs::value(pr::state::on)) {
        const state_cost& e = m_cfg.states[to];
        s.dvfs_meter->add_fixed(e.entry_uj * 1e-6);
        wait(sc_time(e.entry_us, SC_US));
        c.set_state(static_cast<power_state>(to));
        ++s.entries[to];
    }
}

// After a transition: a wake that arrived while it ran, then the thermal cap.
void power_controller::follow_up(std::size_t d) {
    dom& s = *m_doms[d];
    const power_state st = s.clk->state();
    if (s.wake_pending) {
        s.wake_pending = false;
        if (st == power_state::idle || st == power_state::retention) {
            start(d, kind_state, regs::value(pr::state::on), false);
            return;
        }
    }
    if (s.cur > s.opp_max)
        start(d, kind_opp, static_cast<uint32_t>(s.opp_max), false);
}

// Wake-on-access (auto_wake): called by clock_domain::wait_until_clocked()
// in the accessing thread, at the access time.
void power_controller::wake(std::size_t d) {
    dom& s = *m_doms[d];
    const power_state st = s.clk->state();
    if (st == power_state::off)
        return;
    if (s.busy) {
        // Served when the transition completes (follow_up); after a relock
        // the domain is ON again and nothing more happens.
        s.wake_pending = true;
        return;
    }
    if (st != power_state::on)
        start(d, kind_state, regs::value(pr::state::on), false);
}

// Hardware auto-idle: once the domain has been ON and idle (no activity, no
// transition) for AUTO_IDLE cycles, clock-gate it. Waits on events, never
// per cycle; a domain known busy only through its probe is re-checked every
// AUTO_IDLE cycles.
void power_controller::auto_idle(std::size_t d) {
    dom& s = *m_doms[d];
    clock_domain& c = *s.clk;
    for (;;) {
        if (s.auto_idle_cycles == 0 || s.always_on) {
            wait(s.auto_idle_changed);
            continue;
        }
        const sc_time quiet = c.cycles(s.auto_idle_cycles);
        if (c.state() != power_state::on || s.busy || c.active()) {
            wait(c.changed_event() | c.activity_event() | s.auto_idle_changed | m_done_event);
            continue;
        }
        const sc_time t0 = sc_time_stamp();
        wait(quiet, c.changed_event() | c.activity_event() | s.auto_idle_changed);
        if (sc_time_stamp() - t0 < quiet)
            continue;  // something happened: start counting again
        if (c.state() == power_state::on && !s.busy && !c.busy_now() && s.auto_idle_cycles != 0 &&
            start(d, kind_state, regs::value(pr::state::idle), false))
            s.auto_idled = true;
    }
}

void power_controller::settle_residency(dom& s) {
    const sc_time now = sc_time_stamp();
    s.residency_s[static_cast<std::size_t>(s.res_state)] += (now - s.res_since).to_seconds();
    s.res_since = now;
    s.res_state = s.clk->state();
}

uint64_t power_controller::residency_ns(const dom& s, uint32_t st) const {
    double sec = s.residency_s[st];
    if (static_cast<uint32_t>(s.res_state) == st)
        sec += (access_time() - s.res_since).to_seconds();
    return static_cast<uint64_t>(std::llround(sec * 1e9));
}

uint64_t power_controller::state_transitions(std::size_t d) const {
    return m_doms.at(d)->state_transitions;
}

uint64_t power_controller::state_entries(std::size_t d, uint32_t st) const {
    return st < pr::state_count ? m_doms.at(d)->entries[st] : 0;
}

double power_controller::state_residency_s(std::size_t d, uint32_t st) const {
    if (st >= pr::state_count)
        return 0;
    const dom& s = *m_doms.at(d);
    double sec = s.residency_s[st];
    if (static_cast<uint32_t>(s.res_state) == st)
        sec += (sc_time_stamp() - s.res_since).to_seconds();
    return sec;
}

double power_controller::transition_energy_j(std::size_t d) const {
    return m_doms.at(d)->dvfs_meter->fixed_j();
}

std::size_t power_controller::opp_max(std::size_t d) const {
    return m_doms.at(d)->opp_max;
}

}  // namespace nnvp
