// Register map of the NN core, declared once for the model, the firmware
// driver and the tests. No SystemC here.
//
// Programming model: write the command stream's address (CMD_BASE) and size
// (CMD_BYTES, header included), optionally MODE, then write 1 to DOORBELL.
// STATUS.BUSY is set until the stream's END (DONE) or an error (ERROR, with
// ERROR_CODE and ERROR_CMD = index of the offending command). IRQ_STATUS
// latches done / error; the irq line is high while IRQ_STATUS & IRQ_ENABLE.
// A doorbell clears DONE, ERROR, ERROR_CODE, ERROR_CMD and CMDS_DONE; a
// doorbell while BUSY is ignored with a warning.
// The core moves data with the system DMA engine: DMA_CHANNELS says which
// channels it may program (a bit per channel).
// Performance counters are 64-bit (LO then HI; reading LO latches HI) and
// count since reset or since the last write of 1 to COUNTERS_CLEAR.
#pragma once

#include "arch/regs/field_names.h"
#include "arch/regs/reg_def.h"

#include <array>
#include <cstdint>

namespace nnvp::nncore_regs {

using regs::field;
using regs::reg_def;

constexpr uint32_t window_bytes = 0x1000;
constexpr uint32_t id_value = 0x4e4e4301u;  // "NNC", version 1

// --- identification and configuration ---------------------------------------
constexpr reg_def ID = regs::ro("ID", 0x000, id_value);
constexpr reg_def ARRAY = regs::ro("ARRAY", 0x004);
constexpr field ARRAY_ROWS{0, 16};
constexpr field ARRAY_COLS{16, 16};
constexpr reg_def PRECISIONS = regs::ro("PRECISIONS", 0x008);  // bit p: precision p supported
constexpr reg_def INPUT_KB = regs::ro("INPUT_KB", 0x00c);
constexpr reg_def WEIGHT_KB = regs::ro("WEIGHT_KB", 0x010);
constexpr reg_def OUTPUT_KB = regs::ro("OUTPUT_KB", 0x014);
constexpr reg_def CMD_VERSION = regs::ro("CMD_VERSION", 0x018);  // nncore_cmd::version

// --- control -----------------------------------------------------------------
constexpr reg_def CMD_BASE_LO = regs::rw("CMD_BASE_LO", 0x020);
constexpr reg_def CMD_BASE_HI = regs::rw("CMD_BASE_HI", 0x024);
constexpr reg_def CMD_BYTES = regs::rw("CMD_BYTES", 0x028);
constexpr reg_def DOORBELL = regs::wo("DOORBELL", 0x02c, 0x1);
constexpr field DOORBELL_RING{0, 1};  // 1: start the stream
// bit 0: 1 = timing mode (no arithmetic), 0 = functional.
// bits [3:2]: sparsity mode (0 none, 1 gate, 2 skip; 3 is reserved: the
// doorbell then fails with bad_field). Functional mode measures the zero
// fractions of the real operands, timing mode takes WEIGHT_DENSITY/ACT_DENSITY.
// bit 1 is reserved (reads back what was written, no effect).
// MODE, the densities and DMA_CHANNELS are sampled at the doorbell.
constexpr reg_def MODE = regs::rw("MODE", 0x030, 0, 0xf);
// Densities for timing mode, in 1/65536 (65536 = dense): weights, activations.
// Values above 65536 count as 65536.
constexpr reg_def WEIGHT_DENSITY = regs::rw("WEIGHT_DENSITY", 0x034, 0x10000, 0x1ffff);
constexpr reg_def ACT_DENSITY = regs::rw("ACT_DENSITY", 0x038, 0x10000, 0x1ffff);
// Bit ch: the core may use DMA channel ch (bits of channels the DMA engine
// does not have are ignored; none left: dma_error at the first LOAD/STORE).
constexpr reg_def DMA_CHANNELS = regs::rw("DMA_CHANNELS", 0x03c, 0x3, 0xffff);

// --- status and interrupts ---------------------------------------------------
constexpr reg_def STATUS = regs::ro("STATUS", 0x040);
constexpr reg_def ERROR_CODE = regs::ro("ERROR_CODE", 0x044);
// Index of the offending command; no_command for errors found before the
// first command (header, MODE, header fetch); command_count for no_end.
constexpr reg_def ERROR_CMD = regs::ro("ERROR_CMD", 0x048);
constexpr uint32_t no_command = 0xffffffffu;
constexpr reg_def CMDS_DONE = regs::ro("CMDS_DONE", 0x04c);
constexpr reg_def IRQ_STATUS = regs::w1c("IRQ_STATUS", 0x050, 0x3);
constexpr reg_def IRQ_ENABLE = regs::rw("IRQ_ENABLE", 0x054, 0, 0x3);
constexpr reg_def COUNTERS_CLEAR = regs::wo("COUNTERS_CLEAR", 0x058, 0x1);
constexpr field COUNTERS_CLEAR_ALL{0, 1};  // 1: zero every counter

constexpr field MODE_TIMING{0, 1};
constexpr field MODE_SPARSITY{2, 2};
constexpr field STATUS_BUSY{0, 1};
constexpr field STATUS_DONE{1, 1};
constexpr field STATUS_ERROR{2, 1};
// IRQ_STATUS and IRQ_ENABLE.
constexpr field IRQ_DONE{0, 1};
constexpr field IRQ_ERROR{1, 1};

enum class error_code : uint32_t {
    none = 0,
    bad_header = 1,        // magic, version, sizes or checksum wrong
    unknown_opcode = 2,
    bad_dims = 3,          // zero, inconsistent or overflowing dimensions
    buffer_overrun = 4,    // an operand does not fit in the local memory
    bus_error = 5,         // fetching a command failed
    dma_error = 6,         // a LOAD/STORE transfer ended with a DMA error
    no_end = 7,            // the stream ran out before an END command
    unsupported = 8,       // precision or op combination the core lacks
    bad_field = 9,         // reserved bits, bad flags, bad tag
    bad_compressed = 10,   // LOAD_COMPRESSED: bad fields, ranges or blob (arch/nncore/command.h)
};

// --- performance counters (64-bit: LO at the offset, HI at offset + 4) -------
constexpr uint32_t counter_base = 0x100;
enum class counter : uint32_t {
    busy_cycles = 0,     // cycles computing (nncore clock)
    stall_cycles,        // cycles waiting for data movement at a BARRIER
    macs,                // MACs issued
    macs_skipped,        // MACs skipped by zero-skipping
    bytes_read,          // bytes the core's DMA transfers read from DRAM
    bytes_written,       // bytes they wrote to DRAM
    macs_fp32,           // MACs per precision, in precision order
    macs_fp16,
    macs_int16,
    macs_int8,
    macs_int4,
    macs_binary,
    decompress_cycles,   // cycles the weight decompressor ran (part of stall_cycles)
    count
};
constexpr uint32_t counter_stride = 8;
constexpr uint32_t counter_offset(counter c) {
    return counter_base + counter_stride * static_cast<uint32_t>(c);
}
static_assert(counter_offset(counter::count) <= window_bytes);
// The two halves of a counter (offsets inside one counter's block), read-only.
constexpr reg_def COUNTER_LO = regs::ro("COUNTER_LO", 0x0);
constexpr reg_def COUNTER_HI = regs::ro("COUNTER_HI", 0x4);
constexpr std::array<reg_def, 2> counter_regs{COUNTER_LO, COUNTER_HI};
static_assert(COUNTER_HI.offset + 4 <= counter_stride);
// `r` (COUNTER_LO or COUNTER_HI) of counter `c` at its place in the window.
constexpr reg_def counter_reg(const reg_def& r, counter c) { return r.at(counter_offset(c)); }
constexpr reg_def counter_lo(counter c) { return counter_reg(COUNTER_LO, c); }
constexpr reg_def counter_hi(counter c) { return counter_reg(COUNTER_HI, c); }

constexpr std::array<reg_def, 22> control_regs{
    ID,         ARRAY,       PRECISIONS, INPUT_KB,       WEIGHT_KB,      OUTPUT_KB,
    CMD_VERSION, CMD_BASE_LO, CMD_BASE_HI, CMD_BYTES,    DOORBELL,       MODE,
    WEIGHT_DENSITY, ACT_DENSITY, DMA_CHANNELS, STATUS,   ERROR_CODE,     ERROR_CMD,
    CMDS_DONE,  IRQ_STATUS,  IRQ_ENABLE, COUNTERS_CLEAR};
static_assert(regs::well_formed(control_regs, counter_base));

// Every named field, for decoding values (arch/regs/field_names.h).
constexpr regs::named_field field_names[] = {
    {"ARRAY", "ROWS", ARRAY_ROWS},          {"ARRAY", "COLS", ARRAY_COLS},
    {"DOORBELL", "RING", DOORBELL_RING},    {"COUNTERS_CLEAR", "ALL", COUNTERS_CLEAR_ALL},
    {"MODE", "TIMING", MODE_TIMING},        {"MODE", "SPARSITY", MODE_SPARSITY},
    {"STATUS", "BUSY", STATUS_BUSY},        {"STATUS", "DONE", STATUS_DONE},
    {"STATUS", "ERROR", STATUS_ERROR},      {"IRQ_STATUS", "DONE", IRQ_DONE},
    {"IRQ_STATUS", "ERROR", IRQ_ERROR},     {"IRQ_ENABLE", "DONE", IRQ_DONE},
    {"IRQ_ENABLE", "ERROR", IRQ_ERROR}};

}  // namespace nnvp::nncore_regs
