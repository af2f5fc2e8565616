// Firmware programs the platform can boot: each has a name, a summary, the
// arguments it accepts (like a kernel command line) and an entry point that
// runs on the virtual CPU through the HAL. No SystemC here. Part of the SDK:
// built-in programs (registry.h) and firmware libraries (firmware_library.h)
// declare theirs with the same struct.
#pragma once

#include "arch/hal/hal.h"

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace nnvp::fw {

struct arg_spec {
    std::string name;
    int64_t default_value;
    int64_t min;
    int64_t max;
    std::string help;
};

// Integer arguments, checked against the program's specs before boot.
class program_args {
public:
    program_args() = default;
    explicit program_args(std::map<std::string, int64_t> values) : m_values(std::move(values)) {}
    int64_t get(const std::string& name) const;  // the value or the spec's default
    const std::map<std::string, int64_t>& values() const { return m_values; }

private:
    std::map<std::string, int64_t> m_values;
};

struct program {
    std::string name;
    std::string summary;
    std::vector<arg_spec> args;
    int (*entry)(hal& hal, const program_args& args);

    // Fills in defaults; empty string when valid, else the first problem.
    std::string resolve(std::map<std::string, int64_t>& values) const;
};

}  // namespace nnvp::fw
