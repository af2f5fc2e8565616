// The NN core: a command processor that fetches a command stream from DRAM
// (format: arch/nncore/command.h, registers: nncore_regs.h), drives the system DMA
// engine for LOAD/STORE, and runs compute commands on a PE array whose time
// and energy come from the fold model (nn/cost) and whose results,
// in functional mode, come from the fast kernels (nn/kernels),
// bit-exact with the reference executor.
//
// Sockets and ports:
//   target     registers (window nncore_regs::window_bytes), from peripheral
//   buffer     local memory, input_kb + weight_kb + output_kb KiB in that
//              order, byte-addressed (the platform maps it as "nncore_buf")
//   initiator  command fetch and DMA register programming, over the bus
//   irq        level: IRQ_STATUS & IRQ_ENABLE
//   dma_channels  the DMA engine's per-channel completion sideband
//              (transfer_engine_if), bound by the platform
//
// Timing (Tclk = the nncore domain's period when the command starts):
//   header:   one 32-byte bus read
//   checksum: ceil(count / cmd_fetch_burst) bus reads of up to
//             cmd_fetch_burst * 128 bytes; the same reads again while executing
//   compute:  compute_cycles(layer) * Tclk, compute_cycles from
//             cost::of_layer() (fold model; vector unit for pools / eltwise /
//             activations), waited once per command
//   LOAD/STORE: DMA register writes over the bus (12 x 32-bit), then the
//             transfer runs in the DMA engine (its bursts cross the bus to
//             DRAM and to `buffer`) while the core goes on
//   BARRIER / END / no free channel: the core waits for DMA completions;
//             that time, in nncore cycles, is stall_cycles
//   LOAD_COMPRESSED: a LOAD of the blob into its staging area; the BARRIER
//             (or END) that retires its tag then expands it, in issue order:
//             ceil(elements / decompress_elements_per_cycle) cycles, waited
//             once per blob, counted as the BARRIER's stall_cycles and
//             decompress_cycles (and the decompress_cycles counter)
//   buffer:   an access of L bytes costs buffer_latency_cycles +
//             ceil(L / buffer_bytes_per_cycle) cycles, queued on one port
// Energy (meter named after the module, nncore domain): per compute command
// cost().energy.total_j() (MACs or vector ops, PE-local registers,
// local buffers, operand network, clock: docs/nncore_timing.md "Energy") at
// Vnom, scaled by (V/Vnom)^2; DMA traffic through `buffer` at the region's
// per-byte buffer energy; decompression: blob bytes x the staging buffer's
// pJ/byte + dense bytes x (the destination buffer's pJ/byte +
// decompress_pj_per_byte x energy_scale()), on the BARRIER's record; leakage
// core.core_leakage_mw(). Invariant: meter dynamic energy == sum of the
// records' energy_j + port_energy_j() == energy_by_action().total_j() +
// decompress_energy_j().
//
// Guest errors (STATUS.ERROR, ERROR_CODE, ERROR_CMD, IRQ_STATUS.error, a
// warning; the core stops and accepts the next doorbell) never crash or hang
// the simulation: streams are bounded by max_commands and CMD_BYTES.
#pragma once

#include <tlm_utils/simple_initiator_socket.h>
#include <tlm_utils/simple_target_socket.h>

#include <array>
#include <cstdint>
#include <functional>
#include <string>
#include <systemc>
#include <tlm>
#include <vector>

#include "ip/common/bus_access.h"
#include "ip/common/energy_meter.h"
#include "ip/common/peripheral.h"
#include "ip/common/port_schedule.h"
#include "ip/common/transfer_engine_if.h"
#include "arch/nncore/command.h"
#include "ip/nncore/nncore_config.h"
#include "arch/nncore/layer_codec.h"
#include "arch/regs/nncore_regs.h"
#include "nn/cost/layer_cost.h"

namespace nnvp::nncore {

class core : public peripheral {
public:
    tlm_utils::simple_target_socket<core> buffer;
    tlm_utils::simple_initiator_socket<core> initiator;
    sc_core::sc_out<bool> irq;
    // The system DMA engine's completion sideband (transfer_engine_if.h),
    // bound by the platform; its channels are programmed over `initiator`.
    sc_core::sc_port<transfer_engine_if> dma_channels;

