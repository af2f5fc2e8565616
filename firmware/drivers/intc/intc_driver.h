// Firmware driver of the interrupt controller: per-source handlers, enables,
// priorities, and the dispatcher the HAL calls on an external interrupt
// (claim, call the handler, complete, until nothing is left).
// Includes only the HAL and the register header; owns no timing.
#pragma once

#include "arch/hal/hal.h"
#include "arch/regs/intc_regs.h"

#include <array>
#include <cstdint>
#include <functional>

namespace nnvp::fw {

enum class intc_status : uint8_t {
    ok = 0,
    bus_error,         // a register access failed (see last_bus_status())
    invalid_argument,  // source id 0 or beyond the controller, priority too high
    device_error,      // the ID register does not describe a supported controller
};
const char* to_string(intc_status s);

class intc_driver {
public:
    using handler = std::function<void()>;
    // Bound on claims served by one dispatch, so a device that never drops its
    // line cannot keep the CPU in the handler forever.
    static constexpr unsigned max_claims_per_dispatch = 64;

    // `base`: the controller's base address (hal.map().at("intc").base).
    intc_driver(hal& h, uint64_t base) : m_hal(h), m_base(base) {}

    // Reads ID, disables every source, sets the threshold to 0 and clears
    // STATUS. Call before anything else.
    intc_status init();
    // Registers the dispatcher as the HAL's external-interrupt handler and
    // unmasks the CPU's interrupt input.
    void install();
    // Serves every pending source (what the HAL calls on an interrupt).
    void dispatch();

    intc_status attach(unsigned source, handler h);  // does not enable the source
    intc_status detach(unsigned source);
    intc_status enable(unsigned source);
    intc_status disable(unsigned source);
    intc_status set_priority(unsigned source, unsigned priority);
    intc_status set_threshold(unsigned threshold);

    unsigned sources() const { return m_sources; }  // ids including the reserved 0
    uint64_t dispatched() const { return m_dispatched; }  // handlers called
    // Dispatches whose first claim found nothing (e.g. the line dropped).
    uint64_t spurious() const { return m_spurious; }
    // Claims of sources without a handler (such a source gets disabled).
    uint64_t unhandled() const { return m_unhandled; }
    bus_status last_bus_status() const { return m_last_bus; }

private:
    intc_status read(const regs::reg_def& r, uint32_t& v);
    intc_status write(const regs::reg_def& r, uint32_t v);
    bool valid(unsigned source) const { return source != 0 && source < m_sources; }
    intc_status set_enable(unsigned source, bool on);

    hal& m_hal;
    uint64_t m_base;
    unsigned m_sources = intc_regs::min_sources;
    std::array<handler, intc_regs::max_sources> m_handlers{};
    uint64_t m_dispatched = 0;
    uint64_t m_spurious = 0;
    uint64_t m_unhandled = 0;
    bus_status m_last_bus = bus_status::ok;
};

}  // namespace nnvp::fw
