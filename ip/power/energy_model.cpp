#include "ip/power/energy_model.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace nnvp {

double em_leakage_w(const em_params& p, double volt_v) {
    return p.leak_w_at_vnom * (volt_v / p.v_nominal) *
           std::exp(p.k_v_per_v * (volt_v - p.v_nominal)) *
           std::exp(p.k_t_per_c * (p.temp_c - p.t_ref_c));
}

std::vector<em_point> build_energy_model(const std::vector<em_input_opp>& opps,
                                         const em_params& p) {
    if (opps.empty())
        throw std::invalid_argument("energy model: empty operating-point table");
    double fmax = 0;
    for (const em_input_opp& o : opps) {
        if (!(o.freq_hz > 0))
            throw std::invalid_argument("energy model: frequencies must be positive");
        fmax = std::max(fmax, o.freq_hz);
    }
    std::vector<em_point> out;
    for (const em_input_opp& o : opps) {
        em_point e{};
        e.freq_hz = o.freq_hz;
        e.volt_v = o.volt_v;
        e.dynamic_w = p.ceff_f * o.volt_v * o.volt_v * o.freq_hz;
        e.leakage_w = em_leakage_w(p, o.volt_v);
        e.power_w = e.dynamic_w + e.leakage_w;
        e.cost = e.power_w * fmax / o.freq_hz;
        e.energy_per_cycle_j = e.power_w / o.freq_hz;
        out.push_back(e);
    }
    for (em_point& e : out)
        for (const em_point& other : out)
            if (other.freq_hz > e.freq_hz && other.cost <= e.cost)
                e.dominated = true;
    return out;
}

}  // namespace nnvp
