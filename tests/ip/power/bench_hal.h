// A HAL over the test bench's bus master and the controller's IRQ line, so
// firmware (drivers, governors) runs against the real model.
#pragma once

#include <cmath>
#include <functional>

#include "arch/hal/hal.h"
#include "tests/support/sc_harness.h"

namespace nnvp::test {

class bench_hal : public fw::hal {
public:
    bench_hal(bus_master& bus, sc_core::sc_signal<bool>& irq) : m_bus(bus), m_irq(irq) {}

    fw::bus_status read32(uint64_t addr, uint32_t& v) override { return st(m_bus.read32(addr, v)); }
    fw::bus_status write32(uint64_t addr, uint32_t v) override {
        return st(m_bus.write32(addr, v));
    }
    fw::bus_status read64(uint64_t addr, uint64_t& v) override {
        return st(m_bus.access(tlm::TLM_READ_COMMAND, addr, &v, 8));
    }
    fw::bus_status write64(uint64_t addr, uint64_t v) override {
        return st(m_bus.access(tlm::TLM_WRITE_COMMAND, addr, &v, 8));
    }
    fw::bus_status read_block(uint64_t, void*, std::size_t) override {
        return fw::bus_status::generic_error;
    }
    fw::bus_status write_block(uint64_t, const void*, std::size_t) override {
        return fw::bus_status::generic_error;
    }
    void set_irq_handler(std::function<void()> h) override { m_handler = std::move(h); }
    void enable_irq(bool) override {}
    bool wait_irq(uint64_t timeout_ns) override {
        if (!m_irq.read()) {
            if (timeout_ns)
                sc_core::wait(sc_core::sc_time(static_cast<double>(timeout_ns), sc_core::SC_NS),
                              m_irq.posedge_event());
            else
                sc_core::wait(m_irq.posedge_event());
        }
        if (!m_irq.read() || !m_handler)
            return false;
        m_handler();
        return true;
    }
    void delay_ns(uint64_t ns) override {
        sc_core::wait(sc_core::sc_time(static_cast<double>(ns), sc_core::SC_NS));
    }
    void consume_cycles(uint64_t) override {}
    uint64_t now_ns() const override {
        return static_cast<uint64_t>(std::llround(sc_core::sc_time_stamp().to_seconds() * 1e9));
    }
    const memory_map& map() const override { return m_map; }
    void log(const std::string&) override {}

private:
    static fw::bus_status st(tlm::tlm_response_status r) {
        return r == tlm::TLM_OK_RESPONSE ? fw::bus_status::ok : fw::bus_status::generic_error;
    }
    bus_master& m_bus;
    sc_core::sc_signal<bool>& m_irq;
    std::function<void()> m_handler;
    memory_map m_map;
};

}  // namespace nnvp::test
