// A raw TLM initiator for IP tests: transactions without waiting out their
// delay (to stage temporally decoupled or simultaneous accesses), DMI
// requests, debug transport, and a record of DMI invalidations.
#pragma once

#include "ip/common/bus_access.h"

#include <systemc>
#include <tlm>
#include <tlm_utils/simple_initiator_socket.h>

#include <cstdint>
#include <vector>

namespace nnvp::test {

class tlm_initiator : public sc_core::sc_module {
public:
    tlm_utils::simple_initiator_socket<tlm_initiator> socket;

    struct range {
        uint64_t start;
        uint64_t end;
    };
    std::vector<range> invalidations;

    explicit tlm_initiator(sc_core::sc_module_name name = "tlm_initiator")
        : sc_module(name), socket("socket") {
        socket.register_invalidate_direct_mem_ptr(this, &tlm_initiator::invalidate);
    }

    // b_transport with the given starting delay; `delay` is updated, not waited.
    tlm::tlm_response_status transport(tlm::tlm_command cmd, uint64_t addr, void* data,
                                       unsigned len, sc_core::sc_time& delay) {
        tlm::tlm_generic_payload trans;
        setup(trans, cmd, addr, data, len);
        socket->b_transport(trans, delay);
        return trans.get_response_status();
    }

    // A read request (`for_write` false) of a page never written gets the
    // memory's shared zero page, read-only.
    bool get_dmi(uint64_t addr, tlm::tlm_dmi& dmi, bool for_write = true) {
        tlm::tlm_generic_payload trans;
        unsigned char dummy = 0;
        setup(trans, for_write ? tlm::TLM_WRITE_COMMAND : tlm::TLM_READ_COMMAND, addr, &dummy, 1);
        return socket->get_direct_mem_ptr(trans, dmi);
    }

    unsigned debug(tlm::tlm_command cmd, uint64_t addr, void* data, unsigned len) {
        tlm::tlm_generic_payload trans;
        setup(trans, cmd, addr, data, len);
        return socket->transport_dbg(trans);
    }

private:
    static void setup(tlm::tlm_generic_payload& trans, tlm::tlm_command cmd, uint64_t addr,
                      void* data, unsigned len) {
        set_access(trans, cmd, addr, data, len);
    }
    void invalidate(sc_dt::uint64 start, sc_dt::uint64 end) {
        invalidations.push_back({start, end});
    }
};

}  // namespace nnvp::test
