// Firmware driver of the DMA engine. Built on the HAL and the block's
// register and descriptor headers only; returns status codes, owns no timing
// (waiting is the HAL's wait_irq / delay_ns).
//
// Typical use:
//   dma_driver dma(hal, map.at("dma").base);
//   dma.init();                                   // checks ID, enables the IRQ lines
//   hal.set_irq_handler([&] { dma.on_irq(); });   // or through the intc dispatcher
//   dma.start_1d(0, src, dst, bytes);
//   if (dma.wait(0, 1'000'000) != dma_result::ok) ... dma.last_error(0) ...
#pragma once

#include "arch/hal/hal.h"
#include "arch/regs/dma_descriptor.h"
#include "arch/regs/dma_regs.h"

#include <array>
#include <cstdint>
#include <functional>
#include <vector>

namespace nnvp::fw {

enum class dma_result : uint8_t {
    ok = 0,
    bus_error,       // a register or memory access failed
    no_device,       // the ID register does not read as a DMA engine
    bad_channel,     // no such channel on this instance
    bad_argument,    // zero length, empty or misaligned list, list too long
    busy,            // the channel is still running
    timeout,         // the channel did not finish in time
    transfer_error,  // the channel stopped with an error: see last_error()
};
const char* to_string(dma_result r);

using dma_error = dma_regs::error_code;
const char* to_string(dma_error e);

// A 1D/2D/3D transfer; the geometry means what it means in dma_regs.h.
struct dma_transfer {
    uint64_t src = 0;
    uint64_t dst = 0;
    uint32_t len = 0;  // bytes per row
    uint32_t count1 = 1;
    uint32_t src_stride1 = 0;
    uint32_t dst_stride1 = 0;
    uint32_t count2 = 1;
    uint32_t src_stride2 = 0;
    uint32_t dst_stride2 = 0;
};

struct dma_channel_status {
    bool busy = false;
    bool done = false;
    bool error = false;
    dma_error code = dma_error::none;
    uint32_t bytes_done = 0;
    uint32_t descriptors_done = 0;
};

class dma_driver {
public:
    dma_driver(hal& h, uint64_t base);

    // Checks the ID, reads the instance parameters, clears pending interrupts
    // and enables the done and error lines of every channel.
    dma_result init();
    unsigned channels() const { return m_channels; }
    uint32_t burst_bytes() const { return m_burst_bytes; }
    uint32_t max_descriptors() const { return m_max_desc; }

    // Programs and starts a transfer from the registers. With `irq` the
    // channel interrupts on completion and on error.
    dma_result start(unsigned ch, const dma_transfer& t, bool irq = true);
    dma_result start_1d(unsigned ch, uint64_t src, uint64_t dst, uint32_t len, bool irq = true);
    dma_result start_2d(unsigned ch, uint64_t src, uint64_t dst, uint32_t len, uint32_t rows,
                        uint32_t src_stride, uint32_t dst_stride, bool irq = true);

    // Writes `list` to memory at `list_addr` as consecutive descriptors
    // (next pointers are filled in: each links to the following one, the
    // last ends the list) and starts the channel on it.
    dma_result start_list(unsigned ch, uint64_t list_addr,
                          const std::vector<dma_regs::descriptor>& list, bool irq = true);
    // Starts a list that is already in memory.
    dma_result start_list_at(unsigned ch, uint64_t first, bool irq = true);

    // Waits for the channel to finish by reading STATUS every `interval_ns`.
    dma_result poll(unsigned ch, uint64_t timeout_ns, uint64_t interval_ns = 100);
    // Sleeps in hal.wait_irq until the channel has finished (needs `irq` at
    // start). timeout_ns == 0 waits without a bound.
    dma_result wait(unsigned ch, uint64_t timeout_ns);
    // Asks the channel to stop at its next burst boundary (it then finishes
    // with dma_error::aborted); does not wait.
    dma_result abort(unsigned ch);

    dma_result status(unsigned ch, dma_channel_status& out);
    // The error code of the channel's last finished run, as last read.
    dma_error last_error(unsigned ch) const;
    // Write-1-to-clear of IRQ_STATUS bits (dma_regs::irq_done_bit / irq_error_bit).
    dma_result clear_irq(uint32_t bits);

    // The interrupt handler: reads and clears IRQ_STATUS and records per
    // channel what happened. Attach it to the interrupt controller.
    void on_irq();
    // What on_irq() has seen since the channel's last start.
    uint32_t done_irqs(unsigned ch) const;
    uint32_t error_irqs(unsigned ch) const;
    // Called by on_irq() for every done/error event (optional).
    void set_callback(std::function<void(unsigned ch, bool error)> cb) {
        m_callback = std::move(cb);
    }

private:
    struct record {
        uint32_t done_irqs = 0;
        uint32_t error_irqs = 0;
        dma_error last = dma_error::none;
    };

    uint64_t reg(const dma_regs::reg_def& r, unsigned ch) const;
    bool valid(unsigned ch) const { return ch < m_channels; }
    dma_result write(uint64_t addr, uint32_t value);
    dma_result write64(const dma_regs::reg_def& lo, unsigned ch, uint64_t value);
    dma_result prepare(unsigned ch);
    dma_result go(unsigned ch, bool use_desc, bool irq);
    dma_result finished(unsigned ch, const dma_channel_status& s);

    hal& m_hal;
    uint64_t m_base;
    unsigned m_channels = dma_regs::max_channels;
    uint32_t m_burst_bytes = 0;
    uint32_t m_max_desc = 0;
    std::array<record, dma_regs::max_channels> m_rec{};
    std::function<void(unsigned, bool)> m_callback;
};

}  // namespace nnvp::fw
