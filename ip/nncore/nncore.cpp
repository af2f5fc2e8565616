// The NN core's register side and local-memory port; the command processor
// is in nncore_exec.cpp.
#include "ip/nncore/nncore.h"

#include "ip/common/burst_train.h"

#include <algorithm>
#include <cstring>
#include <sstream>

namespace nnvp::nncore {

using namespace sc_core;

core::core(sc_module_name name, clock_domain& clk, const nncore_config& cfg, uint64_t dma_base,
           uint64_t buffer_base)
    : peripheral(name, clk, nncore_regs::window_bytes, cfg.register_access_cycles),
      buffer("buffer"),
      initiator("initiator"),
      irq("irq"),
      dma_channels("dma_channels"),
      m_cfg(cfg),
      m_dma_base(dma_base),
      m_buffer_base(buffer_base),
      m_energy(basename(), clk, cfg.core.core_leakage_mw() * 1e-3) {
    m_cfg.buffer_bytes_per_cycle = std::max(m_cfg.buffer_bytes_per_cycle, 1u);
    m_cfg.cmd_fetch_burst = std::max<uint32_t>(m_cfg.cmd_fetch_burst, 1);
    m_cfg.max_commands = std::max<uint32_t>(m_cfg.max_commands, 1);
    m_local.assign(m_cfg.local_bytes(), 0);
    add_registers();
    buffer.register_b_transport(this, &core::buffer_b_transport);
    buffer.register_get_direct_mem_ptr(this, &core::buffer_get_dmi);
    buffer.register_transport_dbg(this, &core::buffer_dbg);
    // DMI latencies follow the clock: revoke the pointers on every change.
    m_clk.on_change([this] { buffer->invalidate_direct_mem_ptr(0, ~sc_dt::uint64{0}); });
    SC_THREAD(processor_thread);
    add_irq(irq, [this] {
        return (m_regs.get(nncore_regs::IRQ_STATUS) & m_regs.get(nncore_regs::IRQ_ENABLE)) != 0;
    });
}

// The bank is the register lists of nncore_regs.h; only behaviour is added here.
void core::add_registers() {
    using namespace nncore_regs;
    m_regs.add_all(control_regs);
    for (std::size_t i = 0; i < m_counters.size(); ++i)
        m_regs.add_all(counter_regs, counter_offset(static_cast<nncore_regs::counter>(i)));
    const auto value = [](uint32_t v) { return [v] { return v; }; };
    m_regs.on_read(ARRAY,
                   value(ARRAY_ROWS.make(m_cfg.core.rows) | ARRAY_COLS.make(m_cfg.core.cols)));
    m_regs.on_read(PRECISIONS, value((1u << cost::num_precisions) - 1));
    m_regs.on_read(INPUT_KB, value(m_cfg.core.input_kb));
    m_regs.on_read(WEIGHT_KB, value(m_cfg.core.weight_kb));
    m_regs.on_read(OUTPUT_KB, value(m_cfg.core.output_kb));
    m_regs.on_read(CMD_VERSION, value(nncore_cmd::version));
    m_regs.on_write(DOORBELL, [this](uint32_t v, uint32_t) {
        if (DOORBELL_RING.get(v))
            ring();
    });
    m_regs.on_write(IRQ_STATUS, [this](uint32_t, uint32_t) { update_irq(); });
    m_regs.on_write(IRQ_ENABLE, [this](uint32_t, uint32_t) { update_irq(); });
    m_regs.on_write(COUNTERS_CLEAR, [this](uint32_t v, uint32_t) {
        if (COUNTERS_CLEAR_ALL.get(v)) {
            m_counters.fill(0);
            m_hi_latch.fill(0);
        }
    });
    for (std::size_t i = 0; i < m_counters.size(); ++i) {
        const auto c = static_cast<nncore_regs::counter>(i);
        m_regs.on_read(counter_lo(c), [this, i] { return read_counter_lo(i); });
        m_regs.on_read(counter_hi(c), [this, i] { return m_hi_latch[i]; });
    }
}

// Reading LO latches HI, so a LO-then-HI pair is one consistent 64-bit value.
uint32_t core::read_counter_lo(std::size_t c) {
    m_hi_latch[c] = static_cast<uint32_t>(m_counters[c] >> 32);
    return static_cast<uint32_t>(m_counters[c]);
}

void core::reset() {
    peripheral::reset();
    ++m_gen;  // a running stream is dropped at its next command boundary
    m_busy = false;
    m_pending = false;
    m_counters.fill(0);
    m_hi_latch.fill(0);
    m_outstanding.clear();
    m_expansions.clear();
    std::fill(m_local.begin(), m_local.end(), 0);
    if (sc_is_running())
        update_irq();
}

void core::ring() {
    using namespace nncore_regs;
    if (m_busy) {
        warn("DOORBELL while a stream runs is ignored");
        return;
    }
    m_busy = true;
    m_run.base = (uint64_t{m_regs.get(CMD_BASE_HI)} << 32) | m_regs.get(CMD_BASE_LO);
    m_run.bytes = m_regs.get(CMD_BYTES);
    const uint32_t mode = m_regs.get(MODE);
    m_run.timing = MODE_TIMING.get(mode) != 0;
    m_run.sparsity = MODE_SPARSITY.get(mode);
    m_run.weight_density = std::min(m_regs.get(WEIGHT_DENSITY), 0x10000u) / 65536.0;
    m_run.act_density = std::min(m_regs.get(ACT_DENSITY), 0x10000u) / 65536.0;
    m_run.channels = m_regs.get(DMA_CHANNELS);
    m_regs.set(STATUS, STATUS_BUSY.make(1));
    m_regs.set(ERROR_CODE, 0);
    m_regs.set(ERROR_CMD, 0);
    m_regs.set(CMDS_DONE, 0);
    // The stream starts at the time of the write, decoupling offset included.
    m_pending = true;
    m_start_ev.notify(access_time() - sc_time_stamp());
}

// --- local memory port ------------------------------------------------------------

void core::buffer_b_transport(tlm::tlm_generic_payload& trans, sc_time& delay) {
    const uint64_t addr = trans.get_address();
    const uint64_t len = trans.get_data_length();
    // The message is built only when an access fails (millions succeed).
    const auto where = [&] {
        std::ostringstream w;
        w << "local memory " << (trans.is_read() ? "read" : "write") << " of " << len
          << " bytes at 0x" << std::hex << addr;
        return w.str();
    };
    const tlm::tlm_command cmd = trans.get_command();
    if (cmd == tlm::TLM_IGNORE_COMMAND) {
        trans.set_response_status(tlm::TLM_OK_RESPONSE);
        return;
    }
    if (trans.get_byte_enable_ptr() != nullptr) {
        warn(where() + ": byte enables are not supported");
        trans.set_response_status(tlm::TLM_BYTE_ENABLE_ERROR_RESPONSE);
        return;
    }
    if (trans.get_streaming_width() < len) {
        warn(where() + ": streaming bursts are not supported");
        trans.set_response_status(tlm::TLM_BURST_ERROR_RESPONSE);
        return;
    }
    if (addr > m_local.size() || len > m_local.size() - addr || trans.get_data_ptr() == nullptr) {
        warn(where() + ": outside the local memory");
        trans.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
        return;
    }
    // A clock-gated core (IDLE, RETENTION, a PLL relock) stalls the access
    // until its clock runs again (docs/power.md); an OFF core answers an error.
    if (!m_clk.clocked() && !m_clk.wait_until_clocked(delay)) {
        warn(where() + ": the core is " + to_string(m_clk.state()));
        trans.set_response_status(tlm::TLM_GENERIC_ERROR_RESPONSE);
        return;
    }
    const sc_time arrival = sc_time_stamp() + delay;
    const sc_time done = book_bursts(
        train_of(trans), len, arrival,
        [&](std::size_t, uint64_t, uint64_t bytes, const sc_time& at) {
            const uint64_t cycles =
                (bytes + m_cfg.buffer_bytes_per_cycle - 1) / m_cfg.buffer_bytes_per_cycle;
            const sc_time start = m_port.reserve(at, m_clk.cycles(cycles));
            return start + m_clk.cycles(m_cfg.buffer_latency_cycles + cycles);
        });
    delay = done - sc_time_stamp();
    if (trans.is_read())
        std::memcpy(trans.get_data_ptr(), m_local.data() + addr, len);
    else
        std::memcpy(m_local.data() + addr, trans.get_data_ptr(), len);
    // Per-byte energy of the buffer each byte lies in.
    m_port_energy_j += charge(buffer_energy(addr, len), 0.0);
    trans.set_dmi_allowed(true);
    trans.set_response_status(tlm::TLM_OK_RESPONSE);
}

bool core::buffer_get_dmi(tlm::tlm_generic_payload&, tlm::tlm_dmi& dmi) {
    dmi.set_dmi_ptr(m_local.data());
    dmi.set_start_address(0);
    dmi.set_end_address(m_local.size() - 1);
    dmi.allow_read_write();
    const sc_time per_byte = m_clk.cycles(1) / m_cfg.buffer_bytes_per_cycle;
    dmi.set_read_latency(per_byte);
    dmi.set_write_latency(per_byte);
    return true;
}

unsigned core::buffer_dbg(tlm::tlm_generic_payload& trans) {
    const uint64_t addr = trans.get_address();
    if (addr >= m_local.size() || trans.get_data_ptr() == nullptr)
        return 0;
    const auto n =
        static_cast<unsigned>(std::min<uint64_t>(trans.get_data_length(), m_local.size() - addr));
    if (trans.is_read())
        std::memcpy(trans.get_data_ptr(), m_local.data() + addr, n);
    else if (trans.is_write())
        std::memcpy(m_local.data() + addr, trans.get_data_ptr(), n);
    trans.set_response_status(tlm::TLM_OK_RESPONSE);
    return n;
}

}  // namespace nnvp::nncore
