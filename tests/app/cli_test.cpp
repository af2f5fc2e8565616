// The nnvp command line as users drive it: scenarios run, reports carry the
// contract's keys and the expected metrics, runs are deterministic, and bad
// input is refused with exit code 2 and a message naming file and field.
#include "tests/app/cli_helpers.h"
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <regex>
#include <set>
#include <string>

namespace {

namespace fs = std::filesystem;

using namespace nnvp::test::cli;

fs::path scratch(const std::string& name) {
    return nnvp::test::cli::scratch("nnvp_cli_test_", name);
}

}  // namespace

TEST(cli, the_bring_up_demo_runs_and_reports) {
    const fs::path out = scratch("demo");
    const result r =
        run("run " + scenario("scenarios/bringup/dma_tensor_demo.json") + " --out " + out.string());
    ASSERT_EQ(r.exit_code, 0) << r.output;
    const nlohmann::json rep = load(out / "report.json");
    for (const char* key : {"scenario", "platform", "sim", "power", "bus", "dma", "cpu", "firmware"})
        EXPECT_TRUE(rep.contains(key)) << key;
    EXPECT_GT(rep["sim"]["simulated_s"].get<double>(), 0);
    EXPECT_GE(rep["sim"]["wall_s"].get<double>(), 0);
    EXPECT_EQ(rep["sim"]["warnings"], 0);
    EXPECT_EQ(rep["firmware"]["exit_code"], 0);
    // Bytes the program moves: a 16x16x16 tile, its reshape, the whole
    // 16x64x64 tensor as quadrants, the tile again at low clock, the tensor
    // again on two channels.
    EXPECT_EQ(rep["dma"]["bytes_moved"], 4096 + 4096 + 65536 + 4096 + 65536);
    EXPECT_EQ(rep["dma"]["runs"].size(), 6u);
    EXPECT_EQ(rep["dma"]["descriptors_fetched"], 4);
    EXPECT_EQ(rep["dma"]["model"], "bursts");
    // Fabric down and up, nncore down and up.
    EXPECT_EQ(rep["power"]["transitions"]["fabric"], 2);
    EXPECT_EQ(rep["power"]["transitions"]["nncore"], 2);
    EXPECT_EQ(rep["power"]["transitions"]["cpu"], 0);
    // Energy adds up and is plausible: between 10 uJ and 1 mJ for < 1 ms.
    const double e = rep["power"]["energy_j"].get<double>();
    EXPECT_GT(e, 10e-6);
    EXPECT_LT(e, 1e-3);
    EXPECT_NEAR(rep["power"]["avg_power_w"].get<double>(),
                e / rep["sim"]["simulated_s"].get<double>(), 1e-9);
    EXPECT_GT(rep["bus"]["targets"]["dram"]["bytes_read"].get<double>(), 100e3);
    EXPECT_NE(r.output.find("two channels, DRAM to DRAM"), std::string::npos);

    // The timeline: DMA channel tracks, interrupts, firmware messages, counters.
    const nlohmann::json trace = load(out / "trace.json");
    std::set<std::string> tracks;
    int dma_spans = 0;
    bool power_counter = false, fabric_freq = false;
    for (const auto& e : trace["traceEvents"]) {
        if (e["ph"] == "M" && e["name"] == "thread_name")
            tracks.insert(e["args"]["name"].get<std::string>());
        if (e["ph"] == "X")
            ++dma_spans;
        if (e["ph"] == "C" && e["name"] == "power_w")
            power_counter = true;
        if (e["ph"] == "C" && e["name"] == "fabric.freq_mhz" && e["args"]["value"] == 200)
            fabric_freq = true;
    }
    EXPECT_EQ(dma_spans, 6);
    EXPECT_TRUE(power_counter);
    EXPECT_TRUE(fabric_freq) << "the fabric's drop to 200 MHz is on the timeline";
    for (const char* t : {"dma.ch0", "dma.ch1", "dma.ch2", "dma.ch3", "irq", "cpu"})
        EXPECT_TRUE(tracks.count(t)) << t;
    std::ifstream vcd(out / "power.vcd");
    const std::string text((std::istreambuf_iterator<char>(vcd)), std::istreambuf_iterator<char>());
    EXPECT_NE(text.find("$enddefinitions $end"), std::string::npos);
    EXPECT_NE(text.find("nncore_voltage_v"), std::string::npos);
    EXPECT_NE(text.find("irq_dma"), std::string::npos);
}

