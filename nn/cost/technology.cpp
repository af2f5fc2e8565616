#include "nn/cost/technology.h"

#include <stdexcept>

namespace nnvp::cost {

namespace {

// Stillmaker & Baas 2017, energy per operation fitted as a V^2 + b V + c
// (arbitrary unit, only ratios between nodes mean anything). Their erratum
// checks the 65 nm row: 3.755 (1.3)^2 - 4.398 (1.3) + 1.975 = 2.604.
struct node_fit {
    unsigned nm;
    double a, b, c;
};
constexpr node_fit fits[] = {
    {130, 7.171, -6.709, 2.904},     {90, 4.762, -4.781, 2.092},
    {65, 3.755, -4.398, 1.975},      {45, 1.103, -0.362, 0.2767},
    {32, 0.9559, -0.7823, 0.471},    {20, 0.373, -0.1582, 0.04104},
    {16, 0.2958, -0.1241, 0.03024},  {14, 0.2363, -0.09675, 0.02239},
    {10, 0.2068, -0.09311, 0.02375}, {7, 0.1776, -0.09097, 0.02447},
};

const node_fit* find(unsigned nm) {
    for (const node_fit& f : fits)
        if (f.nm == nm)
            return &f;
    return nullptr;
}

double energy(const node_fit& f, double v) {
    return f.a * v * v + f.b * v + f.c;
}

}  // namespace

bool known_technology(unsigned nm) {
    return find(nm) != nullptr;
}

std::string known_technologies() {
    std::string s;
    const std::size_t n = sizeof(fits) / sizeof(fits[0]);
    for (std::size_t i = 0; i < n; ++i) {
        s += std::to_string(fits[i].nm);
        s += i + 2 < n ? ", " : i + 1 < n ? " or " : "";
    }
    return s;
}

double technology_energy_factor(unsigned nm, double volt_v) {
    const node_fit* f = find(nm);
    if (f == nullptr)
        throw std::invalid_argument("technology_nm " + std::to_string(nm) + ": expected " +
                                    known_technologies());
    return energy(*f, volt_v) / energy(*find(45), 0.9);
}

}  // namespace nnvp::cost
