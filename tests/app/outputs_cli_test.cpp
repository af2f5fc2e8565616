// What `nnvp run`, `nnvp sweep` and `nnvp compare` leave for users, driven as
// subprocesses: report.html beside report.json, trace.json as valid
// trace-event JSON with one track per block, power.vcd that parses, sweep
// rows, resuming, a bad point recorded while the sweep goes on, compare.
#include "tests/support/csv.h"
#include "tests/support/run_command.h"
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <string>
#include <vector>

namespace {

namespace fs = std::filesystem;

using result = nnvp::test::command_result;
result nnvp_cli(const std::string& args) { return nnvp::test::run_nnvp(args); }

fs::path scratch(const std::string& name) {
    const fs::path p = fs::temp_directory_path() / ("nnvp_outputs_test_" + name);
    fs::remove_all(p);
    fs::create_directories(p);
    return p;
}

std::string read(const fs::path& p) {
    std::ifstream in(p);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

std::vector<std::string> lines(const std::string& text) {
    std::vector<std::string> out;
    std::istringstream in(text);
    for (std::string l; std::getline(in, l);)
        out.push_back(l);
    return out;
}

using nnvp::test::split_csv;

// The small, fast bring-up scenario every test here runs.
const std::string demo = std::string(NNVP_SOURCE_DIR) + "/scenarios/bringup/dma_tensor_demo.json";
const std::string small =
    " --set firmware.args.channels=4 --set firmware.args.height=16"
    " --set firmware.args.width=16 --set firmware.args.tile=8";

}  // namespace

TEST(outputs, a_run_writes_a_self_contained_report_html) {
    const fs::path out = scratch("html");
    const result r = nnvp_cli("run " + demo + " --out " + out.string() + small);
    ASSERT_EQ(r.exit_code, 0) << r.output;
    const std::string html = read(out / "report.html");
    EXPECT_NE(html.find("id=\"headline\""), std::string::npos);
    EXPECT_NE(html.find("id=\"plot-power\""), std::string::npos);  // from trace.json counters
    EXPECT_NE(html.find("id=\"plot-residency\""), std::string::npos);
    EXPECT_NE(html.find("No layers"), std::string::npos);  // bring-up: no NN core
    EXPECT_EQ(html.find("<script"), std::string::npos);
    EXPECT_NE(r.output.find("report.html"), std::string::npos);
    EXPECT_NE(r.output.find("energy_j"), std::string::npos);  // the summary table
}

TEST(outputs, trace_json_is_trace_event_json_with_a_track_per_block) {
    const fs::path out = scratch("trace");
    ASSERT_EQ(nnvp_cli("run " + demo + " --out " + out.string() + small).exit_code, 0);
    const auto trace = nlohmann::json::parse(read(out / "trace.json"));
    ASSERT_TRUE(trace["traceEvents"].is_array());
    std::set<std::string> tracks, counters;
    std::map<std::string, int> phases;
    for (const auto& ev : trace["traceEvents"]) {
        const std::string ph = ev.at("ph");
        ++phases[ph];
        EXPECT_TRUE(ev.contains("pid")) << ev.dump();
        if (ph == "M" && ev["name"] == "thread_name")
            tracks.insert(ev["args"]["name"].get<std::string>());
        if (ph == "X") {
            EXPECT_GE(ev.at("dur").get<double>(), 0) << ev.dump();
            EXPECT_GE(ev.at("ts").get<double>(), 0) << ev.dump();
        }
        if (ph == "C") {
            EXPECT_TRUE(ev.at("args").at("value").is_number()) << ev.dump();
            counters.insert(ev["name"].get<std::string>());
        }
    }
    EXPECT_GT(phases["X"], 0);  // DMA transfers
    EXPECT_GT(phases["i"], 0);  // interrupts, firmware messages
    for (const char* t : {"cpu", "dma.ch0", "irq"})
        EXPECT_TRUE(tracks.count(t)) << t << " missing; tracks: " << nlohmann::json(tracks).dump();
    for (const char* c : {"power_w", "nncore.freq_mhz", "fabric.state", "fabric.opp"})
        EXPECT_TRUE(counters.count(c)) << c;
}

TEST(outputs, power_vcd_parses) {
    const fs::path out = scratch("vcd");
    ASSERT_EQ(nnvp_cli("run " + demo + " --out " + out.string() + small).exit_code, 0);
    std::map<std::string, std::string> type_of;  // id -> wire, integer or real
    std::map<std::string, std::string> name_of;
    bool definitions_done = false;
    long long last_time = -1;
    int changes = 0;
    for (const std::string& l : lines(read(out / "power.vcd"))) {
        if (l.empty())
            continue;
        if (!definitions_done) {
            if (l.rfind("$var ", 0) == 0) {
                std::istringstream in(l.substr(5));
                std::string type, width, id, name;
                in >> type >> width >> id >> name;
                EXPECT_EQ(width, type == "wire" ? "1" : type == "integer" ? "32" : "64") << l;
                type_of[id] = type;
                name_of[id] = name;
            }
            definitions_done = l == "$enddefinitions $end";
            continue;
        }
        if (l[0] == '#') {
            const long long t = std::stoll(l.substr(1));
            EXPECT_GT(t, last_time) << "time must increase: " << l;
            last_time = t;
            continue;
        }
        ++changes;
        if (l[0] == '0' || l[0] == '1') {  // a scalar: value then id, no space
            EXPECT_EQ(type_of[l.substr(1)], "wire") << l;
            continue;
        }
        const auto space = l.find(' ');
        ASSERT_NE(space, std::string::npos) << l;
        const std::string id = l.substr(space + 1);
        ASSERT_TRUE(type_of.count(id)) << "undeclared id in " << l;
        if (l[0] == 'b') {
            EXPECT_EQ(type_of[id], "integer") << l;
            EXPECT_EQ(l.substr(1, space - 1).find_first_not_of("01"), std::string::npos) << l;
        } else {
            ASSERT_EQ(l[0], 'r') << l;
            EXPECT_EQ(type_of[id], "real") << l;
            std::stod(l.substr(1, space - 1));
        }
    }
    EXPECT_TRUE(definitions_done);
    EXPECT_GE(type_of.size(), 20u);  // 5 domains x 5 signals, irqs, total power
    for (const auto& [id, name] : name_of) {
        const std::string want = name.rfind("irq_", 0) == 0 ? "wire"
                                 : name.find("_state") != std::string::npos ||
                                           name.find("_opp") != std::string::npos
                                     ? "integer"
                                     : "real";
        EXPECT_EQ(type_of[id], want) << name;
    }
    EXPECT_GT(changes, 0);
    EXPECT_GT(last_time, 0);
}

TEST(outputs, sweep_runs_points_records_a_bad_one_and_resumes) {
    const fs::path dir = scratch("sweep");
    std::ofstream(dir / "sweep.json") << R"({
      "scenario": ")" + demo + R"(",
      "set": {"firmware.args.channels": 4, "firmware.args.height": 16, "firmware.args.width": 16},
      "list": [{"firmware.args.tile": 8}, {"firmware.args.tile": 100000},
               {"firmware.args.tile": 16}],
      "pareto": [{"min": "avg_power_w"}, {"min": "simulated_s"}]
    })";
    const std::string out = (dir / "out").string();
    const result first = nnvp_cli("sweep " + (dir / "sweep.json").string() + " -j 2 --out " + out);
    EXPECT_EQ(first.exit_code, 1) << first.output;  // one point failed
    EXPECT_NE(first.output.find("3 points (0 already done)"), std::string::npos) << first.output;
    EXPECT_NE(first.output.find("2 of 3 points ok"), std::string::npos) << first.output;

    const auto rows = lines(read(fs::path(out) / "sweep.csv"));
    ASSERT_EQ(rows.size(), 4u);
    const std::string html = read(fs::path(out) / "sweep.html");
    EXPECT_NE(html.find("3 points, 2 ok, 1 failed"), std::string::npos) << html;
    EXPECT_NE(html.find("id=\"front2\""), std::string::npos);
    const auto header = split_csv(rows[0]);
    std::map<std::string, std::size_t> col;
    for (std::size_t i = 0; i < header.size(); ++i)
        col[header[i]] = i;
    for (const char* c : {"point", "status", "exit_code", "firmware.args.tile", "simulated_s",
                          "energy_j", "avg_power_w", "latency_s", "pareto_energy_j_latency_s",
                          "pareto_avg_power_w_simulated_s", "error", "dir"})
        ASSERT_TRUE(col.count(c)) << c << " in " << rows[0];
    const auto p0 = split_csv(rows[1]), p1 = split_csv(rows[2]), p2 = split_csv(rows[3]);
    EXPECT_EQ(p0[col["status"]], "ok");
    EXPECT_EQ(p0[col["firmware.args.tile"]], "8");
    EXPECT_EQ(p2[col["firmware.args.tile"]], "16");
    EXPECT_GT(std::stod(p0[col["energy_j"]]), 0);
    EXPECT_EQ(p1[col["status"]], "error");
    EXPECT_EQ(p1[col["exit_code"]], "2");
    EXPECT_NE(p1[col["error"]].find("firmware.args"), std::string::npos) << rows[2];
    EXPECT_EQ(p1[col["energy_j"]], "");
    EXPECT_EQ(p1[col["pareto_energy_j_latency_s"]], "0");
    // Each point is a run of its own, with the sweep's values applied.
    const auto rep0 = nlohmann::json::parse(read(fs::path(out) / "p0000" / "report.json"));
    EXPECT_EQ(rep0["firmware"]["args"]["tile"], 8);
    EXPECT_EQ(rep0["firmware"]["args"]["channels"], 4);
    // At least one ok point is on each front.
    EXPECT_TRUE(p0[col["pareto_energy_j_latency_s"]] == "1" ||
                p2[col["pareto_energy_j_latency_s"]] == "1");

    // Again: the finished points are kept, only the failed one runs.
    const auto mtime = fs::last_write_time(fs::path(out) / "p0000" / "report.json");
    const result again = nnvp_cli("sweep " + (dir / "sweep.json").string() + " --out " + out);
    EXPECT_EQ(again.exit_code, 1) << again.output;
    EXPECT_NE(again.output.find("3 points (2 already done)"), std::string::npos) << again.output;
    EXPECT_EQ(fs::last_write_time(fs::path(out) / "p0000" / "report.json"), mtime);
    EXPECT_EQ(lines(read(fs::path(out) / "sweep.csv")), rows);
}

