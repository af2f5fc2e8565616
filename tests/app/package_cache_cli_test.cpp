// The package cache and report-only outputs as users meet them, driven as
// subprocesses: a run that takes its package from the cache writes the same
// report, trace and layer table as the run that compiled it; a corrupt or
// truncated entry is refused with a message and rebuilt; a sweep whose
// points differ only in what the compiler does not read compiles once; a
// sweep with "outputs": "report" leaves only report.json and layers.csv.
#include <gtest/gtest.h>

#include <sstream>
#include <string>
#include <vector>

#include "tests/app/cli_helpers.h"

namespace {

using namespace nnvp::test::cli;
using json = nlohmann::json;

const std::string lenet = scenario("scenarios/networks/lenet5_int8.json");

std::string read_text(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

// report.json without what may differ between a compile and a cache hit:
// wall-clock fields and the cache's own record.
json simulated_part(const fs::path& report) {
    json j = load(report);
    j["network"].erase("package_cache");
    j["network"].erase("compile_wall_s");
    j["sim"].erase("wall_s");
    return j;
}

void expect_same_run(const fs::path& a, const fs::path& b) {
    EXPECT_EQ(simulated_part(a / "report.json"), simulated_part(b / "report.json"));
    EXPECT_EQ(read_text(a / "trace.json"), read_text(b / "trace.json"));
    EXPECT_EQ(read_text(a / "layers.csv"), read_text(b / "layers.csv"));
}

result run_cached(const std::string& mode, const fs::path& cache, const fs::path& out) {
    return run("run " + lenet + " --set mode=" + mode + " --package-cache " + cache.string() +
               " --out " + out.string());
}

// sweep.csv's cells without the columns wall_s and dir (no cell here is quoted).
std::vector<std::vector<std::string>> simulated_rows(const fs::path& csv) {
    std::vector<std::vector<std::string>> rows;
    std::istringstream in(read_text(csv));
    std::vector<bool> keep;
    for (std::string line; std::getline(in, line);) {
        std::vector<std::string> cells, kept;
        std::istringstream fields(line + ",");
        for (std::string cell; std::getline(fields, cell, ',');)
            cells.push_back(cell);
        if (keep.empty())
            for (const std::string& name : cells)
                keep.push_back(name != "wall_s" && name != "dir");
        for (std::size_t i = 0; i < cells.size() && i < keep.size(); ++i)
            if (keep[i])
                kept.push_back(cells[i]);
        rows.push_back(kept);
    }
    EXPECT_GT(rows.size(), 1u);
    return rows;
}

fs::path only_entry(const fs::path& cache) {
    fs::path entry;
    int n = 0;
    for (const auto& e : fs::directory_iterator(cache))
        if (e.path().extension() == ".pkg") {
            entry = e.path();
            ++n;
        }
    EXPECT_EQ(n, 1);
    return entry;
}

}  // namespace

TEST(package_cache_cli, a_hit_gives_the_reports_of_a_compile_and_bad_entries_are_rebuilt) {
    const fs::path dir = scratch("nnvp_pkgcache_", "timing");
    const fs::path cache = dir / "cache";
    const result miss = run_cached("timing", cache, dir / "miss");
    ASSERT_EQ(miss.exit_code, 0) << miss.output;
    EXPECT_NE(miss.output.find("package cache: miss; compiled and stored"), std::string::npos)
        << miss.output;
    EXPECT_EQ(load(dir / "miss" / "report.json")["network"]["package_cache"]["outcome"], "stored");

    const result hit = run_cached("timing", cache, dir / "hit");
    ASSERT_EQ(hit.exit_code, 0) << hit.output;
    EXPECT_NE(hit.output.find("package cache: hit"), std::string::npos) << hit.output;
    EXPECT_EQ(load(dir / "hit" / "report.json")["network"]["package_cache"]["outcome"], "hit");
    expect_same_run(dir / "miss", dir / "hit");

    // One flipped byte in the middle of the entry: refused, compiled again.
    const fs::path entry = only_entry(cache);
    std::string bytes = read_text(entry);
    bytes[bytes.size() / 2] = static_cast<char>(bytes[bytes.size() / 2] ^ 0x10);
    std::ofstream(entry, std::ios::binary) << bytes;
    const result corrupt = run_cached("timing", cache, dir / "corrupt");
    ASSERT_EQ(corrupt.exit_code, 0) << corrupt.output;
    EXPECT_NE(corrupt.output.find("corrupt: its checksum does not match"), std::string::npos)
        << corrupt.output;
    EXPECT_NE(corrupt.output.find("compiled again and replaced it"), std::string::npos);
    const json use = load(dir / "corrupt" / "report.json")["network"]["package_cache"];
    EXPECT_EQ(use["outcome"], "replaced");
    EXPECT_NE(use["problem"].get<std::string>().find("corrupt"), std::string::npos);
    expect_same_run(dir / "miss", dir / "corrupt");

    // The replaced entry is whole again; a truncated one is refused too.
    const result again = run_cached("timing", cache, dir / "again");
    EXPECT_NE(again.output.find("package cache: hit"), std::string::npos) << again.output;
    bytes = read_text(entry);
    std::ofstream(entry, std::ios::binary) << bytes.substr(0, bytes.size() - 100);
    const result truncated = run_cached("timing", cache, dir / "truncated");
    ASSERT_EQ(truncated.exit_code, 0) << truncated.output;
    EXPECT_NE(truncated.output.find("package cache: refused"), std::string::npos)
        << truncated.output;
    expect_same_run(dir / "miss", dir / "truncated");
}

TEST(package_cache_cli, functional_packages_with_weights_come_back_bit_exact) {
    const fs::path dir = scratch("nnvp_pkgcache_", "functional");
    const fs::path cache = dir / "cache";
    ASSERT_EQ(run_cached("functional", cache, dir / "miss").exit_code, 0);
    const result hit = run_cached("functional", cache, dir / "hit");
    ASSERT_EQ(hit.exit_code, 0) << hit.output;  // outputs checked against the reference
    EXPECT_NE(hit.output.find("package cache: hit"), std::string::npos) << hit.output;
    EXPECT_TRUE(load(dir / "hit" / "report.json")["accuracy"]["bit_exact_vs_reference_executor"]);
    expect_same_run(dir / "miss", dir / "hit");
}

TEST(package_cache_cli, a_sweep_over_the_cpu_clock_compiles_once_and_writes_reports_only) {
    const fs::path dir = scratch("nnvp_pkgcache_", "sweep");
    const std::string sweep = write_file(dir, "sweep.json", R"({
      "scenario": ")" + lenet + R"(",
      "set": {"mode": "timing", "workload.inferences": 1},
      "outputs": "report",
      "list": [{"platform.domains.cpu.initial": 2}, {"platform.domains.cpu.initial": 0},
               {"platform.nncore.rows": 8}]
    })");
    const fs::path out = dir / "out";
    const result r = run("sweep " + sweep + " -j 1 --out " + out.string());
    ASSERT_EQ(r.exit_code, 0) << r.output;
    EXPECT_NE(r.output.find("1 of 3 points reused a compiled package"), std::string::npos)
        << r.output;
    EXPECT_NE(r.output.find("points wrote report.json and layers.csv only"), std::string::npos)
        << r.output;
    auto outcome = [&](const char* point) {
        return load(out / point / "report.json")["network"]["package_cache"]["outcome"];
    };
    EXPECT_EQ(outcome("p0000"), "stored");
    EXPECT_EQ(outcome("p0001"), "hit");     // only the CPU's clock differs
    EXPECT_EQ(outcome("p0002"), "stored");  // another array: another program
    // Slower CPU, same program: the hit still simulates its own platform.
    EXPECT_GT(load(out / "p0001" / "report.json")["sim"]["simulated_s"].get<double>(),
              load(out / "p0000" / "report.json")["sim"]["simulated_s"].get<double>());
    for (const char* point : {"p0000", "p0001", "p0002"}) {
        EXPECT_TRUE(fs::exists(out / point / "layers.csv")) << point;
        EXPECT_FALSE(fs::exists(out / point / "trace.json")) << point;
        EXPECT_FALSE(fs::exists(out / point / "report.html")) << point;
        EXPECT_FALSE(fs::exists(out / point / "power.vcd")) << point;
    }

