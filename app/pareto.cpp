#include "app/pareto.h"

namespace nnvp {

std::vector<bool> pareto_front(
    const std::vector<std::optional<std::pair<double, double>>>& points) {
    // Quadratic, which is fine for the hundreds of points a sweep has.
    std::vector<bool> optimal(points.size(), false);
    for (std::size_t i = 0; i < points.size(); ++i) {
        if (!points[i])
            continue;
        const auto [xi, yi] = *points[i];
        bool dominated = false;
        for (std::size_t j = 0; j < points.size() && !dominated; ++j) {
            if (j == i || !points[j])
                continue;
            const auto [xj, yj] = *points[j];
            dominated = xj <= xi && yj <= yi && (xj < xi || yj < yi);
        }
        optimal[i] = !dominated;
    }
    return optimal;
}

}  // namespace nnvp
