#include "firmware/programs/program.h"

#include <stdexcept>

namespace nnvp::fw {

int64_t program_args::get(const std::string& name) const {
    auto it = m_values.find(name);
    if (it == m_values.end())
        throw std::out_of_range("program argument \"" + name + "\" was not resolved");
    return it->second;
}

std::string program::resolve(std::map<std::string, int64_t>& values) const {
    for (const auto& [key, value] : values) {
        const arg_spec* spec = nullptr;
        for (const auto& a : args)
            if (a.name == key)
                spec = &a;
        if (!spec)
            return "program \"" + name + "\" has no argument \"" + key + "\"";
        if (value < spec->min || value > spec->max)
            return "argument \"" + key + "\" of program \"" + name + "\" must be in [" +
                   std::to_string(spec->min) + ", " + std::to_string(spec->max) + "], got " +
                   std::to_string(value);
    }
    for (const auto& a : args)
        values.emplace(a.name, a.default_value);
    return {};
}

}  // namespace nnvp::fw
