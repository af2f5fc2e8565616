#include "ip/common/bus_access.h"

namespace nnvp {

void set_access(tlm::tlm_generic_payload& t, tlm::tlm_command cmd, uint64_t addr, void* data,
                unsigned len) {
    t.set_command(cmd);
    t.set_address(addr);
    t.set_data_ptr(static_cast<unsigned char*>(data));
    t.set_data_length(len);
    t.set_streaming_width(len);
    t.set_byte_enable_ptr(nullptr);
    t.set_byte_enable_length(0);
    t.set_dmi_allowed(false);
    t.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
}

bus_result bus_access(fw_port& port, tlm::tlm_command cmd, uint64_t addr, void* data,
                      unsigned len, sc_core::sc_time& delay) {
    tlm::tlm_generic_payload t;
    set_access(t, cmd, addr, data, len);
    port->b_transport(t, delay);
    return {t.get_response_status(), t.is_dmi_allowed()};
}

}  // namespace nnvp
