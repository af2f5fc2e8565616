// Compiled packages kept on disk, so that runs whose package would be the
// same reuse one build: the points of a sweep that differ only in what the
// compiler does not read (DRAM latency and energies, leakage, the CPU's and
// fabric's clocks, power policies, arrivals, inferences). Sweep points are
// separate processes (one per point, or one Slurm task), hence a folder of
// files rather than memory (`nnvp run --package-cache DIR`; a sweep passes
// DIR/package-cache, docs/outputs.md).
//
// An entry, DIR/<16 hex digits>.pkg, is named by a hash of the build's
// inputs (package_inputs: what determines the network, and every build
// option, with the NN-core platform section they come from). It holds those
// inputs as text, the stamp of the nnvp executable that wrote it and a
// checksum over both and the package. find() refuses an entry whose
// checksum, inputs or stamp differ (corrupt, or stale: another build of
// nnvp or a hash collision) and says why; the run then compiles and
// replaces it. Entries are written to a temporary file and renamed, so
// parallel points never read half an entry.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "app/scenario.h"
#include "platform/platform_config.h"
#include "sw/compiler/builder.h"

namespace nnvp {

// What determines the network a scenario compiles: its mode and workload
// section, without what only the run reads (inferences, arrival, power,
// log_steps, check). Null when the network comes from files (an ONNX model,
// a weights file, a dataset, fmnist_lenet's weights): their contents are not
// hashed, so such runs compile every time.
nlohmann::json package_network_identity(const scenario& sc);
// Why package_network_identity() is null, for the console.
std::string package_cache_refusal(const scenario& sc);

// Every input of compiler::build besides the network: the options, with the
// platform's NN-core section and nominal voltage for the core's parameters.
nlohmann::json package_inputs(const nlohmann::json& network_identity,
                              const compiler::build_options& o,
                              const nlohmann::json& nncore_section);

// This executable: path, size and modification time (a rebuilt nnvp may
// compile differently, so its entries are stale).
std::string nnvp_build_stamp();

// What a run did with the cache (report.json network.package_cache).
struct package_cache_use {
    std::string entry;    // the entry's path
    std::string outcome;  // "hit", "stored" (a miss, compiled and kept), "replaced" (a bad entry)
    std::string problem;  // why an entry was refused or could not be written
    nlohmann::json json() const;
    std::string console_line() const;  // "package cache: hit (DIR/x.pkg)"
};

class package_cache {
public:
    explicit package_cache(std::string dir, std::string stamp = nnvp_build_stamp());

    std::string entry_path(const nlohmann::json& inputs) const;
    // The package stored for `inputs`; nullopt when there is none or it is
    // refused (then `problem` says why: corrupt or stale).
    std::optional<compiler::built_package> find(const nlohmann::json& inputs,
                                                std::string& problem) const;
    // Writes the entry (temporary file, then rename). Returns "" or what went
    // wrong (a full disk must not fail the run).
    std::string store(const nlohmann::json& inputs, const compiler::built_package& pkg) const;

private:
    std::string m_dir, m_stamp;
};

// compiler::build(net, o), or the package `cache_dir` holds for the same
// inputs; a miss or a refused entry compiles and stores. `use` says which.
compiler::built_package build_with_cache(const compiler::network& net,
                                         const compiler::build_options& o,
                                         const platform_config& cfg, const std::string& cache_dir,
                                         const nlohmann::json& network_identity,
                                         std::optional<package_cache_use>& use);

}  // namespace nnvp
