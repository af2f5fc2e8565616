// Register map of the power controller (DVFS): declared once, compiled by the
// model, the firmware driver and the tests. No SystemC here.
//
// Window layout (4 KB):
//   0x000 .. 0x0ff  global registers (ID, interrupts, hardware governor,
//                   temperature); 0x030 .. 0x0ff reserved.
//   0x100 + d * 0x80  one block per controlled domain d (d < max_domains),
//                   in the order the platform passes the domains (the
//                   platform's order is cpu, fabric, nncore, dram, ref):
//                   DVFS (0x00 .. 0x30), power states and telemetry
//                   (0x34 .. 0x7c).
//   0x900 .. 0xfff  reserved.
// Unused offsets answer with an address error.
#pragma once

#include "arch/regs/field_names.h"
#include "arch/regs/reg_def.h"

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
constexpr uint32_t version = 2;  // 2: power states, telemetry, governor

// Byte offset of domain `d`'s register block.
constexpr uint32_t domain_offset(uint32_t d) { return domain_base + d * domain_stride; }
// `r` (one of the per-domain registers below) of domain `d`.
constexpr reg_def domain_reg(const reg_def& r, uint32_t d) { return r.at(domain_offset(d)); }

// ---- global registers ------------------------------------------------------
// ID: number of controlled domains, register-map version, magic.
constexpr reg_def ID = regs::ro("ID", 0x000);
constexpr field ID_DOMAINS{0, 8};
constexpr field ID_VERSION{8, 8};
constexpr field ID_MAGIC{16, 16};

// IRQ_STATUS (W1C) and IRQ_ENABLE share one layout: bit d = domain d finished
// an OPP transition; bit 16 + d = domain d (d < 15) finished a power-state
// transition; bit 31 = a request was rejected (see the domain's STATUS).
constexpr reg_def IRQ_STATUS = regs::w1c("IRQ_STATUS", 0x004);
constexpr reg_def IRQ_ENABLE = regs::rw("IRQ_ENABLE", 0x008, 0, 0xffffffffu);
constexpr field IRQ_OPP_DONE{0, 16};
constexpr field IRQ_STATE_DONE{16, 15};
constexpr field IRQ_ERROR{31, 1};
constexpr uint32_t irq_opp_done_bit(uint32_t d) { return IRQ_OPP_DONE.make(1u << d); }
constexpr uint32_t irq_state_done_bit(uint32_t d) {
    return d < IRQ_STATE_DONE.width ? IRQ_STATE_DONE.make(1u << d) : 0u;
}

// Hardware (autonomous) governor: ENABLE, and a mask of the domains it
// drives (bit 16 + d = domain d). Each period it reads every masked domain's
// utilisation (busy / clocked cycles over the period): above UP_PCT it
// requests the fastest OPP (capped by OPP_MAX), below DOWN_PCT one OPP down.
constexpr reg_def HWGOV_CTRL = regs::rw("HWGOV_CTRL", 0x010, 0, 0xffff0001u);
constexpr field HWGOV_ENABLE{0, 1};
constexpr field HWGOV_MASK{16, 16};
constexpr reg_def HWGOV_PERIOD_US = regs::rw("HWGOV_PERIOD_US", 0x014, 1000, 0xffffffffu);
constexpr reg_def HWGOV_THRESH = regs::rw("HWGOV_THRESH", 0x018, 80 | (30 << 8), 0xffffu);
constexpr field HWGOV_UP_PCT{0, 8};
constexpr field HWGOV_DOWN_PCT{8, 8};
// Die temperature of the thermal model in milli-degrees Celsius (two's
// complement), the ambient when the model is disabled.
constexpr reg_def TEMP_MC = regs::ro("TEMP_MC", 0x020);
// THERMAL: CAPPED while the temperature keeps OPP_MAX below the table's top;
// EPISODES counts how often the cap engaged.
constexpr reg_def THERMAL = regs::ro("THERMAL", 0x024);
constexpr field THERMAL_CAPPED{0, 1};
constexpr field THERMAL_EPISODES{16, 16};

constexpr uint32_t reserved_global_begin = 0x030;
constexpr uint32_t reserved_global_end = 0x100;

