// Running a compiled network on the virtual SoC, host side: compile the
// package for the platform's memory map and NN-core buffers, stage package
// and inputs in DRAM before boot (what a boot loader does), boot the
// nn_network firmware program, then read the results table and the outputs
// back and turn them into the report's network, inferences, throughput,
// layers and accuracy sections.
//
// DRAM layout (from the DRAM region's base): the arena at +64 MiB (unless
// the job puts it in the on-chip SRAM), then the package, the input staging
// slots, the output slots and the results table, each 1 MiB aligned. SystemC elaborates once per process: one session per
// process.
#pragma once

#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "app/layer_rows.h"
#include "app/package_cache.h"
#include "app/power_spec.h"
#include "firmware/programs/program.h"
#include "platform/soc.h"
#include "sw/compiler/builder.h"
#include "nn/tensor/tensor.h"

namespace nnvp {

struct network_job {
    compiler::network net;
    // Input sets in the package's types: each set has one tensor per package
    // input (tensor 0, then the extra inputs). Inference i uses set i % size.
    std::vector<std::vector<nn::tensor>> input_sets;
    unsigned inferences = 1;
    std::string arrival = "back_to_back";  // periodic, poisson
    double period_s = 0;                   // periodic period / Poisson mean gap
    double deadline_s = 0;                 // 0: none
    uint64_t seed = 1;
    bool timing = false;
    // Dataflow of every core layer (automatic: the core picks per layer).
    cost::dataflow df = cost::dataflow::automatic;
    power_spec power;               // the NN core's governor and idle policy
    // The NN core's zero handling (MODE.sparsity: 0 none, 1 gate, 2 skip) and
    // the densities timing mode assumes (functional mode measures them).
    unsigned sparsity = 0;
    double weight_density = 1, act_density = 1;
    cost::weight_format weight_format = cost::weight_format::dense;
    compiler::channel_split_policy channel_split = compiler::channel_split_policy::mapper;
    // Where the activation arena lies: "dram", "sram" (the on-chip SRAM;
    // config_error when it does not fit) or "auto" (SRAM when it fits).
    std::string arena = "dram";
    bool log_steps = false;         // the firmware's console line per step
    std::string file = "workload";  // names the scenario in error messages
    // A package cache folder (app/package_cache.h) and what determines `net`
    // (package_network_identity); either empty / null: compile every time.
    std::string package_cache;
    nlohmann::json package_identity;
};

// The compiler's options for the platform's NN core (its buffers, every
// precision) with the workload's dataflow, weight format and channel split.
compiler::build_options core_build_options(const platform_config& cfg, cost::dataflow df,
                                           cost::weight_format format,
                                           compiler::channel_split_policy split);
// Every tensor of `net` side by side (64-byte aligned): an arena never needs more.
uint64_t arena_bound(const compiler::network& net);
// The arena's place for workload.arena ("dram": at `dram_arena`; "sram":
// the on-chip SRAM; "auto": SRAM when it fits, else `dram_arena`).
// config_error when the platform has no SRAM; check_arena() after the build
// refuses an "sram" arena that does not fit.
void place_arena(compiler::build_options& o, const platform_config& cfg, const std::string& arena,
                 uint64_t dram_arena, const std::string& file);
void check_arena(const compiler::built_package& pkg, const platform_config& cfg,
                 const std::string& arena, const std::string& file);

struct inference_record {
    double arrival_s = 0, start_s = 0, end_s = 0;
    double energy_j = 0;         // every power domain, start to end (the firmware's counter reads)
    double nncore_energy_j = 0;  // the NN core's domain alone
    double transition_energy_j = 0;  // relocks and state transitions of every domain
    double wake_s = 0;               // bringing the NN core's domain back ON
    unsigned opp = 0;                // the NN core's OPP at the end
};

// What the firmware's power management did (results-table header).
struct power_management_counts {
    uint64_t opp_requests = 0, idle_entries = 0, reinits = 0;
};

// report power.management: governor, idle policy and what they did.
nlohmann::json power_management_json_of(const power_spec& power,
                                        const std::map<std::string, int64_t>& pm_args,
                                        const power_management_counts& counts, double wake_s);

// p50, p95, p99 (nearest rank), max and mean of `v` (latencies); {} when empty.
nlohmann::json percentiles_json(std::vector<double> v);

// A little-endian u64 the firmware left in DRAM at `addr` (results tables).
uint64_t dram_u64(soc& chip, uint64_t addr);

// Writes a package image into DRAM at `offset` (from DRAM's base), leaving
// out a timing-only package's constants (they hold no values: the pages
// stay unallocated and read as zeros).
void stage_package(soc& chip, uint64_t offset, const compiler::package_image& image);

// Progress from the NN-core streams done: `per_job` streams per job (an
// inference, a request), `jobs` of them, named `noun` ("inference 3 of 8").
struct stream_progress {
    double fraction = -1;  // negative when no step runs on the core
    std::string detail;
};
stream_progress progress_of(std::size_t streams_done, std::size_t per_job, std::size_t jobs,
                            const std::string& noun);

class network_session {
public:
    // Compiles the package. Throws config_error when it does not fit the
    // platform (DRAM too small), std::invalid_argument from the compiler.
    network_session(network_job job, const platform_config& cfg);