TEST(cli, the_error_demo_shows_the_error_interrupt_path) {
    const fs::path out = scratch("error");
    const result r =
        run("run " + scenario("scenarios/bringup/dma_error_demo.json") + " --out " + out.string());
    ASSERT_EQ(r.exit_code, 0) << r.output;
    const nlohmann::json rep = load(out / "report.json");
    EXPECT_GE(rep["sim"]["warnings"].get<int>(), 2);
    EXPECT_EQ(rep["bus"]["initiators"]["dma"]["errors"], 1);
    EXPECT_EQ(rep["dma"]["runs"][0]["error"], 1);  // read_bus
    EXPECT_NE(r.output.find("error interrupt received: bus error on read"), std::string::npos);
    // Every warning is kept: time, block and text in report.json, an instant
    // on the "warnings" track of trace.json, a row in report.html.
    const nlohmann::json& log = rep["sim"]["warning_log"];
    ASSERT_EQ(log.size(), rep["sim"]["warnings"].get<std::size_t>());
    EXPECT_EQ(log[0]["block"], "bus");
    EXPECT_EQ(log[0]["text"], "read of 256 bytes at 0xc0000000 from dma: no region at this address");
    EXPECT_EQ(log[1]["block"], "dma");
    EXPECT_GT(log[0]["t_s"].get<double>(), 0);
    EXPECT_LE(log[0]["t_s"].get<double>(), log[1]["t_s"].get<double>());
    std::ifstream trace_file(out / "trace.json");
    const nlohmann::json trace = nlohmann::json::parse(trace_file);
    int warnings_track = -1, instants = 0;
    for (const auto& e : trace["traceEvents"])
        if (e["name"] == "thread_name" && e["args"]["name"] == "warnings")
            warnings_track = e["tid"].get<int>();
    for (const auto& e : trace["traceEvents"])
        instants += e["ph"] == "i" && e.value("tid", 0) == warnings_track &&
                    e["name"] == "bus: " + log[0]["text"].get<std::string>();
    EXPECT_EQ(instants, 1);
    std::ifstream html_file(out / "report.html");
    const std::string html((std::istreambuf_iterator<char>(html_file)), {});
    EXPECT_NE(html.find("<table id=\"warnings\">"), std::string::npos);
    EXPECT_NE(html.find("channel 0: bus error reading 256 bytes at 0xc0000000"), std::string::npos);
}

TEST(cli, runs_are_deterministic) {
    const fs::path a = scratch("det_a"), b = scratch("det_b");
    const std::string sc = scenario("scenarios/bringup/dma_tensor_demo.json");
    ASSERT_EQ(run("run " + sc + " --out " + a.string()).exit_code, 0);
    ASSERT_EQ(run("run " + sc + " --out " + b.string()).exit_code, 0);
    nlohmann::json ra = load(a / "report.json"), rb = load(b / "report.json");
    ra["sim"].erase("wall_s");
    rb["sim"].erase("wall_s");
    EXPECT_EQ(ra, rb);
}

namespace {

// Wall-clock figures differ from run to run; everything else must not.
void drop_wall_times(nlohmann::json& j) {
    if (j.is_object()) {
        for (auto it = j.begin(); it != j.end();)
            it = it.key().find("wall") != std::string::npos ? j.erase(it) : std::next(it);
        for (auto& [k, v] : j.items())
            drop_wall_times(v);
    } else if (j.is_array()) {
        for (auto& v : j)
            drop_wall_times(v);
    }
}

}  // namespace

