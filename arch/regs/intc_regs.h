// Register map of the interrupt controller, shared by the model, the firmware
// driver and the tests. No SystemC here.
//
// The programming model follows the RISC-V PLIC (privileged spec, "Platform-
// Level Interrupt Controller", v1.0.0) reduced to one hart context:
//   - source ids 1..sources-1 are real lines; id 0 means "none" (a CLAIM that
//     finds nothing returns 0), so `sources` ids exist of which sources-1 are
//     usable and the memory map's irq numbers are 1..sources-1;
//   - every source has a priority 0..max_priority; 0 never interrupts; a
//     source interrupts only when priority > THRESHOLD;
//   - CLAIM (read) returns the highest-priority eligible source (ties go to
//     the lowest id) and marks it in service; COMPLETE (write the id) ends the
//     service.
// Differences from the PLIC, chosen for a level-only controller:
//   - PENDING is not a latch: it is the line level of sources not in service.
//     A line that drops before it is claimed is forgotten (the device
//     withdrew its request). LEVEL shows the raw lines.
//   - CLAIM applies the threshold too, so it returns exactly what cpu_irq
//     announced.
//   - Priorities reset to 1 (not 0), so enabling a source is enough to use it.
//   - COMPLETE of an id that is not in service sets STATUS.BAD_COMPLETE.
#pragma once

#include "arch/regs/field_names.h"
#include "arch/regs/reg_def.h"

#include <array>
#include <cstdint>

namespace nnvp::intc_regs {

using regs::field;
using regs::reg_def;

constexpr uint32_t window_bytes = 0x1000;
constexpr uint32_t max_sources = 64;  // ids 0..63, id 0 reserved
constexpr uint32_t min_sources = 32;
constexpr uint32_t words = max_sources / 32;  // PENDING/ENABLE/... registers per bank
constexpr uint32_t max_priority = 7;
constexpr uint32_t version = 1;

// ID: what this instance was built with.
constexpr reg_def ID = regs::ro("ID", 0x000);
constexpr field ID_SOURCES{0, 8};       // number of ids including the reserved 0
constexpr field ID_MAX_PRIORITY{8, 8};  // highest priority value
constexpr field ID_VERSION{16, 16};

// Sources with priority <= THRESHOLD do not interrupt.
constexpr reg_def THRESHOLD = regs::rw("THRESHOLD", 0x004, 0, 0x7);
constexpr field THRESHOLD_VALUE{0, 3};

// Read: claim (side effect!). Writes are ignored.
constexpr reg_def CLAIM = regs::ro("CLAIM", 0x008);
// Write a claimed id to end its service.
constexpr reg_def COMPLETE = regs::wo("COMPLETE", 0x00c, 0xff);

// Sticky error flags (write 1 to clear).
constexpr reg_def STATUS = regs::w1c("STATUS", 0x010, 0x1);
constexpr field STATUS_BAD_COMPLETE{0, 1};  // COMPLETE of an id not in service

// Per-source bit banks: word w holds ids 32*w .. 32*w+31.
constexpr reg_def LEVEL0 = regs::ro("LEVEL0", 0x020);
constexpr reg_def LEVEL1 = regs::ro("LEVEL1", 0x024);
constexpr reg_def PENDING0 = regs::ro("PENDING0", 0x040);
constexpr reg_def PENDING1 = regs::ro("PENDING1", 0x044);
constexpr reg_def IN_SERVICE0 = regs::ro("IN_SERVICE0", 0x060);
constexpr reg_def IN_SERVICE1 = regs::ro("IN_SERVICE1", 0x064);
// Bit 0 (the reserved id) is not writable; bits above `sources` read 0.
constexpr reg_def ENABLE0 = regs::rw("ENABLE0", 0x080, 0, 0xfffffffeu);
constexpr reg_def ENABLE1 = regs::rw("ENABLE1", 0x084, 0);

constexpr std::array<reg_def, words> LEVEL{LEVEL0, LEVEL1};
constexpr std::array<reg_def, words> PENDING{PENDING0, PENDING1};
constexpr std::array<reg_def, words> IN_SERVICE{IN_SERVICE0, IN_SERVICE1};
constexpr std::array<reg_def, words> ENABLE{ENABLE0, ENABLE1};

// Word and bit of source `id` in the banks above.
constexpr uint32_t word_of(uint32_t id) { return id / 32; }
constexpr uint32_t bit_of(uint32_t id) { return 1u << (id % 32); }

// One register block per source id at source_base + 4 * id: its PRIORITY.
// The reserved id 0 has the read-only PRIORITY0 (hard-wired 0) instead; the
// model decodes only ids below its `sources` (others are address errors).
constexpr uint32_t source_base = 0x100;
constexpr uint32_t source_stride = 4;
constexpr uint32_t source_offset(uint32_t id) { return source_base + source_stride * id; }
constexpr reg_def PRIORITY = regs::rw("PRIORITY", 0x0, 1, 0x7);
constexpr field PRIORITY_VALUE{0, 3};
constexpr reg_def PRIORITY0 = regs::ro("PRIORITY0", source_base);
constexpr std::array<reg_def, 1> source_regs{PRIORITY};
// `r` of source `id` (1 .. sources-1) at its place in the window.
constexpr reg_def source_reg(const reg_def& r, uint32_t id) { return r.at(source_offset(id)); }
constexpr reg_def priority_reg(uint32_t id) { return source_reg(PRIORITY, id); }

constexpr std::array<reg_def, 14> global_regs{
    ID,       THRESHOLD, CLAIM,       COMPLETE,    STATUS,  LEVEL0,  LEVEL1,
    PENDING0, PENDING1,  IN_SERVICE0, IN_SERVICE1, ENABLE0, ENABLE1, PRIORITY0};

// Every register of a maximal instance, for the overlap check below.
constexpr std::array<reg_def, global_regs.size() + max_sources - 1> all_regs() {
    std::array<reg_def, global_regs.size() + max_sources - 1> out{};
    std::size_t n = 0;
    for (const auto& r : global_regs)
        out[n++] = r;
    for (uint32_t id = 1; id < max_sources; ++id)
        out[n++] = priority_reg(id);
    return out;
}
static_assert(regs::well_formed(all_regs(), window_bytes), "intc register map overlaps or overflows");
static_assert(ENABLE1.offset < source_base, "bit banks run into the priorities");

// Every named field, for decoding values (arch/regs/field_names.h).
constexpr regs::named_field field_names[] = {
    {"ID", "SOURCES", ID_SOURCES},         {"ID", "MAX_PRIORITY", ID_MAX_PRIORITY},
    {"ID", "VERSION", ID_VERSION},         {"THRESHOLD", "VALUE", THRESHOLD_VALUE},
    {"STATUS", "BAD_COMPLETE", STATUS_BAD_COMPLETE}, {"PRIORITY", "VALUE", PRIORITY_VALUE}};

}  // namespace nnvp::intc_regs
