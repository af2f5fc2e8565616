// The power controller's autonomous parts: global registers of the hardware
// governor and the temperature, the RC thermal model with its OPP cap, and the
// hardware (ondemand-like) governor.
#include <algorithm>
#include <cmath>

#include "ip/power/power_controller.h"
#include "ip/power/power_controller_dom.h"
#include "arch/regs/power_regs.h"
#include "ip/power/thermal_model.h"

namespace nnvp {

using namespace sc_core;
namespace pr = power_regs;

void power_controller::add_global_behaviour() {
    auto changed = [this](uint32_t, uint32_t) { m_hwgov_changed.notify(SC_ZERO_TIME); };
    m_regs.on_write(pr::HWGOV_CTRL, changed);
    m_regs.on_write(pr::HWGOV_PERIOD_US, changed);
    m_regs.on_write(pr::HWGOV_THRESH, changed);
    m_regs.on_read(pr::TEMP_MC, [this] {
        return static_cast<uint32_t>(static_cast<int32_t>(std::llround(m_temp_c * 1000)));
    });
    m_regs.on_read(pr::THERMAL, [this] {
        return pr::THERMAL_CAPPED.make(m_capped ? 1 : 0) |
               pr::THERMAL_EPISODES.make(std::min<uint32_t>(m_episodes, 0xffff));
    });
    load_hw_governor_config();
}

// The hardware governor's registers after reset follow the platform config.
void power_controller::load_hw_governor_config() {
    const hw_governor_config& g = m_cfg.hw_governor;
    uint32_t mask = 0;
    for (std::size_t d = 0; d < m_doms.size() && d < 16; ++d)
        if (std::find(g.domains.begin(), g.domains.end(), m_doms[d]->clk->name()) !=
            g.domains.end())
            mask |= 1u << d;
    m_regs.set(pr::HWGOV_CTRL,
               pr::HWGOV_ENABLE.make(g.enabled ? 1 : 0) | pr::HWGOV_MASK.make(mask));
    m_regs.set(pr::HWGOV_PERIOD_US, static_cast<uint32_t>(std::max(1.0, std::round(g.period_us))));
    m_regs.set(pr::HWGOV_THRESH,
               pr::HWGOV_UP_PCT.make(g.up_pct) | pr::HWGOV_DOWN_PCT.make(g.down_pct));
}

double power_controller::total_energy_j() const {
    double j = 0.0;
    bool aon_seen = false;
    for (const auto& s : m_doms) {
        aon_seen |= s->clk == &m_aon;
        for (const energy_meter* m : s->clk->meters())
            j += m->total_j();
    }
    if (!aon_seen)
        for (const energy_meter* m : m_aon.meters())
            j += m->total_j();
    return j;
}

// Every step: the average power of the step heats the die; the temperature
// goes to every domain's leakage; the cap engages at cap_c and releases at
// release_c (hysteresis).
void power_controller::thermal_thread() {
    const thermal_config& t = m_cfg.thermal;
    const sc_time step(t.step_us, SC_US);
    double last_j = total_energy_j();
    for (;;) {
        wait(step);
        const double j = total_energy_j();
        const double p = (j - last_j) / step.to_seconds();
        last_j = j;
        m_temp_c =
            thermal_step_c(m_temp_c, p, step.to_seconds(), t.ambient_c, t.r_c_per_w, t.c_j_per_c);
        m_peak_temp_c = std::max(m_peak_temp_c, m_temp_c);
        for (auto& s : m_doms)
            s->clk->set_temperature(m_temp_c);
        if (m_aon.temperature_c() != m_temp_c)
            m_aon.set_temperature(m_temp_c);
        if (!m_capped && m_temp_c >= t.cap_c)
            apply_cap(true);
        else if (m_capped && m_temp_c <= t.release_c)
            apply_cap(false);
    }
}

void power_controller::apply_cap(bool capped) {
    m_capped = capped;
    if (capped)
        ++m_episodes;
    for (std::size_t d = 0; d < m_doms.size(); ++d) {
        dom& s = *m_doms[d];
        const std::size_t top = s.clk->opps().size() - 1;
        const auto it = m_cfg.thermal.cap_opp.find(s.clk->name());
        if (it == m_cfg.thermal.cap_opp.end())
            continue;
        s.opp_max = capped ? std::min<std::size_t>(it->second, top) : top;
        if (capped && s.cur > s.opp_max)
            start(d, kind_opp, static_cast<uint32_t>(s.opp_max), false);  // else follow_up()
    }
}

// Every HWGOV_PERIOD_US while enabled: utilisation over the period from the
// domain's busy and clocked cycles; above UP_PCT the fastest allowed OPP,
// below DOWN_PCT one OPP down (ondemand's rule). Domains in a transition, or
// not ON, are left alone for that period.
void power_controller::hw_governor_thread() {
    // State lives in members: this thread never returns, so its locals would
    // never be destroyed (a leak at exit).
    std::vector<uint64_t>& last_busy = m_hwgov_busy;
    std::vector<uint64_t>& last_clocked = m_hwgov_clocked;
    last_busy.assign(m_doms.size(), 0);
    last_clocked.assign(m_doms.size(), 0);
    auto snapshot = [&] {
        for (std::size_t d = 0; d < m_doms.size(); ++d) {
            last_busy[d] = m_doms[d]->clk->busy_cycles();
            last_clocked[d] = m_doms[d]->clk->clocked_cycles();
        }
    };
    for (;;) {
        uint32_t ctrl = m_regs.get(pr::HWGOV_CTRL);
        if (!pr::HWGOV_ENABLE.get(ctrl)) {
            wait(m_hwgov_changed);
            snapshot();
            continue;
        }
        wait(sc_time(std::max<uint32_t>(1, m_regs.get(pr::HWGOV_PERIOD_US)), SC_US));
        ctrl = m_regs.get(pr::HWGOV_CTRL);
        if (!pr::HWGOV_ENABLE.get(ctrl))
            continue;
        const uint32_t thresh = m_regs.get(pr::HWGOV_THRESH);
        const double up = pr::HWGOV_UP_PCT.get(thresh);
        const double down = pr::HWGOV_DOWN_PCT.get(thresh);
        const uint32_t mask = pr::HWGOV_MASK.get(ctrl);
        for (std::size_t d = 0; d < m_doms.size() && d < 16; ++d) {
            dom& s = *m_doms[d];
            const uint64_t busy = s.clk->busy_cycles();
            const uint64_t clocked = s.clk->clocked_cycles();
            const uint64_t db = busy - last_busy[d];
            const uint64_t dc = clocked - last_clocked[d];
            last_busy[d] = busy;
            last_clocked[d] = clocked;
            if (!(mask >> d & 1u) || dc == 0 || s.busy || s.clk->state() != power_state::on)
                continue;
            const double util = 100.0 * static_cast<double>(db) / static_cast<double>(dc);
            std::size_t target = s.cur;
            if (util > up)
                target = s.opp_max;
            else if (util < down && s.cur > 0)
                target = s.cur - 1;
            if (target != s.cur)
                start(d, kind_opp, static_cast<uint32_t>(target), false);
        }
    }
}

}  // namespace nnvp
