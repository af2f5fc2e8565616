// Register map of the DMA engine, declared once for the model, the firmware
// driver and the tests. No SystemC here.
//
// Window layout (4 KB):
//   0x000 .. 0x0ff  global registers (ID, CONFIG, MAX_DESC, IRQ_STATUS, IRQ_ENABLE)
//   0x100 + ch * 0x80  one register block per channel, ch < max_channels (16);
//                      a block exists only for the channels the instance has,
//                      the others answer with an address error.
//
// Interrupts, two levels (as "interrupt on completion" DMA controllers do):
//   - an event (transfer done, descriptor with the IRQ flag done, error) is
//     latched into IRQ_STATUS only when the channel's CTRL.IRQ_DONE / IRQ_ERR
//     (or the descriptor's IRQ flag) asks for it;
//   - the irq line is high while (IRQ_STATUS & IRQ_ENABLE) != 0.
// STATUS always records DONE / ERROR, so polling firmware needs no interrupt.
#pragma once

#include "arch/regs/field_names.h"
#include "arch/regs/reg_def.h"

#include <array>
#include <cstdint>

namespace nnvp::dma_regs {

using regs::field;
using regs::reg_def;

constexpr unsigned max_channels = 16;
constexpr uint32_t window_bytes = 0x1000;
constexpr uint32_t channel_base = 0x100;
constexpr uint32_t channel_stride = 0x80;

// The block's identity: "DMA" and version 1.
constexpr uint32_t id_value = 0x444d4101u;

// --- global registers --------------------------------------------------------
constexpr reg_def ID = regs::ro("ID", 0x00, id_value);
// Instance parameters (the model fills them in from its configuration).
constexpr reg_def CONFIG = regs::ro("CONFIG", 0x04);
// Longest descriptor list a channel follows before it stops with desc_limit.
constexpr reg_def MAX_DESC = regs::ro("MAX_DESC", 0x08);
// Bit ch: channel ch done; bit 16 + ch: channel ch error. Write 1 to clear.
constexpr reg_def IRQ_STATUS = regs::w1c("IRQ_STATUS", 0x10);
// Same layout: which IRQ_STATUS bits drive the irq line.
constexpr reg_def IRQ_ENABLE = regs::rw("IRQ_ENABLE", 0x14);

constexpr field CONFIG_CHANNELS{0, 8};
constexpr field CONFIG_BURST_LOG2{8, 5};  // burst_bytes == 1 << burst_log2

// IRQ_STATUS and IRQ_ENABLE: bit ch of DONE / ERROR stands for channel ch.
constexpr field IRQ_DONE{0, 16};
constexpr field IRQ_ERROR{16, 16};
constexpr uint32_t irq_done_bit(unsigned ch) { return IRQ_DONE.make(1u << ch); }
constexpr uint32_t irq_error_bit(unsigned ch) { return IRQ_ERROR.make(1u << ch); }
// Both bits of every channel in `channel_mask` (bit ch = channel ch).
constexpr uint32_t irq_bits(uint32_t channel_mask) {
    return IRQ_DONE.make(channel_mask) | IRQ_ERROR.make(channel_mask);
}

// --- per-channel registers (offsets inside a channel block) ------------------
// A transfer moves COUNT2 planes of COUNT1 rows of LEN bytes:
//   for p < COUNT2, r < COUNT1:
//     copy LEN bytes from SRC + p*SRC_STRIDE2 + r*SRC_STRIDE1
//                      to DST + p*DST_STRIDE2 + r*DST_STRIDE1
// COUNT1 == 0 and COUNT2 == 0 are treated as 1 (so a 1D transfer only needs
// SRC, DST and LEN). LEN == 0, or an address that would pass 2^64, is the
// bad_geometry error. Strides are unsigned byte distances.
constexpr reg_def SRC_LO = regs::rw("SRC_LO", 0x00);
constexpr reg_def SRC_HI = regs::rw("SRC_HI", 0x04);
constexpr reg_def DST_LO = regs::rw("DST_LO", 0x08);
constexpr reg_def DST_HI = regs::rw("DST_HI", 0x0c);
constexpr reg_def LEN = regs::rw("LEN", 0x10);
constexpr reg_def SRC_STRIDE1 = regs::rw("SRC_STRIDE1", 0x14);
constexpr reg_def DST_STRIDE1 = regs::rw("DST_STRIDE1", 0x18);
constexpr reg_def COUNT1 = regs::rw("COUNT1", 0x1c, 1);
constexpr reg_def SRC_STRIDE2 = regs::rw("SRC_STRIDE2", 0x20);
constexpr reg_def DST_STRIDE2 = regs::rw("DST_STRIDE2", 0x24);
constexpr reg_def COUNT2 = regs::rw("COUNT2", 0x28, 1);
// Address of the first descriptor (8-byte aligned, not 0) when CTRL.USE_DESC is set.
constexpr reg_def DESC_LO = regs::rw("DESC_LO", 0x2c);
constexpr reg_def DESC_HI = regs::rw("DESC_HI", 0x30);
// START and ABORT are commands: they act on the write and read back as 0.
constexpr reg_def CTRL = regs::rw("CTRL", 0x34, 0, 0x1f);
constexpr reg_def STATUS = regs::ro("STATUS", 0x38);
// Bytes written to the destination by the current/last run (low 32 bits).
constexpr reg_def BYTES_DONE = regs::ro("BYTES_DONE", 0x3c);
// Address of the descriptor being (or last) processed.
constexpr reg_def CUR_DESC_LO = regs::ro("CUR_DESC_LO", 0x40);
constexpr reg_def CUR_DESC_HI = regs::ro("CUR_DESC_HI", 0x44);
// Descriptors completed by the current/last list run.
constexpr reg_def DESC_DONE = regs::ro("DESC_DONE", 0x48);

constexpr std::array<reg_def, 19> channel_regs{
    SRC_LO, SRC_HI, DST_LO, DST_HI, LEN, SRC_STRIDE1, DST_STRIDE1, COUNT1, SRC_STRIDE2,
    DST_STRIDE2, COUNT2, DESC_LO, DESC_HI, CTRL, STATUS, BYTES_DONE, CUR_DESC_LO,
    CUR_DESC_HI, DESC_DONE};
constexpr std::array<reg_def, 5> global_regs{ID, CONFIG, MAX_DESC, IRQ_STATUS, IRQ_ENABLE};

constexpr field CTRL_START{0, 1};     // command: start the channel
constexpr field CTRL_ABORT{1, 1};     // command: stop at the next burst boundary
constexpr field CTRL_USE_DESC{2, 1};  // run the descriptor list at DESC instead of the registers
constexpr field CTRL_IRQ_DONE{3, 1};  // latch the done bit in IRQ_STATUS on completion
constexpr field CTRL_IRQ_ERR{4, 1};   // latch the error bit in IRQ_STATUS on an error

constexpr field STATUS_BUSY{0, 1};
constexpr field STATUS_DONE{1, 1};   // the last run completed (cleared by START)
constexpr field STATUS_ERROR{2, 1};  // the last run stopped on an error (cleared by START)
constexpr field STATUS_CODE{8, 4};   // an error_code

enum class error_code : uint32_t {
    none = 0,
    read_bus = 1,        // error response while reading source data
    write_bus = 2,       // error response while writing destination data
    desc_fetch = 3,      // error response while reading a descriptor
    bad_descriptor = 4,  // misaligned descriptor address or reserved flag bits set
    bad_geometry = 5,    // LEN == 0 or an address range past 2^64
    desc_limit = 6,      // more than MAX_DESC descriptors in one list (e.g. a loop)
    aborted = 7,         // CTRL.ABORT
};

constexpr uint32_t channel_offset(unsigned ch) { return channel_base + ch * channel_stride; }
// A channel register at its place in the window.
constexpr reg_def channel_reg(const reg_def& r, unsigned ch) { return r.at(channel_offset(ch)); }

// Every register of a maximal instance, for the overlap check below.
constexpr std::array<reg_def, global_regs.size() + max_channels * channel_regs.size()>
all_regs() {
    std::array<reg_def, global_regs.size() + max_channels * channel_regs.size()> out{};
    std::size_t n = 0;
    for (const auto& r : global_regs)
        out[n++] = r;
    for (unsigned ch = 0; ch < max_channels; ++ch)
        for (const auto& r : channel_regs)
            out[n++] = channel_reg(r, ch);
    return out;
}
static_assert(regs::well_formed(all_regs(), window_bytes));
static_assert(channel_regs.back().offset + 4 <= channel_stride);
static_assert(global_regs.back().offset + 4 <= channel_base);

// Every named field, for decoding values (arch/regs/field_names.h).
constexpr regs::named_field field_names[] = {
    {"CONFIG", "CHANNELS", CONFIG_CHANNELS}, {"CONFIG", "BURST_LOG2", CONFIG_BURST_LOG2},
    {"IRQ_STATUS", "DONE", IRQ_DONE},        {"IRQ_STATUS", "ERROR", IRQ_ERROR},
    {"IRQ_ENABLE", "DONE", IRQ_DONE},        {"IRQ_ENABLE", "ERROR", IRQ_ERROR},
    {"CTRL", "START", CTRL_START},           {"CTRL", "ABORT", CTRL_ABORT},
    {"CTRL", "USE_DESC", CTRL_USE_DESC},     {"CTRL", "IRQ_DONE", CTRL_IRQ_DONE},
    {"CTRL", "IRQ_ERR", CTRL_IRQ_ERR},       {"STATUS", "BUSY", STATUS_BUSY},
    {"STATUS", "DONE", STATUS_DONE},         {"STATUS", "ERROR", STATUS_ERROR},
    {"STATUS", "CODE", STATUS_CODE}};

}  // namespace nnvp::dma_regs
