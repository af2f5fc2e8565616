#include "app/layer_rows.h"

#include <cmath>
#include <string>

#include "nn/cpuops/cpu_op.h"

namespace nnvp {

void command_sums::add(const nncore::core::command_record& r) {
    if (commands == 0) {
        type = nncore_cmd::to_string(r.op);
        precision = ref::to_string(r.prec);
        dataflow = cost::to_string(r.flow);
    }
    ++commands;
    macs += r.macs;
    compute += r.compute_cycles;
    stall += r.stall_cycles;
    dr += r.dram_read_bytes;
    dw += r.dram_write_bytes;
    sr += r.sram_read_bytes;
    sw += r.sram_write_bytes;
    skipped += r.zero_skipped_macs;
    energy += r.energy_j;
    util_sum += r.utilization * static_cast<double>(r.compute_cycles + r.stall_cycles);
}

std::vector<command_sums> sum_by_core_step(const std::vector<nncore::core::command_record>& cmds,
                                           const std::function<int(std::size_t)>& core_step_of,
                                           std::size_t core_steps) {
    std::vector<command_sums> sums(core_steps);
    for (std::size_t k = 0; k < cmds.size(); ++k) {
        const int step = core_step_of(k);
        if (step >= 0 && static_cast<std::size_t>(step) < core_steps)
            sums[static_cast<std::size_t>(step)].add(cmds[k]);
    }
    return sums;
}

nlohmann::json layer_rows(const layer_rows_input& in, const std::vector<command_sums>& by_core_step) {
    const compiler::built_package& pkg = *in.pkg;
    std::vector<std::size_t> core_ops;  // package step of each core step
    std::vector<std::size_t> step_op;   // op index of each package step
    for (std::size_t i = 0; i < pkg.kinds.size(); ++i) {
        if (pkg.kinds[i] == package::step_kind::none)
            continue;
        step_op.push_back(i);
        if (pkg.kinds[i] == package::step_kind::core)
            core_ops.push_back(step_op.size() - 1);
    }
    std::vector<command_sums> a(step_op.size());
    for (std::size_t k = 0; k < core_ops.size() && k < by_core_step.size(); ++k)
        a[core_ops[k]] = by_core_step[k];
    const double n = in.runs > 0 ? in.runs : 1.0;
    auto per = [n](uint64_t v) {
        return static_cast<uint64_t>(std::llround(static_cast<double>(v) / n));
    };
    nlohmann::json rows = nlohmann::json::array();
    for (std::size_t s = 0; s < step_op.size(); ++s) {
        const compiler::net_op& op = in.net->ops[step_op[s]];
        const command_sums& x = a[s];
        const bool core = pkg.kinds[step_op[s]] == package::step_kind::core;
        const bool layer = op.type == compiler::op_type::layer;
        const std::string name =
            op.name.empty() ? (layer ? op.layer.name : cpuops::to_string(op.cpu.k)) : op.name;
        const uint64_t cycles = x.compute + x.stall;
        nlohmann::json row = {
            {"name", name},
            {"type", core ? x.type : layer ? ref::to_string(op.layer.op) : cpuops::to_string(op.cpu.k)},
            {"unit", core ? "nncore" : "cpu"},
            {"cpu_reason", pkg.cpu_reasons[step_op[s]]},
            {"precision", core ? x.precision : layer ? ref::to_string(op.layer.prec) : "-"},
            {"dataflow", core ? x.dataflow : "-"},
            {"macs", per(x.macs)},
            {"cycles", per(cycles)},
            {"compute_cycles", per(x.compute)},
            {"stall_cycles", per(x.stall)},
            {"utilization", cycles ? x.util_sum / static_cast<double>(cycles) : 0.0},
            // The core waited for data longer than it computed: memory-bound.
            {"bound", core ? x.bound() : "cpu"},
            {"dram_read_bytes", per(x.dr)},
            {"dram_write_bytes", per(x.dw)},
            {"sram_read_bytes", per(x.sr)},
            {"sram_write_bytes", per(x.sw)},
            {"energy_j", x.energy / n},
            {"zero_skipped_macs", per(x.skipped)},
            {"commands", per(x.commands)},
            {"time_s", s < in.step_ns.size() ? static_cast<double>(in.step_ns[s]) * 1e-9 / n : 0.0},
            {"cpu_cycles", s < in.step_cycles.size() ? per(in.step_cycles[s]) : 0}};
        if (core)
            row["programs"] = pkg.core_programs[step_op[s]];
        rows.push_back(row);
    }
    return rows;
}

std::vector<std::string> core_step_names(const compiler::network& net,
                                         const compiler::built_package& pkg) {
    std::vector<std::string> names;
    for (std::size_t i = 0; i < pkg.kinds.size(); ++i)
        if (pkg.kinds[i] == package::step_kind::core) {
            const compiler::net_op& op = net.ops[i];
            names.push_back(op.name.empty() ? op.layer.name : op.name);
        }
    return names;
}

}  // namespace nnvp
