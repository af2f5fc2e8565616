#include "sw/compiler/arena_plan.h"

#include <algorithm>
#include <numeric>

namespace nnvp::compiler {

arena_plan plan_arena(const std::vector<arena_request>& req, uint64_t align) {
    auto up = [align](uint64_t v) { return (v + align - 1) / align * align; };
    std::vector<std::size_t> order(req.size());
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(),
                     [&](std::size_t a, std::size_t b) { return req[a].bytes > req[b].bytes; });
    arena_plan plan;
    plan.offsets.assign(req.size(), 0);
    std::vector<std::size_t> placed;
    for (std::size_t r : order) {
        // Busy ranges of placed buffers that share time with r, by offset.
        std::vector<std::pair<uint64_t, uint64_t>> busy;
        for (std::size_t p : placed)
            if (req[p].first <= req[r].last && req[r].first <= req[p].last)
                busy.emplace_back(plan.offsets[p], plan.offsets[p] + up(req[p].bytes));
        std::sort(busy.begin(), busy.end());
        uint64_t at = 0;
        const uint64_t need = up(std::max<uint64_t>(req[r].bytes, 1));
        for (const auto& b : busy) {
            if (at + need <= b.first)
                break;
            at = std::max(at, b.second);
        }
        plan.offsets[r] = at;
        plan.size = std::max(plan.size, at + need);
        placed.push_back(r);
    }
    return plan;
}

}  // namespace nnvp::compiler
