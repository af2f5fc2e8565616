#include "ip/power/domain_config.h"

#include <sstream>

namespace nnvp {

namespace {

std::string num(double v) {
    std::ostringstream os;
    os << v;
    return os.str();
}

}  // namespace

bool default_domain(const std::string& name, domain_desc& out) {
    std::vector<domain_opp> opps;
    if (name == "nncore")
        opps = {{300, 700}, {400, 700}, {500, 700}, {600, 700},
                {700, 700}, {800, 750}, {900, 800}, {1000, 850}};
    else if (name == "cpu")
        opps = {{200, 700}, {400, 700}, {600, 750}, {800, 800}, {1000, 850}, {1200, 900}};
    else if (name == "fabric")
        opps = {{200, 700}, {400, 750}, {500, 800}};
    else if (name == "dram")
        opps = {{400, 750}, {800, 800}, {1066, 850}};
    else if (name == "ref")
        opps = {{100, 900}};  // always-on reference clock of the timer: one point
    else
        return false;
    out = domain_desc{name, opps, opps.size() - 1, 900.0};
    return true;
}

domain_desc parse_domain(const config_node& node, const std::string& name) {
    domain_desc d;
    const bool has_default = default_domain(name, d);
    d.name = name;
    if (node.has("opps") || !has_default) {
        d.opps.clear();
        const auto elems = node.elements("opps");
        if (elems.empty())
            node.fail("opps", "expected a non-empty array of {\"mhz\", \"mv\"} operating points");
        for (std::size_t i = 0; i < elems.size(); ++i) {
            const config_node& e = elems[i];
            domain_opp p{e.number_in("mhz", 1e-3, 1e6), e.number_in("mv", 1.0, 5000.0)};
            e.reject_unknown();
            if (i > 0 && p.freq_mhz <= d.opps.back().freq_mhz)
                e.fail("mhz", "expected frequencies strictly increasing, got " +
                                  num(p.freq_mhz) + " after " + num(d.opps.back().freq_mhz));
            if (i > 0 && p.volt_mv < d.opps.back().volt_mv)
                e.fail("mv", "expected voltages non-decreasing, got " + num(p.volt_mv) +
                                 " after " + num(d.opps.back().volt_mv));
            d.opps.push_back(p);
        }
    }
    d.initial = node.uint_in("initial", 0, d.opps.size() - 1, d.opps.size() - 1);
    d.v_nominal_mv = node.number_in("v_nominal_mv", 1.0, 5000.0, 900.0);
    node.reject_unknown();
    return d;
}

}  // namespace nnvp
