#include "ip/power/thermal_model.h"

#include <cmath>

namespace nnvp {

double thermal_step_c(double temp_c, double power_w, double dt_s, double ambient_c,
                      double r_c_per_w, double c_j_per_c) {
    const double t_inf = thermal_steady_c(ambient_c, r_c_per_w, power_w);
    return t_inf + (temp_c - t_inf) * std::exp(-dt_s / (r_c_per_w * c_j_per_c));
}

}  // namespace nnvp
