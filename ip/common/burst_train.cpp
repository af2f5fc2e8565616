#include "ip/common/burst_train.h"

#include <algorithm>

namespace nnvp {

namespace {

uint64_t ceil_div(uint64_t a, uint64_t b) { return (a + b - 1) / b; }

}  // namespace

train_shape shape_of(const burst_train* train, uint64_t len, const clock_domain& clk,
                     uint64_t bytes_per_cycle) {
    train_shape s;
    if (train == nullptr || train->burst_bytes == 0 || len <= train->burst_bytes) {
        s.first = clk.cycles(ceil_div(len, bytes_per_cycle));
        s.spacing = s.first;
        s.span = s.first;
        return s;
    }
    s.bursts = ceil_div(len, train->burst_bytes);
    const uint64_t last_bytes = len - (s.bursts - 1) * train->burst_bytes;
    s.first = clk.cycles(ceil_div(train->burst_bytes, bytes_per_cycle));
    s.spacing = std::max(s.first, train->feed);
    s.span = s.spacing * static_cast<double>(s.bursts - 1) +
             clk.cycles(ceil_div(last_bytes, bytes_per_cycle));
    return s;
}

}  // namespace nnvp
