// A small memory target for the DMA tests (the real memory and interconnect
// models live elsewhere): a byte vector at [base, base + size), a fixed
// latency plus a transfer time of ceil(bytes / bytes_per_cycle) cycles of its
// own clock per access, one port (accesses queue behind each other, so
// concurrent masters contend), and an address error outside its range.
#pragma once

#include "ip/common/clock_domain.h"

#include <systemc>
#include <tlm>
#include <tlm_utils/simple_target_socket.h>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <vector>

namespace nnvp::test {

class test_memory : public sc_core::sc_module {
public:
    tlm_utils::simple_target_socket<test_memory> socket;

    test_memory(sc_core::sc_module_name name, uint64_t base, uint64_t size, clock_domain& clk,
                unsigned latency_cycles, unsigned bytes_per_cycle)
        : sc_module(name), socket("socket"), data(size, 0), m_base(base), m_clk(clk),
          m_latency(latency_cycles), m_bpc(bytes_per_cycle) {
        socket.register_b_transport(this, &test_memory::b_transport);
    }

    // The delay of one access of `bytes` on an idle memory.
    sc_core::sc_time access_delay(uint64_t bytes) const {
        return m_clk.cycles(m_latency + occupancy(bytes));
    }
    uint64_t occupancy(uint64_t bytes) const { return (bytes + m_bpc - 1) / m_bpc; }

    unsigned char* at(uint64_t addr) { return data.data() + (addr - m_base); }
    void fill(uint64_t addr, const std::vector<unsigned char>& bytes) {
        std::copy(bytes.begin(), bytes.end(), at(addr));
    }
    std::vector<unsigned char> dump(uint64_t addr, std::size_t n) {
        return std::vector<unsigned char>(at(addr), at(addr) + n);
    }
    uint64_t base() const { return m_base; }

    std::vector<unsigned char> data;
    uint64_t reads = 0;
    uint64_t writes = 0;
    uint64_t errors = 0;

private:
    void b_transport(tlm::tlm_generic_payload& t, sc_core::sc_time& delay) {
        const uint64_t addr = t.get_address();
        const uint64_t len = t.get_data_length();
        if (addr < m_base || addr - m_base > data.size() || len > data.size() - (addr - m_base)) {
            ++errors;
            t.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
            return;
        }
        if (t.is_read()) {
            std::memcpy(t.get_data_ptr(), at(addr), len);
            ++reads;
        } else if (t.is_write()) {
            std::memcpy(at(addr), t.get_data_ptr(), len);
            ++writes;
        }
        // The port is busy for the transfer cycles; the latency overlaps with
        // the next access.
        const sc_core::sc_time begin =
            std::max(sc_core::sc_time_stamp() + delay, m_free_at);
        m_free_at = begin + m_clk.cycles(occupancy(len));
        delay = m_free_at + m_clk.cycles(m_latency) - sc_core::sc_time_stamp();
        t.set_response_status(tlm::TLM_OK_RESPONSE);
    }

    uint64_t m_base;
    clock_domain& m_clk;
    unsigned m_latency;
    unsigned m_bpc;
    sc_core::sc_time m_free_at = sc_core::SC_ZERO_TIME;
};

}  // namespace nnvp::test
