#include "ip/common/bus_access.h"

#include "ip/common/burst_train.h"

#include <vector>

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

namespace {

// Payloads are reused: constructing one allocates its extension array, and
// a DMA run makes millions. A target may wait inside b_transport while other
// threads access the bus, so each access takes its own from a free list
// (SystemC threads take turns on one OS thread: no locking).
class payload_pool {
public:
    tlm::tlm_generic_payload* take() {
        if (m_free.empty())
            return new tlm::tlm_generic_payload;
        tlm::tlm_generic_payload* t = m_free.back();
        m_free.pop_back();
        return t;
    }
    void give_back(tlm::tlm_generic_payload* t) { m_free.push_back(t); }
    ~payload_pool() {
        for (tlm::tlm_generic_payload* t : m_free)
            delete t;
    }

private:
    std::vector<tlm::tlm_generic_payload*> m_free;
};

}  // namespace

bus_result bus_access(fw_port& port, tlm::tlm_command cmd, uint64_t addr, void* data,
                      unsigned len, sc_core::sc_time& delay, burst_train* train) {
    static payload_pool pool;
    tlm::tlm_generic_payload* t = pool.take();
    struct give_back {
        payload_pool& pool;
        tlm::tlm_generic_payload* t;
        burst_train* train;
        ~give_back() {
            if (train != nullptr)
                t->clear_extension(train);
            pool.give_back(t);
        }
    } release{pool, t, train};
    set_access(*t, cmd, addr, data, len);
    if (train != nullptr)
        t->set_extension(train);
    port->b_transport(*t, delay);
    return {t->get_response_status(), t->is_dmi_allowed()};
}

}  // namespace nnvp
