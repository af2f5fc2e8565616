// Activation memory planning: buffers with live ranges (in step indices,
// both ends inclusive) get offsets in one arena so that buffers live at the
// same time never overlap. Greedy: largest first, each at the lowest offset
// that clears every already placed buffer it overlaps in time (the classic
// "first fit, decreasing size" heuristic of offline memory planners such as
// TFLite's arena planner). Deterministic: ties keep request order.
#pragma once

#include <cstdint>
#include <vector>

namespace nnvp::compiler {

struct arena_request {
    uint64_t bytes = 0;
    int first = 0;  // step that writes it first
    int last = 0;   // step that reads it last
};

struct arena_plan {
    std::vector<uint64_t> offsets;  // per request, aligned
    uint64_t size = 0;              // the arena's bytes (aligned)
};

arena_plan plan_arena(const std::vector<arena_request>& req, uint64_t align);

}  // namespace nnvp::compiler
