#include "arch/memory_map/memory_map.h"

#include <sstream>
#include <stdexcept>

namespace nnvp {

const region* memory_map::find(const std::string& name) const {
    for (const auto& r : regions)
        if (r.name == name)
            return &r;
    return nullptr;
}

const region& memory_map::at(const std::string& name) const {
    if (const region* r = find(name))
        return *r;
    throw std::out_of_range("memory map has no region \"" + name + "\"");
}

const region* memory_map::decode(uint64_t addr) const {
    for (const auto& r : regions)
        if (r.contains(addr))
            return &r;
    return nullptr;
}

std::string memory_map::validate(unsigned irq_sources) const {
    std::ostringstream err;
    for (std::size_t i = 0; i < regions.size(); ++i) {
        const region& a = regions[i];
        if (a.size == 0)
            return "region \"" + a.name + "\" has size 0";
        if (a.base + a.size < a.base)
            return "region \"" + a.name + "\" wraps around the address space";
        if (a.irq >= static_cast<int>(irq_sources))
            return "region \"" + a.name + "\" uses irq " + std::to_string(a.irq) +
                   " but the interrupt controller has " + std::to_string(irq_sources) +
                   " sources";
        for (std::size_t j = i + 1; j < regions.size(); ++j) {
            const region& b = regions[j];
            if (a.name == b.name)
                return "region name \"" + a.name + "\" is used twice";
            if (a.base < b.end() && b.base < a.end())
                return "regions \"" + a.name + "\" and \"" + b.name + "\" overlap";
            if (a.irq >= 0 && a.irq == b.irq)
                return "regions \"" + a.name + "\" and \"" + b.name + "\" share irq " +
                       std::to_string(a.irq);
        }
    }
    return {};
}

}  // namespace nnvp
