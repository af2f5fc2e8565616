// Register map of the power controller (DVFS): declared once, compiled by the
// model, the firmware driver and the tests. No SystemC here.
//
// Window layout (4 KB):
//   0x000 .. 0x0ff  global registers (ID, interrupts); 0x010 .. 0x0ff is
//                   reserved for the hardware governor and telemetry (later).
//   0x100 + d * 0x80  one block per controlled domain d (d < max_domains),
//                   in the order the platform passes the domains (the
//                   platform's order is cpu, fabric, nncore, dram, ref).
//                   Offsets 0x34 .. 0x7c of each block are reserved for power
//                   states (STATE_REQ, STATE_CUR) and residency counters.
//   0x900 .. 0xfff  reserved.
// Unused offsets answer with an address error.
#pragma once

#include "ip/common/reg_def.h"

#include <array>
#include <cstdint>

namespace nnvp::power_regs {

using regs::field;
using regs::reg_def;

constexpr uint32_t window_bytes = 0x1000;
constexpr uint32_t max_domains = 16;
constexpr uint32_t domain_base = 0x100;
constexpr uint32_t domain_stride = 0x80;
constexpr uint32_t id_magic = 0x5043;  // "PC"
constexpr uint32_t version = 1;

// Byte offset of domain `d`'s register block.
constexpr uint32_t domain_offset(uint32_t d) { return domain_base + d * domain_stride; }

// ---- global registers ------------------------------------------------------
// ID: number of controlled domains, register-map version, magic.
constexpr reg_def ID = regs::ro("ID", 0x000);
constexpr field ID_DOMAINS{0, 8};
constexpr field ID_VERSION{8, 8};
constexpr field ID_MAGIC{16, 16};

// IRQ_STATUS (W1C) and IRQ_ENABLE share one layout: bit d = domain d finished
// an OPP transition; bit 31 = a request was rejected (see the domain's
// STATUS). Bits 16..30 are reserved for power-state transitions (later).
constexpr reg_def IRQ_STATUS = regs::w1c("IRQ_STATUS", 0x004);
constexpr reg_def IRQ_ENABLE = regs::rw("IRQ_ENABLE", 0x008, 0, 0x8000ffffu);
constexpr uint32_t IRQ_ERROR = 1u << 31;
constexpr uint32_t irq_done(uint32_t d) { return 1u << d; }

// Reserved global offsets for the later governor / telemetry issue.
constexpr uint32_t reserved_global_begin = 0x010;
constexpr uint32_t reserved_global_end = 0x100;

// ---- per-domain registers (offsets relative to domain_offset(d)) -----------
// NAME: the first four characters of the domain's name, the first character
// in bits 7:0, zero-padded ("nncore" reads as 'n','n','c','o').
constexpr reg_def NAME = regs::ro("NAME", 0x00);
constexpr reg_def OPP_COUNT = regs::ro("OPP_COUNT", 0x04);
// OPP_REQ: writing an index starts a transition to that operating point.
// Reads return the last accepted request (a rejected write leaves it as it was).
constexpr reg_def OPP_REQ = regs::rw("OPP_REQ", 0x08, 0, 0xffffffffu);
// OPP_CUR: the operating point the domain last settled at (it changes when a
// transition completes).
constexpr reg_def OPP_CUR = regs::ro("OPP_CUR", 0x0c);
// STATUS: BUSY while a transition runs (PHASE says which step), ERROR and
// ERR_CODE describe the last rejected request; both clear on the next accepted
// request. A request while BUSY is REJECTED (err_busy), never queued: the
// running transition completes unchanged.
constexpr reg_def STATUS = regs::ro("STATUS", 0x10);
constexpr field STATUS_BUSY{0, 1};
constexpr field STATUS_ERROR{1, 1};
constexpr field STATUS_PHASE{4, 2};
constexpr field STATUS_ERR_CODE{8, 4};
constexpr field STATUS_TARGET{16, 8};  // target OPP index while BUSY
// The voltage/frequency the domain runs at now (live during a transition:
// the voltage moves in steps during a slew, the frequency at the relock end).
constexpr reg_def FREQ_MHZ = regs::ro("FREQ_MHZ", 0x14);
constexpr reg_def VOLT_MV = regs::ro("VOLT_MV", 0x18);
// OPP table readout: select an index, read its frequency and voltage (0 for
// an index beyond OPP_COUNT).
constexpr reg_def OPP_SEL = regs::rw("OPP_SEL", 0x1c, 0, 0xffu);
constexpr reg_def OPP_FREQ_KHZ = regs::ro("OPP_FREQ_KHZ", 0x20);
constexpr reg_def OPP_VOLT_MV = regs::ro("OPP_VOLT_MV", 0x24);
// ENERGY: the domain's total energy in nanojoules (the sum of every energy
// meter attached to it, transition costs included), computed when read.
// Reading ENERGY_LO latches the upper half into ENERGY_HI: read LO first (a
// 64-bit read at ENERGY_LO does so).
constexpr reg_def ENERGY_LO = regs::ro("ENERGY_LO", 0x28);
constexpr reg_def ENERGY_HI = regs::ro("ENERGY_HI", 0x2c);
// Completed OPP transitions since reset of the model (same-index included).
constexpr reg_def TRANSITIONS = regs::ro("TRANSITIONS", 0x30);

// Reserved per-domain offsets for power states (a later issue).
constexpr uint32_t reserved_state_req = 0x34;
constexpr uint32_t reserved_state_cur = 0x38;
constexpr uint32_t reserved_residency_begin = 0x40;  // 4 states x 64-bit counters
constexpr uint32_t reserved_residency_end = 0x60;

enum phase : uint32_t { phase_idle = 0, phase_slew = 1, phase_relock = 2 };

enum err_code : uint32_t {
    err_none = 0,
    err_bad_index = 1,  // OPP_REQ beyond OPP_COUNT
    err_busy = 2,       // OPP_REQ while a transition runs
};

constexpr std::array<reg_def, 3> global_map{ID, IRQ_STATUS, IRQ_ENABLE};
constexpr std::array<reg_def, 13> domain_map{NAME,         OPP_COUNT,   OPP_REQ,  OPP_CUR,
                                             STATUS,       FREQ_MHZ,    VOLT_MV,  OPP_SEL,
                                             OPP_FREQ_KHZ, OPP_VOLT_MV, ENERGY_LO, ENERGY_HI,
                                             TRANSITIONS};

static_assert(regs::well_formed(global_map, domain_base), "global registers overlap");
static_assert(regs::well_formed(domain_map, reserved_state_req), "domain registers overlap");
static_assert(domain_offset(max_domains) <= window_bytes, "domain blocks exceed the window");
static_assert(reserved_residency_end <= domain_stride, "reserved space exceeds a domain block");

}  // namespace nnvp::power_regs
