// `nnvp info --mapping` (info_mapping.h).
#include "app/info_mapping.h"

#include <algorithm>
#include <iomanip>
#include <iostream>
#include <sstream>

#include "app/network_run.h"
#include "app/scenario.h"
#include "ip/common/config_reader.h"

namespace nnvp {

namespace {

std::string tiling_text(const compiler::tiling_candidate& c) {
    std::ostringstream os;
    if (c.cols == 0)
        os << c.images << (c.images == 1 ? " image" : " images");
    else
        os << c.rows << " x " << c.cols;
    if (c.passes > 1)  // input-channel passes (sw/compiler/channel_split.h)
        os << " in " << c.passes << " passes of " << c.in_channels << " ch";
    return os.str();
}

nlohmann::json candidate_json(const compiler::tiling_candidate& c) {
    return {{"images", c.images},         {"rows", c.rows},
            {"cols", c.cols},             {"tiles", c.tiles},
            {"compute_cycles", c.compute_cycles}, {"est_cycles", c.est_cycles},
            {"dram_bytes", c.dram_bytes}, {"energy_j", c.energy_j},
            {"in_channels", c.in_channels}, {"passes", c.passes}};
}

// The runner-up against the choice, for the table: "4 x 56: +3.1%".
std::string runner_up(const compiler::mapping_choice& m) {
    const compiler::tiling_candidate* best = &m.candidates[m.chosen];
    const compiler::tiling_candidate* next = nullptr;
    for (std::size_t k = 0; k < m.candidates.size(); ++k)
        if (k != m.chosen && (!next || (m.objective == "energy"
                                            ? m.candidates[k].energy_j < next->energy_j
                                            : m.candidates[k].est_cycles < next->est_cycles)))
            next = &m.candidates[k];
    if (!next)
        return "-";
    const double a = m.objective == "energy" ? best->energy_j : double(best->est_cycles);
    const double b = m.objective == "energy" ? next->energy_j : double(next->est_cycles);
    std::ostringstream os;
    os << tiling_text(*next) << ": +" << std::fixed << std::setprecision(1)
       << (a > 0 ? (b / a - 1) * 100 : 0) << "%";
    return os.str();
}

void print_table(const compiler::network& net, const compiler::built_package& pkg) {
    std::size_t tiling_w = 14;  // wider when a layer runs in passes
    for (const std::vector<compiler::mapping_choice>& ms : pkg.mappings)
        if (!ms.empty())
            tiling_w = std::max(tiling_w, tiling_text(ms.front().candidates[ms.front().chosen]).size() + 2);
    const int tw = static_cast<int>(tiling_w);
    std::cout << std::left << std::setw(24) << "layer" << std::setw(9) << "programs"
              << std::setw(tw) << "tiling" << std::setw(8) << "tiles" << std::setw(13)
              << "est cycles" << std::setw(13) << "DRAM bytes" << std::setw(8) << "weighed"
              << "next best\n";
    std::string objective;
    for (std::size_t i = 0; i < pkg.mappings.size(); ++i) {
        if (pkg.mappings[i].empty())
            continue;
        const compiler::mapping_choice& m = pkg.mappings[i].front();
        objective = m.objective;
        const compiler::tiling_candidate& c = m.candidates[m.chosen];
        uint64_t cycles = 0, bytes = 0;  // over every program (output-channel group)
        for (const compiler::mapping_choice& g : pkg.mappings[i]) {
            cycles += g.candidates[g.chosen].est_cycles;
            bytes += g.candidates[g.chosen].dram_bytes;
        }
        std::cout << std::setw(24) << net.ops[i].name.substr(0, 23) << std::setw(9)
                  << pkg.mappings[i].size() << std::setw(tw) << tiling_text(c) << std::setw(8)
                  << c.tiles << std::setw(13) << cycles << std::setw(13) << bytes << std::setw(8)
                  << m.candidates.size() << runner_up(m) << "\n";
    }
    std::cout << "\nobjective: " << objective
              << " (the platform's nncore.auto_objective). A tiling is rows x columns of "
                 "output of one image, or groups of whole images (tiles, weighed and next best: "
                 "the first program); est cycles sum max(compute, DRAM time) over the tiles "
                 "of every program (output-channel group) of the layer, DRAM bytes their "
                 "input and output moves (weights not counted); weighed: the tilings that fit "
                 "the buffers. \"in P passes of K ch\": the layer runs in passes over its "
                 "input channels, partial sums kept in the output buffer (its DRAM bytes "
                 "include the weights, which passes reload).\n";
}

nlohmann::json mapping_json(const compiler::network& net, const compiler::built_package& pkg) {
    nlohmann::json layers = nlohmann::json::array();
    for (std::size_t i = 0; i < pkg.mappings.size(); ++i) {
        if (pkg.mappings[i].empty())
            continue;
        nlohmann::json programs = nlohmann::json::array();
        for (const compiler::mapping_choice& m : pkg.mappings[i]) {
            nlohmann::json cands = nlohmann::json::array();
            for (const compiler::tiling_candidate& c : m.candidates)
                cands.push_back(candidate_json(c));
            programs.push_back({{"objective", m.objective}, {"chosen", m.chosen}, {"candidates", cands}});
        }
        layers.push_back({{"name", net.ops[i].name}, {"programs", programs}});
    }
    return {{"layers", layers}};
}

}  // namespace

int run_info_mapping(int argc, char* argv[]) {
    std::string path;
    bool json = false;
    std::vector<std::pair<std::string, nlohmann::json>> overrides = {{"mode", "timing"}};
    for (int i = 2; i < argc; ++i) {
        const std::string a = argv[i];
        if (a == "--mapping")
            continue;
        if (a == "--json") {
            json = true;
        } else if (a == "--set" && i + 1 < argc) {
            const std::string kv = argv[++i];
            const auto eq = kv.find('=');
            if (eq == std::string::npos || eq == 0) {
                std::cerr << "nnvp info: --set " << kv << ": expected key.path=value\n";
                return 2;
            }
            overrides.emplace_back(kv.substr(0, eq), parse_override_value(kv.substr(eq + 1)));
        } else if (path.empty() && a.rfind("--", 0) != 0) {
            path = a;
        } else {
            std::cerr << "nnvp info: unexpected argument \"" << a
                      << "\" (usage: nnvp info --mapping SCENARIO.json [--set key=value]... "
                         "[--json])\n";
            return 2;
        }
    }
    if (path.empty()) {
        std::cerr << "usage: nnvp info --mapping SCENARIO.json [--set key=value]... [--json]\n";
        return 2;
    }
    try {
        scenario sc = load_scenario(path, overrides);
        if (!sc.workload) {
            std::cerr << "nnvp info: " << path << ": no workload (--mapping shows how a "
                      << "network is tiled)\n";
            return 2;
        }
        std::ostringstream compile_log;  // the run's compile line: not ours to print
        std::streambuf* old = std::cout.rdbuf(compile_log.rdbuf());
        std::unique_ptr<network_run> run;
        try {
            run = std::make_unique<network_run>(sc);
        } catch (...) {
            std::cout.rdbuf(old);
            throw;
        }
        std::cout.rdbuf(old);
        const compiler::built_package* pkg = run->package();
        if (!pkg) {
            std::cerr << "nnvp info: " << path
                      << ": a generation workload compiles per phase; --mapping shows "
                         "network workloads\n";
            return 2;
        }
        if (json)
            std::cout << mapping_json(run->network(), *pkg).dump(2) << "\n";
        else
            print_table(run->network(), *pkg);
    } catch (const config_error& e) {
        std::cerr << "nnvp info: " << e.what() << "\n";
        return 2;
    }
    return 0;
}

}  // namespace nnvp
