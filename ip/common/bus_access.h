// The one place a TLM-2.0 transaction is built: every bus master (the CPU,
// the DMA engine, the NN core, the test benches) fills its payloads here, so
// the base-protocol obligations of an initiator (IEEE 1666-2011, 14.17) are
// met in one way: command, address, data pointer and length set; streaming
// width equal to the length (no streaming); no byte enables; the DMI hint
// cleared; the response status TLM_INCOMPLETE_RESPONSE until a target
// answers.
#pragma once

#include <systemc>
#include <tlm>

#include <cstdint>

namespace nnvp {

class burst_train;

// Fills `t` for one plain access of `len` bytes at `addr`.
void set_access(tlm::tlm_generic_payload& t, tlm::tlm_command cmd, uint64_t addr, void* data,
                unsigned len);

// What a blocking access returns: the target's response and its DMI hint.
struct bus_result {
    tlm::tlm_response_status status = tlm::TLM_INCOMPLETE_RESPONSE;
    bool dmi_allowed = false;
    bool ok() const { return status == tlm::TLM_OK_RESPONSE; }
};

// The forward path of any initiator socket (the port it derives from).
using fw_port = sc_core::sc_port_b<tlm::tlm_fw_transport_if<>>;

// One blocking access through `port`: `delay` is the initiator's time offset
// on the way in and includes the target's annotation on the way out (the
// caller waits it out or keeps it, as its decoupling scheme says).
// With `train`, the access is a burst train (ip/common/burst_train.h).
bus_result bus_access(fw_port& port, tlm::tlm_command cmd, uint64_t addr, void* data,
                      unsigned len, sc_core::sc_time& delay, burst_train* train = nullptr);

}  // namespace nnvp
