// trace.json is valid trace-event JSON with one track per block; power.vcd is
// a well-formed value change dump.
#include "platform/timeline.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <map>
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

TEST(timeline, spans_read_back_as_recorded) {
    const timeline t = sample_timeline();
    const std::vector<timeline::span> spans = t.spans();
    ASSERT_EQ(spans.size(), 2u);
    EXPECT_EQ(spans[0].track, "dma.ch0");
    EXPECT_EQ(spans[0].name, "transfer");
    EXPECT_EQ(spans[0].args, (std::map<std::string, double>{{"bytes", 4096}}));
    EXPECT_TRUE(spans[1].args.empty());
    ASSERT_EQ(t.instant_count(), 1u);
    EXPECT_EQ(t.instant_at(0).name, "dma");
    std::vector<std::string> signals;
    t.for_each_sample([&](const std::string& s, double, double) { signals.push_back(s); });
    EXPECT_EQ(signals, (std::vector<std::string>{"nncore.freq_mhz", "nncore.freq_mhz", "power_w",
                                                 "irq.dma", "nncore.state"}));
}

// A long run's trace stops at its bound: the events before the cut are
// kept, the rest counted; an unchanged value is no event.
TEST(timeline, events_past_the_limit_are_counted_not_kept) {
    timeline t(3);
    t.add_span({"nncore", "conv", 0, 1e-6, {{"macs", 10}}});
    t.set("power_w", 1e-6, 0.5);
    t.set("power_w", 1.5e-6, 0.5);  // unchanged
    t.add_instant({"irq", "nncore", 2e-6});
    t.add_span({"nncore", "conv", 2e-6, 3e-6, {}});  // the first past the limit
    t.set("power_w", 4e-6, 0.7);
    t.add_instant({"cpu", "done", 5e-6});
    EXPECT_EQ(t.spans().size(), 1u);
    EXPECT_EQ(t.instant_count(), 1u);
    EXPECT_EQ(t.dropped(), 3u);
    EXPECT_DOUBLE_EQ(t.cut_s(), 3e-6);
    std::ostringstream os;
    t.write_trace_json(os);
    // 3 events, the process name and two track names
    EXPECT_EQ(nlohmann::json::parse(os.str()).at("traceEvents").size(), 3u + 1 + 2);
}
