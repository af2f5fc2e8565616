// Test-bench pieces for SystemC suites: a bus master, an IRQ recorder, a way
// to run a test body in a thread, and warnings that fail the test unless the
// test expects them.
#pragma once

#include <gtest/gtest.h>
#include <systemc>
#include <tlm>
#include <tlm_utils/simple_initiator_socket.h>

#include <cstdint>
#include <functional>
#include <string>
#include <utility>
#include <vector>

namespace nnvp::test {

// Number of SC_WARNING reports since the process started.
int warnings_seen();
// Text of the last warning (empty if none).
const std::string& last_warning();
// While allowed, warnings are counted but do not fail the test (tests of bad
// guest programming expect them).
void allow_warnings(bool allowed);
// Runs `body` with warnings allowed; the number it raised (a write the
// register map ignores warns once: tests assert the count).
int warnings_during(const std::function<void()>& body);

// Runs `body` in an SC_THREAD and simulates until the body returns; fails the
// test if simulated time reaches `limit` first (a hang).
void run_thread(const std::function<void()>& body,
                sc_core::sc_time limit = sc_core::sc_time(10, sc_core::SC_SEC));

// A blocking bus master. Each access waits out its annotated delay, so
// sc_time_stamp() after a call is the completion time.
class bus_master : public sc_core::sc_module {
public:
    tlm_utils::simple_initiator_socket<bus_master> socket;
    explicit bus_master(sc_core::sc_module_name name = "tb_master");

    tlm::tlm_response_status read32(uint64_t addr, uint32_t& value);
    tlm::tlm_response_status write32(uint64_t addr, uint32_t value);
    uint32_t read32(uint64_t addr);  // expects TLM_OK_RESPONSE
    void write32_ok(uint64_t addr, uint32_t value);  // expects TLM_OK_RESPONSE
    tlm::tlm_response_status access(tlm::tlm_command cmd, uint64_t addr, void* data,
                                    unsigned len, unsigned char* byte_enables = nullptr,
                                    unsigned be_len = 0, unsigned streaming_width = 0);
    // The delay the last access annotated (before it was waited out).
    sc_core::sc_time last_delay() const { return m_last_delay; }

private:
    sc_core::sc_time m_last_delay;
};

// Records every edge of an interrupt line with its time.
class irq_probe : public sc_core::sc_module {
public:
    sc_core::sc_in<bool> in;
    explicit irq_probe(sc_core::sc_module_name name = "irq_probe");

    struct edge {
        sc_core::sc_time at;
        bool level;
    };
    const std::vector<edge>& edges() const { return m_edges; }
    std::vector<sc_core::sc_time> rises() const;

private:
    void on_change();
    std::vector<edge> m_edges;
};

}  // namespace nnvp::test