// ---- per-domain registers (offsets relative to domain_offset(d)) -----------
// NAME: the first four characters of the domain's name, the first character
// in bits 7:0, zero-padded ("nncore" reads as 'n','n','c','o').
constexpr reg_def NAME = regs::ro("NAME", 0x00);
constexpr uint32_t name_chars = 4;
// Character i (< name_chars) of NAME.
constexpr field name_char(unsigned i) { return field{8 * i, 8}; }
constexpr reg_def OPP_COUNT = regs::ro("OPP_COUNT", 0x04);
// OPP_REQ: writing an index starts a transition to that operating point.
// Reads return the last accepted request (a rejected write leaves it as it was).
constexpr reg_def OPP_REQ = regs::rw("OPP_REQ", 0x08, 0, 0xffffffffu);
// OPP_CUR: the operating point the domain last settled at (it changes when a
// transition completes).
constexpr reg_def OPP_CUR = regs::ro("OPP_CUR", 0x0c);
// STATUS: BUSY while a transition runs (PHASE says which step), ERROR and
// ERR_CODE describe the last rejected request; both clear on the next accepted
// request. A request while BUSY is REJECTED (error_code::busy), never queued: the
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

// ---- power states and telemetry (per domain) ---------------------------------
// Power states, the values of STATE_REQ / STATE_CUR.
enum class state : uint32_t { on = 0, idle = 1, retention = 2, off = 3 };
constexpr uint32_t state_count = 4;

// STATE_REQ: writing a state starts a power-state transition (entry/exit
// latency and energy from the config). Rejected, like OPP requests, while a
// transition (either kind) runs (error_code::busy), for a value > 3 (bad_state),
// and for a non-ON state of an always-on domain (not_allowed). Reads
// return the last accepted request.
constexpr reg_def STATE_REQ = regs::rw("STATE_REQ", 0x34, 0, 0xffffffffu);
// STATE_CUR: the state the domain is in now (the old one until the entry or
// exit latency has passed).
constexpr reg_def STATE_CUR = regs::ro("STATE_CUR", 0x38);
// STATE_REQ and STATE_CUR: a `state`.
constexpr field STATE_VALUE{0, 2};
// Completed power-state transitions since reset of the model.
constexpr reg_def STATE_TRANSITIONS = regs::ro("STATE_TRANSITIONS", 0x3c);
// Residency: nanoseconds spent in each state since reset of the model,
// 64-bit (reading LO latches HI).
constexpr reg_def RES_ON_LO = regs::ro("RES_ON_LO", 0x40);
constexpr reg_def RES_ON_HI = regs::ro("RES_ON_HI", 0x44);
constexpr reg_def RES_IDLE_LO = regs::ro("RES_IDLE_LO", 0x48);
constexpr reg_def RES_IDLE_HI = regs::ro("RES_IDLE_HI", 0x4c);
constexpr reg_def RES_RET_LO = regs::ro("RES_RET_LO", 0x50);
constexpr reg_def RES_RET_HI = regs::ro("RES_RET_HI", 0x54);
constexpr reg_def RES_OFF_LO = regs::ro("RES_OFF_LO", 0x58);
constexpr reg_def RES_OFF_HI = regs::ro("RES_OFF_HI", 0x5c);
constexpr uint32_t residency_lo(uint32_t st) { return RES_ON_LO.offset + 8 * st; }
constexpr uint32_t residency_lo(state st) { return residency_lo(regs::value(st)); }
// Utilisation: cycles of the domain's clock while it was busy, and while it
// ran idle (clocked but not busy), 64-bit (reading LO latches HI).
constexpr reg_def BUSY_CYC_LO = regs::ro("BUSY_CYC_LO", 0x60);
constexpr reg_def BUSY_CYC_HI = regs::ro("BUSY_CYC_HI", 0x64);
constexpr reg_def IDLE_CYC_LO = regs::ro("IDLE_CYC_LO", 0x68);
constexpr reg_def IDLE_CYC_HI = regs::ro("IDLE_CYC_HI", 0x6c);
// Hardware auto-idle: clock-gate the domain after this many idle cycles
// (0: off). It is woken by a STATE_REQ of ON or an access (auto_wake).
constexpr reg_def AUTO_IDLE = regs::rw("AUTO_IDLE", 0x70, 0, 0xffffffffu);
// Times the domain lost its state (entered OFF): a runtime that saved the
// value knows its buffers in the domain must be reloaded when it changed.
constexpr reg_def CONTEXT_LOST = regs::ro("CONTEXT_LOST", 0x74);
// Energy spent on transitions (relocks and power-state entries/exits), nJ.
constexpr reg_def TRANS_ENERGY_NJ = regs::ro("TRANS_ENERGY_NJ", 0x78);
// The fastest OPP allowed now (OPP_COUNT - 1 unless the thermal cap holds).
// OPP requests above it are clamped to it and STATUS.THROTTLED is set.
constexpr reg_def OPP_MAX = regs::ro("OPP_MAX", 0x7c);

