// The SoC memory map: one table of regions that the platform wires from and
// the firmware reads its base addresses from (the firmware gets it at boot,
// as a real chip's firmware gets a device tree). No SystemC here.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace nnvp {

struct region {
    std::string name;
    uint64_t base = 0;
    uint64_t size = 0;
    int irq = -1;  // interrupt-controller source number, -1 for none

    bool contains(uint64_t addr) const { return addr >= base && addr - base < size; }
    uint64_t end() const { return base + size; }  // one past the last byte
};

struct memory_map {
    std::vector<region> regions;

    // The region called `name`, or nullptr.
    const region* find(const std::string& name) const;
    // The region called `name`; throws std::out_of_range if there is none.
    const region& at(const std::string& name) const;
    // The region holding `addr`, or nullptr.
    const region* decode(uint64_t addr) const;
    // Empty when the map is sound, else a description of the first problem
    // (overlap, zero size, wrap-around, duplicate name or IRQ).
    std::string validate(unsigned irq_sources) const;
};

}  // namespace nnvp
