// The package cache's key and entries: the key changes with everything the
// compiler reads (network, precision, array, buffers, DRAM bandwidth, mode)
// and not with what only the simulation reads (DRAM latency, other clocks,
// inferences); an entry decodes to exactly the package stored, and a
// corrupt, truncated or stale entry is refused with the reason.
#include "app/package_cache.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

#include "app/network_job.h"
#include "app/package_codec.h"
#include "app/scenario.h"
#include "sw/compiler/sample_network.h"

using namespace nnvp;
namespace fs = std::filesystem;
using json = nlohmann::json;

namespace {

const std::string lenet = std::string(NNVP_SOURCE_DIR) + "/scenarios/networks/lenet5_int8.json";

// The cache entry a run of lenet5 with these --set overrides would use.
std::string entry_for(const std::vector<std::pair<std::string, json>>& overrides) {
    const scenario sc = load_scenario(lenet, overrides);
    compiler::build_options o =
        core_build_options(sc.platform, cost::dataflow::automatic, cost::weight_format::dense,
                           compiler::channel_split_policy::mapper);
    return package_cache("/cache", "stamp")
        .entry_path(package_inputs(package_network_identity(sc), o,
                                   sc.platform.resolved.value("nncore", json())));
}

compiler::built_package tiny_package() {
    const platform_config cfg =
        load_platform_config(std::string(NNVP_SOURCE_DIR) + "/platform/configs/default.json");
    compiler::build_options o =
        core_build_options(cfg, cost::dataflow::automatic, cost::weight_format::dense,
                           compiler::channel_split_policy::mapper);
    o.load_address = 0x84000000;
    o.arena_base = 0x88000000;
    return compiler::build(compiler::tiny_classifier(7), o);
}

void expect_equal(const compiler::built_package& a, const compiler::built_package& b) {
    EXPECT_EQ(a.image, b.image);
    EXPECT_EQ(a.arena_base, b.arena_base);
    EXPECT_EQ(a.arena_size, b.arena_size);
    ASSERT_EQ(a.tensors.size(), b.tensors.size());
    for (std::size_t t = 0; t < a.tensors.size(); ++t) {
        EXPECT_EQ(a.tensors[t].address, b.tensors[t].address);
        EXPECT_EQ(a.tensors[t].shape.count(), b.tensors[t].shape.count());
        EXPECT_EQ(a.tensors[t].shape.c, b.tensors[t].shape.c);
        EXPECT_EQ(a.tensors[t].type, b.tensors[t].type);
        EXPECT_EQ(a.tensors[t].q.scale, b.tensors[t].q.scale);
        EXPECT_EQ(a.tensors[t].q.zero_point, b.tensors[t].q.zero_point);
    }
    EXPECT_EQ(a.kinds, b.kinds);
    EXPECT_EQ(a.core_programs, b.core_programs);
    EXPECT_EQ(a.cpu_reasons, b.cpu_reasons);
    ASSERT_EQ(a.mappings.size(), b.mappings.size());
    for (std::size_t i = 0; i < a.mappings.size(); ++i) {
        ASSERT_EQ(a.mappings[i].size(), b.mappings[i].size());
        for (std::size_t p = 0; p < a.mappings[i].size(); ++p) {
            const compiler::mapping_choice &x = a.mappings[i][p], &y = b.mappings[i][p];
            EXPECT_EQ(x.objective, y.objective);
            EXPECT_EQ(x.chosen, y.chosen);
            ASSERT_EQ(x.candidates.size(), y.candidates.size());
            for (std::size_t c = 0; c < x.candidates.size(); ++c) {
                EXPECT_EQ(x.candidates[c].est_cycles, y.candidates[c].est_cycles);
                EXPECT_EQ(x.candidates[c].dram_bytes, y.candidates[c].dram_bytes);
                EXPECT_EQ(x.candidates[c].energy_j, y.candidates[c].energy_j);
                EXPECT_EQ(x.candidates[c].rows, y.candidates[c].rows);
            }
        }
    }
}

std::string read_bytes(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

fs::path scratch_dir(const std::string& name) {
    const fs::path p = fs::temp_directory_path() / ("nnvp_package_cache_test_" + name);
    fs::remove_all(p);
    return p;
}

}  // namespace

TEST(package_cache, the_key_follows_what_the_compiler_reads) {
    const std::string base = entry_for({});
    EXPECT_EQ(entry_for({}), base);  // deterministic
    // Only the simulation reads these: one package serves them all.
    EXPECT_EQ(entry_for({{"platform.cpu.active_pj_per_cycle", 30.0}}), base);
    EXPECT_EQ(entry_for({{"platform.domains.cpu.initial", 0}}), base);
    EXPECT_EQ(entry_for({{"workload.inferences", 9}}), base);
    EXPECT_EQ(entry_for({{"workload.arrival", json{{"pattern", "periodic"}, {"fps", 30}}}}), base);
    // The compiler reads these: another program.
    EXPECT_NE(entry_for({{"platform.nncore.rows", 32}}), base);
    EXPECT_NE(entry_for({{"platform.nncore.weight_kb", 64}}), base);
    EXPECT_NE(entry_for({{"platform.nncore.auto_objective", "energy"}}), base);
    // The mapper weighs DRAM time per tile against compute: bandwidth and
    // the clocks it is counted in change the tiling it may pick.
    EXPECT_NE(entry_for({{"platform.dram.bytes_per_cycle", 4}}), base);
    EXPECT_NE(entry_for({{"platform.domains.nncore.initial", 3}}), base);
    // ... and a move's DMA bursts at the DRAM latency (short rows).
    EXPECT_NE(entry_for({{"platform.dram.latency_cycles", 80}}), base);
    EXPECT_NE(entry_for({{"platform.dma.max_outstanding", 1}}), base);
    EXPECT_NE(entry_for({{"workload.channel_split", "off"}}), base);
    EXPECT_NE(entry_for({{"workload.precision", "int16"}}), base);
    EXPECT_NE(entry_for({{"workload.seed", 2}}), base);
    EXPECT_NE(entry_for({{"workload.dataflow", "ws"}}), base);
    EXPECT_NE(entry_for({{"mode", "timing"}}), base);
}

TEST(package_cache, networks_read_from_files_are_not_cached) {
    const scenario sc =
        load_scenario(std::string(NNVP_SOURCE_DIR) + "/scenarios/networks/onnx_conv2d.json", {});
    EXPECT_TRUE(package_network_identity(sc).is_null());
    EXPECT_NE(package_cache_refusal(sc).find("ONNX model"), std::string::npos);
    EXPECT_FALSE(package_network_identity(load_scenario(lenet, {})).is_null());
}

TEST(package_cache, an_entry_decodes_to_the_package_stored) {
    const compiler::built_package pkg = tiny_package();
    expect_equal(decode_built_package(encode_built_package(pkg)), pkg);
    std::vector<uint8_t> bytes = encode_built_package(pkg);
    bytes.pop_back();
    EXPECT_THROW(decode_built_package(bytes), package_codec_error);
}

TEST(package_cache, corrupt_truncated_and_stale_entries_are_refused) {
    const fs::path dir = scratch_dir("entries");
    const compiler::built_package pkg = tiny_package();
    const json inputs = {{"network", "tiny"}, {"rows", 16}};
    const package_cache cache(dir.string(), "nnvp build A");
    std::string problem;
    EXPECT_FALSE(cache.find(inputs, problem));
    EXPECT_EQ(problem, "");  // a plain miss
    ASSERT_EQ(cache.store(inputs, pkg), "");
    const auto found = cache.find(inputs, problem);
    ASSERT_TRUE(found) << problem;
    expect_equal(*found, pkg);

    // Another nnvp build may compile differently.
    EXPECT_FALSE(package_cache(dir.string(), "nnvp build B").find(inputs, problem));
    EXPECT_NE(problem.find("stale: written by another nnvp build"), std::string::npos) << problem;

    // An entry found under another key's name (a hash collision, a copy).
    const json other = {{"network", "tiny"}, {"rows", 32}};
    fs::copy_file(cache.entry_path(inputs), cache.entry_path(other));
    EXPECT_FALSE(cache.find(other, problem));
    EXPECT_NE(problem.find("stale: built for other inputs"), std::string::npos) << problem;

    const std::string whole = read_bytes(cache.entry_path(inputs));
    for (std::size_t at : {std::size_t{30}, whole.size() / 2, whole.size() - 1}) {
        std::string bad = whole;
        bad[at] = static_cast<char>(bad[at] ^ 1);
        std::ofstream(cache.entry_path(inputs), std::ios::binary) << bad;
        EXPECT_FALSE(cache.find(inputs, problem)) << at;
        EXPECT_NE(problem.find("corrupt"), std::string::npos) << at << ": " << problem;
    }
    std::ofstream(cache.entry_path(inputs), std::ios::binary) << whole.substr(0, whole.size() / 3);
    EXPECT_FALSE(cache.find(inputs, problem));
    EXPECT_NE(problem.find("corrupt"), std::string::npos) << problem;
    std::ofstream(cache.entry_path(inputs), std::ios::binary) << "not an entry";
    EXPECT_FALSE(cache.find(inputs, problem));
    EXPECT_NE(problem, "");
}