TEST(outputs, sweep_refuses_a_bad_sweep_file) {
    const fs::path dir = scratch("sweep_bad");
    std::ofstream(dir / "bad.json") << R"({"scenario": ")" + demo + R"(", "grid": {"mode": []}})";
    const result r =
        nnvp_cli("sweep " + (dir / "bad.json").string() + " --out " + (dir / "o").string());
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_NE(
        r.output.find((dir / "bad.json").string() + ": grid.mode: expected a non-empty array"),
        std::string::npos)
        << r.output;
    const result j = nnvp_cli("sweep " + (dir / "bad.json").string() + " -j 0");
    EXPECT_EQ(j.exit_code, 2);
    EXPECT_NE(j.output.find("-j 0: expected a whole number"), std::string::npos) << j.output;
}

TEST(outputs, compare_shows_two_runs_side_by_side) {
    const fs::path a = scratch("cmp_a"), b = scratch("cmp_b");
    ASSERT_EQ(nnvp_cli("run " + demo + " --out " + a.string() + small).exit_code, 0);
    ASSERT_EQ(nnvp_cli("run " + demo + " --out " + b.string() + small + " --set firmware.args.tile=16")
                  .exit_code,
              0);
    const result r = nnvp_cli("compare " + a.string() + " " + (b / "report.json").string());
    ASSERT_EQ(r.exit_code, 0) << r.output;
    EXPECT_NE(r.output.find("B/A"), std::string::npos) << r.output;
    EXPECT_NE(r.output.find("energy_j"), std::string::npos);
    // The same run against itself: every ratio is 1.
    const result same = nnvp_cli("compare " + a.string() + " " + a.string());
    int ratios = 0;
    for (const std::string& l : lines(same.output))
        if (l.size() > 5 && l.back() == 'x') {
            EXPECT_EQ(l.substr(l.size() - 5), "1.00x") << l;
            ++ratios;
        }
    EXPECT_GT(ratios, 3) << same.output;

    const result missing = nnvp_cli("compare " + a.string() + " /nonexistent/report.json");
    EXPECT_EQ(missing.exit_code, 2);
    EXPECT_NE(missing.output.find("/nonexistent/report.json: cannot open file"), std::string::npos)
        << missing.output;
}

