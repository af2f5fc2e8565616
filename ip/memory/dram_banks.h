// DRAM timing beyond latency plus bandwidth (memory_config::banks): banks
// with row buffers, all-bank refresh and read/write turnaround, for an
// LPDDR4-like part. No SystemC: times are nanoseconds of simulated time, so
// the model is tested alone and the memory module converts.
//
// Address mapping (row : bank : column): a row of `row_bytes` lies in one
// bank and consecutive rows go to consecutive banks, so a stream walks the
// banks while a strided tile revisits rows.
//
// An access arriving at t (first byte's row and bank):
//   t'    = t, or the end of an all-bank refresh that t falls in (one every
//           t_refi_ns, lasting t_rfc_ns; a refresh closes every row);
//   t'   >= the bank's next free time (its last activation done: hits to an
//           open row pipeline, limited by the data path's bandwidth);
//   first = t' + t_cl                     row hit (its row is open)
//             + t_rcd + t_cl              row empty (no row open)
//             + t_rp + t_rcd + t_cl       row miss (another row open)
//   first >= the end of the last data phase + t_wtr (write, then read) or
//            + t_rtw (read, then write) when the direction changes.
// The caller books the data phase from `first` on the memory's data path and
// reports data_end() back. Further rows an access crosses are opened in
// their banks during its data phase (counted, not charged).
// With temporal decoupling accesses are seen in the order the initiators
// issue them, not strictly in time: the bank state follows that order.
#pragma once

#include <cstdint>
#include <vector>

namespace nnvp {

struct dram_bank_config {
    bool enabled = false;  // false: fixed latency + bandwidth (memory.h)
    unsigned banks = 8;
    uint64_t row_bytes = 2048;
    // LPDDR4-3200 (JESD209-4B), 8 Gb per channel, ns: tRCD and tRPpb 18,
    // RL 28 tCK x 0.625 = 17.5, tWTR 10, read-to-write RL + BL/2 + 2 - WL
    // = (28 + 8 + 2 - 14) x 0.625 = 15, tRFCab 280, tREFI 3904.
    double t_rcd_ns = 18.0;
    double t_rp_ns = 18.0;
    double t_cl_ns = 17.5;
    double t_wtr_ns = 10.0;
    double t_rtw_ns = 15.0;
    double t_rfc_ns = 280.0;
    double t_refi_ns = 3904.0;  // 0: no refresh
    double activate_pj = 0.0;   // energy of one activate + precharge
};

class dram_banks {
public:
    enum class outcome { hit, empty, miss };

    struct stats {
        uint64_t hits = 0, empties = 0, misses = 0;
        uint64_t extra_rows = 0;     // further rows an access crossed
        uint64_t refresh_waits = 0;  // accesses that waited for a refresh
        uint64_t turnarounds = 0;    // direction changes on the data bus
        double refresh_wait_ns = 0, turnaround_ns = 0, bank_wait_ns = 0;
        uint64_t activates() const { return empties + misses + extra_rows; }
    };

    explicit dram_banks(const dram_bank_config& cfg);

    struct timing {
        double first_data_ns;  // when the data phase may start
        outcome kind;
    };
    // An access of `bytes` at `addr` arriving at `arrival_ns`.
    timing access(uint64_t addr, uint64_t bytes, bool write, double arrival_ns);
    // The data phase of the last access ended at `end_ns` (for turnaround).
    void data_end(double end_ns, bool write);

    const stats& get_stats() const { return m_stats; }
    const dram_bank_config& config() const { return m_cfg; }

private:
    struct bank {
        int64_t open_row = -1;
        uint64_t refresh_epoch = 0;  // refreshes seen when the row was opened
        double free_ns = 0;
    };
    double after_refresh(double t_ns);
    uint64_t epoch(double t_ns) const;

    dram_bank_config m_cfg;
    std::vector<bank> m_banks;
    stats m_stats;
    double m_last_data_end_ns = 0;
    bool m_last_write = false;
    bool m_any_data = false;
};

}  // namespace nnvp
