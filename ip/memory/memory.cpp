#include "ip/memory/memory.h"

#include <algorithm>
#include <limits>
#include <vector>
#include <sstream>
#include <stdexcept>

namespace nnvp {

using namespace sc_core;

namespace {

const char* command_name(const tlm::tlm_generic_payload& trans) {
    switch (trans.get_command()) {
    case tlm::TLM_READ_COMMAND: return "read";
    case tlm::TLM_WRITE_COMMAND: return "write";
    case tlm::TLM_IGNORE_COMMAND: return "ignore";
    }
    return "bad command";
}

uint64_t ceil_div(uint64_t a, uint64_t b) { return (a + b - 1) / b; }

}  // namespace

memory::memory(sc_module_name name, clock_domain& clk, const memory_config& cfg)
    : sc_module(name), target("target"), m_clk(clk), m_cfg(cfg),
      m_energy(basename(), clk, cfg.leakage_mw * 1e-3) {
    if (m_cfg.size_bytes == 0 || m_cfg.bytes_per_cycle == 0)
        throw std::invalid_argument(std::string(name) + ": size and bandwidth must be > 0");
    if (m_cfg.banks.enabled)
        m_banks = std::make_unique<dram_banks>(m_cfg.banks);
    target.register_b_transport(this, &memory::b_transport);
    target.register_get_direct_mem_ptr(this, &memory::get_direct_mem_ptr);
    target.register_transport_dbg(this, &memory::transport_dbg);
    // A DVFS or power-state change alters the DMI latencies (or access rights).
    m_clk.on_change([this] {
        if (m_dmi_granted)
            invalidate_dmi();
    });
}

void memory::fail(tlm::tlm_generic_payload& trans, tlm::tlm_response_status status,
                  const std::string& why) {
    std::ostringstream msg;
    msg << command_name(trans) << " of " << trans.get_data_length() << " bytes at 0x"
        << std::hex << trans.get_address() << ": " << why;
    SC_REPORT_WARNING((std::string("nnvp/") + basename()).c_str(), msg.str().c_str());
    trans.set_response_status(status);
    ++m_stats.errors;
}

bool memory::check(tlm::tlm_generic_payload& trans) {
    const tlm::tlm_command cmd = trans.get_command();
    if (cmd != tlm::TLM_READ_COMMAND && cmd != tlm::TLM_WRITE_COMMAND &&
        cmd != tlm::TLM_IGNORE_COMMAND) {
        fail(trans, tlm::TLM_COMMAND_ERROR_RESPONSE, "unknown command");
        return false;
    }
    const uint64_t len = trans.get_data_length();
    const uint64_t width = trans.get_streaming_width();
    if (width == 0) {
        fail(trans, tlm::TLM_BURST_ERROR_RESPONSE, "streaming width 0");
        return false;
    }
    if (trans.get_byte_enable_ptr() != nullptr && trans.get_byte_enable_length() == 0) {
        fail(trans, tlm::TLM_BYTE_ENABLE_ERROR_RESPONSE, "byte-enable length 0");
        return false;
    }
    if (len > 0 && trans.get_data_ptr() == nullptr) {
        fail(trans, tlm::TLM_GENERIC_ERROR_RESPONSE, "no data buffer");
        return false;
    }
    const uint64_t addr = trans.get_address();
    const uint64_t span = std::min(len, width);
    if (addr > m_cfg.size_bytes || span > m_cfg.size_bytes - addr ||
        (span == 0 && addr == m_cfg.size_bytes)) {
        std::ostringstream why;
        why << "outside the memory (size 0x" << std::hex << m_cfg.size_bytes << ")";
        fail(trans, tlm::TLM_ADDRESS_ERROR_RESPONSE, why.str());
        return false;
    }
    return true;
}

uint64_t memory::move(tlm::tlm_generic_payload& trans) {
    const uint64_t addr = trans.get_address();
    const uint64_t len = trans.get_data_length();
    const uint64_t width = trans.get_streaming_width();
    unsigned char* data = trans.get_data_ptr();
    const unsigned char* be = trans.get_byte_enable_ptr();
    const uint64_t be_len = trans.get_byte_enable_length();
    const bool is_read = trans.is_read();

    const std::size_t pages = m_store.page_count();
    if (be == nullptr && width >= len) {  // the common case: one contiguous block
        if (is_read) {
            m_store.read(addr, data, len);
        } else {
            m_store.write(addr, data, len);
            after_write(pages, addr, len);
        }
        return len;
    }
    uint64_t enabled = 0;
    for (uint64_t i = 0; i < len; ++i) {
        if (be != nullptr && be[i % be_len] != TLM_BYTE_ENABLED)
            continue;
        const uint64_t a = addr + i % width;
        if (is_read)
            data[i] = m_store.read_byte(a);
        else
            m_store.write_byte(a, data[i]);
        ++enabled;
    }
    if (!is_read)
        after_write(pages, addr, std::min(len, width));
    return enabled;
}

// Books the data path for one access arriving at `arrival` (after the bank
// model's activation, if any); returns its completion.
sc_time memory::schedule(uint64_t addr, uint64_t len, bool is_write, const sc_time& arrival) {
    const uint64_t occupancy_cycles = ceil_div(len, m_cfg.bytes_per_cycle);
    const sc_time occupancy = m_clk.cycles(occupancy_cycles);
    sc_time ready = arrival;
    if (m_banks) {
        const dram_banks::timing t =
            m_banks->access(addr, len, is_write, arrival.to_seconds() * 1e9);
        ready = std::max(arrival, sc_time(t.first_data_ns, SC_NS));
        if (t.kind != dram_banks::outcome::hit)
            m_energy.add_dynamic(m_cfg.banks.activate_pj * 1e-12);
    }
    const sc_time start = m_port.reserve(ready, occupancy);
    if (m_banks)
        m_banks->data_end((start + occupancy).to_seconds() * 1e9, is_write);
    return start + m_clk.cycles(m_cfg.latency_cycles + occupancy_cycles);
}

void memory::b_transport(tlm::tlm_generic_payload& trans, sc_time& delay) {
    if (!check(trans))
        return;
    if (trans.get_command() == tlm::TLM_IGNORE_COMMAND) {
        trans.set_response_status(tlm::TLM_OK_RESPONSE);
        return;
    }
    if (!m_clk.wait_until_clocked(delay)) {
        fail(trans, tlm::TLM_GENERIC_ERROR_RESPONSE,
             "memory is powered " + std::string(to_string(m_clk.state())));
        return;
    }

    const sc_time arrival = sc_time_stamp() + delay;
    burst_train* train = train_of(trans);
    const uint64_t len = trans.get_data_length();
    const sc_time done = book_bursts(
        train, len, arrival, [&](std::size_t, uint64_t offset, uint64_t bytes, const sc_time& at) {
            return schedule(trans.get_address() + offset, bytes, trans.is_write(), at);
        });
    m_stats.busy += m_clk.cycles(ceil_div(trans.get_data_length(), m_cfg.bytes_per_cycle));
    delay = done - sc_time_stamp();

    const uint64_t bytes = move(trans);
    const uint64_t accesses = train != nullptr ? train->at.size() : 1;  // as its bursts
    if (trans.is_read()) {
        m_stats.reads += accesses;
        m_stats.bytes_read += bytes;
        m_energy.add_dynamic(static_cast<double>(bytes) * m_cfg.read_pj_per_byte * 1e-12);
    } else {
        m_stats.writes += accesses;
        m_stats.bytes_written += bytes;
        m_energy.add_dynamic(static_cast<double>(bytes) * m_cfg.write_pj_per_byte * 1e-12);
    }
    trans.set_dmi_allowed(m_cfg.dmi);
    trans.set_response_status(tlm::TLM_OK_RESPONSE);
}

bool memory::get_direct_mem_ptr(tlm::tlm_generic_payload& trans, tlm::tlm_dmi& dmi) {
    const uint64_t addr = trans.get_address();
    dmi.allow_none();
    if (addr >= m_cfg.size_bytes) {
        // Deny for everything above the memory.
        dmi.set_start_address(m_cfg.size_bytes);
        dmi.set_end_address(std::numeric_limits<uint64_t>::max());
        return false;
    }
    if (!m_cfg.dmi || !m_clk.clocked()) {
        dmi.set_start_address(0);
        dmi.set_end_address(m_cfg.size_bytes - 1);
        return false;
    }
    const uint64_t start = addr / page_bytes * page_bytes;
    const uint64_t end = std::min(start + page_bytes, m_cfg.size_bytes) - 1;
    if (trans.is_read() && !m_store.has_page(addr)) {
        // Never written: read-only, from one shared page of zeros.
        static const std::vector<unsigned char> zeros(page_bytes, 0);
        dmi.set_dmi_ptr(const_cast<unsigned char*>(zeros.data()));
        dmi.allow_read();
        m_zero_granted = true;
    } else {
        const std::size_t pages = m_store.page_count();
        dmi.set_dmi_ptr(m_store.page(addr));
        dmi.allow_read_write();
        after_write(pages, addr, 1);
    }
    dmi.set_start_address(start);
    dmi.set_end_address(end);
    const sc_time per_byte = m_clk.cycles(1) / static_cast<double>(m_cfg.bytes_per_cycle);
    dmi.set_read_latency(per_byte);
    dmi.set_write_latency(per_byte);
    m_dmi_granted = true;
    return true;
}

unsigned memory::transport_dbg(tlm::tlm_generic_payload& trans) {
    const uint64_t addr = trans.get_address();
    unsigned char* data = trans.get_data_ptr();
    if (addr >= m_cfg.size_bytes || data == nullptr)
        return 0;
    const uint64_t n = std::min<uint64_t>(trans.get_data_length(), m_cfg.size_bytes - addr);
    if (trans.is_read())
        m_store.read(addr, data, n);
    else if (trans.is_write()) {
        const std::size_t pages = m_store.page_count();
        m_store.write(addr, data, n);
        after_write(pages, addr, n);
    } else {
        return 0;
    }
    return static_cast<unsigned>(n);
}

void memory::check_range(uint64_t addr, uint64_t n) const {
    if (addr > m_cfg.size_bytes || n > m_cfg.size_bytes - addr)
        throw std::out_of_range(std::string(name()) + ": backdoor access outside the memory");
}

void memory::load(uint64_t addr, const void* src, uint64_t n) {
    check_range(addr, n);
    const std::size_t pages = m_store.page_count();
    m_store.write(addr, static_cast<const unsigned char*>(src), n);
    after_write(pages, addr, n);
}

void memory::after_write(std::size_t pages_before, uint64_t addr, uint64_t len) {
    if (!m_zero_granted || m_store.page_count() == pages_before || len == 0 ||
        target.get_base_port().size() == 0)
        return;
    const uint64_t first = addr / page_bytes * page_bytes;
    const uint64_t last = (addr + len - 1) / page_bytes * page_bytes + page_bytes - 1;
    target->invalidate_direct_mem_ptr(first, last);
}

void memory::dump(uint64_t addr, void* dst, uint64_t n) const {
    check_range(addr, n);
    m_store.read(addr, static_cast<unsigned char*>(dst), n);
}

void memory::account_dmi(uint64_t bytes_read, uint64_t bytes_written) {
    m_stats.bytes_read += bytes_read;
    m_stats.bytes_written += bytes_written;
    m_energy.add_dynamic((static_cast<double>(bytes_read) * m_cfg.read_pj_per_byte +
                          static_cast<double>(bytes_written) * m_cfg.write_pj_per_byte) *
                         1e-12);
}

void memory::invalidate_dmi() {
    m_dmi_granted = false;
    m_zero_granted = false;
    if (target.get_base_port().size() > 0)
        target->invalidate_direct_mem_ptr(0, std::numeric_limits<uint64_t>::max());
}

}  // namespace nnvp