// Issue 17: single 10 us windows of 25-97 W on a chip averaging 250 mW set
// the power plot's range. No power counter of a real run may have a window
// more than 3x its third-highest (report.html would cut it and say so).
TEST(outputs, no_power_window_dominates_a_real_run) {
    const fs::path out = scratch("googlenet_power");
    const result r = nnvp_cli("run " + std::string(NNVP_SOURCE_DIR) +
                              "/scenarios/networks/googlenet_int8.json --set mode=timing --out " +
                              out.string());
    ASSERT_EQ(r.exit_code, 0) << r.output;
    const auto trace = nlohmann::json::parse(read(out / "trace.json"));
    std::map<std::string, std::vector<double>> windows;
    for (const auto& ev : trace.at("traceEvents"))
        if (ev.value("ph", "") == "C") {
            const std::string name = ev.value("name", "");
            if (name.size() >= 7 && name.compare(name.size() - 7, 7, "power_w") == 0)
                windows[name].push_back(ev.at("args").at("value").get<double>());
        }
    ASSERT_TRUE(windows.count("power_w"));
    ASSERT_TRUE(windows.count("cpu.power_w"));
    for (auto& [name, w] : windows) {
        ASSERT_GE(w.size(), 100u) << name;
        std::sort(w.begin(), w.end());
        EXPECT_LE(w.back(), 3 * w[w.size() - 3]) << name << ": peak " << w.back();
    }
    EXPECT_EQ(read(out / "report.html").find("above the range"), std::string::npos);
    // The NN core's spans carry their layers' names (issue 17: "conv2d#6").
    const auto report = nlohmann::json::parse(read(out / "report.json"));
    std::set<std::string> layers;
    for (const auto& l : report.at("layers"))
        layers.insert(l.at("name").get<std::string>());
    int nncore_tid = -1;
    for (const auto& ev : trace.at("traceEvents"))
        if (ev.value("ph", "") == "M" && ev.value("name", "") == "thread_name" &&
            ev.at("args").at("name") == "nncore")
            nncore_tid = ev.at("tid").get<int>();
    std::size_t spans = 0;
    for (const auto& ev : trace.at("traceEvents"))
        if (ev.value("ph", "") == "X" && ev.value("tid", -2) == nncore_tid) {
            ++spans;
            EXPECT_TRUE(layers.count(ev.at("name").get<std::string>())) << ev.at("name");
        }
    EXPECT_GT(spans, 72u);  // 72 core steps, some of several commands
}

