#include "ip/power/power_controller.h"

#include "ip/power/power_controller_dom.h"
#include "arch/regs/power_regs.h"

#include <sysc/kernel/sc_spawn.h>

#include <algorithm>
#include <cmath>
#include <sstream>
#include <stdexcept>

namespace nnvp {

using namespace sc_core;
namespace pr = power_regs;

std::unique_ptr<clock_domain> make_clock_domain(const domain_desc& desc) {
    std::vector<operating_point> opps;
    for (const domain_opp& p : desc.opps)
        opps.push_back({p.freq_mhz * 1e6, p.volt_mv * 1e-3});
    return std::make_unique<clock_domain>(desc.name, std::move(opps), desc.initial,
                                          desc.v_nominal_mv * 1e-3);
}

power_controller::power_controller(sc_module_name name, clock_domain& always_on,
                                   std::vector<clock_domain*> domains, const power_config& cfg)
    : peripheral(name, always_on, pr::window_bytes), irq("irq"), m_cfg(cfg), m_aon(always_on) {
    if (domains.size() > pr::max_domains)
        throw std::invalid_argument(std::string(this->name()) + ": more than " +
                                    std::to_string(pr::max_domains) + " domains");
    m_meter = std::make_unique<energy_meter>(basename(), always_on, cfg.leakage_mw * 1e-3);
    for (clock_domain* c : domains) {
        if (c == nullptr || c->opps().size() > 256)
            throw std::invalid_argument(std::string(this->name()) +
                                        ": null domain or more than 256 operating points");
        auto s = std::make_unique<dom>();
        s->clk = c;
        s->dvfs_meter = std::make_unique<energy_meter>(
            c->name() + "_dvfs", *c, 0.0);  // transition energy, per domain
        s->cur = s->requested = static_cast<uint32_t>(c->opp_index());
        s->opp_max = c->opps().size() - 1;
        s->always_on = c == &always_on ||
                       std::find(cfg.always_on.begin(), cfg.always_on.end(), c->name()) !=
                           cfg.always_on.end();
        s->res_state = c->state();
        s->state_requested = static_cast<uint32_t>(c->state());
        const auto ai = cfg.auto_idle_cycles.find(c->name());
        s->auto_idle_cycles = ai == cfg.auto_idle_cycles.end() ? 0 : ai->second;
        m_doms.push_back(std::move(s));
    }
    // The leakage model and the die temperature reach every domain.
    m_temp_c = m_peak_temp_c = cfg.thermal.ambient_c;
    const leakage_params leak{cfg.leak_k_v_per_v, cfg.leak_k_t_per_c, cfg.leak_t_ref_c};
    std::vector<clock_domain*> all = domains;
    if (std::find(all.begin(), all.end(), &always_on) == all.end())
        all.push_back(&always_on);
    for (clock_domain* c : all) {
        c->set_leakage_params(leak);
        c->set_temperature(m_temp_c);
    }

    // The bank is the register lists of power_regs.h; behaviour is added by
    // add_*_behaviour().
    m_regs.add_all(pr::global_regs);
    for (std::size_t d = 0; d < m_doms.size(); ++d)
        m_regs.add_all(pr::domain_regs, pr::domain_offset(static_cast<uint32_t>(d)));
    m_regs.on_read(pr::ID, [this] {
        return pr::ID_DOMAINS.make(static_cast<uint32_t>(m_doms.size())) |
               pr::ID_VERSION.make(pr::version) | pr::ID_MAGIC.make(pr::id_magic);
    });
    m_regs.on_write(pr::IRQ_STATUS, [this](uint32_t, uint32_t) { update_irq(); });
    m_regs.on_write(pr::IRQ_ENABLE, [this](uint32_t, uint32_t) { update_irq(); });
    add_global_behaviour();
    for (std::size_t d = 0; d < m_doms.size(); ++d) {
        add_dvfs_behaviour(d);
        add_state_behaviour(d);
        const std::string name = m_doms[d]->clk->name();
        sc_spawn([this, d] { sequencer(d); }, sc_gen_unique_name(("seq_" + name).c_str()));
        sc_spawn([this, d] { auto_idle(d); }, sc_gen_unique_name(("idle_" + name).c_str()));
        clock_domain& c = *m_doms[d]->clk;
        c.on_change([this, d] { settle_residency(*m_doms[d]); });
        if (!m_doms[d]->always_on)
            c.set_wake_handler([this, d] {
                if (m_cfg.auto_wake || m_doms[d]->auto_idled)
                    wake(d);
            });
    }
    if (cfg.thermal.enabled)
        sc_spawn([this] { thermal_thread(); }, sc_gen_unique_name("thermal"));
    sc_spawn([this] { hw_governor_thread(); }, sc_gen_unique_name("hw_governor"));
    add_irq(irq,
            [this] { return (m_regs.get(pr::IRQ_STATUS) & m_regs.get(pr::IRQ_ENABLE)) != 0; });
}

power_controller::~power_controller() = default;

void power_controller::add_dvfs_behaviour(std::size_t d) {
    dom& s = *m_doms[d];
    const auto reg = [d](const regs::reg_def& r) {
        return pr::domain_reg(r, static_cast<uint32_t>(d));
    };
    const auto& opps = s.clk->opps();
    m_regs.on_read(reg(pr::NAME), [&s] {
        uint32_t packed = 0;
        const std::string& n = s.clk->name();
        for (unsigned i = 0; i < pr::name_chars && i < n.size(); ++i)
            packed |= pr::name_char(i).make(static_cast<unsigned char>(n[i]));
        return packed;
    });
    m_regs.on_read(reg(pr::OPP_COUNT), [&opps] { return static_cast<uint32_t>(opps.size()); });
    m_regs.on_read(reg(pr::OPP_REQ), [&s] { return s.requested; });
    m_regs.on_write(reg(pr::OPP_REQ),
                    [this, d](uint32_t now, uint32_t before) { on_request(d, now, before); });
    m_regs.on_read(reg(pr::OPP_CUR), [&s] { return s.cur; });
    m_regs.on_read(reg(pr::STATUS), [this, &s] { return status_of(s); });
    m_regs.on_read(reg(pr::FREQ_MHZ),
                   [&s] { return static_cast<uint32_t>(std::llround(s.clk->freq_hz() * 1e-6)); });
    m_regs.on_read(reg(pr::VOLT_MV),
                   [&s] { return static_cast<uint32_t>(std::llround(s.clk->voltage() * 1e3)); });
    const regs::reg_def sel = reg(pr::OPP_SEL);
    m_regs.on_read(reg(pr::OPP_FREQ_KHZ), [this, sel, &opps] {
        const uint32_t i = m_regs.get(sel);
        return i < opps.size() ? static_cast<uint32_t>(std::llround(opps[i].freq_hz * 1e-3)) : 0u;
    });
    m_regs.on_read(reg(pr::OPP_VOLT_MV), [this, sel, &opps] {
        const uint32_t i = m_regs.get(sel);
        return i < opps.size() ? static_cast<uint32_t>(std::llround(opps[i].voltage_v * 1e3)) : 0u;
    });
    m_regs.on_read(reg(pr::ENERGY_LO), [this, &s] {
        const uint64_t nj = energy_nj(s);
        s.energy_hi = nj >> 32;
        return static_cast<uint32_t>(nj);
    });
    m_regs.on_read(reg(pr::ENERGY_HI), [&s] { return static_cast<uint32_t>(s.energy_hi); });
    m_regs.on_read(reg(pr::TRANSITIONS), [&s] { return static_cast<uint32_t>(s.transitions); });
}

clock_domain& power_controller::domain(std::size_t d) const { return *m_doms.at(d)->clk; }
bool power_controller::busy(std::size_t d) const { return m_doms.at(d)->busy; }
std::size_t power_controller::current_opp(std::size_t d) const { return m_doms.at(d)->cur; }
uint64_t power_controller::transitions(std::size_t d) const { return m_doms.at(d)->transitions; }

double power_controller::domain_energy_j(std::size_t d) const {
    double j = 0.0;
    for (const energy_meter* m : m_doms.at(d)->clk->meters())
        j += m->total_j();
    return j;
}

// The counter at the access time: meters integrate leakage up to
// sc_time_stamp(), so the initiator's time offset is added at today's power.
uint64_t power_controller::energy_nj(dom& s) const {
    const double ahead = (access_time() - sc_time_stamp()).to_seconds();
    double j = 0.0;
    for (const energy_meter* m : s.clk->meters())
        j += m->total_j() + m->leakage_power_w() * ahead;
    const uint64_t nj = static_cast<uint64_t>(std::max(0.0, std::floor(j * 1e9)));
    s.last_energy_nj = std::max(s.last_energy_nj, nj);
    return s.last_energy_nj;
}

uint32_t power_controller::status_of(const dom& s) const {
    uint32_t v = pr::STATUS_BUSY.make(s.busy ? 1 : 0) |
                 pr::STATUS_PHASE.make(regs::value(s.phase)) |
                 pr::STATUS_ERROR.make(s.err != pr::error_code::none ? 1 : 0) |
                 pr::STATUS_ERR_CODE.make(regs::value(s.err)) |
                 pr::STATUS_STATE_BUSY.make(s.busy && s.kind == kind_state ? 1 : 0) |
                 pr::STATUS_THROTTLED.make(s.throttled ? 1 : 0);
    if (s.busy)
        v |= pr::STATUS_TARGET.make(s.kind == kind_opp ? s.target : s.state_target);
    return v;
}

void power_controller::reject(std::size_t d, power_regs::error_code code, const std::string& why) {
    m_doms[d]->err = code;
    m_regs.set(pr::IRQ_STATUS, m_regs.get(pr::IRQ_STATUS) | pr::IRQ_ERROR.mask());
    update_irq();
    warn("domain " + m_doms[d]->clk->name() + ": " + why);
}

void power_controller::on_request(std::size_t d, uint32_t value, uint32_t) {
    dom& s = *m_doms[d];
    const auto count = static_cast<uint32_t>(s.clk->opps().size());
    if (s.busy) {
        reject(d, pr::error_code::busy,
               "OPP request rejected: OPP " + std::to_string(value) +
                   " requested while a transition runs");
        return;
    }
    if (value >= count) {
        reject(d, pr::error_code::bad_index,
               "OPP request rejected: OPP " + std::to_string(value) + " is beyond OPP_COUNT " +
                   std::to_string(count));
        return;
    }
    s.throttled = value > s.opp_max;
    start(d, kind_opp, std::min<uint32_t>(value, static_cast<uint32_t>(s.opp_max)), true);
}

// Starts a transition of either kind at the access time (or now, outside an
// access). The caller has validated `value`.
bool power_controller::start(std::size_t d, request_kind kind, uint32_t value, bool from_firmware) {
    dom& s = *m_doms[d];
    if (s.busy)
        return false;
    s.err = from_firmware ? pr::error_code::none : s.err;
    s.busy = true;
    s.kind = kind;
    s.from_firmware = from_firmware;
    if (kind == kind_state)
        s.auto_idled = false;  // auto_idle() sets it again for its own request
    if (kind == kind_opp) {
        s.target = value;
        if (from_firmware)
            s.requested = value;
    } else {
        s.state_target = value;
        if (from_firmware)
            s.state_requested = value;
    }
    s.start.notify(access_time() - sc_time_stamp());
    return true;
}

void power_controller::sequencer(std::size_t d) {
    dom& s = *m_doms[d];
    for (;;) {
        wait(s.start);
        if (s.kind == kind_opp)
            run_opp(s);
        else
            run_state(s);
        complete(d);
    }
}

void power_controller::run_opp(dom& s) {
    clock_domain& c = *s.clk;
    const operating_point to = c.opps()[s.target];
    c.set_opp_index(s.target);
    if (to.voltage_v > c.voltage())
        slew(s, to.voltage_v);
    if (to.freq_hz != c.freq_hz())
        relock(s, to.freq_hz);
    if (to.voltage_v < c.voltage())
        slew(s, to.voltage_v);
}

void power_controller::slew(dom& s, double to_v) {
    clock_domain& c = *s.clk;
    const double from_v = c.voltage();
    const double swing_mv = std::fabs(to_v - from_v) * 1e3;
    // The epsilon keeps 150 mV / 12.5 mV at 12 steps despite binary rounding.
    const auto steps = static_cast<unsigned>(
        std::max(1.0, std::ceil(swing_mv / m_cfg.slew_step_mv - 1e-9)));
    const sc_time start = sc_time_stamp();
    const sc_time total(swing_mv / m_cfg.slew_mv_per_us, SC_US);
    s.phase = pr::phase::slew;
    for (unsigned k = 1; k <= steps; ++k) {
        const sc_time at = k == steps ? start + total : start + total * (double(k) / steps);
        wait(at - sc_time_stamp());
        c.set_voltage(k == steps ? to_v : from_v + (to_v - from_v) * k / steps);
    }
}

void power_controller::relock(dom& s, double to_hz) {
    clock_domain& c = *s.clk;
    const bool was_on = c.state() == power_state::on;
    s.phase = pr::phase::relock;
    s.dvfs_meter->add_fixed(m_cfg.transition_energy_uj * 1e-6);
    if (was_on)
        c.set_state(power_state::idle);  // clock gated: the domain's blocks stall
    wait(sc_time(m_cfg.pll_relock_us, SC_US));
    c.set_frequency(to_hz);
    if (was_on)
        c.set_state(power_state::on);
}

void power_controller::complete(std::size_t d) {
    dom& s = *m_doms[d];
    s.busy = false;
    s.phase = pr::phase::idle;
    uint32_t bit = 0;
    if (s.kind == kind_opp) {
        s.cur = s.target;
        ++s.transitions;
        bit = pr::irq_opp_done_bit(static_cast<uint32_t>(d));
    } else {
        ++s.state_transitions;
        bit = pr::irq_state_done_bit(static_cast<uint32_t>(d));
    }
    if (s.from_firmware) {
        m_regs.set(pr::IRQ_STATUS, m_regs.get(pr::IRQ_STATUS) | bit);
        update_irq();
    }
    m_done_event.notify(SC_ZERO_TIME);
    follow_up(d);
}

// Registers return to their reset values and errors clear; a running
// transition completes (a regulator ramp and a PLL relock cannot be undone
// half-way), and the domains keep their operating points.
void power_controller::reset() {
    peripheral::reset();
    for (auto& s : m_doms) {
        s->err = pr::error_code::none;
        s->throttled = false;
        s->requested = s->busy && s->kind == kind_opp ? s->target : s->cur;
        s->state_requested = s->busy && s->kind == kind_state
                                 ? s->state_target
                                 : static_cast<uint32_t>(s->clk->state());
        const auto ai = m_cfg.auto_idle_cycles.find(s->clk->name());
        s->auto_idle_cycles = ai == m_cfg.auto_idle_cycles.end() ? 0 : ai->second;
        s->auto_idle_changed.notify(SC_ZERO_TIME);
    }
    load_hw_governor_config();
    m_hwgov_changed.notify(SC_ZERO_TIME);
    update_irq();
}

}  // namespace nnvp
