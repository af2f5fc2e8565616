// DRAM banks, row buffers, refresh and turnaround (dram_banks.h).
#include "ip/memory/dram_banks.h"

#include <algorithm>
#include <cmath>

namespace nnvp {

dram_banks::dram_banks(const dram_bank_config& cfg) : m_cfg(cfg), m_banks(cfg.banks) {}

uint64_t dram_banks::epoch(double t_ns) const {
    return m_cfg.t_refi_ns > 0 ? static_cast<uint64_t>(std::floor(t_ns / m_cfg.t_refi_ns)) : 0;
}

// Refresh k runs over [k * tREFI, k * tREFI + tRFC) for k >= 1.
double dram_banks::after_refresh(double t_ns) {
    const uint64_t k = epoch(t_ns);
    if (k == 0)
        return t_ns;
    const double end = static_cast<double>(k) * m_cfg.t_refi_ns + m_cfg.t_rfc_ns;
    if (t_ns >= end)
        return t_ns;
    ++m_stats.refresh_waits;
    m_stats.refresh_wait_ns += end - t_ns;
    return end;
}

dram_banks::timing dram_banks::access(uint64_t addr, uint64_t bytes, bool write,
                                      double arrival_ns) {
    const uint64_t row_index = addr / m_cfg.row_bytes;
    bank& b = m_banks[row_index % m_cfg.banks];
    const auto row = static_cast<int64_t>(row_index / m_cfg.banks);
    double t = after_refresh(arrival_ns);
    if (b.free_ns > t) {
        m_stats.bank_wait_ns += b.free_ns - t;
        t = after_refresh(b.free_ns);
    }
    const bool closed_by_refresh = epoch(t) != b.refresh_epoch;
    outcome kind = outcome::hit;
    double first = t + m_cfg.t_cl_ns;
    if (b.open_row < 0 || closed_by_refresh) {
        kind = outcome::empty;
        first += m_cfg.t_rcd_ns;
        ++m_stats.empties;
    } else if (b.open_row != row) {
        kind = outcome::miss;
        first += m_cfg.t_rp_ns + m_cfg.t_rcd_ns;
        ++m_stats.misses;
    } else {
        ++m_stats.hits;
    }
    b.open_row = row;
    b.refresh_epoch = epoch(t);
    b.free_ns = first - m_cfg.t_cl_ns;  // the column command: later hits pipeline behind it
    if (m_any_data && write != m_last_write) {
        const double ready = m_last_data_end_ns + (write ? m_cfg.t_rtw_ns : m_cfg.t_wtr_ns);
        ++m_stats.turnarounds;
        if (ready > first) {
            m_stats.turnaround_ns += ready - first;
            first = ready;
        }
    }
    // Further rows of a long access open in their banks meanwhile.
    const uint64_t last_row = (addr + std::max<uint64_t>(bytes, 1) - 1) / m_cfg.row_bytes;
    for (uint64_t r = row_index + 1; r <= last_row; ++r) {
        bank& o = m_banks[r % m_cfg.banks];
        o.open_row = static_cast<int64_t>(r / m_cfg.banks);
        o.refresh_epoch = epoch(first);
        ++m_stats.extra_rows;
    }
    return {first, kind};
}

void dram_banks::data_end(double end_ns, bool write) {
    m_last_data_end_ns = std::max(m_last_data_end_ns, end_ns);
    m_last_write = write;
    m_any_data = true;
}

}  // namespace nnvp
