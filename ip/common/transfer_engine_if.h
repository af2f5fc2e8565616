// How an on-chip master that drives a DMA engine's channels itself (the NN
// core) learns that they have finished: the per-channel "transfer complete"
// sideband of a real engine (the event/status outputs a DMA controller gives
// each channel for peripherals and accelerators), not a C++ reference to the
// engine. The client programs the channels through the bus as any master
// would, with the engine's register map (arch/regs/dma_regs.h); only the
// completion status comes through this interface, which the engine
// implements and the platform binds to the client's port:
//
//   nncore.dma_channels.bind(dma);  // sc_port<transfer_engine_if>
//
// Reading it takes no simulated time (status wires); a run's end is notified
// in the delta cycle after the engine finished it.
#pragma once

#include <systemc>

#include <cstdint>

namespace nnvp {

class transfer_engine_if : public virtual sc_core::sc_interface {
public:
    // Channels the engine has (0 .. channel_count() - 1).
    virtual unsigned channel_count() const = 0;
    // True from the START of a run until the run has ended.
    virtual bool channel_busy(unsigned ch) const = 0;
    // The engine's error code of the channel's last run: 0 when it succeeded
    // (and while it runs); for the DMA engine a dma_regs::error_code.
    virtual uint32_t channel_error(unsigned ch) const = 0;
    // Notified when channel `ch` ends a run, ok or not, or is reset. A
    // channel the engine lacks has an event that never fires.
    virtual const sc_core::sc_event& channel_done_event(unsigned ch) const = 0;
};

}  // namespace nnvp
