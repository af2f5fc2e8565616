#include "ip/intc/intc.h"

namespace nnvp {

intc_config parse_intc_config(const config_node& node) {
    intc_config c;
    c.sources = static_cast<unsigned>(node.uint_in("sources", intc_regs::min_sources,
                                                   intc_regs::max_sources, c.sources));
    c.access_cycles = static_cast<unsigned>(node.uint_in("access_cycles", 0, 1000,
                                                         c.access_cycles));
    c.access_pj = node.number_in("access_pj", 0.0, 1e6, c.access_pj);
    c.leakage_mw = node.number_in("leakage_mw", 0.0, 1e6, c.leakage_mw);
    node.reject_unknown();
    return c;
}

}  // namespace nnvp
