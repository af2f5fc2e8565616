// Internal: the per-domain state of the power controller, shared by its
// source files (power_controller.cpp, power_states.cpp,
// power_autonomous.cpp). Not part of the controller's interface.
#pragma once

#include <array>

#include "ip/power/power_controller.h"
#include "arch/regs/power_regs.h"

namespace nnvp {

struct power_controller::dom {
    clock_domain* clk = nullptr;
    std::unique_ptr<energy_meter> dvfs_meter;  // relock and state energy, attached to clk
    bool busy = false;
    request_kind kind = kind_opp;  // of the running transition
    bool from_firmware = false;    // the running transition was requested by firmware
    uint32_t target = 0;           // OPP being moved to while busy
    uint32_t cur = 0;              // OPP last settled at
    uint32_t requested = 0;        // last accepted OPP_REQ
    power_regs::phase phase = power_regs::phase::idle;
    power_regs::error_code err = power_regs::error_code::none;
    bool throttled = false;  // the last OPP request was clamped to opp_max
    uint64_t transitions = 0;
    uint64_t energy_hi = 0;       // ENERGY_HI latched by a read of ENERGY_LO
    uint64_t last_energy_nj = 0;  // keeps the counter monotonic across reads
    sc_core::sc_event start;
    // Power states.
    bool always_on = false;
    uint32_t state_target = regs::value(power_regs::state::on);
    uint32_t state_requested = regs::value(power_regs::state::on);  // last accepted STATE_REQ
    uint64_t state_transitions = 0;
    std::array<uint64_t, power_regs::state_count> entries{};
    std::array<double, power_regs::state_count> residency_s{};  // settled part
    power_state res_state = power_state::on;
    sc_core::sc_time res_since = sc_core::SC_ZERO_TIME;
    std::array<uint32_t, 8> hi_latch{};  // residency (4) and cycle (2) counters' HI halves
    bool wake_pending = false;
    // The domain is IDLE because auto-idle gated it (not firmware): the
    // hardware that gated it ungates it on the next access, auto_wake or not.
    bool auto_idled = false;
    std::size_t opp_max = 0;
    uint32_t auto_idle_cycles = 0;
    sc_core::sc_event auto_idle_changed;
};

}  // namespace nnvp