// --progress draws the progress line (a terminal gets it by default) between
// slices of the run: it ends at 100% on the last inference, and the reports
// and trace are the same as without it; without it (not a terminal) no
// carriage return reaches the log.
TEST(cli, the_progress_line_changes_nothing_but_the_terminal) {
    const fs::path a = scratch("progress_a"), b = scratch("progress_b");
    const std::string sc = scenario("scenarios/networks/lenet5_int8.json") +
                           " --set mode=timing --set workload.inferences=8 --set workload.log_steps=true";
    const result plain = run("run " + sc + " --out " + a.string());
    const result drawn = run("run " + sc + " --progress --out " + b.string());
    ASSERT_EQ(plain.exit_code, 0) << plain.output;
    ASSERT_EQ(drawn.exit_code, 0) << drawn.output;
    EXPECT_EQ(plain.output.find('\r'), std::string::npos);
    EXPECT_NE(drawn.output.find("\r[100%] "), std::string::npos) << drawn.output;
    EXPECT_NE(drawn.output.find("simulated, inference 8 of 8"), std::string::npos);
    // The firmware's console lines still come, whole, each on its own line.
    EXPECT_NE(drawn.output.find("\n[fw "), std::string::npos);
    EXPECT_NE(drawn.output.find("'lenet5' done"), std::string::npos);
    nlohmann::json ra = load(a / "report.json"), rb = load(b / "report.json");
    drop_wall_times(ra);
    drop_wall_times(rb);
    ra["scenario"].erase("file");
    rb["scenario"].erase("file");
    EXPECT_EQ(ra, rb);
    std::ifstream ta(a / "trace.json"), tb(b / "trace.json");
    EXPECT_TRUE(std::equal(std::istreambuf_iterator<char>(ta), {},
                           std::istreambuf_iterator<char>(tb), {}));
}

// The firmware prints a line per network step only when asked: ten frames
// of a network are not hundreds of console lines by default.
TEST(cli, network_steps_are_quiet_unless_asked) {
    const fs::path a = scratch("quiet_a"), b = scratch("quiet_b");
    const std::string sc = scenario("scenarios/networks/lenet5_int8.json") +
                           " --set mode=timing --set workload.inferences=10";
    const result quiet = run("run " + sc + " --out " + a.string());
    const result loud = run("run " + sc + " --set workload.log_steps=true --out " + b.string());
    ASSERT_EQ(quiet.exit_code, 0) << quiet.output;
    ASSERT_EQ(loud.exit_code, 0) << loud.output;
    const auto lines = [](const std::string& s, const std::string& what) {
        std::size_t n = 0;
        for (std::size_t at = s.find(what); at != std::string::npos; at = s.find(what, at + 1))
            ++n;
        return n;
    };
    EXPECT_EQ(lines(quiet.output, "runtime: step "), 0u) << quiet.output;
    EXPECT_EQ(lines(quiet.output, "' done: "), 0u);
    EXPECT_EQ(lines(loud.output, "' done: "), 10u);
    EXPECT_GE(lines(loud.output, "runtime: step "), 10u * 8);  // every step of every frame
    EXPECT_NE(quiet.output.find("10 of 10 inferences"), std::string::npos) << quiet.output;
    // The steps are in the report either way.
    EXPECT_EQ(load(a / "report.json")["layers"], load(b / "report.json")["layers"]);
}

// Throughput counts images as well as inferences: an inference of batch 4
// is four images (issue 17: batches looked like images).
TEST(cli, throughput_counts_the_images_of_a_batch) {
    const fs::path out = scratch("batch");
    const result r = run("run " + scenario("scenarios/networks/lenet5_int8.json") +
                         " --set mode=timing --set workload.batch=4 --set workload.inferences=3 "
                         "--out " + out.string());
    ASSERT_EQ(r.exit_code, 0) << r.output;
    const nlohmann::json t = load(out / "report.json")["throughput"];
    EXPECT_EQ(t["batch"], 4);
    EXPECT_EQ(t["inferences"], 3);
    EXPECT_DOUBLE_EQ(t["images_per_s"].get<double>(), 4 * t["inferences_per_s"].get<double>());
    EXPECT_DOUBLE_EQ(t["energy_per_image_j"].get<double>(),
                     t["energy_per_inference_j"].get<double>() / 4);
    EXPECT_NE(r.output.find("images_per_s"), std::string::npos) << "in the summary's headline";
}

