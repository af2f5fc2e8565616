#include "firmware/drivers/intc/intc_driver.h"

namespace nnvp::fw {

namespace r = intc_regs;

const char* to_string(intc_status s) {
    switch (s) {
    case intc_status::ok: return "ok";
    case intc_status::bus_error: return "bus error";
    case intc_status::invalid_argument: return "invalid argument";
    case intc_status::device_error: return "device error";
    }
    return "?";
}

intc_status intc_driver::read(const regs::reg_def& reg, uint32_t& v) {
    m_last_bus = m_hal.read32(m_base + reg.offset, v);
    return m_last_bus == bus_status::ok ? intc_status::ok : intc_status::bus_error;
}

intc_status intc_driver::write(const regs::reg_def& reg, uint32_t v) {
    m_last_bus = m_hal.write32(m_base + reg.offset, v);
    return m_last_bus == bus_status::ok ? intc_status::ok : intc_status::bus_error;
}

intc_status intc_driver::init() {
    uint32_t id = 0;
    if (auto s = read(r::ID, id); s != intc_status::ok)
        return s;
    const unsigned n = r::ID_SOURCES.get(id);
    if (n < 2 || n > r::max_sources)
        return intc_status::device_error;
    m_sources = n;
    for (const auto& en : r::ENABLE)
        if (auto s = write(en, 0); s != intc_status::ok)
            return s;
    if (auto s = write(r::THRESHOLD, 0); s != intc_status::ok)
        return s;
    return write(r::STATUS, r::STATUS_BAD_COMPLETE.mask());
}

void intc_driver::install() {
    m_hal.set_irq_handler([this] { dispatch(); });
    m_hal.enable_irq(true);
}

void intc_driver::dispatch() {
    for (unsigned n = 0; n < max_claims_per_dispatch; ++n) {
        uint32_t id = 0;
        if (read(r::CLAIM, id) != intc_status::ok)
            return;
        if (id == 0) {
            if (n == 0)
                ++m_spurious;
            return;
        }
        if (id < m_handlers.size() && m_handlers[id]) {
            ++m_dispatched;
            m_handlers[id]();
        } else {
            // Nobody will quiet this device: mask it rather than loop on it.
            ++m_unhandled;
            set_enable(id, false);
        }
        if (write(r::COMPLETE, id) != intc_status::ok)
            return;
    }
}

intc_status intc_driver::attach(unsigned source, handler h) {
    if (!valid(source))
        return intc_status::invalid_argument;
    m_handlers[source] = std::move(h);
    return intc_status::ok;
}

intc_status intc_driver::detach(unsigned source) { return attach(source, {}); }

intc_status intc_driver::set_enable(unsigned source, bool on) {
    if (!valid(source))
        return intc_status::invalid_argument;
    const auto& reg = r::ENABLE[r::word_of(source)];
    uint32_t v = 0;
    if (auto s = read(reg, v); s != intc_status::ok)
        return s;
    v = on ? (v | r::bit_of(source)) : (v & ~r::bit_of(source));
    return write(reg, v);
}

intc_status intc_driver::enable(unsigned source) { return set_enable(source, true); }
intc_status intc_driver::disable(unsigned source) { return set_enable(source, false); }

intc_status intc_driver::set_priority(unsigned source, unsigned priority) {
    if (!valid(source) || priority > r::max_priority)
        return intc_status::invalid_argument;
    return write(r::priority_reg(source), r::PRIORITY_VALUE.make(priority));
}

intc_status intc_driver::set_threshold(unsigned threshold) {
    if (threshold > r::max_priority)
        return intc_status::invalid_argument;
    return write(r::THRESHOLD, r::THRESHOLD_VALUE.make(threshold));
}

}  // namespace nnvp::fw