    // The same sweep with every output: the same rows (but the wall-clock
    // time and the folder).
    std::string all = read_text(sweep);
    all.replace(all.find(R"("outputs": "report",)"), 20, "");
    const std::string sweep_all = write_file(dir, "sweep_all.json", all);
    ASSERT_EQ(run("sweep " + sweep_all + " -j 2 --out " + (dir / "all").string()).exit_code, 0);
    EXPECT_TRUE(fs::exists(dir / "all" / "p0001" / "trace.json"));
    EXPECT_EQ(simulated_rows(out / "sweep.csv"), simulated_rows(dir / "all" / "sweep.csv"));
}

TEST(package_cache_cli, run_takes_outputs_all_or_report_and_says_what_is_not_cached) {
    const fs::path dir = scratch("nnvp_pkgcache_", "options");
    const result bad = run("run " + lenet + " --outputs trace --out " + (dir / "o").string());
    EXPECT_EQ(bad.exit_code, 2);
    EXPECT_NE(bad.output.find("--outputs trace: expected all or report"), std::string::npos)
        << bad.output;
    // A network read from a file: compiled every time, and the run says why.
    const result onnx = run("run " + scenario("scenarios/networks/onnx_conv2d.json") +
                            " --set mode=timing --outputs report --package-cache " +
                            (dir / "cache").string() + " --out " + (dir / "onnx").string());
    ASSERT_EQ(onnx.exit_code, 0) << onnx.output;
    EXPECT_NE(onnx.output.find("package cache: not used: the network comes from an ONNX model"),
              std::string::npos)
        << onnx.output;
    EXPECT_EQ(load(dir / "onnx" / "report.json")["network"]["package_cache"]["outcome"],
              "not used");
    EXPECT_NE(onnx.output.find("--outputs report: no trace.json"), std::string::npos);
    EXPECT_FALSE(fs::exists(dir / "onnx" / "trace.json"));
    EXPECT_FALSE(fs::exists(dir / "cache"));
}
