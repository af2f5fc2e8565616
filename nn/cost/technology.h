// Technology-node scaling of energies: the per-action figures of the cost
// model are 45 nm, 0.9 V values (Horowitz, ISSCC 2014); a core built in
// another node at another nominal supply scales them by Stillmaker & Baas's
// fitted energy-per-operation polynomials (Integration, the VLSI Journal 58,
// 2017; the coefficient table as Accelergy's hwcomponents uses it). Leakage
// power scales by the same factor, as Accelergy's tech_node_leak does.
#pragma once

#include <string>

namespace nnvp::cost {

// True for the nodes the table has (130, 90, 65, 45, 32, 20, 16, 14, 10, 7 nm).
bool known_technology(unsigned nm);
// "130, 90, 65, 45, 32, 20, 16, 14, 10 or 7", for error messages.
std::string known_technologies();
// Energy per operation at `nm` and supply `volt_v` relative to 45 nm at
// 0.9 V: E(nm, V) / E(45, 0.9) with E = a V^2 + b V + c from the table.
// 1 exactly at (45, 0.9). Throws std::invalid_argument for an unknown node.
double technology_energy_factor(unsigned nm, double volt_v);

}  // namespace nnvp::cost
