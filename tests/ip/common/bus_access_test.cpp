// The transaction helper: what a payload carries when it reaches a target,
// and what bus_access() gives back (status, DMI hint, the annotated delay).
#include "ip/common/bus_access.h"
#include "tests/support/sc_harness.h"

#include <tlm_utils/simple_initiator_socket.h>
#include <tlm_utils/simple_target_socket.h>

#include <cstring>

using namespace nnvp;
using namespace sc_core;

namespace {

// Copies what it sees, answers `status` and adds 7 ns; grants DMI on reads.
struct probe_target : sc_module {
    tlm_utils::simple_target_socket<probe_target> socket{"socket"};
    tlm::tlm_generic_payload seen;
    uint32_t word = 0x11223344;
    tlm::tlm_response_status status = tlm::TLM_OK_RESPONSE;

    explicit probe_target(sc_module_name name) : sc_module(name) {
        socket.register_b_transport(this, &probe_target::b_transport);
    }
    void b_transport(tlm::tlm_generic_payload& t, sc_time& delay) {
        seen.deep_copy_from(t);
        seen.set_data_ptr(t.get_data_ptr());
        seen.set_byte_enable_ptr(t.get_byte_enable_ptr());
        seen.set_response_status(t.get_response_status());
        if (t.is_read())
            std::memcpy(t.get_data_ptr(), &word, 4);
        t.set_dmi_allowed(t.is_read());
        t.set_response_status(status);
        delay += sc_time(7, SC_NS);
    }
};

struct master : sc_module {
    tlm_utils::simple_initiator_socket<master> socket{"socket"};
    explicit master(sc_module_name name) : sc_module(name) {}
};

}  // namespace

TEST(bus_access, set_access_fills_a_plain_base_protocol_access) {
    tlm::tlm_generic_payload t;
    unsigned char be = 0xff;
    t.set_byte_enable_ptr(&be);  // left over from an earlier use
    t.set_byte_enable_length(1);
    t.set_streaming_width(2);
    t.set_dmi_allowed(true);
    t.set_response_status(tlm::TLM_OK_RESPONSE);
    uint64_t data = 0;
    set_access(t, tlm::TLM_WRITE_COMMAND, 0x1234, &data, 8);
    EXPECT_EQ(t.get_command(), tlm::TLM_WRITE_COMMAND);
    EXPECT_EQ(t.get_address(), 0x1234u);
    EXPECT_EQ(t.get_data_ptr(), reinterpret_cast<unsigned char*>(&data));
    EXPECT_EQ(t.get_data_length(), 8u);
    EXPECT_EQ(t.get_streaming_width(), 8u);
    EXPECT_EQ(t.get_byte_enable_ptr(), nullptr);
    EXPECT_EQ(t.get_byte_enable_length(), 0u);
    EXPECT_FALSE(t.is_dmi_allowed());
    EXPECT_EQ(t.get_response_status(), tlm::TLM_INCOMPLETE_RESPONSE);
}

TEST(bus_access, returns_status_dmi_hint_and_the_annotated_delay) {
    probe_target target("target");
    master m("m");
    m.socket.bind(target.socket);
    test::run_thread([&] {
        uint32_t v = 0;
        sc_time delay(5, SC_NS);  // the initiator's decoupling offset
        bus_result r = bus_access(m.socket, tlm::TLM_READ_COMMAND, 0x40, &v, 4, delay);
        EXPECT_TRUE(r.ok());
        EXPECT_TRUE(r.dmi_allowed);
        EXPECT_EQ(v, 0x11223344u);
        EXPECT_EQ(delay, sc_time(12, SC_NS));
        EXPECT_EQ(target.seen.get_address(), 0x40u);
        EXPECT_EQ(target.seen.get_streaming_width(), 4u);
        EXPECT_EQ(target.seen.get_byte_enable_ptr(), nullptr);
        EXPECT_EQ(target.seen.get_response_status(), tlm::TLM_INCOMPLETE_RESPONSE);

        target.status = tlm::TLM_ADDRESS_ERROR_RESPONSE;
        delay = SC_ZERO_TIME;
        r = bus_access(m.socket, tlm::TLM_WRITE_COMMAND, 0x44, &v, 4, delay);
        EXPECT_FALSE(r.ok());
        EXPECT_EQ(r.status, tlm::TLM_ADDRESS_ERROR_RESPONSE);
        EXPECT_FALSE(r.dmi_allowed);
        EXPECT_EQ(target.seen.get_command(), tlm::TLM_WRITE_COMMAND);
    });
}
