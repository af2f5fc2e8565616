// Firmware driver of the timer: time in ticks and nanoseconds, periodic ticks
// and one-shot alarms with callbacks (served through the interrupt-controller
// driver). Includes only the HAL and register headers; owns no timing.
#pragma once

#include "firmware/drivers/intc/intc_driver.h"
#include "arch/hal/hal.h"
#include "arch/regs/timer_regs.h"

#include <array>
#include <cstdint>
#include <functional>

namespace nnvp::fw {

enum class timer_status : uint8_t {
    ok = 0,
    bus_error,         // a register access failed (see last_bus_status())
    invalid_argument,  // channel out of range, period 0
    device_error,      // ID/FREQ do not describe a usable timer (e.g. FREQ 0)
    irq_error,         // the interrupt-controller driver refused the source
};
const char* to_string(timer_status s);

class timer_driver {
public:
    using callback = std::function<void()>;

    // `base`: the timer's base address (hal.map().at("timer").base).
    timer_driver(hal& h, uint64_t base) : m_hal(h), m_base(base) {}

    // Reads ID and FREQ, stops every channel, masks and clears the
    // interrupts, and starts the counter (without resetting it).
    timer_status init();
    // Routes the timer's interrupt (`source`, from the memory map) through
    // `intc` to this driver and enables it there.
    timer_status attach_irq(intc_driver& intc, unsigned source);
    // Serves the timer interrupt: clears STATUS, then runs the callbacks.
    void handle_irq();

    unsigned channels() const { return m_channels; }
    // Counter frequency as read from FREQ by init()/refresh_freq().
    uint64_t freq_hz() const { return m_freq_hz; }
    timer_status refresh_freq();

    timer_status now(uint64_t& ticks);
    timer_status now_ns(uint64_t& ns);
    uint64_t ticks_to_ns(uint64_t ticks) const;
    uint64_t ns_to_ticks(uint64_t ns) const;  // rounded up: never early

    // Runs `cb` every `period_ticks`, first at now + period.
    timer_status start_periodic(unsigned ch, uint64_t period_ticks, callback cb);
    timer_status start_periodic_ns(unsigned ch, uint64_t period_ns, callback cb);
    // Runs `cb` once when the counter reaches `at_ticks` (at once if passed).
    timer_status alarm_at(unsigned ch, uint64_t at_ticks, callback cb);
    timer_status alarm_in_ns(unsigned ch, uint64_t delay_ns, callback cb);
    // Stops channel `ch` and forgets its callback.
    timer_status stop(unsigned ch);

    uint64_t fired(unsigned ch) const { return ch < m_fired.size() ? m_fired[ch] : 0; }
    bus_status last_bus_status() const { return m_last_bus; }

private:
    timer_status read(const regs::reg_def& r, uint32_t& v);
    timer_status write(const regs::reg_def& r, uint32_t v);
    timer_status write64(const regs::reg_def& lo, uint64_t v);
    timer_status arm(unsigned ch, uint64_t compare, uint64_t period, callback cb);
    timer_status set_irq_enable(unsigned ch, bool on);

    hal& m_hal;
    uint64_t m_base;
    unsigned m_channels = 0;
    uint64_t m_freq_hz = 0;
    std::array<callback, timer_regs::channels> m_callbacks{};
    std::array<uint64_t, timer_regs::channels> m_fired{};
    bus_status m_last_bus = bus_status::ok;
};

}  // namespace nnvp::fw
