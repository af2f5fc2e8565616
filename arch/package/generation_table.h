// The table the llm_generate firmware program leaves in DRAM for the host:
// what happened to every request and every token. Little-endian u64 fields
// at `stats_addr`:
//   header    magic "NNGT" | requests done | status (0 ok, else the failing
//             pass's runtime_status) | failed request (or ~0) | governor OPP
//             requests | idle-state entries | NN-core re-inits after power
//             loss | batch | prefill package steps | step package steps
//                                                                   (80 bytes)
//   requests  per request: arrival_ns, start_ns, first_token_ns (prefill and
//             its greedy pick done), end_ns, energy_nj (every domain, start
//             to end), nncore_energy_nj, transition_nj, wake_ns     (64 bytes)
//   tokens    per request, per generated token: end_ns (the token picked),
//             energy_nj (every domain, from the request's start to end_ns),
//             nncore_energy_nj (the same for the NN core), then the token of
//             each of the batch's sequences                 (24 + 8 x batch bytes)
//   steps     per step of the prefill package, then of the step package:
//             total_ns over all passes, CPU cycles annotated    (16 bytes each)
#pragma once

#include <cstdint>

namespace nnvp::generation_table {

constexpr uint64_t magic = 0x54474e4eu;  // "NNGT"
constexpr uint64_t header_bytes = 80;
constexpr uint64_t step_bytes = 16;
constexpr uint64_t request_bytes = 64;

enum header_field : uint64_t {
    h_magic = 0,
    h_done = 8,
    h_status = 16,
    h_failed_request = 24,
    h_opp_requests = 32,
    h_idle_entries = 40,
    h_reinits = 48,
    h_batch = 56,
    h_prefill_steps = 64,
    h_step_steps = 72
};

enum request_field : uint64_t {
    r_arrival = 0,
    r_start = 8,
    r_first_token = 16,
    r_end = 24,
    r_energy = 32,
    r_nncore_energy = 40,
    r_transition = 48,
    r_wake = 56
};

enum token_field : uint64_t { t_end = 0, t_energy = 8, t_nncore_energy = 16, t_ids = 24 };

constexpr uint64_t token_bytes(uint64_t batch) {
    return 24 + 8 * batch;
}
constexpr uint64_t request_at(uint64_t base, uint64_t r) {
    return base + header_bytes + r * request_bytes;
}
constexpr uint64_t token_at(uint64_t base, uint64_t requests, uint64_t generate, uint64_t batch,
                            uint64_t r, uint64_t g) {
    return base + header_bytes + requests * request_bytes +
           (r * generate + g) * token_bytes(batch);
}
// Step s counts the prefill package's steps first.
constexpr uint64_t step_at(uint64_t base, uint64_t requests, uint64_t generate, uint64_t batch,
                           uint64_t s) {
    return token_at(base, requests, generate, batch, requests, 0) + s * step_bytes;
}
constexpr uint64_t table_bytes(uint64_t requests, uint64_t generate, uint64_t batch,
                               uint64_t steps) {
    return step_at(0, requests, generate, batch, steps);
}

}  // namespace nnvp::generation_table
