#include "ip/timer/timer.h"

namespace nnvp {

timer_config parse_timer_config(const config_node& node) {
    timer_config c;
    c.access_cycles = static_cast<unsigned>(node.uint_in("access_cycles", 0, 1000,
                                                         c.access_cycles));
    c.access_pj = node.number_in("access_pj", 0.0, 1e6, c.access_pj);
    c.match_pj = node.number_in("match_pj", 0.0, 1e6, c.match_pj);
    c.leakage_mw = node.number_in("leakage_mw", 0.0, 1e6, c.leakage_mw);
    node.reject_unknown();
    return c;
}

}  // namespace nnvp