// A pruned network in functional mode: 75% of LeNet-5's weights zero (the
// smallest), stored compressed where that is smaller, zeros skipped. The
// outputs stay bit-exact against the reference executor (compression and
// skipping change time and energy, never values), the quantized weights are
// a quarter non-zero, the core skips MACs the dense run computes, and the
// package shrinks.
TEST(cli, a_pruned_network_stays_bit_exact_and_skips_zeros) {
    const fs::path dense = scratch("sparse_dense"), sparse = scratch("sparse_skip");
    const std::string sc = scenario("scenarios/networks/lenet5_int8.json");
    ASSERT_EQ(run("run " + sc + " --out " + dense.string()).exit_code, 0);
    const result r = run("run " + sc + " --out " + sparse.string() +
                         " --set workload.sparsity.mode=skip"
                         " --set workload.sparsity.weight_zero_pct=75"
                         " --set workload.sparsity.weight_format=automatic");
    ASSERT_EQ(r.exit_code, 0) << r.output;
    const nlohmann::json d = load(dense / "report.json"), s = load(sparse / "report.json");
    EXPECT_EQ(s["accuracy"]["bit_exact_vs_reference_executor"], true);
    EXPECT_EQ(s["network"]["sparsity"]["mode"], "skip");
    EXPECT_NEAR(s["network"]["sparsity"]["weight_density"].get<double>(), 0.25, 0.001);
    EXPECT_EQ(s["network"]["sparsity"]["activation_density"], "measured");
    double skipped = 0, dense_skipped = 0, cycles = 0, dense_cycles = 0;
    for (const auto& l : s["layers"]) {
        skipped += l["zero_skipped_macs"].get<double>();
        cycles += l.value("compute_cycles", 0.0);
    }
    for (const auto& l : d["layers"]) {
        dense_skipped += l["zero_skipped_macs"].get<double>();
        dense_cycles += l.value("compute_cycles", 0.0);
    }
    EXPECT_EQ(dense_skipped, 0);
    EXPECT_GT(skipped, 0);
    EXPECT_LT(cycles, dense_cycles);
    EXPECT_LT(s["network"]["package_bytes"].get<double>(),
              0.7 * d["network"]["package_bytes"].get<double>());
}

