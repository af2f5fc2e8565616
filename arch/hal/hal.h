// The hardware abstraction layer: everything firmware may do to the chip.
// No SystemC here. On the VP the CPU model implements it; on silicon (or an
// instruction-set simulator) a few lines of MMIO and WFI would.
#pragma once

#include "arch/memory_map/memory_map.h"

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>

namespace nnvp::fw {

// Outcome of a bus access as the CPU sees it.
enum class bus_status : uint8_t {
    ok = 0,
    address_error,     // nothing mapped there, or no register at that offset
    access_error,      // wrong width, byte enables, burst, or a powered-off block
    generic_error,
};
const char* to_string(bus_status s);

class hal {
public:
    virtual ~hal() = default;

    // --- memory-mapped I/O (single accesses, never DMI) ---------------------
    virtual bus_status read32(uint64_t addr, uint32_t& value) = 0;
    virtual bus_status write32(uint64_t addr, uint32_t value) = 0;
    virtual bus_status read64(uint64_t addr, uint64_t& value) = 0;
    virtual bus_status write64(uint64_t addr, uint64_t value) = 0;

    // --- bulk copies between firmware buffers and memory (DMI when granted) --
    virtual bus_status read_block(uint64_t addr, void* dst, std::size_t bytes) = 0;
    virtual bus_status write_block(uint64_t addr, const void* src, std::size_t bytes) = 0;

    // --- interrupts -----------------------------------------------------------
    // The external-interrupt handler (normally the interrupt-controller
    // driver's dispatcher). It runs on the CPU with interrupts masked.
    virtual void set_irq_handler(std::function<void()> handler) = 0;
    virtual void enable_irq(bool enabled) = 0;
    // Sleeps (WFI) until an interrupt is pending or `timeout_ns` has passed;
    // pending interrupts are handled before it returns. true: woken by an
    // interrupt; false: timed out. timeout_ns == 0 waits without a bound.
    // Like WFE's event register, an interrupt taken since the previous call
    // makes it return at once, so "check status, then sleep" loses no wake-up.
    virtual bool wait_irq(uint64_t timeout_ns) = 0;

    // --- time -----------------------------------------------------------------
    virtual void delay_ns(uint64_t ns) = 0;           // busy-wait
    virtual void consume_cycles(uint64_t cycles) = 0; // annotate CPU work
    virtual uint64_t now_ns() const = 0;              // the CPU's local time

    // --- platform description and console -----------------------------------
    virtual const memory_map& map() const = 0;
    virtual void log(const std::string& line) = 0;
};

}  // namespace nnvp::fw
