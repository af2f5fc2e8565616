// The guest-fuzzing firmware (firmware/programs/guest_fuzz.cpp) on eight
// fixed seeds of 3000 register writes each, as `nnvp run` runs it: every run
// ends with the firmware's summary, every block was written, bad accesses
// were answered (warnings, bus errors) rather than crashing or hanging the
// VP, and a seed replays to the same report. tools/fuzz_guest.sh runs the
// long campaign under the sanitizers.
#include "tests/support/run_command.h"
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>
#include <string>

namespace {

namespace fs = std::filesystem;

nlohmann::json fuzz(int seed, const std::string& tag) {
    const fs::path out = fs::temp_directory_path() / ("nnvp_guest_fuzz_" + tag);
    fs::remove_all(out);
    const nnvp::test::command_result r = nnvp::test::run_nnvp(
        "run " + std::string(NNVP_SOURCE_DIR) + "/scenarios/bringup/guest_fuzz.json --set firmware.args.seed=" +
        std::to_string(seed) + " --out " + out.string());
    EXPECT_EQ(r.exit_code, 0) << "seed " << seed << "\n" << r.output.substr(0, 4000);
    std::ifstream in(out / "report.json");
    if (!in)
        return {};
    return nlohmann::json::parse(in);
}

}  // namespace

TEST(guest_fuzz, eight_seeds_end_cleanly_with_every_block_exercised) {
    for (int seed = 1; seed <= 8; ++seed) {
        const nlohmann::json r = fuzz(seed, "s" + std::to_string(seed));
        ASSERT_TRUE(r.is_object()) << "seed " << seed;
        EXPECT_EQ(r["sim"]["end"], "halted") << "seed " << seed;
        EXPECT_EQ(r["firmware"]["exit_code"], 0) << "seed " << seed;
        EXPECT_GT(r["sim"]["warnings"].get<int>(), 100) << "seed " << seed;
        const std::string console = r["firmware"]["console"].dump();
        const std::string summary = "guest_fuzz: seed " + std::to_string(seed) + ":";
        EXPECT_NE(console.find(summary), std::string::npos) << console.substr(0, 2000);
        for (const char* block : {"intc ", "timer ", "dma ", "power ", "nncore "})
            EXPECT_NE(console.find(block), std::string::npos) << block;
    }
}

TEST(guest_fuzz, a_seed_replays_to_the_same_report) {
    const nlohmann::json a = fuzz(3, "replay_a"), b = fuzz(3, "replay_b");
    ASSERT_TRUE(a.is_object() && b.is_object());
    EXPECT_EQ(a["sim"]["simulated_s"], b["sim"]["simulated_s"]);
    EXPECT_EQ(a["sim"]["warnings"], b["sim"]["warnings"]);
    EXPECT_EQ(a["firmware"]["console"], b["firmware"]["console"]);
    EXPECT_EQ(a["bus"], b["bus"]);
}
