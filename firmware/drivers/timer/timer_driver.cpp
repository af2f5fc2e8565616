#include "firmware/drivers/timer/timer_driver.h"

namespace nnvp::fw {

namespace r = timer_regs;

namespace {
constexpr uint64_t ns_per_s = 1000000000ull;
}

const char* to_string(timer_status s) {
    switch (s) {
    case timer_status::ok: return "ok";
    case timer_status::bus_error: return "bus error";
    case timer_status::invalid_argument: return "invalid argument";
    case timer_status::device_error: return "device error";
    case timer_status::irq_error: return "interrupt controller refused the source";
    }
    return "?";
}

timer_status timer_driver::read(const regs::reg_def& reg, uint32_t& v) {
    m_last_bus = m_hal.read32(m_base + reg.offset, v);
    return m_last_bus == bus_status::ok ? timer_status::ok : timer_status::bus_error;
}

timer_status timer_driver::write(const regs::reg_def& reg, uint32_t v) {
    m_last_bus = m_hal.write32(m_base + reg.offset, v);
    return m_last_bus == bus_status::ok ? timer_status::ok : timer_status::bus_error;
}

// One 64-bit store: LO then HI, which commits a compare atomically.
timer_status timer_driver::write64(const regs::reg_def& lo, uint64_t v) {
    m_last_bus = m_hal.write64(m_base + lo.offset, v);
    return m_last_bus == bus_status::ok ? timer_status::ok : timer_status::bus_error;
}

timer_status timer_driver::init() {
    uint32_t id = 0;
    if (auto s = read(r::ID, id); s != timer_status::ok)
        return s;
    const unsigned n = r::ID_CHANNELS.get(id);
    if (n == 0 || n > r::channels)
        return timer_status::device_error;
    m_channels = n;
    if (auto s = refresh_freq(); s != timer_status::ok)
        return s;
    for (unsigned ch = 0; ch < m_channels; ++ch)
        if (auto s = write(r::channel_reg(r::CH_CTRL, ch), 0); s != timer_status::ok)
            return s;
    if (auto s = write(r::IRQ_ENABLE, 0); s != timer_status::ok)
        return s;
    if (auto s = write(r::STATUS, r::channel_mask); s != timer_status::ok)
        return s;
    return write(r::CTRL, r::CTRL_ENABLE.make(1));
}

timer_status timer_driver::refresh_freq() {
    uint32_t f = 0;
    if (auto s = read(r::FREQ, f); s != timer_status::ok)
        return s;
    if (f == 0)
        return timer_status::device_error;
    m_freq_hz = f;
    return timer_status::ok;
}

timer_status timer_driver::attach_irq(intc_driver& intc, unsigned source) {
    if (intc.attach(source, [this] { handle_irq(); }) != intc_status::ok)
        return timer_status::irq_error;
    return intc.enable(source) == intc_status::ok ? timer_status::ok : timer_status::irq_error;
}

void timer_driver::handle_irq() {
    uint32_t st = 0;
    if (read(r::STATUS, st) != timer_status::ok || st == 0)
        return;
    // Clear first: a callback that re-arms its channel must not lose the
    // next match to this write.
    if (write(r::STATUS, st) != timer_status::ok)
        return;
    for (unsigned ch = 0; ch < m_channels; ++ch) {
        if ((st & r::status_bit(ch)) == 0)
            continue;
        ++m_fired[ch];
        if (m_callbacks[ch]) {
            const callback cb = m_callbacks[ch];  // the callback may stop() its channel
            cb();
        }
    }
}

timer_status timer_driver::now(uint64_t& ticks) {
    // A 64-bit read at COUNT_LO latches the upper half: consistent.
    m_last_bus = m_hal.read64(m_base + r::COUNT_LO.offset, ticks);
    return m_last_bus == bus_status::ok ? timer_status::ok : timer_status::bus_error;
}

timer_status timer_driver::now_ns(uint64_t& ns) {
    uint64_t t = 0;
    auto s = now(t);
    ns = s == timer_status::ok ? ticks_to_ns(t) : 0;
    return s;
}

// Split in quotient and remainder so that no intermediate overflows 64 bits
// for any frequency below 18 GHz.
uint64_t timer_driver::ticks_to_ns(uint64_t ticks) const {
    if (m_freq_hz == 0)
        return 0;
    return ticks / m_freq_hz * ns_per_s + ticks % m_freq_hz * ns_per_s / m_freq_hz;
}

uint64_t timer_driver::ns_to_ticks(uint64_t ns) const {
    const uint64_t whole = ns / ns_per_s * m_freq_hz;
    const uint64_t part = ns % ns_per_s * m_freq_hz;
    return whole + (part + ns_per_s - 1) / ns_per_s;
}

timer_status timer_driver::set_irq_enable(unsigned ch, bool on) {
    uint32_t en = 0;
    if (auto s = read(r::IRQ_ENABLE, en); s != timer_status::ok)
        return s;
    en = on ? (en | r::status_bit(ch)) : (en & ~r::status_bit(ch));
    return write(r::IRQ_ENABLE, en);
}

// Disable, program, clear a stale match, unmask, enable: the channel never
// runs with half-programmed registers.
timer_status timer_driver::arm(unsigned ch, uint64_t compare, uint64_t period, callback cb) {
    if (auto s = write(r::channel_reg(r::CH_CTRL, ch), 0); s != timer_status::ok)
        return s;
    m_callbacks[ch] = std::move(cb);
    if (auto s = write64(r::channel_reg(r::PERIOD_LO, ch), period); s != timer_status::ok)
        return s;
    if (auto s = write64(r::channel_reg(r::CMP_LO, ch), compare); s != timer_status::ok)
        return s;
    if (auto s = write(r::STATUS, r::status_bit(ch)); s != timer_status::ok)
        return s;
    if (auto s = set_irq_enable(ch, true); s != timer_status::ok)
        return s;
    const uint32_t ctrl = r::CH_CTRL_ENABLE.make(1) | r::CH_CTRL_PERIODIC.make(period != 0);
    return write(r::channel_reg(r::CH_CTRL, ch), ctrl);
}

timer_status timer_driver::start_periodic(unsigned ch, uint64_t period_ticks, callback cb) {
    if (ch >= m_channels || period_ticks == 0)
        return timer_status::invalid_argument;
    uint64_t t = 0;
    if (auto s = now(t); s != timer_status::ok)
        return s;
    return arm(ch, t + period_ticks, period_ticks, std::move(cb));
}

timer_status timer_driver::start_periodic_ns(unsigned ch, uint64_t period_ns, callback cb) {
    return start_periodic(ch, ns_to_ticks(period_ns), std::move(cb));
}

timer_status timer_driver::alarm_at(unsigned ch, uint64_t at_ticks, callback cb) {
    if (ch >= m_channels)
        return timer_status::invalid_argument;
    return arm(ch, at_ticks, 0, std::move(cb));
}

timer_status timer_driver::alarm_in_ns(unsigned ch, uint64_t delay_ns, callback cb) {
    if (ch >= m_channels)
        return timer_status::invalid_argument;
    uint64_t t = 0;
    if (auto s = now(t); s != timer_status::ok)
        return s;
    return alarm_at(ch, t + ns_to_ticks(delay_ns), std::move(cb));
}

timer_status timer_driver::stop(unsigned ch) {
    if (ch >= m_channels)
        return timer_status::invalid_argument;
    m_callbacks[ch] = {};
    if (auto s = write(r::channel_reg(r::CH_CTRL, ch), 0); s != timer_status::ok)
        return s;
    if (auto s = set_irq_enable(ch, false); s != timer_status::ok)
        return s;
    return write(r::STATUS, r::status_bit(ch));
}

}  // namespace nnvp::fw
