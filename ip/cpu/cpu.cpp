#include "ip/cpu/cpu.h"

#include <algorithm>
#include <cstring>
#include <iostream>

namespace nnvp {

using namespace sc_core;

cpu_config parse_cpu_config(const config_node& node) {
    cpu_config c;
    c.mmio_issue_cycles = static_cast<unsigned>(node.uint_in("mmio_issue_cycles", 0, 1000, c.mmio_issue_cycles));
    c.bulk_bytes_per_cycle =
        static_cast<unsigned>(node.uint_in("bulk_bytes_per_cycle", 1, 4096, c.bulk_bytes_per_cycle));
    c.bulk_chunk_bytes =
        static_cast<unsigned>(node.uint_in("bulk_chunk_bytes", 4, 65536, c.bulk_chunk_bytes));
    c.active_pj_per_cycle = node.number_in("active_pj_per_cycle", 0, 1e6, c.active_pj_per_cycle);
    c.leakage_mw = node.number_in("leakage_mw", 0, 1e6, c.leakage_mw);
    c.echo_console = node.boolean("echo_console", c.echo_console);
    node.reject_unknown();
    return c;
}

namespace {
// Cycles the CPU spends entering an interrupt handler (context save); it also
// guarantees that an interrupt storm advances simulated time.
constexpr uint64_t irq_entry_cycles = 20;

fw::bus_status to_bus_status(tlm::tlm_response_status s) {
    switch (s) {
    case tlm::TLM_OK_RESPONSE: return fw::bus_status::ok;
    case tlm::TLM_ADDRESS_ERROR_RESPONSE: return fw::bus_status::address_error;
    case tlm::TLM_BURST_ERROR_RESPONSE:
    case tlm::TLM_BYTE_ENABLE_ERROR_RESPONSE:
    case tlm::TLM_COMMAND_ERROR_RESPONSE: return fw::bus_status::access_error;
    default: return fw::bus_status::generic_error;
    }
}
}  // namespace

cpu::cpu(sc_module_name name, clock_domain& clk, const cpu_config& cfg, const memory_map& map)
    : sc_module(name), initiator("initiator"), irq("irq"), m_clk(clk), m_cfg(cfg), m_map(map),
      m_meter("cpu", clk, cfg.leakage_mw * 1e-3) {
    SC_HAS_PROCESS(cpu);
    SC_THREAD(run);
    initiator.register_invalidate_direct_mem_ptr(this, &cpu::invalidate_direct_mem_ptr);
}

void cpu::run() {
    m_qk.reset();
    // Active energy accrues per cycle at the clock and voltage in force
    // while the CPU executes (the meter settles it at every DVFS change).
    m_meter.set_running(m_cfg.active_pj_per_cycle * 1e-12);
    try {
        m_exit_code = m_program ? m_program(*this) : 0;
    } catch (const sc_core::sc_unwind_exception&) {
        throw;  // the kernel ending this thread: not the firmware's doing
    } catch (const sc_core::sc_report& e) {
        stop_by(std::string("simulator error: ") + e.what());
    } catch (const std::exception& e) {
        stop_by(std::string("firmware exception: ") + e.what());
    } catch (...) {
        stop_by("firmware exception: not a std::exception");
    }
    m_qk.sync();
    m_meter.set_running(0);
    m_halted = true;
    m_halted_event.notify(SC_ZERO_TIME);
}

// The firmware threw: the CPU halts as if it had returned -1, and says why
// on its console (the report and the trace keep the line).
void cpu::stop_by(const std::string& why) {
    m_stopped_by = why;
    m_exit_code = -1;
    log("cpu halted: " + why);
}

sc_time cpu::local_now() const { return sc_time_stamp() + m_qk.get_local_time(); }

uint64_t cpu::now_ns() const { return static_cast<uint64_t>(local_now().to_seconds() * 1e9 + 0.5); }

void cpu::advance(const sc_time& t) {
    m_qk.inc(t);
    if (m_qk.need_sync())
        m_qk.sync();
}

void cpu::take_interrupts() {
    while (m_irq_enabled && !m_in_handler && m_irq_handler && irq.read()) {
        ++m_stats.interrupts_taken;
        m_taken_since_wait = true;
        m_in_handler = true;
        advance(m_clk.cycles(irq_entry_cycles));
        m_irq_handler();
        m_in_handler = false;
        // The handler's claim/clear reaches the interrupt line a delta later:
        // synchronise before looking at the line again.
        m_qk.sync();
    }
}

// One bus transaction with temporal decoupling; `dmi_hint` (if given)
// receives the target's "DMI allowed" hint.
fw::bus_status cpu::transport(tlm::tlm_command cmd, uint64_t addr, void* data, unsigned len,
                              bool* dmi_hint) {
    sc_time delay = m_qk.get_local_time() + m_clk.cycles(m_cfg.mmio_issue_cycles);
    const bus_result r = bus_access(initiator, cmd, addr, data, len, delay);
    m_qk.set(delay);
    if (m_qk.need_sync())
        m_qk.sync();
    if (dmi_hint)
        *dmi_hint = r.dmi_allowed;
    const fw::bus_status s = to_bus_status(r.status);
    if (s != fw::bus_status::ok)
        ++m_stats.bus_errors;
    return s;
}

fw::bus_status cpu::mmio(tlm::tlm_command cmd, uint64_t addr, void* data, unsigned len) {
    // A run of reads of one address is a poll loop (a write ends it).
    if (cmd == tlm::TLM_READ_COMMAND && addr == m_poll_addr && m_poll_reads > 0) {
        ++m_poll_reads;
    } else {
        m_poll_addr = addr;
        m_poll_reads = cmd == tlm::TLM_READ_COMMAND ? 1 : 0;
        m_poll_since = local_now();
    }
    const fw::bus_status s = transport(cmd, addr, data, len, nullptr);
    take_interrupts();
    return s;
}

fw::bus_status cpu::read32(uint64_t addr, uint32_t& value) {
    ++m_stats.mmio_reads;
    value = 0;
    return mmio(tlm::TLM_READ_COMMAND, addr, &value, 4);
}

fw::bus_status cpu::write32(uint64_t addr, uint32_t value) {
    ++m_stats.mmio_writes;
    return mmio(tlm::TLM_WRITE_COMMAND, addr, &value, 4);
}

fw::bus_status cpu::read64(uint64_t addr, uint64_t& value) {
    ++m_stats.mmio_reads;
    value = 0;
    return mmio(tlm::TLM_READ_COMMAND, addr, &value, 8);
}

fw::bus_status cpu::write64(uint64_t addr, uint64_t value) {
    ++m_stats.mmio_writes;
    return mmio(tlm::TLM_WRITE_COMMAND, addr, &value, 8);
}

const tlm::tlm_dmi* cpu::dmi_for(uint64_t addr, std::size_t bytes, tlm::tlm_command cmd) {
    for (const auto& d : m_dmi) {
        const bool allowed = cmd == tlm::TLM_READ_COMMAND ? d.is_read_allowed()
                                                          : d.is_write_allowed();
        if (allowed && addr >= d.get_start_address() && addr <= d.get_end_address() &&
            bytes > 0)
            return &d;
    }
    return nullptr;
}

void cpu::invalidate_direct_mem_ptr(sc_dt::uint64 start, sc_dt::uint64 end) {
    m_dmi.erase(std::remove_if(m_dmi.begin(), m_dmi.end(),
                               [&](const tlm::tlm_dmi& d) {
                                   return d.get_start_address() <= end &&
                                          start <= d.get_end_address();
                               }),
                m_dmi.end());
}

fw::bus_status cpu::bulk(tlm::tlm_command cmd, uint64_t addr, unsigned char* data,
                         std::size_t bytes) {
    const bool is_read = cmd == tlm::TLM_READ_COMMAND;
    while (bytes > 0) {
        // A read-only grant (a memory's page of zeros for what was never
        // written): a write asks for the page itself, as the first access
        // would have.
        if (!is_read && !dmi_for(addr, bytes, cmd) && dmi_for(addr, bytes, tlm::TLM_READ_COMMAND)) {
            tlm::tlm_generic_payload req;
            set_access(req, cmd, addr, nullptr, 0);
            tlm::tlm_dmi dmi;
            if (initiator->get_direct_mem_ptr(req, dmi))
                m_dmi.push_back(dmi);
        }
        if (const tlm::tlm_dmi* d = dmi_for(addr, bytes, cmd)) {
            const std::size_t n = std::min<uint64_t>(bytes, d->get_end_address() - addr + 1);
            unsigned char* p = d->get_dmi_ptr() + (addr - d->get_start_address());
            if (is_read)
                std::memcpy(data, p, n);
            else
                std::memcpy(p, data, n);
            const uint64_t cycles = (n + m_cfg.bulk_bytes_per_cycle - 1) / m_cfg.bulk_bytes_per_cycle;
            advance((is_read ? d->get_read_latency() : d->get_write_latency()) + m_clk.cycles(cycles));
            m_stats.bulk_bytes_dmi += n;
            if (m_dmi_hook)
                m_dmi_hook(addr, n, is_read);
            addr += n;
            data += n;
            bytes -= n;
            continue;
        }
        // No DMI: bus transactions of at most one chunk, aligned to the chunk.
        const std::size_t n =
            std::min<std::size_t>(bytes, m_cfg.bulk_chunk_bytes - addr % m_cfg.bulk_chunk_bytes);
        bool dmi_hint = false;
        const fw::bus_status s = transport(cmd, addr, data, static_cast<unsigned>(n), &dmi_hint);
        if (s != fw::bus_status::ok)
            return s;
        m_stats.bulk_bytes_bus += n;
        if (dmi_hint) {
            tlm::tlm_generic_payload req;
            set_access(req, cmd, addr, nullptr, 0);
            tlm::tlm_dmi dmi;
            if (initiator->get_direct_mem_ptr(req, dmi))
                m_dmi.push_back(dmi);
        }
        addr += n;
        data += n;
        bytes -= n;
    }
    take_interrupts();
    return fw::bus_status::ok;
}

fw::bus_status cpu::read_block(uint64_t addr, void* dst, std::size_t bytes) {
    return bulk(tlm::TLM_READ_COMMAND, addr, static_cast<unsigned char*>(dst), bytes);
}

fw::bus_status cpu::write_block(uint64_t addr, const void* src, std::size_t bytes) {
    // The payload API takes a non-const pointer; writes never modify it.
    return bulk(tlm::TLM_WRITE_COMMAND, addr,
                const_cast<unsigned char*>(static_cast<const unsigned char*>(src)), bytes);
}

void cpu::set_irq_handler(std::function<void()> handler) { m_irq_handler = std::move(handler); }

void cpu::enable_irq(bool enabled) {
    m_irq_enabled = enabled;
    if (enabled)
        take_interrupts();
}

// Waits until `limit` (absolute), or until the interrupt line rises when
// `wake_on_irq`; interrupts taken on the way do not end a busy-wait.
void cpu::sleep(const sc_time& limit, bool wake_on_irq) {
    m_qk.sync();
    while (sc_time_stamp() < limit) {
        if (wake_on_irq && irq.read())
            return;
        wait(limit - sc_time_stamp(), irq.posedge_event());
        if (!wake_on_irq)
            take_interrupts();
    }
}

bool cpu::wait_irq(uint64_t timeout_ns) {
    ++m_stats.wfi_count;
    if (m_taken_since_wait) {
        m_taken_since_wait = false;
        return true;
    }
    m_qk.sync();
    m_meter.set_running(0);  // clock-gated while waiting: no active energy
    const sc_time start = sc_time_stamp();
    m_blocking = blocking::wfi;
    m_blocked_since = start;
    if (!irq.read()) {
        if (timeout_ns == 0)
            wait(irq.posedge_event());
        else
            sleep(start + sc_time(static_cast<double>(timeout_ns), SC_NS), true);
    }
    m_blocking = blocking::none;
    m_stats.wfi_time += sc_time_stamp() - start;
    m_meter.set_running(m_cfg.active_pj_per_cycle * 1e-12);
    const bool woke = irq.read();
    take_interrupts();
    m_taken_since_wait = false;
    return woke;
}

void cpu::delay_ns(uint64_t ns) {
    const sc_time t(static_cast<double>(ns), SC_NS);
    if (t <= tlm_utils::tlm_quantumkeeper::get_global_quantum()) {
        advance(t);
    } else {
        m_blocking = blocking::delay;
        m_blocked_since = local_now();
        sleep(local_now() + t, false);
        m_blocking = blocking::none;
    }
    take_interrupts();
}

cpu::activity cpu::activity_now() const {
    activity a;
    a.irq_enabled = m_irq_enabled;
    if (m_halted) {
        a.what = activity::kind::halted;
    } else if (m_blocking == blocking::wfi || m_blocking == blocking::delay) {
        a.what = m_blocking == blocking::wfi ? activity::kind::waiting_irq : activity::kind::sleeping;
        a.since = m_blocked_since;
    } else if (m_poll_reads >= 4) {
        a.what = activity::kind::polling;
        a.addr = m_poll_addr;
        a.reads = m_poll_reads;
        a.since = m_poll_since;
    }
    return a;
}

void cpu::consume_cycles(uint64_t cycles) {
    m_stats.consumed_cycles += cycles;
    const sc_time t = m_clk.cycles(cycles);
    if (t <= tlm_utils::tlm_quantumkeeper::get_global_quantum())
        advance(t);
    else
        sleep(local_now() + t, false);
    take_interrupts();
}

std::string console_line(const std::string& text, const sc_core::sc_time& at) {
    return "[fw " + at.to_string() + "] " + text;
}

void cpu::log(const std::string& line) {
    m_console.push_back(line);
    for (const auto& hook : m_log_hooks)
        hook(line, local_now());
    if (m_cfg.echo_console)
        std::cout << console_line(line, local_now()) << std::endl;
}

}  // namespace nnvp
