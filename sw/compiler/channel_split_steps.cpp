// The package builder's last resort for a core op: groups of output
// channels, each run in passes over its input channels (channel_split.h).
#include <algorithm>

#include "sw/compiler/channel_split.h"
#include "sw/compiler/mapper.h"
#include "sw/compiler/package_builder.h"

namespace nnvp::compiler::detail {

namespace {

// A program set's cost under the objective, from its programs' estimates
// (each program repeated `times`).
double code_cost(const core_code& code, const cost::core_params& core, double times = 1.0) {
    double energy = 0.0, cycles = 0.0;
    for (const mapping_choice& m : code.mappings) {
        if (m.candidates.empty())
            continue;
        energy += m.candidates[m.chosen].energy_j * times;
        cycles += double(m.candidates[m.chosen].est_cycles) * times;
    }
    return objective_value(energy, cycles, core.auto_objective);
}

}  // namespace

bool package_builder::compile_channel_split(std::size_t i, int cg, core_code& code,
                                            std::string& why) {
    const net_op& op = m_net.ops[i];
    const ref::layer& l = op.layer;
    const nn::tensor* b = op.bias ? &*op.bias : nullptr;
    for (int c0 = 0; c0 < l.out_channels; c0 += cg) {
        const int n = std::min(cg, l.out_channels - c0);
        const nn::tensor wg = rows_slice(*op.weights, c0, n);
        const nn::tensor bg = b ? channels_slice(*b, c0, n) : nn::tensor();
        if (!compile_group(i, channel_slice(l, c0, n), &wg, b ? &bg : nullptr,
                           static_cast<uint32_t>(c0), 0, code, why, nullptr, true))
            return false;
    }
    return true;
}

// Output-channel group sizes O, O/2, ..., O/64 (passes pay off for wide
// groups; narrow ones are what output-channel groups already do): each
// costed by its first group's estimate times the number of groups, until
// the cost rises again; without the core's parameters the largest that
// compiles. 0 when none does.
int package_builder::channel_split_groups(std::size_t i, double& best_cost, std::string& why) {
    const net_op& op = m_net.ops[i];
    program_options po;
    po.weight_format = m_opt.weight_format;
    if (!op.weights || op.weights_operand || !channel_splittable(op.layer, po))
        return 0;
    const int O = op.layer.out_channels;
    int best = 0;
    const int narrowest = std::max(1, O / 64);
    const nn::tensor* b = op.bias ? &*op.bias : nullptr;
    for (int cg = O;; cg = std::max(narrowest, (cg + 1) / 2)) {
        // The first group stands for all: its mapping alone, no program.
        const nn::tensor wg = rows_slice(*op.weights, 0, cg);
        const nn::tensor bg = b ? channels_slice(*b, 0, cg) : nn::tensor();
        program trial;
        const bool ok = layer_program(i, channel_slice(op.layer, 0, cg), &wg, b ? &bg : nullptr,
                                      nullptr, true, true, trial, why);
        if (ok && !m_opt.core)
            return cg;
        if (ok) {
            core_code one;
            one.mappings.push_back(trial.mapping);
            const double cost = code_cost(one, *m_opt.core, double((O + cg - 1) / cg));
            if (best != 0 && cost > best_cost)
                break;  // narrower groups cost more from here on
            if (best == 0 || cost < best_cost) {
                best = cg;
                best_cost = cost;
            }
        }
        if (cg == narrowest)
            break;
    }
    return best;
}

bool package_builder::try_channel_split(std::size_t i, core_code& code, std::string& why) {
    std::string err;
    double cost = 0.0;
    const int cg = channel_split_groups(i, cost, err);
    if (cg == 0) {
        if (!err.empty())
            why += "; split over input channels: " + err;
        return false;
    }
    const uint64_t mark = m_constants.size();
    code = {};
    if (compile_channel_split(i, cg, code, err))
        return true;
    code = {};
    m_constants.truncate(mark);
    why = err;
    return false;
}

int package_builder::prefer_channel_split(std::size_t i, const core_code& code) {
    if (!m_opt.core)
        return 0;
    std::string err;
    double split_cost = 0.0;
    const int cg = channel_split_groups(i, split_cost, err);
    return cg > 0 && split_cost < code_cost(code, *m_opt.core) ? cg : 0;
}

}  // namespace nnvp::compiler::detail
