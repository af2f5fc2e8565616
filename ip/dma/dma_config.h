// Configuration of the DMA engine, read from the platform config's "dma"
// object. No SystemC here (the platform and tools parse it too).
#pragma once

#include "ip/common/config_reader.h"

#include <cstdint>

namespace nnvp {

struct dma_config {
    // Channels this instance has (the register window always has room for
    // dma_regs::max_channels).
    unsigned channels = 4;
    // Largest single read/write on the bus; a power of two in [4, 4096].
    uint32_t burst_bytes = 256;
    // Longest descriptor list followed before the desc_limit error (bounds loops).
    uint32_t max_descriptors = 4096;
    // Bursts a channel keeps in flight (read issued, write not yet complete).
    // 1 is a strictly serial engine; more hide the memory latency, as the
    // outstanding-transaction queues of real DMA engines do.
    uint32_t max_outstanding = 1;
    // Bytes of a row one bus transaction moves as a burst train
    // (ip/common/burst_train.h, docs/dma_trains.md); 0: one transaction per
    // burst. Trains time an uncontended stream as its bursts, in a fraction
    // of the host time; contention and progress (BYTES_DONE, ABORT, a bus
    // error's address) become train-grained. A multiple of burst_bytes.
    uint32_t train_bytes = 0;
    // DMA clock cycles to set up each transfer (a register run or one descriptor).
    uint32_t setup_cycles = 16;
    // DMA clock cycles to decode a descriptor once its 64 bytes have arrived.
    uint32_t descriptor_fetch_cycles = 4;
    // DMA clock cycles a register access takes.
    uint32_t register_access_cycles = 1;
    // Dynamic energy per byte moved through the engine's buffer, at Vnom:
    // one SRAM write and one SRAM read per byte, 5 pJ per 32-bit access of an
    // 8 KB SRAM at 45 nm (Horowitz, ISSCC 2014) -> 2 * 5 / 4 = 2.5 pJ.
    double energy_pj_per_byte = 2.5;
    // Leakage at Vnom.
    double leakage_mw = 0.2;
};

// Reads every key of `node` (all optional, defaults above) and rejects
// unknown keys: channels, burst_bytes, train_bytes, max_descriptors, setup_cycles,
// descriptor_fetch_cycles, register_access_cycles, energy_pj_per_byte, leakage_mw.
dma_config parse_dma_config(const config_node& node);

}  // namespace nnvp
