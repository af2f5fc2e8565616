// Firmware libraries (issue 16): programs built outside nnvp with
// nnvp_add_firmware, loaded by `nnvp run` from a scenario's firmware.library
// or --firmware, and every wrong library, program or argument refused with
// exit code 2 and a message naming the field. nnvp runs as a subprocess.
#include "tests/support/run_command.h"
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>
#include <string>

namespace {

namespace fs = std::filesystem;
using nlohmann::json;

nnvp::test::command_result run(const std::string& args) {
    return nnvp::test::run_nnvp(args);
}

fs::path scratch(const std::string& name) {
    const fs::path p = fs::temp_directory_path() / ("nnvp_fwlib_test_" + name);
    fs::remove_all(p);
    fs::create_directories(p);
    return p;
}

// A scenario in `dir` with this firmware section; the library path in it is
// relative to `dir`, as users write it.
std::string scenario(const fs::path& dir, json firmware) {
    if (firmware.contains("library"))
        firmware["library"] = fs::relative(firmware["library"].get<std::string>(), dir).string();
    const json doc = {{"name", "fwlib"},
                      {"platform", std::string(NNVP_SOURCE_DIR) + "/platform/configs/default.json"},
                      {"firmware", firmware},
                      {"max_simulated_s", 0.01}};
    const fs::path p = dir / "scenario.json";
    std::ofstream(p) << doc.dump(2);
    return p.string();
}

json load(const fs::path& p) {
    std::ifstream in(p);
    return json::parse(in);
}

// Exit code 2 and every piece of `expected` in the output.
void expect_refused(const std::string& args, const std::vector<std::string>& expected) {
    const auto r = run(args);
    EXPECT_EQ(r.exit_code, 2) << args << "\n" << r.output;
    for (const std::string& e : expected)
        EXPECT_NE(r.output.find(e), std::string::npos) << "missing \"" << e << "\" in\n"
                                                       << r.output;
}

}  // namespace

TEST(firmware_library, runs_a_named_program_with_its_arguments) {
    const fs::path dir = scratch("named");
    const std::string s =
        scenario(dir, {{"library", FWLIB_TWO}, {"program", "echo"}, {"args", {{"value", 42}}}});
    const auto r = run("run " + s + " --out " + (dir / "out").string());
    ASSERT_EQ(r.exit_code, 0) << r.output;
    EXPECT_NE(r.output.find("echo: value=42, DMA ID read"), std::string::npos) << r.output;
    const json rep = load(dir / "out" / "report.json");
    EXPECT_EQ(rep["firmware"]["program"], "echo");
    EXPECT_EQ(rep["firmware"]["args"]["value"], 42);
    EXPECT_EQ(rep["firmware"]["exit_code"], 0);
    EXPECT_EQ(fs::path(rep["firmware"]["library"].get<std::string>()).filename(),
              fs::path(FWLIB_TWO).filename());
    EXPECT_EQ(rep["sim"]["end"], "halted");
}

TEST(firmware_library, the_only_program_needs_no_name) {
    const fs::path dir = scratch("only");
    const auto r =
        run("run " + scenario(dir, {{"library", FWLIB_ONE}}) + " --out " + (dir / "out").string());
    ASSERT_EQ(r.exit_code, 0) << r.output;
    EXPECT_NE(r.output.find("only: ran"), std::string::npos) << r.output;
    EXPECT_EQ(load(dir / "out" / "report.json")["firmware"]["program"], "only");
}

TEST(firmware_library, the_command_line_option_loads_a_library) {
    const fs::path dir = scratch("cli");
    // --firmware replaces the scenario's library (here: one without "echo").
    const std::string s = scenario(dir, {{"library", FWLIB_ONE}, {"program", "echo"}});
    const auto r =
        run("run " + s + " --firmware " + FWLIB_TWO + " --out " + (dir / "out").string());
    ASSERT_EQ(r.exit_code, 0) << r.output;
    EXPECT_NE(r.output.find("echo: value=7"), std::string::npos) << r.output;
}

TEST(firmware_library, a_failing_program_exits_1_with_its_code_in_the_report) {
    const fs::path dir = scratch("fails");
    const std::string s =
        scenario(dir, {{"library", FWLIB_TWO}, {"program", "exit_with"}, {"args", {{"code", 3}}}});
    const auto r = run("run " + s + " --out " + (dir / "out").string());
    EXPECT_EQ(r.exit_code, 1) << r.output;
    EXPECT_EQ(load(dir / "out" / "report.json")["firmware"]["exit_code"], 3);
}

TEST(firmware_library, programs_lists_a_library) {
    const auto r = run(std::string("programs --firmware ") + FWLIB_TWO);
    ASSERT_EQ(r.exit_code, 0) << r.output;
    EXPECT_NE(r.output.find("echo: logs its argument"), std::string::npos) << r.output;
    EXPECT_NE(r.output.find("code (default 0, 0..255): exit code"), std::string::npos) << r.output;
}

TEST(firmware_library, wrong_libraries_are_refused_by_name) {
    const fs::path dir = scratch("bad_libs");
    const std::string missing = (dir / "missing.so").string();
    expect_refused(
        "run " + scenario(dir, {{"library", missing}}),
        {"scenario.json: firmware.library: firmware library", "missing.so: no such file"});
    // A JSON file is no shared library: dlopen's own words follow.
    const std::string not_elf = scenario(dir, {{"library", (dir / "scenario.json").string()}});
    expect_refused("run " + not_elf,
                   {"firmware.library", "cannot be loaded as a shared library: "});
    expect_refused("run " + scenario(dir, {{"library", FWLIB_NO_ENTRY}}),
                   {"firmware.library", "has no entry point nnvp_firmware"});
    expect_refused("run " + scenario(dir, {{"library", FWLIB_OTHER_ABI}}),
                   {"built for nnvp firmware ABI ", "rebuild it against this nnvp's SDK"});
    expect_refused("run " + scenario(dir, {{"library", FWLIB_OTHER_SDK}}),
                   {"built against nnvp SDK 0.0.1-other", "rebuild it"});
    expect_refused("run " + scenario(dir, {{"program", "echo"}}) + " --firmware " + missing,
                   {"--firmware: firmware library " + missing + ": no such file"});
    expect_refused("programs --firmware " + missing, {"no such file"});
}

TEST(firmware_library, wrong_programs_and_arguments_are_refused_by_field) {
    const fs::path dir = scratch("bad_programs");
    expect_refused("run " + scenario(dir, {{"library", FWLIB_TWO}, {"program", "nope"}}),
                   {"firmware.program: unknown program \"nope\"", "(it has: echo, exit_with)"});
    expect_refused("run " + scenario(dir, {{"library", FWLIB_TWO}}),
                   {"firmware.program: firmware library", "has 2 programs (echo, exit_with)"});
    expect_refused(
        "run " +
            scenario(dir,
                     {{"library", FWLIB_TWO}, {"program", "echo"}, {"args", {{"value", 101}}}}),
        {"firmware.args: argument \"value\" of program \"echo\" must be in [0, 100], got 101"});
    expect_refused(
        "run " +
            scenario(dir, {{"library", FWLIB_TWO}, {"program", "echo"}, {"args", {{"bytes", 1}}}}),
        {"firmware.args: program \"echo\" has no argument \"bytes\""});
    // A workload runs the built-in nn_network program: no library beside it.
    expect_refused("run " + std::string(NNVP_SOURCE_DIR) +
                       "/scenarios/networks/lenet5_int8.json --firmware " + FWLIB_TWO,
                   {"runs a workload", "needs a scenario with a firmware section"});
}
