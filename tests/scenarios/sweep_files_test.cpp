// The sweep files users run (scenarios/sweeps/, */*.sweep.json): each parses, points at
// an existing scenario and has points; the fast one (weight sparsity on one
// layer) runs whole, and its rows give the answer docs/exploration.md states.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "app/sweep_spec.h"
#include "tests/scenarios/scenario_runner.h"

namespace {

namespace fs = std::filesystem;

const fs::path sweeps = fs::path(NNVP_SOURCE_DIR) / "scenarios" / "sweeps";

std::vector<std::string> split(const std::string& line, char sep) {
    std::vector<std::string> out(1);
    for (char c : line) {
        if (c == sep)
            out.emplace_back();
        else
            out.back() += c;
    }
    return out;
}

}  // namespace

TEST(sweep_files, each_parses_and_names_an_existing_scenario) {
    int files = 0;
    const fs::path root = nnvp::test::scenarios_dir();
    for (const auto& e : fs::recursive_directory_iterator(root)) {
        if (e.path().extension() != ".json" ||
            !nnvp::test::is_sweep_file(fs::relative(e.path(), root).generic_string()))
            continue;
        ++files;
        try {
            const nnvp::sweep_spec s = nnvp::load_sweep(e.path().string());
            EXPECT_TRUE(fs::exists(e.path().parent_path() / s.scenario))
                << e.path() << ": " << s.scenario;
            EXPECT_GE(s.points.size(), 2u) << e.path();
            EXPECT_FALSE(s.description.empty()) << e.path();
        } catch (const std::exception& ex) {
            ADD_FAILURE() << e.path() << ": " << ex.what();
        }
    }
    EXPECT_GE(files, 7);  // scenarios/sweeps/ alone has 7
}

// 5 shares of zero weights x 4 storages (0 dense, 1 bitmap, 2 CSR, 3
// automatic) on the conv_dense layer (73728 weight bytes). A compressed blob
// is staged after the dense weights in the 128 KiB weight buffer (~56 KiB
// free) or in the 64 KiB output buffer; an explicit storage whose blob fits
// neither cannot be compiled: nnvp refuses the point as bad input (exit 2,
// naming weight_format), and the sweep records it as an error and goes on. Blob sizes (nnz = kept weights, ~40/41 of them non-zero):
// bitmap 9216 + nnz, CSR 3 * nnz + 129 * 4. So bitmap fails at 0% zeros
// (~81 KB) and CSR up to 50% (~108 KB at 50%); automatic keeps the smallest
// blob that fits (dense if none is smaller), so no point moves fewer DRAM
// bytes than it, and from 25% zeros on the bitmap beats dense.
TEST(sweep_files, the_sparsity_sweep_records_what_compresses_and_what_cannot) {
    const fs::path out = fs::temp_directory_path() / "nnvp_scenario_test_sparsity_sweep";
    fs::remove_all(out);
    const std::string cmd = std::string(NNVP_BINARY) + " sweep " +
                            (sweeps / "sparsity.json").string() + " -j 2 --out " + out.string() +
                            " > " + (out.string() + ".log") + " 2>&1";
    const int status = std::system(cmd.c_str());
    ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 1) << cmd << ": some points fail";

    std::ifstream in(out / "sweep.csv");
    std::string line;
    ASSERT_TRUE(std::getline(in, line));
    std::map<std::string, std::size_t> col;
    const auto header = split(line, ',');
    for (std::size_t i = 0; i < header.size(); ++i)
        col[header[i]] = i;
    for (const char* c :
         {"status", "firmware.args.weight_zero_pct", "firmware.args.weight_format", "dram_bytes"})
        ASSERT_TRUE(col.count(c)) << "sweep.csv lacks " << c << ": " << line;
    const std::set<std::pair<int, int>> cannot = {{0, 1}, {0, 2}, {25, 2}, {50, 2}};
    std::map<int, std::map<int, double>> bytes;  // zero pct -> storage -> DRAM bytes
    int rows = 0;
    while (std::getline(in, line)) {
        const auto f = split(line, ',');
        ++rows;
        const int pct = std::stoi(f[col["firmware.args.weight_zero_pct"]]);
        const int format = std::stoi(f[col["firmware.args.weight_format"]]);
        if (cannot.count({pct, format})) {
            EXPECT_EQ(f[col["status"]], "error") << line;
            EXPECT_NE(line.find("weight_format"), std::string::npos) << line;
            continue;
        }
        EXPECT_EQ(f[col["status"]], "ok") << line;
        bytes[pct][format] = std::stod(f[col["dram_bytes"]]);
    }
    EXPECT_EQ(rows, 20);
    for (const auto& [pct, by_format] : bytes) {
        for (const auto& [format, b] : by_format) {
            EXPECT_LE(by_format.at(3), b) << pct << "% zeros, storage " << format;
        }
        if (pct >= 25) {
            EXPECT_LT(by_format.at(1), by_format.at(0)) << pct << "% zeros";
        }
    }
    EXPECT_EQ(bytes[0][3], bytes[0][0]);
}
