// The virtual CPU: runs host-compiled firmware in an SC_THREAD and is the
// firmware's HAL. Loosely timed: MMIO goes through the bus with temporal
// decoupling (quantum keeper), bulk copies use DMI when the target grants it,
// WFI idles the thread until the interrupt line rises.
#pragma once

#include "arch/hal/hal.h"
#include "ip/common/bus_access.h"
#include "ip/common/clock_domain.h"
#include "ip/common/config_reader.h"
#include "ip/common/energy_meter.h"

#include <systemc>
#include <tlm>
#include <tlm_utils/simple_initiator_socket.h>
#include <tlm_utils/tlm_quantumkeeper.h>

#include <functional>
#include <string>
#include <vector>

namespace nnvp {

struct cpu_config {
    unsigned mmio_issue_cycles = 1;      // CPU cycles to issue one load/store
    unsigned bulk_bytes_per_cycle = 8;   // memcpy throughput over DMI (64-bit datapath)
    unsigned bulk_chunk_bytes = 64;      // burst size of non-DMI bulk copies (a cache line)
    double active_pj_per_cycle = 25.0;   // assumption: small in-order core at 45 nm
    double leakage_mw = 5.0;
    bool echo_console = true;            // print firmware log lines as they come
};
cpu_config parse_cpu_config(const config_node& node);

struct cpu_stats {
    uint64_t mmio_reads = 0;
    uint64_t mmio_writes = 0;
    uint64_t bulk_bytes_dmi = 0;
    uint64_t bulk_bytes_bus = 0;
    uint64_t bus_errors = 0;
    uint64_t interrupts_taken = 0;
    uint64_t wfi_count = 0;
    sc_core::sc_time wfi_time = sc_core::SC_ZERO_TIME;
    uint64_t consumed_cycles = 0;
};

// A firmware log line as the console shows it: "[fw 1234 ns] text".
std::string console_line(const std::string& text, const sc_core::sc_time& at);

class cpu : public sc_core::sc_module, public fw::hal {
public:
    tlm_utils::simple_initiator_socket<cpu> initiator;
    sc_core::sc_in<bool> irq;

    using program_fn = std::function<int(fw::hal&)>;

    cpu(sc_core::sc_module_name name, clock_domain& clk, const cpu_config& cfg,
        const memory_map& map);

    // The firmware to run at start of simulation; its return value is the
    // exit code. When it returns the CPU halts and `halted_event` fires.
    void load(program_fn program) { m_program = std::move(program); }
    bool halted() const { return m_halted; }
    int exit_code() const { return m_exit_code; }
    // Why the firmware stopped by throwing (empty when it returned): an
    // exception of its own ("firmware exception: ...") or a model's error
    // reported while it accessed the bus ("simulator error: ..."). The CPU
    // halts with exit code -1 either way.
    const std::string& stopped_by() const { return m_stopped_by; }
    const sc_core::sc_event& halted_event() const { return m_halted_event; }
    const cpu_stats& stats() const { return m_stats; }

    // What the firmware is doing now, for a run that ends without halting:
    // waiting for an interrupt (WFI), polling one address (4 or more reads
    // of it in a row, no other access between), sleeping in a delay, or
    // running.
    struct activity {
        enum class kind { running, waiting_irq, polling, sleeping, halted } what = kind::running;
        uint64_t addr = 0;   // polling: the address read
        uint64_t reads = 0;  // polling: reads of it in a row
        sc_core::sc_time since;
        bool irq_enabled = false;  // the CPU takes interrupts
    };
    activity activity_now() const;
    const std::vector<std::string>& console() const { return m_console; }
    // Called for every bulk copy done through a DMI pointer (it bypasses the
    // bus), so the platform can charge the memory's energy and counters.
    void on_dmi_access(std::function<void(uint64_t addr, uint64_t bytes, bool is_read)> hook) {
        m_dmi_hook = std::move(hook);
    }
    // Called for every firmware log line with the CPU's local time (each
    // hook added, in order: the platform's trace, the app's console).
    void on_log(std::function<void(const std::string&, const sc_core::sc_time&)> hook) {
        m_log_hooks.push_back(std::move(hook));
    }
    const energy_meter& meter() const { return m_meter; }

    // --- fw::hal ---
    fw::bus_status read32(uint64_t addr, uint32_t& value) override;
    fw::bus_status write32(uint64_t addr, uint32_t value) override;
    fw::bus_status read64(uint64_t addr, uint64_t& value) override;
    fw::bus_status write64(uint64_t addr, uint64_t value) override;
    fw::bus_status read_block(uint64_t addr, void* dst, std::size_t bytes) override;
    fw::bus_status write_block(uint64_t addr, const void* src, std::size_t bytes) override;
    void set_irq_handler(std::function<void()> handler) override;
    void enable_irq(bool enabled) override;
    bool wait_irq(uint64_t timeout_ns) override;
    void delay_ns(uint64_t ns) override;
    void consume_cycles(uint64_t cycles) override;
    uint64_t now_ns() const override;
    const memory_map& map() const override { return m_map; }
    void log(const std::string& line) override;

private:
    void run();
    void stop_by(const std::string& why);
    fw::bus_status transport(tlm::tlm_command cmd, uint64_t addr, void* data, unsigned len,
                             bool* dmi_hint);
    fw::bus_status mmio(tlm::tlm_command cmd, uint64_t addr, void* data, unsigned len);
    fw::bus_status bulk(tlm::tlm_command cmd, uint64_t addr, unsigned char* data,
                        std::size_t bytes);
    const tlm::tlm_dmi* dmi_for(uint64_t addr, std::size_t bytes, tlm::tlm_command cmd);
    void invalidate_direct_mem_ptr(sc_dt::uint64 start, sc_dt::uint64 end);
    void advance(const sc_core::sc_time& t);  // local time += t, sync when the quantum is used
    void sleep(const sc_core::sc_time& limit, bool wake_on_irq);
    void take_interrupts();
    sc_core::sc_time local_now() const;

    clock_domain& m_clk;
    cpu_config m_cfg;
    const memory_map& m_map;
    energy_meter m_meter;
    tlm_utils::tlm_quantumkeeper m_qk;
    program_fn m_program;
    std::function<void()> m_irq_handler;
    bool m_irq_enabled = false;
    bool m_in_handler = false;
    bool m_taken_since_wait = false;  // WFE-style event: an interrupt ran since wait_irq
    bool m_halted = false;
    // Activity tracking (activity_now()).
    enum class blocking { none, wfi, delay } m_blocking = blocking::none;
    sc_core::sc_time m_blocked_since;
    uint64_t m_poll_addr = 0, m_poll_reads = 0;
    sc_core::sc_time m_poll_since;
    int m_exit_code = 0;
    std::string m_stopped_by;
    sc_core::sc_event m_halted_event;
    std::vector<tlm::tlm_dmi> m_dmi;
    std::vector<std::string> m_console;
    std::vector<std::function<void(const std::string&, const sc_core::sc_time&)>> m_log_hooks;
    std::function<void(uint64_t, uint64_t, bool)> m_dmi_hook;
    cpu_stats m_stats;
};

}  // namespace nnvp
