// The SoC fabric: routes TLM-2.0 LT transactions from any number of
// initiators to the regions of a memory map, models per-target-port
// occupancy (so masters contend for bandwidth), forwards DMI and debug
// transport, and counts traffic and energy.
//
// Timing (all cycles of the fabric's clock domain, so DVFS changes them): a
// transaction of L bytes (data length) to target T arriving at
// t = sc_time_stamp() + delay
//   occupancy          = ceil(L / width_bytes(T)) fabric cycles
//   start              = the earliest time >= t with port T free for
//                        `occupancy` (a calendar: ip/common/port_schedule.h)
//   forwarded delay    = (start - sc_time_stamp()) + hop_cycles + occupancy
// and the target then adds its own latency. Store-and-forward: the target sees
// the request after the whole burst crossed the port. Address errors are
// answered after hop_cycles (decode time) without occupying any port.
//
// Address map: the target sees the address relative to its region base; the
// global address is restored on return. An unmapped address, or an access
// whose [addr, addr + min(L, streaming width)) crosses the end of its region,
// gets TLM_ADDRESS_ERROR_RESPONSE and a warning naming address and initiator.
// While the fabric domain is off, accesses get TLM_GENERIC_ERROR_RESPONSE.
//
// DMI: requests are forwarded with the translated address; the granted (or
// denied) range is translated back to global addresses and clipped to the
// region; latencies are the target's. Invalidations from a target are
// translated and broadcast to every initiator.
//
// Binding is by name: bind_initiator(name, socket) for each master and
// bind_target(region, socket) for every region of the map (an unbound region
// is an SC_REPORT_ERROR at end of elaboration).
#pragma once

#include "ip/common/clock_domain.h"
#include "ip/common/energy_meter.h"
#include "ip/common/port_schedule.h"
#include "ip/interconnect/interconnect_config.h"
#include "arch/memory_map/memory_map.h"

#include <systemc>
#include <tlm>
#include <tlm_utils/multi_passthrough_initiator_socket.h>
#include <tlm_utils/multi_passthrough_target_socket.h>

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace nnvp {

class interconnect : public sc_core::sc_module {
public:
    // Throws std::invalid_argument if cfg.target_width_bytes names a region
    // the map does not have. The energy meter is called "interconnect".
    interconnect(sc_core::sc_module_name name, const memory_map& map, clock_domain& clk,
                 const interconnect_config& cfg = {});

    void bind_target(const std::string& region_name, tlm::tlm_target_socket<32>& target);
    void bind_initiator(const std::string& initiator_name,
                        tlm::tlm_initiator_socket<32>& initiator);
    // Regions no target has been bound to yet.
    std::vector<std::string> unbound_regions() const;

    // Every transaction the fabric forwarded (the platform records them in
    // trace.json when asked: platform.trace_transactions): who, to which
    // region, where, how many bytes, from arrival to completion.
    struct transaction {
        const std::string* initiator;
        const std::string* target;
        uint64_t addr;
        uint64_t bytes;
        bool write;
        bool ok;
        sc_core::sc_time start, end;
    };
    void on_transaction(std::function<void(const transaction&)> hook) { m_hook = std::move(hook); }

    struct port_stats {
        std::string name;            // initiator name or region name
        uint64_t transactions = 0;   // requests (initiators) / forwarded requests (targets)
        uint64_t bytes_read = 0;     // data length of successful reads
        uint64_t bytes_written = 0;  // data length of successful writes
        uint64_t errors = 0;         // error responses (decode or target)
        sc_core::sc_time busy = sc_core::SC_ZERO_TIME;  // targets: port occupancy
        double utilization = 0.0;    // targets: busy / elapsed simulated time
    };
    struct stats {
        std::vector<port_stats> initiators;  // in bind order
        std::vector<port_stats> targets;     // in memory-map order
        double energy_j = 0.0;
    };
    stats get_stats() const;

    const memory_map& map() const { return m_map; }
    const interconnect_config& config() const { return m_cfg; }
    clock_domain& clock() const { return m_clk; }
    energy_meter& energy() { return m_energy; }
    const energy_meter& energy() const { return m_energy; }

private:
    using target_socket_t =
        tlm_utils::multi_passthrough_target_socket<interconnect, 32, tlm::tlm_base_protocol_types,
                                                   0, sc_core::SC_ZERO_OR_MORE_BOUND>;
    using initiator_socket_t =
        tlm_utils::multi_passthrough_initiator_socket<interconnect, 32,
                                                      tlm::tlm_base_protocol_types, 0,
                                                      sc_core::SC_ZERO_OR_MORE_BOUND>;

    // Per region of the map.
    struct target_port {
        int socket_id = -1;  // index on m_to_targets, -1 while unbound
        unsigned width_bytes = 0;
        port_schedule schedule;
        port_stats st;
    };

    void b_transport(int id, tlm::tlm_generic_payload& trans, sc_core::sc_time& delay);
    bool get_direct_mem_ptr(int id, tlm::tlm_generic_payload& trans, tlm::tlm_dmi& dmi);
    unsigned transport_dbg(int id, tlm::tlm_generic_payload& trans);
    void invalidate_direct_mem_ptr(int id, sc_dt::uint64 start, sc_dt::uint64 end);
    void end_of_elaboration() override;

    // The region index holding `addr`, or -1.
    int decode(uint64_t addr) const;
    port_stats& initiator(int id);
    std::string initiator_name(int id) const;
    void decode_error(int id, tlm::tlm_generic_payload& trans, sc_core::sc_time& delay,
                      const std::string& why);

    target_socket_t m_from_initiators;
    initiator_socket_t m_to_targets;
    memory_map m_map;
    clock_domain& m_clk;
    interconnect_config m_cfg;
    energy_meter m_energy;
    std::vector<target_port> m_targets;       // by region index
    std::vector<int> m_region_of_socket;      // socket id on m_to_targets -> region
    std::vector<port_stats> m_initiators;     // by socket id on m_from_initiators
    std::function<void(const transaction&)> m_hook;
    int m_bound_initiators = 0;
};

}  // namespace nnvp
