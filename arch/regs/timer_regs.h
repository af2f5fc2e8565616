// Register map of the timer, shared by the model, the firmware driver and the
// tests. No SystemC here.
//
// A free-running 64-bit counter at the reference clock (FREQ Hz) and `channels`
// compare channels. Semantics:
//   - COUNT: reading COUNT_LO samples the whole 64-bit counter and latches its
//     upper half; COUNT_HI returns that latched half. A 64-bit read at
//     COUNT_LO (or LO then HI) is therefore consistent. COUNT_HI read alone
//     returns the half latched by the last COUNT_LO read.
//   - CTRL.ENABLE stops/starts the counter (it holds its value while stopped);
//     writing CTRL.RESET_COUNT=1 zeroes it (the bit reads 0).
//   - Compare: CMP_LO is staged; writing CMP_HI commits {CMP_HI, staged LO}
//     at once (a 64-bit write at CMP_LO does both), so a half-written compare
//     never matches. Reads return the live compare value.
//   - A channel matches when it is enabled, armed and COUNT >= COMPARE. A
//     match sets STATUS bit `ch`. Committing a compare or enabling a channel
//     arms it; so does a counter reset.
//     One-shot (PERIODIC=0): the match disarms the channel.
//     Periodic: COMPARE advances by PERIOD past the count, so ticks keep their
//     phase; ticks missed while the status was not serviced are coalesced
//     into the one STATUS bit. PERIODIC with PERIOD=0 behaves as one-shot
//     (with a warning).
//   - A compare already reached when it is committed (or when the channel is
//     enabled) matches immediately, at the time of that access.
//   - irq = (STATUS & IRQ_ENABLE) != 0; STATUS is write-1-to-clear.
#pragma once

#include "arch/regs/field_names.h"
#include "arch/regs/reg_def.h"

#include <array>
#include <cstdint>

namespace nnvp::timer_regs {

using regs::field;
using regs::reg_def;

constexpr uint32_t window_bytes = 0x1000;
constexpr uint32_t channels = 4;
constexpr uint32_t version = 1;
constexpr uint32_t channel_mask = (1u << channels) - 1;

constexpr reg_def ID = regs::ro("ID", 0x000);
constexpr field ID_CHANNELS{0, 8};
constexpr field ID_VERSION{16, 16};

// Counter frequency in Hz (the reference clock now, rounded to 1 Hz).
constexpr reg_def FREQ = regs::ro("FREQ", 0x004);

// The counter runs from reset.
constexpr reg_def CTRL = regs::rw("CTRL", 0x008, 0x1, 0x3);
constexpr field CTRL_ENABLE{0, 1};
constexpr field CTRL_RESET_COUNT{1, 1};  // write 1: counter := 0; reads 0

constexpr reg_def STATUS = regs::w1c("STATUS", 0x00c, channel_mask);  // bit ch: match
constexpr reg_def IRQ_ENABLE = regs::rw("IRQ_ENABLE", 0x010, 0, channel_mask);

constexpr reg_def COUNT_LO = regs::ro("COUNT_LO", 0x018);
constexpr reg_def COUNT_HI = regs::ro("COUNT_HI", 0x01c);

// Channel ch's registers: channel_offset(ch) + the offsets below.
constexpr uint32_t channel_base = 0x100;
constexpr uint32_t channel_stride = 0x20;
constexpr uint32_t channel_offset(uint32_t ch) { return channel_base + ch * channel_stride; }
constexpr reg_def CH_CTRL = regs::rw("CH_CTRL", 0x00, 0, 0x3);
constexpr field CH_CTRL_ENABLE{0, 1};
constexpr field CH_CTRL_PERIODIC{1, 1};
constexpr reg_def CMP_LO = regs::rw("CMP_LO", 0x08);
constexpr reg_def CMP_HI = regs::rw("CMP_HI", 0x0c);
constexpr reg_def PERIOD_LO = regs::rw("PERIOD_LO", 0x10);
constexpr reg_def PERIOD_HI = regs::rw("PERIOD_HI", 0x14);

// `r` (one of the channel registers above) of channel `ch`.
constexpr reg_def channel_reg(const reg_def& r, uint32_t ch) { return r.at(channel_offset(ch)); }
// STATUS and IRQ_ENABLE: bit ch stands for channel ch.
constexpr uint32_t status_bit(uint32_t ch) { return 1u << ch; }

constexpr std::array<reg_def, 7> global_regs{ID,         FREQ,     CTRL,    STATUS,
                                             IRQ_ENABLE, COUNT_LO, COUNT_HI};
constexpr std::array<reg_def, 5> channel_regs{CH_CTRL, CMP_LO, CMP_HI, PERIOD_LO, PERIOD_HI};

// Every register of the block, for the overlap check below.
constexpr std::array<reg_def, global_regs.size() + channels * channel_regs.size()> all_regs() {
    std::array<reg_def, global_regs.size() + channels * channel_regs.size()> out{};
    std::size_t n = 0;
    for (const auto& r : global_regs)
        out[n++] = r;
    for (uint32_t ch = 0; ch < channels; ++ch)
        for (const auto& r : channel_regs)
            out[n++] = channel_reg(r, ch);
    return out;
}
static_assert(regs::well_formed(all_regs(), window_bytes), "timer register map overlaps or overflows");
static_assert(PERIOD_HI.offset + 4 <= channel_stride, "channel registers overlap the next channel");
static_assert(COUNT_LO.offset % 8 == 0 && CMP_LO.offset % 8 == 0 && PERIOD_LO.offset % 8 == 0,
              "64-bit pairs must be 8-byte aligned for 64-bit accesses");

// Every named field, for decoding values (arch/regs/field_names.h).
constexpr regs::named_field field_names[] = {
    {"ID", "CHANNELS", ID_CHANNELS},        {"ID", "VERSION", ID_VERSION},
    {"CTRL", "ENABLE", CTRL_ENABLE},        {"CTRL", "RESET_COUNT", CTRL_RESET_COUNT},
    {"CH_CTRL", "ENABLE", CH_CTRL_ENABLE},  {"CH_CTRL", "PERIODIC", CH_CTRL_PERIODIC}};

}  // namespace nnvp::timer_regs
