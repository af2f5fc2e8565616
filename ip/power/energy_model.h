// Energy model per operating point, as Linux's Energy Model defines it
// (Documentation/power/energy-model.rst): for each OPP the power of the busy
// domain and its cost = power x f_max / f, proportional to the energy of a
// fixed amount of work. An OPP is dominated ("inefficient" in Linux terms)
// when a faster OPP costs no more: running there is never worth it.
// Power = Ceff V^2 f (dynamic, full activity) + leakage(V, T) (the
// clock_domain.h formula). No SystemC here.
#pragma once

#include <vector>

namespace nnvp {

struct em_input_opp {
    double freq_hz;
    double volt_v;
};

struct em_params {
    double ceff_f = 0;          // effective switched capacitance (F)
    double leak_w_at_vnom = 0;  // the domain's leakage at Vnom and T_ref
    double v_nominal = 0.9;
    double k_v_per_v = 0;
    double k_t_per_c = 0;
    double t_ref_c = 25;
    double temp_c = 25;
};

struct em_point {
    double freq_hz;
    double volt_v;
    double dynamic_w;
    double leakage_w;
    double power_w;
    double cost;                // power x f_max / f (W)
    double energy_per_cycle_j;  // power / f
    bool dominated;
};

double em_leakage_w(const em_params& p, double volt_v);
// Throws std::invalid_argument for an empty table or a non-positive frequency.
std::vector<em_point> build_energy_model(const std::vector<em_input_opp>& opps, const em_params& p);

}  // namespace nnvp