// LeNet-5's 7 KB of activations in the on-chip SRAM: the same outputs (bit
// for bit), the arena's traffic moves from DRAM to SRAM, and each byte
// moved costs 1.25 pJ there instead of 160 pJ, so the inference takes less
// energy; "auto" makes the same choice, and a 4 KiB SRAM sends it to DRAM.
TEST(cli, activations_in_sram_change_where_bytes_go_not_the_outputs) {
    const fs::path d = scratch("arena_dram"), s = scratch("arena_sram"), a = scratch("arena_auto"),
                   small = scratch("arena_small");
    const std::string sc = scenario("scenarios/networks/lenet5_int8.json");
    ASSERT_EQ(run("run " + sc + " --out " + d.string()).exit_code, 0);
    ASSERT_EQ(run("run " + sc + " --out " + s.string() + " --set workload.arena=sram").exit_code, 0);
    ASSERT_EQ(run("run " + sc + " --out " + a.string() + " --set workload.arena=auto").exit_code, 0);
    ASSERT_EQ(run("run " + sc + " --out " + small.string() +
                  " --set workload.arena=auto --set platform.sram.size_bytes=4K"
                  " --set platform.memory_map.0.size=4K")
                  .exit_code,
              0);
    const nlohmann::json rd = load(d / "report.json"), rs = load(s / "report.json"),
                         ra = load(a / "report.json"), rsmall = load(small / "report.json");
    EXPECT_EQ(rd["network"]["arena_memory"], "dram");
    EXPECT_EQ(rs["network"]["arena_memory"], "sram");
    EXPECT_EQ(ra["network"]["arena_memory"], "sram");
    EXPECT_EQ(rsmall["network"]["arena_memory"], "dram");
    EXPECT_EQ(rs["accuracy"]["bit_exact_vs_reference_executor"], true);
    auto bytes = [](const nlohmann::json& r, const char* target) {
        const auto& t = r["bus"]["targets"][target];
        return t["bytes_read"].get<double>() + t["bytes_written"].get<double>();
    };
    EXPECT_EQ(bytes(rd, "sram"), 0);
    const double moved = bytes(rs, "sram");
    EXPECT_GT(moved, 0);
    EXPECT_EQ(bytes(rd, "dram") - bytes(rs, "dram"), moved);
    const double saved = rd["power"]["energy_j"].get<double>() - rs["power"]["energy_j"].get<double>();
    EXPECT_NEAR(saved, moved * (160e-12 - 1.25e-12), 0.1 * moved * 160e-12);
    EXPECT_EQ(ra["power"]["energy_j"], rs["power"]["energy_j"]);
}

TEST(cli, the_help_examples_work) {
    // Every "e.g. KEY=VALUE with SCENARIO" the help text shows runs as shown.
    const result help = run("--help");
    const std::regex example(R"(e\.g\. ([A-Za-z_.0-9]+=[^ \n]+) with\s+([^ \n)]+))");
    int examples = 0;
    for (auto it = std::sregex_iterator(help.output.begin(), help.output.end(), example);
         it != std::sregex_iterator(); ++it, ++examples) {
        const fs::path out = scratch("help_example");
        const result r = run("run " + scenario((*it)[2]) + " --set " + (*it)[1].str() + " --out " +
                             out.string());
        EXPECT_EQ(r.exit_code, 0) << (*it)[0] << "\n" << r.output;
    }
    EXPECT_GE(examples, 1) << help.output;
}

// The same demo with the DMA in burst trains (docs/dma_trains.md): the
// firmware's checks of every tile still pass, the same bytes and bursts
// move, and the report says which model ran.
TEST(cli, the_bring_up_demo_runs_with_burst_trains) {
    const fs::path out = scratch("demo_trains");
    const result r = run("run " + scenario("scenarios/bringup/dma_tensor_demo.json") + " --out " +
                         out.string() + " --set platform.dma.train_bytes=4096");
    ASSERT_EQ(r.exit_code, 0) << r.output;
    const nlohmann::json rep = load(out / "report.json");
    EXPECT_EQ(rep["firmware"]["exit_code"], 0);
    EXPECT_EQ(rep["sim"]["warnings"], 0);
    EXPECT_EQ(rep["dma"]["bytes_moved"], 4096 + 4096 + 65536 + 4096 + 65536);
    EXPECT_EQ(rep["dma"]["bursts"], 6912);  // as burst by burst (rows of 16 to 256 bytes)
    EXPECT_EQ(rep["dma"]["model"], "burst trains of up to 4096 bytes (docs/dma_trains.md)");
}

TEST(cli, a_sweep_file_given_to_run_says_to_sweep_it) {
    const result r = run("run " + scenario("scenarios/power/llm_serving.sweep.json"));
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_NE(r.output.find("a sweep file"), std::string::npos) << r.output;
    EXPECT_NE(r.output.find("nnvp sweep"), std::string::npos) << r.output;
}

