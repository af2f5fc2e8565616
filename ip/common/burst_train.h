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

}  // namespace nnvp