// STATUS fields added for power states.
constexpr field STATUS_STATE_BUSY{2, 1};  // a power-state transition runs
constexpr field STATUS_THROTTLED{3, 1};   // the last OPP request was clamped to OPP_MAX

// STATUS.PHASE while a transition runs.
enum class phase : uint32_t { idle = 0, slew = 1, relock = 2, state = 3 };

// STATUS.ERR_CODE.
enum class error_code : uint32_t {
    none = 0,
    bad_index = 1,    // OPP_REQ beyond OPP_COUNT
    busy = 2,         // a request while a transition runs
    bad_state = 3,    // STATE_REQ beyond state::off
    not_allowed = 4,  // a non-ON state for an always-on domain
};

constexpr std::array<reg_def, 8> global_regs{ID,        IRQ_STATUS, IRQ_ENABLE, HWGOV_CTRL,
                                             HWGOV_PERIOD_US, HWGOV_THRESH, TEMP_MC, THERMAL};
constexpr std::array<reg_def, 32> domain_regs{
    NAME,        OPP_COUNT,   OPP_REQ,     OPP_CUR,      STATUS,          FREQ_MHZ,
    VOLT_MV,     OPP_SEL,     OPP_FREQ_KHZ, OPP_VOLT_MV, ENERGY_LO,       ENERGY_HI,
    TRANSITIONS, STATE_REQ,   STATE_CUR,   STATE_TRANSITIONS, RES_ON_LO,   RES_ON_HI,
    RES_IDLE_LO, RES_IDLE_HI, RES_RET_LO,  RES_RET_HI,   RES_OFF_LO,      RES_OFF_HI,
    BUSY_CYC_LO, BUSY_CYC_HI, IDLE_CYC_LO, IDLE_CYC_HI,  AUTO_IDLE,       CONTEXT_LOST,
    TRANS_ENERGY_NJ, OPP_MAX};

static_assert(regs::well_formed(global_regs, reserved_global_begin), "global registers overlap");
static_assert(regs::well_formed(domain_regs, domain_stride), "domain registers overlap");
static_assert(domain_offset(max_domains) <= window_bytes, "domain blocks exceed the window");

// Every named field, for decoding values (arch/regs/field_names.h).
constexpr regs::named_field field_names[] = {
    {"ID", "DOMAINS", ID_DOMAINS},              {"ID", "VERSION", ID_VERSION},
    {"ID", "MAGIC", ID_MAGIC},                  {"IRQ_STATUS", "OPP_DONE", IRQ_OPP_DONE},
    {"IRQ_STATUS", "STATE_DONE", IRQ_STATE_DONE}, {"IRQ_STATUS", "ERROR", IRQ_ERROR},
    {"IRQ_ENABLE", "OPP_DONE", IRQ_OPP_DONE},   {"IRQ_ENABLE", "STATE_DONE", IRQ_STATE_DONE},
    {"IRQ_ENABLE", "ERROR", IRQ_ERROR},         {"HWGOV_CTRL", "ENABLE", HWGOV_ENABLE},
    {"HWGOV_CTRL", "MASK", HWGOV_MASK},         {"HWGOV_THRESH", "UP_PCT", HWGOV_UP_PCT},
    {"HWGOV_THRESH", "DOWN_PCT", HWGOV_DOWN_PCT}, {"THERMAL", "CAPPED", THERMAL_CAPPED},
    {"THERMAL", "EPISODES", THERMAL_EPISODES},  {"STATUS", "BUSY", STATUS_BUSY},
    {"STATUS", "ERROR", STATUS_ERROR},          {"STATUS", "PHASE", STATUS_PHASE},
    {"STATUS", "ERR_CODE", STATUS_ERR_CODE},    {"STATUS", "TARGET", STATUS_TARGET},
    {"STATUS", "STATE_BUSY", STATUS_STATE_BUSY}, {"STATUS", "THROTTLED", STATUS_THROTTLED},
    {"STATE_REQ", "VALUE", STATE_VALUE},        {"STATE_CUR", "VALUE", STATE_VALUE}};

}  // namespace nnvp::power_regs
