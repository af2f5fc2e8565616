#include "firmware/drivers/power/power_driver.h"

#include "arch/regs/power_regs.h"

namespace nnvp::fw {

namespace pr = power_regs;

const char* to_string(power_status s) {
    switch (s) {
    case power_status::ok: return "ok";
    case power_status::bus_error: return "bus error";
    case power_status::bad_domain: return "bad domain";
    case power_status::bad_index: return "bad OPP index";
    case power_status::busy: return "busy";
    case power_status::timeout: return "timeout";
    case power_status::not_found: return "not found";
    case power_status::bad_device: return "not a power controller";
    case power_status::bad_state: return "bad power state";
    case power_status::not_allowed: return "state not allowed for this domain";
    }
    return "?";
}

power_driver::power_driver(hal& h, uint64_t base) : m_hal(h), m_base(base) {}

uint64_t power_driver::reg(unsigned domain, uint32_t offset) const {
    return m_base + pr::domain_offset(domain) + offset;
}

power_status power_driver::rd(uint64_t addr, uint32_t& v) {
    return m_hal.read32(addr, v) == bus_status::ok ? power_status::ok : power_status::bus_error;
}

power_status power_driver::wr(uint64_t addr, uint32_t v) {
    return m_hal.write32(addr, v) == bus_status::ok ? power_status::ok : power_status::bus_error;
}

power_status power_driver::rd64(uint64_t addr, uint64_t& v) {
    return m_hal.read64(addr, v) == bus_status::ok ? power_status::ok : power_status::bus_error;
}

power_status power_driver::probe() {
    uint32_t id = 0;
    if (auto s = rd(global(pr::ID.offset), id); s != power_status::ok)
        return s;
    if (pr::ID_MAGIC.get(id) != pr::id_magic)
        return power_status::bad_device;
    m_domains = static_cast<int>(pr::ID_DOMAINS.get(id));
    return power_status::ok;
}

power_status power_driver::domain_count(uint32_t& n) {
    if (m_domains < 0)
        if (auto s = probe(); s != power_status::ok)
            return s;
    n = static_cast<uint32_t>(m_domains);
    return power_status::ok;
}

power_status power_driver::check_domain(unsigned domain) {
    uint32_t n = 0;
    if (auto s = domain_count(n); s != power_status::ok)
        return s;
    return domain < n ? power_status::ok : power_status::bad_domain;
}

power_status power_driver::domain_name(unsigned domain, std::string& name) {
    uint32_t packed = 0;
    if (auto s = check_domain(domain); s != power_status::ok)
        return s;
    if (auto s = rd(reg(domain, pr::NAME.offset), packed); s != power_status::ok)
        return s;
    name.clear();
    for (unsigned i = 0; i < pr::name_chars && pr::name_char(i).get(packed) != 0; ++i)
        name.push_back(static_cast<char>(pr::name_char(i).get(packed)));
    return power_status::ok;
}

power_status power_driver::find_domain(const std::string& name, unsigned& domain) {
    uint32_t n = 0;
    if (auto s = domain_count(n); s != power_status::ok)
        return s;
    const std::string key = name.substr(0, 4);
    for (unsigned d = 0; d < n; ++d) {
        std::string got;
        if (auto s = domain_name(d, got); s != power_status::ok)
            return s;
        if (got == key) {
            domain = d;
            return power_status::ok;
        }
    }
    return power_status::not_found;
}

power_status power_driver::opp_count(unsigned domain, uint32_t& n) {
    if (auto s = check_domain(domain); s != power_status::ok)
        return s;
    return rd(reg(domain, pr::OPP_COUNT.offset), n);
}

power_status power_driver::opp(unsigned domain, unsigned index, opp_info& out) {
    uint32_t n = 0;
    if (auto s = opp_count(domain, n); s != power_status::ok)
        return s;
    if (index >= n)
        return power_status::bad_index;
    if (auto s = wr(reg(domain, pr::OPP_SEL.offset), index); s != power_status::ok)
        return s;
    if (auto s = rd(reg(domain, pr::OPP_FREQ_KHZ.offset), out.freq_khz); s != power_status::ok)
        return s;
    return rd(reg(domain, pr::OPP_VOLT_MV.offset), out.volt_mv);
}

power_status power_driver::current_opp(unsigned domain, uint32_t& index) {
    if (auto s = check_domain(domain); s != power_status::ok)
        return s;
    return rd(reg(domain, pr::OPP_CUR.offset), index);
}

power_status power_driver::current_point(unsigned domain, uint32_t& freq_mhz, uint32_t& volt_mv) {
    if (auto s = check_domain(domain); s != power_status::ok)
        return s;
    if (auto s = rd(reg(domain, pr::FREQ_MHZ.offset), freq_mhz); s != power_status::ok)
        return s;
    return rd(reg(domain, pr::VOLT_MV.offset), volt_mv);
}

power_status power_driver::is_busy(unsigned domain, bool& busy) {
    uint32_t st = 0;
    if (auto s = check_domain(domain); s != power_status::ok)
        return s;
    if (auto s = rd(reg(domain, pr::STATUS.offset), st); s != power_status::ok)
        return s;
    busy = pr::STATUS_BUSY.get(st) != 0;
    return power_status::ok;
}

power_status power_driver::request_opp(unsigned domain, unsigned index) {
    uint32_t n = 0;
    bool busy = false;
    if (auto s = opp_count(domain, n); s != power_status::ok)
        return s;
    if (index >= n)
        return power_status::bad_index;
    if (auto s = is_busy(domain, busy); s != power_status::ok)
        return s;
    if (busy)
        return power_status::busy;
    // A done bit left from an earlier transition must not end the next wait.
    m_done &= ~pr::irq_opp_done_bit(domain);
    if (auto s = wr(global(pr::IRQ_STATUS.offset), pr::irq_opp_done_bit(domain)); s != power_status::ok)
        return s;
    if (auto s = wr(reg(domain, pr::OPP_REQ.offset), index); s != power_status::ok)
        return s;
    uint32_t st = 0;
    if (auto s = rd(reg(domain, pr::STATUS.offset), st); s != power_status::ok)
        return s;
    return error_of_status(st);
}

power_status power_driver::error_of_status(uint32_t st) const {
    if (pr::STATUS_ERROR.get(st) == 0)
        return power_status::ok;
    switch (static_cast<pr::error_code>(pr::STATUS_ERR_CODE.get(st))) {
    case pr::error_code::busy: return power_status::busy;
    case pr::error_code::bad_state: return power_status::bad_state;
    case pr::error_code::not_allowed: return power_status::not_allowed;
    default: return power_status::bad_index;
    }
}

power_status power_driver::wait_done(unsigned domain, uint64_t timeout_ns) {
    return wait_bit(domain, pr::irq_opp_done_bit(domain), timeout_ns);
}

// Waits for `bit` of IRQ_STATUS (interrupt mode) or for STATUS.BUSY to clear
// (polling).
power_status power_driver::wait_bit(unsigned domain, uint32_t bit, uint64_t timeout_ns) {
    if (auto s = check_domain(domain); s != power_status::ok)
        return s;
    const uint64_t start = m_hal.now_ns();
    for (;;) {
        if (m_use_irq) {
            if (m_done & bit) {
                m_done &= ~bit;
                return power_status::ok;
            }
        } else {
            bool busy = true;
            if (auto s = is_busy(domain, busy); s != power_status::ok)
                return s;
            if (!busy)
                return wr(global(pr::IRQ_STATUS.offset), bit);
        }
        const uint64_t waited = m_hal.now_ns() - start;
        if (timeout_ns != 0 && waited >= timeout_ns)
            return power_status::timeout;
        const uint64_t left = timeout_ns == 0 ? 0 : timeout_ns - waited;
        if (m_use_irq)
            m_hal.wait_irq(left);
        else
            m_hal.delay_ns(timeout_ns == 0 || left > m_poll_ns ? m_poll_ns : left);
    }
}

power_status power_driver::set_opp(unsigned domain, unsigned index, uint64_t timeout_ns) {
    if (auto s = request_opp(domain, index); s != power_status::ok)
        return s;
    return wait_done(domain, timeout_ns);
}

power_status power_driver::energy_nj(unsigned domain, uint64_t& nj) {
    if (auto s = check_domain(domain); s != power_status::ok)
        return s;
    return m_hal.read64(reg(domain, pr::ENERGY_LO.offset), nj) == bus_status::ok
               ? power_status::ok
               : power_status::bus_error;
}

power_status power_driver::transitions(unsigned domain, uint32_t& count) {
    if (auto s = check_domain(domain); s != power_status::ok)
        return s;
    return rd(reg(domain, pr::TRANSITIONS.offset), count);
}

power_status power_driver::enable_interrupts(bool on) {
    uint32_t n = 0;
    if (auto s = domain_count(n); s != power_status::ok)
        return s;
    uint32_t mask = on ? pr::IRQ_ERROR.mask() : 0u;
    for (uint32_t d = 0; on && d < n; ++d)
        mask |= pr::irq_opp_done_bit(d) | pr::irq_state_done_bit(d);
    m_use_irq = on;
    return wr(global(pr::IRQ_ENABLE.offset), mask);
}

void power_driver::on_irq() {
    uint32_t st = 0, en = 0;
    if (rd(global(pr::IRQ_STATUS.offset), st) != power_status::ok ||
        rd(global(pr::IRQ_ENABLE.offset), en) != power_status::ok)
        return;
    const uint32_t pending = st & en;
    if (pending == 0)
        return;
    wr(global(pr::IRQ_STATUS.offset), pending);
    m_done |= pending & ~pr::IRQ_ERROR.mask();
    if (pending & pr::IRQ_ERROR.mask())
        ++m_error_irqs;
}

}  // namespace nnvp::fw
