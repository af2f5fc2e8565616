// A burst train: one bus transaction standing for consecutive bursts of a
// DMA transfer (platform `dma.train_bytes`, docs/dma_trains.md). Moving a
// large model's weights burst by burst costs a transaction per 256 bytes
// (GPT-2: half a million per token); a train costs one, and each stage it
// passes through times it as the bursts it stands for:
//
//   burst j reaches the stage at  arrival + j * feed
//   the stage's port serves it    occupancy(burst) after the previous one
//   the port is booked once for   (k - 1) * max(feed, occupancy) + occupancy(last)
//   first_done                    when burst 0 has gone through the stage
//
// so an uncontended stream takes the time its bursts would; what is coarser
// is contention (another initiator waits for the whole booking, not for a
// gap between bursts). A stage that does not know the extension times the
// train as one access of its length.
#pragma once

#include "ip/common/clock_domain.h"

#include <systemc>
#include <tlm>

#include <cstdint>

namespace nnvp {

class burst_train : public tlm::tlm_extension<burst_train> {
public:
    uint32_t burst_bytes = 0;        // in: bytes per burst (the last may be shorter)
    sc_core::sc_time feed;           // in: the bursts arrive no closer together than this
    sc_core::sc_time first_done;     // out: absolute time burst 0 is through the last stage
    bool first_done_set = false;     // out: a stage set first_done

    tlm::tlm_extension_base* clone() const override { return new burst_train(*this); }
    void copy_from(const tlm::tlm_extension_base& other) override {
        *this = static_cast<const burst_train&>(other);
    }
};

// How a port with `bytes_per_cycle` of `clk` is busy with an access of
// `len` bytes that is a train (`train` non-null) or a single access.
struct train_shape {
    uint64_t bursts = 1;
    sc_core::sc_time first;    // occupancy of burst 0
    sc_core::sc_time spacing;  // start to start of consecutive bursts
    sc_core::sc_time span;     // first burst's start to the last one's end
};
train_shape shape_of(const burst_train* train, uint64_t len, const clock_domain& clk,
                     uint64_t bytes_per_cycle);

// The train on a payload, or nullptr.
inline burst_train* train_of(tlm::tlm_generic_payload& trans) {
    return trans.get_extension<burst_train>();
}

}  // namespace nnvp