    const fw::program& program() const;
    fw::program_args args() const;
    double compile_wall_s() const { return m_compile_wall_s; }
    const compiler::built_package& package() const { return m_pkg; }
    // What the package cache did; nullopt when the job has none.
    const std::optional<package_cache_use>& cache_use() const { return m_cache_use; }

    // Before the run: package and input sets into DRAM; the NN core's
    // commands summed per layer as they finish (nothing kept per inference)
    // and named by their layers in trace.json.
    void preload(soc& chip);
    // After the run: reads the results table and outputs back. False when
    // the table is missing (the firmware failed before writing it).
    bool collect(soc& chip);

    // While the run goes, from the NN-core streams finished so far (one per
    // core step): the fraction of the job done (negative when no step runs
    // on the core) and "inference 3 of 8".
    using run_progress = stream_progress;
    run_progress progress(const soc& chip) const;

    const std::vector<inference_record>& inferences() const { return m_records; }
    // One output tensor per completed inference (the package's output type).
    const std::vector<nn::tensor>& outputs() const { return m_outputs; }
    // Per inference: the network's further outputs (network::extra_outputs).
    const std::vector<std::vector<nn::tensor>>& extra_outputs() const { return m_extra_outputs; }
    uint64_t runtime_status() const { return m_status; }
    // report power.management: governor, idle policy and what they did.
    nlohmann::json power_management_json() const;

    // Report sections (DESIGN.md contract). `macs` per inference (the whole
    // batch); `energy_j` / `simulated_s` of the run for throughput per watt.
    nlohmann::json inferences_json() const;
    nlohmann::json throughput_json(uint64_t macs, double energy_j) const;
    // Per package step, per inference (means over the completed inferences).
    nlohmann::json layers_json() const;

private:
    network_job m_job;
    compiler::built_package m_pkg;
    std::optional<package_cache_use> m_cache_use;
    double m_compile_wall_s = 0;
    int64_t m_core_timeout_ms = 1000;  // the firmware's bound on one core step
    uint64_t m_dram_base = 0, m_package_at = 0, m_staging_at = 0, m_slot_bytes = 0,
             m_results_at = 0, m_result_bytes = 0, m_stats_at = 0;
    std::vector<inference_record> m_records;
    std::vector<nn::tensor> m_outputs;
    std::vector<std::vector<nn::tensor>> m_extra_outputs;
    std::vector<uint64_t> m_step_ns, m_step_cycles;
    std::vector<command_sums> m_core_sums;  // per core step, over every inference
    uint64_t m_status = 0;
    std::map<std::string, int64_t> m_pm_args;
    power_management_counts m_pm;
};

// One whole job in this process (ONNX checks, tests): compile, build the
// SoC, stage, run, read back. `ok` false with `error` when the compiler
// rejects the network (std::invalid_argument texts), the firmware fails or
// the run does not finish within `limit_s` simulated seconds.
struct network_job_result {
    bool ok = false;
    std::string error;
    std::vector<nn::tensor> outputs;  // one per completed inference
    std::vector<std::vector<nn::tensor>> extra_outputs;  // per inference: network::extra_outputs
    double simulated_s = 0;
    std::vector<package::step_kind> kinds;  // where each op ran
};
network_job_result run_network_job(const network_job& job, const platform_config& cfg,
                                   double limit_s = 100.0);

}  // namespace nnvp
