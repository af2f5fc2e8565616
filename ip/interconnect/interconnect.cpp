#include "ip/interconnect/interconnect.h"

#include "ip/common/burst_train.h"

#include <algorithm>
#include <limits>
#include <sstream>
#include <stdexcept>

namespace nnvp {

using namespace sc_core;

namespace {

uint64_t ceil_div(uint64_t a, uint64_t b) { return (a + b - 1) / b; }

// Bytes of the region an access touches: a streaming burst stays inside its
// first streaming-width bytes (IEEE 1666-2011, 14.15).
uint64_t span_of(const tlm::tlm_generic_payload& trans) {
    const uint64_t len = trans.get_data_length();
    const uint64_t width = trans.get_streaming_width();
    return width != 0 && width < len ? width : len;
}

}  // namespace

interconnect::interconnect(sc_module_name name, const memory_map& map, clock_domain& clk,
                           const interconnect_config& cfg)
    : sc_module(name), m_from_initiators("from_initiators"), m_to_targets("to_targets"),
      m_map(map), m_clk(clk), m_cfg(cfg), m_energy("interconnect", clk, cfg.leakage_mw * 1e-3),
      m_targets(map.regions.size()) {
    for (const auto& [region, width] : m_cfg.target_width_bytes)
        if (m_map.find(region) == nullptr)
            throw std::invalid_argument(std::string(this->name()) +
                                        ": target_width_bytes names unknown region \"" + region +
                                        "\"");
    for (std::size_t i = 0; i < m_targets.size(); ++i) {
        m_targets[i].width_bytes = std::max(1u, m_cfg.width_of(m_map.regions[i].name));
        m_targets[i].st.name = m_map.regions[i].name;
    }
    m_from_initiators.register_b_transport(this, &interconnect::b_transport);
    m_from_initiators.register_get_direct_mem_ptr(this, &interconnect::get_direct_mem_ptr);
    m_from_initiators.register_transport_dbg(this, &interconnect::transport_dbg);
    m_to_targets.register_invalidate_direct_mem_ptr(this,
                                                    &interconnect::invalidate_direct_mem_ptr);
}

void interconnect::bind_target(const std::string& region_name,
                               tlm::tlm_target_socket<32>& target) {
    const region* r = m_map.find(region_name);
    if (r == nullptr)
        throw std::invalid_argument(std::string(name()) + ": no region \"" + region_name +
                                    "\" in the memory map");
    target_port& port = m_targets[static_cast<std::size_t>(r - m_map.regions.data())];
    if (port.socket_id >= 0)
        throw std::invalid_argument(std::string(name()) + ": region \"" + region_name +
                                    "\" is bound twice");
    // The multi-socket numbers its bindings in bind order.
    port.socket_id = static_cast<int>(m_region_of_socket.size());
    m_region_of_socket.push_back(static_cast<int>(r - m_map.regions.data()));
    m_to_targets.bind(target);
}

void interconnect::bind_initiator(const std::string& initiator_name,
                                  tlm::tlm_initiator_socket<32>& initiator) {
    for (const auto& st : m_initiators)
        if (st.name == initiator_name)
            throw std::invalid_argument(std::string(name()) + ": initiator \"" +
                                        initiator_name + "\" is bound twice");
    port_stats st;
    st.name = initiator_name;
    m_initiators.push_back(st);
    ++m_bound_initiators;
    initiator.bind(m_from_initiators);
}

std::vector<std::string> interconnect::unbound_regions() const {
    std::vector<std::string> out;
    for (std::size_t i = 0; i < m_targets.size(); ++i)
        if (m_targets[i].socket_id < 0)
            out.push_back(m_map.regions[i].name);
    return out;
}

void interconnect::end_of_elaboration() {
    const auto missing = unbound_regions();
    if (missing.empty())
        return;
    std::string msg = "no target bound to region(s):";
    for (const auto& n : missing)
        msg += " " + n;
    SC_REPORT_ERROR((std::string("nnvp/") + basename()).c_str(), msg.c_str());
}

int interconnect::decode(uint64_t addr) const {
    const region* r = m_map.decode(addr);
    return r == nullptr ? -1 : static_cast<int>(r - m_map.regions.data());
}

interconnect::port_stats& interconnect::initiator(int id) {
    // A master bound directly to the socket (not by name) gets a generic name.
    while (m_initiators.size() <= static_cast<std::size_t>(id)) {
        port_stats st;
        st.name = "initiator" + std::to_string(m_initiators.size());
        m_initiators.push_back(st);
    }
    return m_initiators[static_cast<std::size_t>(id)];
}

void interconnect::decode_error(int id, tlm::tlm_generic_payload& trans, sc_time& delay,
                                const std::string& why) {
    std::ostringstream msg;
    msg << (trans.is_write() ? "write" : trans.is_read() ? "read" : "access") << " of "
        << trans.get_data_length() << " bytes at 0x" << std::hex << trans.get_address()
        << " from " << initiator(id).name << ": " << why;
    SC_REPORT_WARNING((std::string("nnvp/") + basename()).c_str(), msg.str().c_str());
    trans.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
    ++initiator(id).errors;
    delay += m_clk.cycles(m_cfg.hop_cycles);
}

void interconnect::b_transport(int id, tlm::tlm_generic_payload& trans, sc_time& delay) {
    port_stats& from = initiator(id);
    ++from.transactions;
    const uint64_t addr = trans.get_address();
    const int ri = decode(addr);
    if (ri < 0) {
        decode_error(id, trans, delay, "no region at this address");
        return;
    }
    const region& r = m_map.regions[static_cast<std::size_t>(ri)];
    target_port& port = m_targets[static_cast<std::size_t>(ri)];
    if (span_of(trans) > r.end() - addr) {
        decode_error(id, trans, delay, "access crosses the end of region \"" + r.name + "\"");
        return;
    }
    if (port.socket_id < 0) {
        decode_error(id, trans, delay, "region \"" + r.name + "\" has no target");
        return;
    }
    if (m_clk.state() == power_state::off) {
        SC_REPORT_WARNING((std::string("nnvp/") + basename()).c_str(),
                          ("access from " + from.name + ": the fabric is powered off").c_str());
        trans.set_response_status(tlm::TLM_GENERIC_ERROR_RESPONSE);
        ++from.errors;
        return;
    }

    const uint64_t len = trans.get_data_length();
    const sc_time now = sc_time_stamp();
    const uint64_t occupancy_cycles = ceil_div(len, port.width_bytes);
    const sc_time occupancy = m_clk.cycles(occupancy_cycles);
    port.st.busy += occupancy;
    ++port.st.transactions;
    burst_train* train = train_of(trans);
    sc_time start;
    if (train == nullptr) {
        start = port.schedule.reserve(now + delay, occupancy);
        delay = (start - now) + m_clk.cycles(m_cfg.hop_cycles + occupancy_cycles);
    } else {
        // Each burst crosses as a single access would; the target sees
        // them arrive one by one.
        for (std::size_t j = 0; j < train->at.size(); ++j) {
            const uint64_t cycles = ceil_div(train->bytes_of(j, len), port.width_bytes);
            const sc_time s = port.schedule.reserve(train->at[j], m_clk.cycles(cycles));
            if (j == 0)
                start = s;
            train->at[j] = s + m_clk.cycles(m_cfg.hop_cycles + cycles);
        }
        delay = train->at.front() - now;
        train->timed = false;
    }
    trans.set_address(addr - r.base);
    m_to_targets[port.socket_id]->b_transport(trans, delay);
    trans.set_address(addr);
    if (train != nullptr && !train->timed) {
        // A target that timed it as one access: done no earlier than the
        // last burst's arrival there.
        delay = std::max(delay, *std::max_element(train->at.begin(), train->at.end()) - now);
        std::fill(train->at.begin(), train->at.end(), now + delay);
        train->timed = true;
    }
    if (m_hook)
        m_hook({&from.name, &r.name, addr, len, trans.is_write(),
                trans.get_response_status() == tlm::TLM_OK_RESPONSE, start, now + delay});

    if (trans.get_response_status() != tlm::TLM_OK_RESPONSE) {
        ++from.errors;
        ++port.st.errors;
        return;
    }
    if (trans.is_read()) {
        from.bytes_read += len;
        port.st.bytes_read += len;
    } else if (trans.is_write()) {
        from.bytes_written += len;
        port.st.bytes_written += len;
    } else {
        return;
    }
    m_energy.add_dynamic(static_cast<double>(len) * m_cfg.energy_pj_per_byte * 1e-12);
}

bool interconnect::get_direct_mem_ptr(int, tlm::tlm_generic_payload& trans, tlm::tlm_dmi& dmi) {
    const uint64_t addr = trans.get_address();
    const int ri = decode(addr);
    const target_port* port = ri < 0 ? nullptr : &m_targets[static_cast<std::size_t>(ri)];
    if (port == nullptr || port->socket_id < 0) {
        // Denied for this address only; neighbouring regions may grant.
        dmi.allow_none();
        dmi.set_start_address(addr);
        dmi.set_end_address(addr);
        return false;
    }
    const region& r = m_map.regions[static_cast<std::size_t>(ri)];
    trans.set_address(addr - r.base);
    const bool granted = m_to_targets[port->socket_id]->get_direct_mem_ptr(trans, dmi);
    trans.set_address(addr);

    // Clip to the region in the target's local addresses, then go global. The
    // pointer refers to the local start, so it moves only if the start does.
    const uint64_t local_end = std::min<uint64_t>(dmi.get_end_address(), r.size - 1);
    const uint64_t local_start = dmi.get_start_address();
    if (local_start > local_end) {  // a broken answer: deny rather than pass it on
        dmi.allow_none();
        dmi.set_start_address(addr);
        dmi.set_end_address(addr);
        return false;
    }
    dmi.set_start_address(local_start + r.base);
    dmi.set_end_address(local_end + r.base);
    return granted;
}

unsigned interconnect::transport_dbg(int, tlm::tlm_generic_payload& trans) {
    const uint64_t addr = trans.get_address();
    const int ri = decode(addr);
    if (ri < 0 || m_targets[static_cast<std::size_t>(ri)].socket_id < 0)
        return 0;
    const region& r = m_map.regions[static_cast<std::size_t>(ri)];
    // A debug access never reaches past its region.
    const unsigned len = trans.get_data_length();
    const unsigned clipped = static_cast<unsigned>(std::min<uint64_t>(len, r.end() - addr));
    trans.set_address(addr - r.base);
    trans.set_data_length(clipped);
    const unsigned n =
        m_to_targets[m_targets[static_cast<std::size_t>(ri)].socket_id]->transport_dbg(trans);
    trans.set_data_length(len);
    trans.set_address(addr);
    return n;
}

void interconnect::invalidate_direct_mem_ptr(int id, sc_dt::uint64 start, sc_dt::uint64 end) {
    if (id < 0 || static_cast<std::size_t>(id) >= m_region_of_socket.size())
        return;
    const region& r = m_map.regions[static_cast<std::size_t>(m_region_of_socket[id])];
    if (start >= r.size)
        return;
    const uint64_t global_start = r.base + start;
    const uint64_t global_end = r.base + std::min<uint64_t>(end, r.size - 1);
    for (int i = 0; i < m_bound_initiators; ++i)
        m_from_initiators[i]->invalidate_direct_mem_ptr(global_start, global_end);
}

interconnect::stats interconnect::get_stats() const {
    stats s;
    s.initiators = m_initiators;
    const double elapsed = sc_time_stamp().to_seconds();
    for (const auto& t : m_targets) {
        port_stats p = t.st;
        p.utilization = elapsed > 0 ? p.busy.to_seconds() / elapsed : 0.0;
        s.targets.push_back(p);
    }
    s.energy_j = m_energy.total_j();
    return s;
}

}  // namespace nnvp