// Issue 16: register accesses (block, register, value; DMA channels named)
// and bus transactions (initiator, target, address, bytes, start and end)
// in trace.json when asked, bounded, with a note when cut.
TEST(outputs, register_and_bus_traces_are_in_trace_json_and_bounded) {
    const fs::path out = scratch("regtrace"), cut = scratch("regtrace_cut");
    const std::string sets =
        " --set platform.trace_registers=true --set platform.trace_transactions=true";
    ASSERT_EQ(nnvp_cli("run " + demo + " --out " + out.string() + small + sets).exit_code, 0);
    const auto trace = nlohmann::json::parse(read(out / "trace.json"));
    std::map<int, std::string> track;
    for (const auto& ev : trace.at("traceEvents"))
        if (ev.value("ph", "") == "M" && ev.value("name", "") == "thread_name")
            track[ev.at("tid").get<int>()] = ev.at("args").at("name").get<std::string>();
    std::map<std::string, int> events;
    bool channel_named = false, dram_bytes = false, fields_decoded = false;
    for (const auto& ev : trace.at("traceEvents")) {
        if (!ev.contains("tid") || ev.value("ph", "") == "M")
            continue;
        const std::string t = track[ev.at("tid").get<int>()], name = ev.value("name", "");
        ++events[t];
        channel_named |= t == "regs.dma" && name.rfind("write ch0.CTRL = 0x", 0) == 0;
        // The driver starts a channel with its done interrupt: fields by name.
        fields_decoded |= t == "regs.dma" && name.rfind("write ch0.CTRL = 0x", 0) == 0 &&
                          name.find("START=1") != std::string::npos &&
                          name.find("IRQ_DONE=1") != std::string::npos;
        dram_bytes |= t == "bus.dma" && name == "read dram" &&
                      ev.at("args").at("bytes").get<double>() > 0 && ev.at("dur").get<double>() > 0;
    }
    EXPECT_TRUE(channel_named);
    EXPECT_TRUE(fields_decoded);
    EXPECT_TRUE(dram_bytes);
    for (const char* t : {"regs.dma", "regs.intc", "bus.cpu", "bus.dma"})
        EXPECT_GT(events[t], 0) << t;
    const auto report = nlohmann::json::parse(read(out / "report.json"));
    const auto& notes = report.at("trace");
    EXPECT_EQ(notes.at("register_accesses").at("seen"),
              events["regs.dma"] + events["regs.intc"] + events["regs.timer"] + events["regs.power"]);
    EXPECT_EQ(notes.at("transactions").at("seen"), events["bus.cpu"] + events["bus.dma"]);
    EXPECT_FALSE(notes.at("transactions").contains("note"));
    // Cut at 100 of each: the first 100 kept, the note says so.
    ASSERT_EQ(nnvp_cli("run " + demo + " --out " + cut.string() + small + sets +
                       " --set platform.trace_event_limit=100")
                  .exit_code,
              0);
    const auto cut_notes = nlohmann::json::parse(read(cut / "report.json")).at("trace");
    EXPECT_EQ(cut_notes.at("transactions").at("recorded"), 100);
    EXPECT_EQ(cut_notes.at("transactions").at("note"),
              "trace.json holds the first 100 of " +
                  std::to_string(cut_notes.at("transactions").at("seen").get<uint64_t>()));
}
