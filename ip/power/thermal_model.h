// One-node RC thermal model of the die (a lumped HotSpot-style model):
//   C dT/dt = P - (T - T_amb) / R.
// For a power P held constant over dt the exact solution is
//   T(t + dt) = T_inf + (T(t) - T_inf) exp(-dt / (R C)),  T_inf = T_amb + P R,
// so a coarse step (the power of the previous step) is stable at any dt.
// No SystemC here.
#pragma once

namespace nnvp {

inline double thermal_steady_c(double ambient_c, double r_c_per_w, double power_w) {
    return ambient_c + power_w * r_c_per_w;
}

double thermal_step_c(double temp_c, double power_w, double dt_s, double ambient_c,
                      double r_c_per_w, double c_j_per_c);

}  // namespace nnvp