TEST(cli, set_overrides_reach_scenario_and_platform) {
    const fs::path out = scratch("set");
    const result r = run("run " + scenario("scenarios/bringup/dma_tensor_demo.json") + " --out " +
                         out.string() +
                         " --set firmware.args.channels=4 --set platform.dma.burst_bytes=64");
    ASSERT_EQ(r.exit_code, 0) << r.output;
    const nlohmann::json rep = load(out / "report.json");
    EXPECT_EQ(rep["dma"]["bytes_moved"], 1024 + 1024 + 16384 + 1024 + 16384);
    EXPECT_EQ(rep["platform"]["dma"]["burst_bytes"], 64);
    EXPECT_EQ(rep["firmware"]["args"]["channels"], 4);
}

TEST(cli, bad_input_exits_2_naming_file_and_field) {
    const fs::path dir = scratch("bad");
    const std::string platform = scenario("platform/configs/default.json");
    const std::string sc = scenario("scenarios/bringup/dma_tensor_demo.json");
    const std::string net = scenario("scenarios/networks/lenet5_int8.json");
    const std::string fmnist = scenario("scenarios/accuracy/fmnist_binary.json");
    const std::string junk_weights = write_file(dir, "junk.nnw", "not weights");
    struct bad_case {
        std::string args;
        std::string expected;
    };
    const std::string unknown_key = write_file(
        dir, "unknown.json",
        R"({"name": "x", "platform": ")" + platform + R"(", "firmware": {"program": "dma_error_demo"}, "speed": 3})");
    const std::string bad_program = write_file(
        dir, "program.json",
        R"({"name": "x", "platform": ")" + platform + R"(", "firmware": {"program": "doom"}})");
    const std::string bad_json = write_file(dir, "syntax.json", R"({"name": "x",)");
    const std::string bad_platform = write_file(
        dir, "platform.json",
        R"({"name": "x", "platform": "no/such/platform.json", "firmware": {"program": "dma_error_demo"}})");
    const bad_case cases[] = {
        {"run /no/such/scenario.json", "/no/such/scenario.json: cannot open file"},
        {"run " + unknown_key, unknown_key + ": speed: unknown key"},
        {"run " + bad_program, bad_program + ": firmware.program: unknown program \"doom\""},
        {"run " + bad_json, bad_json + ": not valid JSON"},
        {"run " + bad_platform, "no/such/platform.json: cannot open file"},
        {"run " + sc + " --set firmware.args.channels=1000",
         "firmware.args: argument \"channels\" of program \"dma_tensor_demo\" must be in [1, 64]"},
        {"run " + sc + " --set firmware.args.speed=1",
         "program \"dma_tensor_demo\" has no argument \"speed\""},
        {"run " + sc + " --set platform.dma.channels=2",
         "default.json: dma.channels: expected an integer in [4, 16], got 2"},
        {"run " + sc + " --set platform.dram.typo=2", "default.json: dram.typo: unknown key"},
        {"run " + sc + " --set mode=fast", "mode: expected one of {functional, timing}"},
        {"run " + sc + " --set nokey", "--set nokey: expected key.path=value"},
        {"run " + net + " --set workload.sparsity.mode=prune",
         net + ": workload.sparsity.mode: expected one of {none, gate, skip}, got \"prune\""},
        {"run " + net + " --set workload.sparsity.weight_zero_pct=100",
         "workload.sparsity.weight_zero_pct: expected a number in [0, 99.9], got 100"},
        {"run " + net + " --set workload.sparsity.activation_density=1.5",
         "workload.sparsity.activation_density: expected a number in [0, 1], got 1.5"},
        {"run " + net + " --set workload.sparsity.weight_format=rle",
         "workload.sparsity.weight_format: expected one of {dense, bitmap, csr, automatic}"},
        {"run " + net + " --set workload.weights=w.nnw",
         net + ": workload.weights: no weights file: only fmnist_lenet takes one"},
        {"run " + fmnist + " --set workload.weights=" + junk_weights,
         fmnist + ": workload.weights: weights file '" + junk_weights +
             "': magic: expected \"NNVPWGT\\0\""},
        {"run " + net + " --set workload.arena=cache",
         "workload.arena: expected one of {dram, sram, auto}"},
        {"run " + net +
             " --set workload.arena=sram --set platform.sram.size_bytes=4K"
             " --set platform.memory_map.0.size=4K",
         net + ": workload.arena: the activations need 7040 bytes; expected at most the 4096 "
               "bytes of SRAM"},
        {"run", "usage:"},
        {"frobnicate", "usage:"},
    };
    for (const bad_case& c : cases) {
        const result r = run(c.args);
        EXPECT_EQ(r.exit_code, 2) << c.args << "\n" << r.output;
        EXPECT_NE(r.output.find(c.expected), std::string::npos)
            << c.args << "\nexpected: " << c.expected << "\ngot: " << r.output;
    }
}

