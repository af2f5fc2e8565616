// A HAL with no simulation behind it, for unit tests of firmware drivers:
// registers are a sparse map of words; tests script device behaviour with
// per-address read/write hooks and inspect the access log.
#pragma once

#include "arch/hal/hal.h"

#include <cstring>
#include <functional>
#include <map>
#include <string>
#include <vector>

namespace nnvp::test {

class fake_hal : public fw::hal {
public:
    struct access {
        bool write;
        uint64_t addr;
        uint32_t value;

        bool operator==(const access& o) const {
            return write == o.write && addr == o.addr && value == o.value;
        }
    };
    using read_hook = std::function<uint32_t(uint64_t addr)>;
    using write_hook = std::function<void(uint64_t addr, uint32_t value)>;

    explicit fake_hal(memory_map map = {}) : m_map(std::move(map)) {}

    // Device behaviour.
    std::map<uint64_t, uint32_t> words;               // register/memory contents
    std::map<uint64_t, read_hook> on_read;            // overrides `words`
    std::map<uint64_t, write_hook> on_write;          // called after the store
    std::map<uint64_t, fw::bus_status> faults;        // addresses that fail
    std::function<void()> on_wait_irq;                // e.g. fire the handler
    std::vector<access> accesses;  // every MMIO access, in order
    std::vector<std::string> console;
    uint64_t time_ns = 0;
    uint64_t cycles_consumed = 0;

    fw::bus_status read32(uint64_t addr, uint32_t& value) override {
        if (auto f = faults.find(addr); f != faults.end())
            return f->second;
        auto hook = on_read.find(addr);
        value = hook != on_read.end() ? hook->second(addr) : words[addr];
        accesses.push_back({false, addr, value});
        return fw::bus_status::ok;
    }
    fw::bus_status write32(uint64_t addr, uint32_t value) override {
        if (auto f = faults.find(addr); f != faults.end())
            return f->second;
        words[addr] = value;
        accesses.push_back({true, addr, value});
        if (auto hook = on_write.find(addr); hook != on_write.end())
            hook->second(addr, value);
        return fw::bus_status::ok;
    }
    fw::bus_status read64(uint64_t addr, uint64_t& value) override {
        uint32_t lo = 0, hi = 0;
        auto s = read32(addr, lo);
        if (s == fw::bus_status::ok)
            s = read32(addr + 4, hi);
        value = (uint64_t{hi} << 32) | lo;
        return s;
    }
    fw::bus_status write64(uint64_t addr, uint64_t value) override {
        auto s = write32(addr, static_cast<uint32_t>(value));
        return s == fw::bus_status::ok ? write32(addr + 4, static_cast<uint32_t>(value >> 32))
                                       : s;
    }
    fw::bus_status read_block(uint64_t addr, void* dst, std::size_t bytes) override {
        auto* out = static_cast<unsigned char*>(dst);
        for (std::size_t i = 0; i < bytes; ++i)
            out[i] = m_bytes[addr + i];
        return fw::bus_status::ok;
    }
    fw::bus_status write_block(uint64_t addr, const void* src, std::size_t bytes) override {
        const auto* in = static_cast<const unsigned char*>(src);
        for (std::size_t i = 0; i < bytes; ++i)
            m_bytes[addr + i] = in[i];
        return fw::bus_status::ok;
    }
    void set_irq_handler(std::function<void()> handler) override {
        irq_handler = std::move(handler);
    }
    void enable_irq(bool enabled) override { irq_enabled = enabled; }
    bool wait_irq(uint64_t timeout_ns) override {
        if (on_wait_irq) {
            on_wait_irq();
            return true;
        }
        time_ns += timeout_ns;
        return false;
    }
    void delay_ns(uint64_t ns) override { time_ns += ns; }
    void consume_cycles(uint64_t cycles) override { cycles_consumed += cycles; }
    uint64_t now_ns() const override { return time_ns; }
    const memory_map& map() const override { return m_map; }
    void log(const std::string& line) override { console.push_back(line); }

    std::function<void()> irq_handler;
    bool irq_enabled = false;

    // Writes seen at `addr`, in order.
    std::vector<uint32_t> writes_to(uint64_t addr) const {
        std::vector<uint32_t> out;
        for (const auto& a : accesses)
            if (a.write && a.addr == addr)
                out.push_back(a.value);
        return out;
    }

private:
    memory_map m_map;
    std::map<uint64_t, unsigned char> m_bytes;
};

}  // namespace nnvp::test
