// trace.json is valid trace-event JSON with one track per block; power.vcd is
// a well-formed value change dump.
#include "platform/timeline.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <sstream>

using namespace nnvp;

namespace {
timeline sample_timeline() {
    timeline t;
    t.add_span({"dma.ch0", "transfer", 1e-6, 3e-6, {{"bytes", 4096}}});
    t.add_span({"dma.ch1", "transfer", 2e-6, 5e-6, {}});
    t.add_instant({"irq", "dma", 3e-6});
    t.set("nncore.freq_mhz", 0, 1000);
    t.set("nncore.freq_mhz", 1e-6, 1000);  // unchanged: not recorded
    t.set("nncore.freq_mhz", 2e-6, 300);
    t.set("power_w", 1e-6, 0.25);
    t.set("irq.dma", 3e-6, 1);
    t.set("nncore.state", 2e-6, 2);
    return t;
}
}  // namespace

TEST(timeline, trace_json_has_spans_instants_counters_and_named_tracks) {
    std::ostringstream os;
    sample_timeline().write_trace_json(os);
    const nlohmann::json j = nlohmann::json::parse(os.str());
    const auto& ev = j.at("traceEvents");
    int spans = 0, instants = 0, counters = 0;
    std::set<std::string> tracks;
    for (const auto& e : ev) {
        const std::string ph = e.at("ph");
        if (ph == "X") {
            ++spans;
            EXPECT_GE(e.at("dur").get<double>(), 0);
        } else if (ph == "i") {
            ++instants;
        } else if (ph == "C") {
            ++counters;
        } else if (ph == "M" && e.at("name") == "thread_name") {
            tracks.insert(e.at("args").at("name").get<std::string>());
        }
        if (ph != "M") {
            EXPECT_TRUE(e.contains("ts"));
        }
    }
    EXPECT_EQ(spans, 2);
    EXPECT_EQ(instants, 1);
    EXPECT_EQ(counters, 5);
    EXPECT_EQ(tracks, (std::set<std::string>{"dma.ch0", "dma.ch1", "irq"}));
    EXPECT_DOUBLE_EQ(ev[0].at("ts").get<double>(), 1.0);  // microseconds
    EXPECT_DOUBLE_EQ(ev[0].at("dur").get<double>(), 2.0);
}

TEST(timeline, vcd_declares_every_signal_and_orders_time) {
    std::ostringstream os;
    sample_timeline().write_vcd(os, 10e-6);
    const std::string vcd = os.str();
    EXPECT_NE(vcd.find("$timescale 1ps $end"), std::string::npos);
    EXPECT_NE(vcd.find("$var real 64 ! nncore_freq_mhz $end"), std::string::npos);
    EXPECT_NE(vcd.find("$var real 64 \" power_w $end"), std::string::npos);
    EXPECT_NE(vcd.find("$enddefinitions $end"), std::string::npos);
    // Time stamps strictly increase: #0, #1000000 (1 us), #2000000, then the end.
    std::istringstream in(vcd);
    std::string line;
    long long last = -1;
    std::vector<long long> times;
    while (std::getline(in, line))
        if (!line.empty() && line[0] == '#') {
            const long long t = std::stoll(line.substr(1));
            EXPECT_GT(t, last);
            last = t;
            times.push_back(t);
        }
    EXPECT_EQ(times, (std::vector<long long>{0, 1000000, 2000000, 3000000, 10000000}));
    EXPECT_NE(vcd.find("r300 !"), std::string::npos);
    // Interrupt lines are wires, power states integers (issue 17: all were reals).
    EXPECT_NE(vcd.find("$var wire 1 # irq_dma $end"), std::string::npos) << vcd;
    EXPECT_NE(vcd.find("$var integer 32 $ nncore_state $end"), std::string::npos);
    EXPECT_NE(vcd.find("\n1#\n"), std::string::npos);
    EXPECT_NE(vcd.find("\nb10 $\n"), std::string::npos);
}

TEST(timeline, spans_of_a_track_can_be_renamed_in_order) {
    timeline t = sample_timeline();
    t.add_span({"dma.ch0", "transfer", 4e-6, 5e-6, {}});
    t.rename_spans("dma.ch0", [](std::size_t k, const std::string& old) {
        return old + " " + std::to_string(k);
    });
    std::vector<std::string> names;
    for (const timeline::span& s : t.spans())
        names.push_back(s.name);
    EXPECT_EQ(names, (std::vector<std::string>{"transfer 0", "transfer", "transfer 1"}));
}
