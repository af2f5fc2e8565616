// A burst train: one bus transaction standing for consecutive bursts of a
// DMA transfer (platform `dma.train_bytes`, docs/dma_trains.md). Moving a
// large model's weights burst by burst costs a SystemC transaction and a
// wait per 256 bytes (GPT-2: half a million per token); a train costs one,
// and every stage it passes through still times each burst as if it came
// alone: the extension carries one time per burst,
//
//   in:  when burst j arrives at the stage (absolute simulated time)
//   out: when burst j has gone through it (its arrival at the next stage,
//        or its completion at the target)
//
// and each stage books its port burst by burst, as for single accesses.
// What a train changes is the initiator's side: it issues the bursts before
// knowing when the earlier ones complete (the DMA estimates its
// outstanding-burst window, ip/dma/dma.h). A stage that does not know the
// extension times the train as one access of its length.
#pragma once

#include <systemc>
#include <tlm>

#include <algorithm>
#include <cstdint>
#include <vector>

namespace nnvp {

class burst_train : public tlm::tlm_extension<burst_train> {
public:
    uint32_t burst_bytes = 0;          // bytes per burst (the last may be shorter)
    std::vector<sc_core::sc_time> at;  // per burst: arrival in, departure out
    bool timed = false;                // out: the target timed the bursts

    tlm::tlm_extension_base* clone() const override { return new burst_train(*this); }
    void copy_from(const tlm::tlm_extension_base& other) override {
        *this = static_cast<const burst_train&>(other);
    }

    // Bytes of burst j of a `len`-byte train.
    uint64_t bytes_of(std::size_t j, uint64_t len) const {
        const uint64_t off = uint64_t{burst_bytes} * j;
        return len - off < burst_bytes ? len - off : burst_bytes;
    }
};

// The train on a payload, or nullptr.
inline burst_train* train_of(tlm::tlm_generic_payload& trans) {
    return trans.get_extension<burst_train>();
}

// How a target times an access of `len` bytes arriving at `arrival` (a train
// or not): book(j, offset, bytes, at) books burst j, `bytes` at `offset` in
// the access, arriving at `at`, and returns its completion (j 0: the whole
// single access). A train's bursts are booked one by one as single accesses,
// their completions written back into it. Returns the latest completion.
template <typename Book>
sc_core::sc_time book_bursts(burst_train* train, uint64_t len, const sc_core::sc_time& arrival,
                             Book&& book) {
    if (train == nullptr)
        return book(std::size_t{0}, uint64_t{0}, len, arrival);
    sc_core::sc_time done;
    for (std::size_t j = 0; j < train->at.size(); ++j) {
        train->at[j] = book(j, uint64_t{train->burst_bytes} * j, train->bytes_of(j, len),
                            train->at[j]);
        done = std::max(done, train->at[j]);
    }
    train->timed = true;
    return done;
}

}  // namespace nnvp
