#include "app/time_budget.h"

#include "app/memory_budget.h"

#include <cstdio>

namespace nnvp {

namespace {

// Wall seconds per GMAC of one inference and per network step, measured on
// a 2-core AMD EPYC (ResNet-50 INT8: 0.3 s per inference in timing mode,
// 1.1 s in functional mode for 3.9 GMAC; LeNet-5 timing: 0.7 ms for 8
// steps) and rounded up: the estimate errs long.
constexpr double timing_s_per_gmac = 0.1;
constexpr double functional_s_per_gmac = 0.5;
constexpr double s_per_step = 2e-4;

}  // namespace

double estimate_wall_s(const scenario& sc) {
    if (!sc.workload)
        return 0;
    const std::optional<net::network_stats> st = zoo_stats(*sc.workload);
    if (!st)
        return 0;
    const double gmac = static_cast<double>(st->macs()) * 1e-9;
    const double per_inference =
        gmac * (sc.mode == "timing" ? timing_s_per_gmac : functional_s_per_gmac) +
        static_cast<double>(st->layers.size()) * s_per_step;
    return static_cast<double>(sc.workload->inferences) * per_inference;
}

void check_time_budget(const scenario& sc) {
    const double s = estimate_wall_s(sc);
    if (s <= sc.max_estimated_hours * 3600)
        return;
    char what[256];
    std::snprintf(what, sizeof what,
                  "the run would take about %.3g hours of wall-clock time (%llu inferences of "
                  "%s in %s mode, about %.3g s each), above max_estimated_hours = %g",
                  s / 3600, static_cast<unsigned long long>(sc.workload->inferences),
                  sc.workload->network.c_str(), sc.mode.c_str(),
                  s / static_cast<double>(sc.workload->inferences), sc.max_estimated_hours);
    throw config_error(sc.file + ": workload.inferences: " + what +
                       ": lower workload.inferences (or split the run), or raise the limit "
                       "(max_estimated_hours in the scenario, --max-hours H)");
}

}  // namespace nnvp
