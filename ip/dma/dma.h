// The DMA engine: a multi-channel bus master that moves 1D/2D/3D strided
// tiles, programmed through registers or through linked descriptor lists in
// memory (register map: dma_regs.h, descriptor format: dma_descriptor.h).
//
// Each channel runs in its own SC_THREAD, woken by START; channels run
// concurrently and contend on the bus through `initiator`. Data moves in
// bursts: read up to burst_bytes (never crossing the end of a row) into the
// channel's buffer, then write them; the delay each b_transport annotates is
// waited out before the next access, so the time follows the bus and memory.
//
// Timing of one run (Tclk = the DMA clock domain's period at that moment):
//   register run:    setup_cycles * Tclk + sum over bursts (t_read + t_write)
//                    (with max_outstanding == 1; with N > 1 burst k is issued
//                    when burst k-N has completed, its write when its read has,
//                    so up to N bursts overlap and queue at the bus and memory
//                    ports: the run ends when its last burst completes)
//   descriptor list: sum over descriptors of
//                    t_fetch (one 64-byte read) + descriptor_fetch_cycles * Tclk
//                    + setup_cycles * Tclk + sum over its bursts (t_read + t_write)
// where t_read / t_write / t_fetch are the delays the bus annotates. A bad
// geometry or descriptor ends the run at the moment it is found (no setup).
// With train_bytes set, a row goes out in pieces of up to train_bytes: burst
// 0 of a piece as above, the others as burst trains (ip/common/burst_train.h)
// whose stages time every burst as a single access. Each burst is issued at
// the time the burst-by-burst engine would issue it (a slot free, not before
// the burst before it), computed from the completions of the earlier ones
// instead of waited for in the kernel, so a channel alone takes the same
// time; what changes is that a piece books the ports ahead of the other
// initiators, and progress, ABORT and a bus error's address are piece-grained.
// Energy: energy_pj_per_byte per byte written to the destination and per
// descriptor byte fetched (scaled by (V/Vnom)^2), plus leakage_mw.
//
// Guest errors (all end the run with STATUS.ERROR + code, the IRQ_STATUS error
// bit when CTRL.IRQ_ERR is set, and a warning): bus error on a read, write or
// descriptor fetch; LEN == 0 or an address range past 2^64; a misaligned or
// zero descriptor address or reserved descriptor bits; a list longer than
// max_descriptors. ABORT stops at the next burst boundary (code aborted, no
// warning). START while busy is ignored with a warning. The clock being gated
// holds the channel at the next burst boundary until it runs again.
#pragma once

#include "ip/common/bus_access.h"
#include "ip/common/energy_meter.h"
#include "ip/common/peripheral.h"
#include "ip/common/transfer_engine_if.h"
#include "ip/dma/dma_config.h"
#include "arch/regs/dma_descriptor.h"
#include "arch/regs/dma_regs.h"

#include <systemc>
#include <tlm>
#include <tlm_utils/simple_initiator_socket.h>

#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <vector>

namespace nnvp {

class burst_train;

class dma : public peripheral, public transfer_engine_if {
public:
    tlm_utils::simple_initiator_socket<dma> initiator;
    sc_core::sc_out<bool> irq;

    SC_HAS_PROCESS(dma);
    dma(sc_core::sc_module_name name, clock_domain& clk, const dma_config& cfg = {});
    ~dma() override;

    void reset() override;

    const dma_config& config() const { return m_cfg; }
    energy_meter& energy() { return m_energy; }
    const energy_meter& energy() const { return m_energy; }
    uint64_t bytes_moved() const { return m_bytes_moved; }  // all channels, since start
    uint64_t bursts() const { return m_bursts; }
    uint64_t descriptors_fetched() const { return m_descriptors; }

    // Called at the end of every run (for timelines and statistics).
    struct run_record {
        unsigned channel;
        sc_core::sc_time start;
        sc_core::sc_time end;
        uint64_t bytes;
        dma_regs::error_code error;
    };
    void on_run_end(std::function<void(const run_record&)> observer) {
        m_observers.push_back(std::move(observer));
    }

    // transfer_engine_if: the per-channel completion sideband for on-chip
    // clients that drive channels themselves (the NN core); channel_error()
    // is a dma_regs::error_code.
    unsigned channel_count() const override { return m_cfg.channels; }
    bool channel_busy(unsigned ch) const override;
    uint32_t channel_error(unsigned ch) const override;
    const sc_core::sc_event& channel_done_event(unsigned ch) const override;

private:
    struct geometry {
        uint64_t src, dst;
        uint32_t len, count1, src_stride1, dst_stride1, count2, src_stride2, dst_stride2;
    };
    struct channel;

    void add_registers();
    void on_ctrl_write(unsigned ch, uint32_t value);
    void start(unsigned ch);
    void channel_thread(unsigned ch);
    dma_regs::error_code run_list(unsigned ch, uint64_t gen);
    dma_regs::error_code transfer(unsigned ch, uint64_t gen, const geometry& g);
    dma_regs::error_code check_geometry(unsigned ch, const geometry& g);
    bool bus_access(tlm::tlm_command cmd, uint64_t addr, unsigned char* data, unsigned len);
    // Issues an access at absolute time `at` (>= now) without waiting for it;
    // `done` receives its completion time.
    bool bus_access_at(tlm::tlm_command cmd, uint64_t addr, unsigned char* data, unsigned len,
                       const sc_core::sc_time& at, sc_core::sc_time& done,
                       burst_train* train = nullptr);
    // Moves n bytes of a row from now: one burst, or with trains a piece of
    // a row. `in_flight` holds the completions of the bursts in flight in
    // issue order; `last_done` the latest completion.
    dma_regs::error_code move(unsigned ch, uint64_t gen, uint64_t src, uint64_t dst, unsigned n,
                              std::deque<sc_core::sc_time>& in_flight, sc_core::sc_time& last_done);
    bool wait_clocked(unsigned ch, uint64_t gen);
    bool alive(unsigned ch, uint64_t gen) const;
    void finish(unsigned ch, dma_regs::error_code err);
    void latch_irq(uint32_t bits);
    void fail(unsigned ch, const std::string& what);
    uint32_t config_value() const;

    uint32_t get(unsigned ch, const dma_regs::reg_def& r) const;
    void set(unsigned ch, const dma_regs::reg_def& r, uint32_t value);

    dma_config m_cfg;
    energy_meter m_energy;
    std::vector<std::unique_ptr<channel>> m_ch;
    sc_core::sc_event m_never;  // channel_done_event() of a channel the instance lacks
    uint64_t m_bytes_moved = 0;
    uint64_t m_bursts = 0;
    uint64_t m_descriptors = 0;
    std::vector<std::function<void(const run_record&)>> m_observers;
};

}  // namespace nnvp