TEST(cli, a_firmware_that_hangs_is_a_failed_check_not_a_hang) {
    const fs::path out = scratch("hang");
    // A DMA of 1 MiB cannot finish in 10 us of simulated time.
    const result r = run("run " + scenario("scenarios/bringup/dma_error_demo.json") + " --out " +
                         out.string() + " --set max_simulated_s=1e-5 --set firmware.args.bytes=1048576");
    EXPECT_EQ(r.exit_code, 1) << r.output;
    EXPECT_NE(r.output.find("did not finish within max_simulated_s"), std::string::npos) << r.output;
    // It says what the CPU was doing: its own check loop over the bytes.
    EXPECT_NE(r.output.find("the CPU was running (not blocked on a wait, a delay or a poll "
                            "loop); busy: nothing"),
              std::string::npos)
        << r.output;
    EXPECT_EQ(load(out / "report.json")["sim"]["busy"], nlohmann::json::array());
    // A DMA demo stopped mid-transfer: a WFI the DMA would end, the channel busy.
    const fs::path wfi = scratch("hang_wfi");
    const result w = run("run " + scenario("scenarios/bringup/dma_tensor_demo.json") + " --out " +
                         wfi.string() + " --set max_simulated_s=1e-5");
    EXPECT_EQ(w.exit_code, 1) << w.output;
    EXPECT_NE(w.output.find("the CPU was waiting for an interrupt (WFI) since "), std::string::npos)
        << w.output;
    EXPECT_NE(w.output.find("enabled at the interrupt controller: timer (irq 1), dma (irq 2)"),
              std::string::npos);
    EXPECT_NE(w.output.find("busy: dma channel 0"), std::string::npos);
    const nlohmann::json sim = load(wfi / "report.json")["sim"];
    EXPECT_EQ(sim["end"], "time_limit");
    EXPECT_EQ(sim["busy"], nlohmann::json::array({"dma channel 0"}));
    EXPECT_EQ(sim["blocked_on"].get<std::string>().rfind("waiting for an interrupt (WFI)", 0), 0u);
}

// A layer through firmware, driver, command stream, DMA and core: bit exact
// in every precision that fits the default buffers; timing mode gives the
// same cycles without the arithmetic; the layer rows add up to the counters.
TEST(cli, a_conv_layer_runs_on_the_nn_core_in_every_precision) {
    const std::string sc = scenario("scenarios/nncore/conv_layer.json");
    for (int p : {1, 2, 3, 4, 5}) {  // fp32's weights need a bigger weight buffer: below
        const fs::path out = scratch("conv" + std::to_string(p));
        const result r = run("run " + sc + " --out " + out.string() +
                             " --set firmware.args.precision=" + std::to_string(p));
        ASSERT_EQ(r.exit_code, 0) << r.output;
        EXPECT_NE(r.output.find("output equals the reference executor bit for bit"),
                  std::string::npos)
            << r.output;
    }
    const fs::path f32 = scratch("conv_fp32");
    const result r = run("run " + sc + " --out " + f32.string() +
                         " --set firmware.args.precision=0 --set firmware.args.filters=32");
    ASSERT_EQ(r.exit_code, 0) << r.output;
    EXPECT_NE(r.output.find("bit for bit"), std::string::npos);
}

