#include "tests/support/sc_harness.h"

#include "ip/common/bus_access.h"

namespace nnvp::test {

using namespace sc_core;

namespace {
int g_warnings = 0;
bool g_allowed = false;
std::string g_last;

class body_runner : public sc_module {
public:
    SC_HAS_PROCESS(body_runner);
    body_runner(sc_module_name name, const std::function<void()>& body)
        : sc_module(name), m_body(body) {
        SC_THREAD(run);
    }
    bool done = false;

private:
    void run() {
        m_body();
        done = true;
        sc_stop();
    }
    std::function<void()> m_body;
};
}  // namespace

int warnings_seen() { return g_warnings; }
const std::string& last_warning() { return g_last; }
void allow_warnings(bool allowed) { g_allowed = allowed; }

int warnings_during(const std::function<void()>& body) {
    const bool was = g_allowed;
    const int before = g_warnings;
    g_allowed = true;
    body();
    g_allowed = was;
    return g_warnings - before;
}

// Installed by sc_test_main before any test runs.
void report_handler(const sc_report& rep, const sc_actions& actions) {
    if (rep.get_severity() == SC_WARNING) {
        ++g_warnings;
        g_last = rep.get_msg();
        if (!g_allowed)
            ADD_FAILURE() << "unexpected SystemC warning: " << rep.get_msg_type() << ": "
                          << rep.get_msg();
        return;
    }
    if (rep.get_severity() == SC_INFO)
        return;
    sc_report_handler::default_handler(rep, actions);
}

void run_thread(const std::function<void()>& body, sc_time limit) {
    body_runner runner("test_body", body);
    sc_start(limit);
    EXPECT_TRUE(runner.done) << "test body did not finish within " << limit;
}

bus_master::bus_master(sc_module_name name) : sc_module(name), socket("socket") {}

tlm::tlm_response_status bus_master::access(tlm::tlm_command cmd, uint64_t addr, void* data,
                                            unsigned len, unsigned char* byte_enables,
                                            unsigned be_len, unsigned streaming_width) {
    tlm::tlm_generic_payload trans;
    set_access(trans, cmd, addr, data, len);
    // Tests of bad programming vary what a plain access leaves out.
    if (streaming_width)
        trans.set_streaming_width(streaming_width);
    trans.set_byte_enable_ptr(byte_enables);
    trans.set_byte_enable_length(be_len);
    sc_time delay = SC_ZERO_TIME;
    socket->b_transport(trans, delay);
    m_last_delay = delay;
    wait(delay);
    return trans.get_response_status();
}

tlm::tlm_response_status bus_master::read32(uint64_t addr, uint32_t& value) {
    return access(tlm::TLM_READ_COMMAND, addr, &value, 4);
}

tlm::tlm_response_status bus_master::write32(uint64_t addr, uint32_t value) {
    return access(tlm::TLM_WRITE_COMMAND, addr, &value, 4);
}

uint32_t bus_master::read32(uint64_t addr) {
    uint32_t v = 0;
    EXPECT_EQ(read32(addr, v), tlm::TLM_OK_RESPONSE) << "read at 0x" << std::hex << addr;
    return v;
}

void bus_master::write32_ok(uint64_t addr, uint32_t value) {
    EXPECT_EQ(write32(addr, value), tlm::TLM_OK_RESPONSE) << "write at 0x" << std::hex << addr;
}

irq_probe::irq_probe(sc_module_name name) : sc_module(name), in("in") {
    SC_HAS_PROCESS(irq_probe);
    SC_METHOD(on_change);
    sensitive << in;
    dont_initialize();
}

void irq_probe::on_change() { m_edges.push_back({sc_time_stamp(), in.read()}); }

std::vector<sc_time> irq_probe::rises() const {
    std::vector<sc_time> out;
    for (const auto& e : m_edges)
        if (e.level)
            out.push_back(e.at);
    return out;
}

}  // namespace nnvp::test