    // `dma_base`: bus address of the DMA engine's registers; `buffer_base`:
    // bus address at which the platform maps `buffer` (the DMA's side of the
    // local memory). Channels the core may use are set by DMA_CHANNELS.
    SC_HAS_PROCESS(core);
    core(sc_core::sc_module_name name, clock_domain& clk, const nncore_config& cfg,
         uint64_t dma_base, uint64_t buffer_base);

    void reset() override;

    const nncore_config& config() const { return m_cfg; }
    energy_meter& energy() { return m_energy; }
    const energy_meter& energy() const { return m_energy; }
    // Dynamic energy (real joules) of DMA traffic through `buffer`.
    double port_energy_j() const { return m_port_energy_j; }
    // Dynamic energy by level and action (real joules): compute commands,
    // DMA traffic through `buffer` and decompression's buffer accesses in
    // the buffers by name; the decompressor's logic apart. Invariant:
    // energy_by_action().total_j() + decompress_energy_j() == meter dynamic.
    const cost::energy_split& energy_by_action() const { return m_actions; }
    double decompress_energy_j() const { return m_decompress_j; }
    uint64_t counter(nncore_regs::counter c) const {
        return m_counters[static_cast<std::size_t>(c)];
    }
    bool busy() const { return m_busy; }

    // The simulator's wall-clock limit inside one long compute command
    // (functional mode): `stop` is asked between chunks of the command's
    // output rows, from the kernel's worker threads. When it says stop the
    // command is abandoned, the core stays busy and sc_stop() ends the
    // simulation; interrupted() then says so. Unset: never asked.
    void set_stop_check(std::function<bool()> stop) { m_stop = std::move(stop); }
    bool interrupted() const { return m_interrupted; }

    // Backdoor to the local memory (loaders, tests): no time, no energy.
    uint8_t* local_memory() { return m_local.data(); }
    uint64_t local_bytes() const { return m_local.size(); }

    // One per executed command (END included), for per-layer reports.
    struct command_record {
        uint32_t index = 0;  // in the stream
        std::string name;    // "<op>#<index>"
        nncore_cmd::opcode op = nncore_cmd::opcode::end;
        ref::precision prec = ref::precision::fp32;
        cost::dataflow flow = cost::dataflow::output_stationary;  // used (never automatic)
        uint64_t macs = 0;                            // dense MACs
        uint64_t zero_skipped_macs = 0;               // removed by zero skipping
        uint64_t gated_macs = 0;                      // executed with a zero operand, no energy
        uint64_t compute_cycles = 0;
        uint64_t stall_cycles = 0;       // waiting for the DMA (BARRIER, END, channels)
                                         // and for the decompressor
        uint64_t decompress_cycles = 0;  // BARRIER / END: expanding compressed weights
        uint64_t dram_read_bytes = 0;    // LOAD, LOAD_COMPRESSED (the blob)
        uint64_t dram_write_bytes = 0;   // STORE
        uint64_t sram_read_bytes = 0;    // local buffers, compute
        uint64_t sram_write_bytes = 0;
        double energy_j = 0.0;  // dynamic, at the voltage of the moment
        double utilization = 0.0;
        sc_core::sc_time start, end;
    };
    void on_command(std::function<void(const command_record&)> observer) {
        m_cmd_observers.push_back(std::move(observer));
    }
    // One per doorbell, when the stream ends (done or error).
    struct stream_record {
        sc_core::sc_time start, end;
        uint32_t commands = 0;  // executed
        nncore_regs::error_code error = nncore_regs::error_code::none;
        uint32_t error_cmd = 0;
    };
    void on_stream_end(std::function<void(const stream_record&)> observer) {
        m_stream_observers.push_back(std::move(observer));
    }

private:
    struct transfer {
        uint8_t tag;
        unsigned channel;
        uint32_t cmd_index;
    };
    // A LOAD_COMPRESSED whose blob is expanded when its tag is retired.
    struct expansion {
        uint8_t tag;
        uint32_t cmd_index;
        uint32_t staging;
        uint32_t len;
        uint32_t dest;
        nncore_cmd::blob_shape shape;
    };
    struct outcome {
        nncore_regs::error_code code = nncore_regs::error_code::none;
        uint32_t cmd = nncore_regs::no_command;
        bool ended = false;  // END reached
    };
    struct run_settings {
        uint64_t base = 0;
        uint32_t bytes = 0;
        bool timing = false;
        uint32_t sparsity = 0;
        double weight_density = 1.0, act_density = 1.0;
        uint32_t channels = 0;
    };

