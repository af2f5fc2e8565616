// Description of a clock/voltage domain as the platform config gives it: the
// operating-point table, the initial point and the nominal voltage. The
// platform parses one per domain with parse_domain() and builds the
// clock_domain with make_clock_domain() (power_controller.h); the power
// controller then drives it. No SystemC here.
#pragma once

#include "ip/common/config_reader.h"

#include <cstddef>
#include <string>
#include <vector>

namespace nnvp {

struct domain_opp {
    double freq_mhz;
    double volt_mv;
};

struct domain_desc {
    std::string name;
    std::vector<domain_opp> opps;  // frequencies strictly increasing
    std::size_t initial = 0;       // index into opps
    double v_nominal_mv = 900.0;   // voltage at which energies are specified
};

// Built-in tables for the platform's domains (cpu, fabric, nncore, dram, ref),
// used when the config gives no "opps". nncore follows the issue: 300..700 MHz
// at 0.70 V, 800 MHz at 0.75 V, 900 MHz at 0.80 V, 1000 MHz at 0.85 V. The
// other tables are assumptions in the same 45 nm range, to be overridden by
// the platform config. Every default starts at its highest point, with
// v_nominal 900 mV (the voltage of the default energy figures, DESIGN.md).
// Returns false for a name without a built-in table.
bool default_domain(const std::string& name, domain_desc& out);

// Reads {"opps": [{"mhz": 300, "mv": 700}, ...], "initial": 7,
// "v_nominal_mv": 900}. "opps" may be omitted for a domain with a built-in
// table; "initial" defaults to the last (fastest) point; "v_nominal_mv"
// defaults to 900. Checks: a non-empty table, positive values, frequencies
// strictly increasing, voltages non-decreasing, initial in range; unknown keys
// are rejected. Errors are config_error naming the file and field.
domain_desc parse_domain(const config_node& node, const std::string& name);

// make_clock_domain(desc), which builds the clock_domain, is in
// power_controller.h (it needs SystemC; this header does not).

}  // namespace nnvp
