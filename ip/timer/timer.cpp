#include "ip/timer/timer.h"

#include <algorithm>
#include <cmath>
#include <string>

namespace nnvp {

using namespace sc_core;
namespace r = timer_regs;

namespace {
using u128 = unsigned __int128;

// Simulation-time units per second (1e12 at the default 1 ps resolution).
uint64_t units_per_second() {
    return static_cast<uint64_t>(std::llround(1.0 / sc_get_time_resolution().to_seconds()));
}

// A match further away than this is not scheduled; the timer wakes at the
// horizon instead and looks again (keeps sc_time from overflowing).
constexpr uint64_t horizon_seconds = 1000000;
}  // namespace

timer::timer(sc_module_name name, clock_domain& clk, const timer_config& cfg)
    : peripheral(name, clk, r::window_bytes, cfg.access_cycles), irq("irq"), m_cfg(cfg),
      m_energy(basename(), clk, cfg.leakage_mw * 1e-3) {
    charge_accesses(m_energy, cfg.access_pj * 1e-12);
    add_registers();

    m_rate_hz = static_cast<uint64_t>(std::llround(clk.freq_hz()));
    m_ticking = ticking();
    clk.on_change([this] { on_clock_change(); });

    SC_HAS_PROCESS(timer);
    SC_METHOD(on_wake);
    sensitive << m_wake;
    dont_initialize();
    add_irq(irq, [this] { return (m_regs.get(r::STATUS) & m_regs.get(r::IRQ_ENABLE)) != 0; });
}


// The bank is the register lists of timer_regs.h; only behaviour is added here.
void timer::add_registers() {
    m_regs.add_all(r::global_regs);
    for (unsigned ch = 0; ch < r::channels; ++ch)
        m_regs.add_all(r::channel_regs, r::channel_offset(ch));
    const uint32_t id_value = r::ID_CHANNELS.make(r::channels) | r::ID_VERSION.make(r::version);
    m_regs.on_read(r::ID, [id_value] { return id_value; });
    m_regs.on_read(r::FREQ, [this] {
        return static_cast<uint32_t>(std::min<uint64_t>(m_rate_hz, 0xffffffffu));
    });
    m_regs.on_write(r::CTRL, [this](uint32_t now, uint32_t) { on_ctrl_write(now); });
    m_regs.on_write(r::STATUS, [this](uint32_t, uint32_t) { update_irq(); });
    m_regs.on_write(r::IRQ_ENABLE, [this](uint32_t, uint32_t) { update_irq(); });
    m_regs.on_read(r::COUNT_LO, [this] {
        const uint64_t c = count_at(access_time());
        m_latched_hi = static_cast<uint32_t>(c >> 32);
        return static_cast<uint32_t>(c);
    });
    m_regs.on_read(r::COUNT_HI, [this] { return m_latched_hi; });
    for (unsigned ch = 0; ch < r::channels; ++ch)
        add_channel_behaviour(ch);
}

void timer::add_channel_behaviour(unsigned ch) {
    m_regs.on_write(r::channel_reg(r::CH_CTRL, ch), [this, ch](uint32_t now, uint32_t before) {
        if (r::CH_CTRL_ENABLE.get(now) && !r::CH_CTRL_ENABLE.get(before))
            m_ch[ch].armed = true;
        evaluate(access_time());
        reschedule();
    });
    const regs::reg_def cmp_lo = r::channel_reg(r::CMP_LO, ch);
    const regs::reg_def cmp_hi = r::channel_reg(r::CMP_HI, ch);
    m_regs.on_read(cmp_lo, [this, ch] { return static_cast<uint32_t>(m_ch[ch].cmp); });
    m_regs.on_write(cmp_lo, [this, ch](uint32_t now, uint32_t) { m_ch[ch].staged_lo = now; });
    m_regs.on_read(cmp_hi, [this, ch] { return static_cast<uint32_t>(m_ch[ch].cmp >> 32); });
    m_regs.on_write(cmp_hi, [this, ch](uint32_t now, uint32_t) {
        m_ch[ch].cmp = (uint64_t{now} << 32) | m_ch[ch].staged_lo;
        m_ch[ch].armed = true;
        evaluate(access_time());
        reschedule();
    });
}

void timer::reset() {
    peripheral::reset();
    m_ch.fill(channel_state{});
    m_base_count = 0;
    m_base_time = sc_time_stamp();
    m_latched_hi = 0;
    m_ticking = ticking();
    m_wake.cancel();
    update_irq();
}

bool timer::ticking() const {
    return r::CTRL_ENABLE.get(m_regs.get(r::CTRL)) != 0 && m_clk.clocked() && m_rate_hz > 0;
}

// count = base + floor((t - base_time) * rate), in integers so that the
// count is exact however long the simulation runs.
uint64_t timer::count_at(const sc_time& t) const {
    if (!m_ticking || t <= m_base_time)
        return m_base_count;
    const u128 ticks = u128{(t - m_base_time).value()} * m_rate_hz / units_per_second();
    return m_base_count + static_cast<uint64_t>(ticks);
}

void timer::rebase(const sc_time& t) {
    m_base_count = count_at(t);
    m_base_time = std::max(t, m_base_time);
}

// The domain has already changed when listeners run: fold the elapsed span at
// the old rate first, then continue at the new one.
void timer::on_clock_change() {
    rebase(sc_time_stamp());
    m_rate_hz = static_cast<uint64_t>(std::llround(m_clk.freq_hz()));
    m_ticking = ticking();
    evaluate(sc_time_stamp());
    reschedule();
}

void timer::on_ctrl_write(uint32_t now) {
    const sc_time t = access_time();
    rebase(t);
    if (r::CTRL_RESET_COUNT.get(now)) {
        m_base_count = 0;
        m_regs.set(r::CTRL, now & ~r::CTRL_RESET_COUNT.mask());
        // The count will cross every compare again.
        for (unsigned ch = 0; ch < r::channels; ++ch)
            m_ch[ch].armed = true;
    }
    m_ticking = ticking();
    evaluate(t);
    reschedule();
}

bool timer::channel_enabled(unsigned ch) const {
    return r::CH_CTRL_ENABLE.get(m_regs.get(r::channel_reg(r::CH_CTRL, ch))) != 0;
}

bool timer::periodic(unsigned ch) const {
    return r::CH_CTRL_PERIODIC.get(m_regs.get(r::channel_reg(r::CH_CTRL, ch))) != 0;
}

uint64_t timer::period(unsigned ch) const {
    return (uint64_t{m_regs.get(r::channel_reg(r::PERIOD_HI, ch))} << 32) |
           m_regs.get(r::channel_reg(r::PERIOD_LO, ch));
}

void timer::evaluate(const sc_time& t) {
    const uint64_t c = count_at(t);
    for (unsigned ch = 0; ch < r::channels; ++ch)
        if (channel_enabled(ch) && m_ch[ch].armed && c >= m_ch[ch].cmp)
            fire(ch, c);
}

void timer::fire(unsigned ch, uint64_t count) {
    channel_state& s = m_ch[ch];
    m_regs.set(r::STATUS, m_regs.get(r::STATUS) | r::status_bit(ch));
    ++s.matches;
    m_energy.add_dynamic(m_cfg.match_pj * 1e-12);
    if (!periodic(ch)) {
        s.armed = false;
    } else if (period(ch) == 0) {
        warn("channel " + std::to_string(ch) + " is periodic with PERIOD 0: treated as one-shot");
        s.armed = false;
    } else {
        // Skip every tick already passed (coalesced into this one match) so
        // the next one keeps the phase of the original compare.
        const uint64_t p = period(ch);
        const u128 next = u128{s.cmp} + (u128{count - s.cmp} / p + 1) * p;
        if (next > UINT64_MAX)
            s.armed = false;  // beyond the 64-bit count: never matches again
        else
            s.cmp = static_cast<uint64_t>(next);
    }
    update_irq();
}

// One event for the earliest armed match: the first simulation-time unit at
// which the count reaches the compare (rounded up).
void timer::reschedule() {
    m_wake.cancel();
    if (!m_ticking)
        return;
    const sc_time now = sc_time_stamp();
    const uint64_t c_now = count_at(now);
    const uint64_t ups = units_per_second();
    const u128 limit = u128{std::max(now, m_base_time).value()} + u128{ups} * horizon_seconds;
    u128 best = limit;
    for (unsigned ch = 0; ch < r::channels; ++ch) {
        if (!channel_enabled(ch) || !m_ch[ch].armed)
            continue;
        if (m_ch[ch].cmp <= c_now) {
            best = now.value();
            break;
        }
        const u128 delta = m_ch[ch].cmp - m_base_count;
        const u128 span = (delta * ups + m_rate_hz - 1) / m_rate_hz;
        best = std::min(best, u128{m_base_time.value()} + span);
    }
    best = std::min<u128>(best, UINT64_MAX);
    m_wake.notify(sc_time::from_value(static_cast<uint64_t>(best)) - now);
}

void timer::on_wake() {
    evaluate(sc_time_stamp());
    reschedule();
}

}  // namespace nnvp
