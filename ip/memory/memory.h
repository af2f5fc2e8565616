// A memory target (DRAM controller or on-chip SRAM): TLM-2.0 LT target with
// bandwidth, latency, energy per byte, lazily allocated backing store and DMI.
//
// Timing (all cycles of the memory's own clock domain, so DVFS changes it):
// an access of L bytes (data length) arriving at t = sc_time_stamp() + delay
//   occupancy  = ceil(L / bytes_per_cycle) cycles
//   start      = the earliest time >= t with the data path free for
//                `occupancy` (a calendar: ip/common/port_schedule.h)
//   delay     += (start - t) + latency_cycles + occupancy   (in cycles)
// so back-to-back accesses are limited to bytes_per_cycle, and each sees the
// first-data latency once. TLM_IGNORE_COMMAND and debug transport cost nothing.
// With the bank model on (memory_config::banks, dram_banks.h) an access's
// data phase starts no earlier than its bank allows (row hit, empty or miss,
// refresh, read/write turnaround), and latency_cycles is the controller's
// and PHY's own latency on top. DMI accesses skip the bank model.
//
// Protocol (IEEE 1666-2011, 14.13-14.18):
// - byte enables: byte i is accessed when be[i % be_length] == 0xff; disabled
//   bytes are left untouched in memory (writes) and in the buffer (reads);
// - streaming width W < L: a FIFO-style burst, byte i goes to addr + (i % W);
//   W == 0 is a TLM_BURST_ERROR_RESPONSE; a byte-enable pointer with length 0 is
//   a TLM_BYTE_ENABLE_ERROR_RESPONSE;
// - [addr, addr + min(L, W)) outside the memory: TLM_ADDRESS_ERROR_RESPONSE.
// Every error also logs a warning. Counters and energy count the bytes that
// were enabled; timing charges all L bytes (the beats still cross the bus).
//
// Power: accesses stall while the domain is clock-gated (bounded wait, like
// peripheral), and fail with TLM_GENERIC_ERROR_RESPONSE while it is off.
// Contents are kept across power states.
//
// DMI: granted per 64 KiB page (the page is allocated), read/write allowed,
// latency annotated per byte = one cycle / bytes_per_cycle (the bandwidth cost;
// add latency_cycles once per access if you model first-data latency). All
// pointers are invalidated when the clock domain changes (the latency changed).
// DMI traffic bypasses b_transport: initiators may report it with
// account_dmi() so counters and energy stay right.
#pragma once

#include "ip/common/burst_train.h"
#include "ip/common/clock_domain.h"
#include "ip/common/energy_meter.h"
#include "ip/common/port_schedule.h"
#include "ip/memory/dram_banks.h"
#include "ip/memory/memory_config.h"
#include "ip/memory/paged_store.h"

#include <systemc>
#include <tlm>
#include <tlm_utils/simple_target_socket.h>

#include <cstdint>
#include <memory>
#include <string>

namespace nnvp {

class memory : public sc_core::sc_module {
public:
    static constexpr uint64_t page_bytes = paged_store::page_bytes;

    tlm_utils::simple_target_socket<memory> target;

    // The energy meter is named after the module ("dram", "sram").
    memory(sc_core::sc_module_name name, clock_domain& clk, const memory_config& cfg);

    struct stats {
        uint64_t reads = 0;          // successful read transactions
        uint64_t writes = 0;         // successful write transactions
        uint64_t bytes_read = 0;     // enabled bytes
        uint64_t bytes_written = 0;
        uint64_t errors = 0;         // error responses given
        sc_core::sc_time busy = sc_core::SC_ZERO_TIME;  // sum of occupancies
        uint64_t accesses() const { return reads + writes; }
    };
    const stats& get_stats() const { return m_stats; }

    const memory_config& config() const { return m_cfg; }
    clock_domain& clock() const { return m_clk; }
    energy_meter& energy() { return m_energy; }
    const energy_meter& energy() const { return m_energy; }
    // The bank model (memory_config::banks), nullptr when it is off.
    const dram_banks* banks() const { return m_banks.get(); }
    // Pages of backing store allocated so far.
    std::size_t allocated_pages() const { return m_store.page_count(); }

    // Backdoor for loaders and tests: no timing, counters or energy. The range
    // must lie inside the memory (throws std::out_of_range otherwise).
    void load(uint64_t addr, const void* src, uint64_t n);
    void dump(uint64_t addr, void* dst, uint64_t n) const;

    // Traffic an initiator moved through a DMI pointer: counted and charged.
    void account_dmi(uint64_t bytes_read, uint64_t bytes_written);
    // Revokes every DMI pointer handed out.
    void invalidate_dmi();

private:
    void b_transport(tlm::tlm_generic_payload& trans, sc_core::sc_time& delay);
    bool get_direct_mem_ptr(tlm::tlm_generic_payload& trans, tlm::tlm_dmi& dmi);
    unsigned transport_dbg(tlm::tlm_generic_payload& trans);

    // Checks the payload; on a problem sets the error response, warns, and
    // returns false.
    bool check(tlm::tlm_generic_payload& trans);
    // Moves the data; returns the number of enabled bytes.
    uint64_t move(tlm::tlm_generic_payload& trans);
    sc_core::sc_time schedule(uint64_t addr, uint64_t len, bool is_write,
                              const sc_core::sc_time& arrival);
    void fail(tlm::tlm_generic_payload& trans, tlm::tlm_response_status status,
              const std::string& why);
    void check_range(uint64_t addr, uint64_t n) const;
    // After a write of [addr, addr + len): a page it allocated may lie
    // under a zero-page grant, which is taken back (those pages only).
    void after_write(std::size_t pages_before, uint64_t addr, uint64_t len);

    clock_domain& m_clk;
    memory_config m_cfg;
    energy_meter m_energy;
    paged_store m_store;
    stats m_stats;
    port_schedule m_port;
    std::unique_ptr<dram_banks> m_banks;
    bool m_dmi_granted = false;
    // Read-only DMI to the shared zero page was granted for a page never
    // written (reading what was never stored allocates nothing); granting
    // that page later must take it back.
    bool m_zero_granted = false;
};

}  // namespace nnvp
