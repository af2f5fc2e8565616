// The results table the nn_network firmware program leaves in DRAM for the
// host (like a trace buffer a test harness reads back after a run on
// silicon). Little-endian u64 fields, laid out at `stats_addr`:
//   header      magic "NNRS" u64 | inferences done u64 | steps u64 | status u64
//               (0 ok, else the failing inference's runtime_status) |
//               failed step u64 (or ~0) | governor OPP requests u64 |
//               idle-state entries u64 | NN-core re-inits after power loss u64 (64 bytes)
//   inferences  per inference: arrival_ns, start_ns, end_ns, energy_nj (the
//               power controller's counters of every domain, start to end),
//               nncore_energy_nj (the NN core's domain alone), transition_nj
//               (TRANS_ENERGY_NJ of every domain, start to end), wake_ns (bringing
//               the NN core's domain back ON), opp (the NN core's OPP at the end)
//                                                                      (64 bytes each)
//   steps       per package step: total_ns over all inferences, CPU
//               cycles annotated over all inferences                   (16 bytes each)
#pragma once

#include <cstdint>

namespace nnvp::results_table {

constexpr uint64_t magic = 0x53524e4eu;  // "NNRS"
constexpr uint64_t header_bytes = 64;
constexpr uint64_t inference_bytes = 64;
constexpr uint64_t step_bytes = 16;

// Field offsets inside one inference record.
enum inference_field : uint64_t {
    f_arrival = 0,
    f_start = 8,
    f_end = 16,
    f_energy = 24,
    f_nncore_energy = 32,
    f_transition = 40,
    f_wake = 48,
    f_opp = 56
};
// Header field offsets after the first five.
constexpr uint64_t h_opp_requests = 40, h_idle_entries = 48, h_reinits = 56;

constexpr uint64_t inference_at(uint64_t base, uint64_t i) {
    return base + header_bytes + i * inference_bytes;
}
constexpr uint64_t step_at(uint64_t base, uint64_t inferences, uint64_t s) {
    return base + header_bytes + inferences * inference_bytes + s * step_bytes;
}
constexpr uint64_t table_bytes(uint64_t inferences, uint64_t steps) {
    return header_bytes + inferences * inference_bytes + steps * step_bytes;
}

}  // namespace nnvp::results_table
