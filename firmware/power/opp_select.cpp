#include "firmware/power/opp_select.h"

#include <algorithm>
#include <cmath>

namespace nnvp::fw::pm {

unsigned top(const opp_table& t, unsigned cap) {
    return t.empty() ? 0u : std::min(cap, static_cast<unsigned>(t.size() - 1));
}

unsigned lowest_at_least(const opp_table& t, double hz, unsigned max_index) {
    const unsigned last = top(t, max_index);
    for (unsigned i = 0; i <= last && i < t.size(); ++i)
        if (t[i].freq_hz >= hz * (1 - 1e-12))
            return i;
    return last;
}

unsigned highest_at_most(const opp_table& t, double hz, unsigned max_index) {
    const unsigned last = top(t, max_index);
    for (unsigned i = last + 1; i-- > 0;)
        if (i < t.size() && t[i].freq_hz <= hz * (1 + 1e-12))
            return i;
    return 0;
}

unsigned closest(const opp_table& t, double hz, unsigned max_index) {
    const unsigned last = top(t, max_index);
    unsigned best = 0;
    for (unsigned i = 1; i <= last && i < t.size(); ++i)
        if (std::abs(t[i].freq_hz - hz) < std::abs(t[best].freq_hz - hz))
            best = i;
    return best;
}

}  // namespace nnvp::fw::pm