TEST(cli, layer_rows_add_up_and_timing_mode_keeps_the_cycles) {
    const std::string sc = scenario("scenarios/nncore/conv_layer.json");
    const fs::path fo = scratch("conv_f"), to = scratch("conv_t");
    ASSERT_EQ(run("run " + sc + " --out " + fo.string()).exit_code, 0);
    ASSERT_EQ(run("run " + sc + " --out " + to.string() + " --set mode=timing").exit_code, 0);
    const nlohmann::json f = load(fo / "report.json"), t = load(to / "report.json");
    ASSERT_FALSE(f["layers"].empty());
    uint64_t macs = 0, busy = 0, stall = 0, read = 0;
    for (const auto& l : f["layers"]) {
        for (const char* key : {"name", "type", "precision", "dataflow", "macs", "cycles",
                                "compute_cycles", "stall_cycles", "utilization", "dram_read_bytes",
                                "dram_write_bytes", "sram_read_bytes", "sram_write_bytes",
                                "energy_j", "zero_skipped_macs"})
            EXPECT_TRUE(l.contains(key)) << key;
        EXPECT_EQ(l["cycles"], l["compute_cycles"].get<uint64_t>() + l["stall_cycles"].get<uint64_t>());
        EXPECT_LE(l["utilization"].get<double>(), 1.0);
        macs += l["macs"].get<uint64_t>();
        busy += l["compute_cycles"].get<uint64_t>();
        stall += l["stall_cycles"].get<uint64_t>();
        read += l["dram_read_bytes"].get<uint64_t>();
    }
    const auto& c = f["nncore"]["counters"];
    EXPECT_EQ(macs, c["macs"].get<uint64_t>());
    EXPECT_EQ(busy, c["busy_cycles"].get<uint64_t>());
    EXPECT_EQ(stall, c["stall_cycles"].get<uint64_t>());
    EXPECT_EQ(read, c["bytes_read"].get<uint64_t>());
    // 28x28x64 -> 64, 3x3: 28*28*64*9*64 MACs.
    EXPECT_EQ(macs, 28ull * 28 * 64 * 9 * 64);
    // Dense data: identical cycles in both modes.
    EXPECT_EQ(t["nncore"]["counters"]["busy_cycles"], c["busy_cycles"]);
    EXPECT_EQ(t["layers"].size(), f["layers"].size());
    std::ifstream csv(fo / "layers.csv");
    std::string header;
    std::getline(csv, header);
    EXPECT_EQ(header.rfind("name,type,unit,cpu_reason,time_s,precision,dataflow,macs,cycles,", 0), 0u);
}

// The power cap governor on LeNet-5 bursts: a cap the NN core cannot meet
// even at its slowest OPP (1 mW) drives it there and the report says the
// cap did not hold; a generous one (10 W) keeps the top OPP and holds.
TEST(cli, power_cap_reports_whether_the_cap_held) {
    for (const auto& [cap, met] : {std::pair{1, false}, std::pair{10000, true}}) {
        const fs::path out = scratch("cap" + std::to_string(cap));
        const result r = run("run " + scenario("scenarios/power/bursty_idle.json") + " --out " +
                             out.string() + " --set workload.inferences=20" +
                             " --set 'workload.power.governor={\"name\":\"power_cap\",\"cap_mw\":" +
                             std::to_string(cap) + ",\"sampling_ms\":0.1}'");
        ASSERT_EQ(r.exit_code, 0) << r.output;
        const nlohmann::json rep = load(out / "report.json");
        const nlohmann::json& c = rep["power"]["management"]["cap"];
        EXPECT_DOUBLE_EQ(c["cap_w"].get<double>(), cap * 1e-3);
        EXPECT_EQ(c["met"], met) << c.dump();
        const nlohmann::json& opp = rep["power"]["summary"]["nncore_opp_residency_s"];
        const double slowest = opp.value("300MHz", 0.0), fastest = opp.value("1000MHz", 0.0);
        EXPECT_GT(met ? fastest : slowest, 0.9 * (slowest + fastest)) << opp.dump();
    }
}
