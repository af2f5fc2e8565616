#include "firmware/power/governors.h"

namespace nnvp::fw::pm {

const char* governor_names() {
    return "performance, powersave, userspace, ondemand, conservative, schedutil, "
           "simple_ondemand, race_to_idle, pace_to_deadline, per_layer";
}

std::unique_ptr<governor> make_governor(const governor_params& p) {
    const std::string& n = p.name;
    if (n == "performance")
        return std::make_unique<performance_governor>();
    if (n == "powersave")
        return std::make_unique<powersave_governor>();
    if (n == "userspace")
        return std::make_unique<userspace_governor>(p.userspace_opp);
    if (n == "ondemand")
        return std::make_unique<ondemand_governor>(p.up_threshold);
    if (n == "conservative")
        return std::make_unique<conservative_governor>(p.freq_step, p.cons_up_threshold,
                                                       p.cons_down_threshold);
    if (n == "schedutil")
        return std::make_unique<schedutil_governor>(p.headroom, p.rate_limit_us);
    if (n == "simple_ondemand")
        return std::make_unique<simple_ondemand_governor>(p.so_upthreshold, p.so_downdifferential);
    if (n == "race_to_idle")
        return std::make_unique<race_to_idle_governor>();
    if (n == "pace_to_deadline")
        return std::make_unique<pace_to_deadline_governor>(p.margin, p.transition_us);
    if (n == "per_layer")
        return std::make_unique<per_layer_governor>(p.layer_compute_opp, p.frequency_only);
    if (n == "phase_aware")
        return std::make_unique<phase_aware_governor>(p.prefill_opp, p.decode_opp);
    if (n == "power_cap")
        return std::make_unique<power_cap_governor>(p.cap_w, p.cap_window_us);
    return nullptr;
}

}  // namespace nnvp::fw::pm