    // registers (nncore.cpp)
    void add_registers();
    void ring();
    uint32_t read_counter_lo(std::size_t c);

    // local memory port (nncore.cpp)
    void buffer_b_transport(tlm::tlm_generic_payload& trans, sc_core::sc_time& delay);
    bool buffer_get_dmi(tlm::tlm_generic_payload& trans, tlm::tlm_dmi& dmi);
    unsigned buffer_dbg(tlm::tlm_generic_payload& trans);

    // energy accounting (nncore_energy.cpp)
    // Energy at Vnom of `len` bytes accessed from `addr`, in the buffers they lie in.
    cost::energy_split buffer_energy(uint64_t addr, uint64_t len) const;
    // Charges the meter and the breakdown; returns the real joules charged.
    double charge(const cost::energy_split& at_vnom, double decompress_j_at_vnom);

    // command processor (nncore_exec.cpp)
    void processor_thread();
    outcome run_stream(uint64_t gen, uint32_t& executed);
    outcome execute(uint32_t index, const nncore_cmd::command& c, command_record& rec);
    outcome execute_move(uint32_t index, const nncore_cmd::command& c, command_record& rec);
    outcome execute_compressed(uint32_t index, const nncore_cmd::command& c, command_record& rec);
    // Programs a free DMA channel with `m` (load: DRAM -> local) under `tag`.
    outcome start_transfer(uint32_t index, uint8_t tag, const nncore_cmd::move_cmd& m, bool load,
                           command_record& rec);
    // Expands, in issue order, the blobs whose tag is in `mask` (their
    // transfers have completed).
    outcome expand_blobs(uint16_t mask, command_record& rec);
    outcome execute_compute(uint32_t index, const nncore_cmd::command& c, command_record& rec);
    // An operand as it lies in the local memory (a checked span).
    nn::tensor local_tensor(nncore_cmd::span at, nn::dtype t, nn::shape4 s) const;
    // Waits (counting stall time) until no outstanding transfer has a tag in
    // `mask`; a failed transfer ends the wait with dma_error.
    outcome wait_transfers(uint16_t mask, command_record& rec);
    outcome retire();
    void wait_any_done(uint32_t channel_mask, command_record& rec);
    bool bus_read(uint64_t addr, void* data, unsigned len);
    bool bus_write32(uint64_t addr, uint32_t value);
    void wait_clocked();
    outcome error(nncore_regs::error_code code, uint32_t cmd, const std::string& what);
    void count(nncore_regs::counter c, uint64_t n) { m_counters[static_cast<std::size_t>(c)] += n; }

    nncore_config m_cfg;
    uint64_t m_dma_base;
    uint64_t m_buffer_base;
    energy_meter m_energy;
    std::vector<uint8_t> m_local;
    port_schedule m_port;
    double m_port_energy_j = 0.0;
    cost::energy_split m_actions;
    double m_decompress_j = 0.0;

    std::array<uint64_t, static_cast<std::size_t>(nncore_regs::counter::count)> m_counters{};
    std::array<uint32_t, static_cast<std::size_t>(nncore_regs::counter::count)> m_hi_latch{};

    sc_core::sc_event m_start_ev;
    sc_core::sc_event m_never;  // what an interrupted command waits on
    std::function<bool()> m_stop;
    bool m_interrupted = false;
    bool m_busy = false;
    bool m_pending = false;  // a doorbell the processor has not taken yet
    uint64_t m_gen = 0;
    run_settings m_run;
    std::vector<transfer> m_outstanding;
    std::vector<expansion> m_expansions;
    std::vector<nncore_cmd::command> m_burst;  // fetched commands
    uint32_t m_burst_first = 0;

    std::vector<std::function<void(const command_record&)>> m_cmd_observers;
    std::vector<std::function<void(const stream_record&)>> m_stream_observers;
};

}  // namespace nnvp::nncore
