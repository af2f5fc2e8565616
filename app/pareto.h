// Pareto-optimal points of a two-objective comparison: a point is optimal
// when no other point is at least as good in both objectives and strictly
// better in one.
#pragma once

#include <optional>
#include <utility>
#include <vector>

namespace nnvp {

// `points[i]` is (x, y) with both objectives to minimise, or nothing for a
// point that takes no part (failed runs, missing metrics). Returns one flag
// per point. Exact duplicates of an optimal point are all optimal.
std::vector<bool> pareto_front(const std::vector<std::optional<std::pair<double, double>>>& points);

}  // namespace nnvp
