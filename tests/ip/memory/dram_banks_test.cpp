// The DRAM bank model (dram_banks.h) against the LPDDR4-3200 timings it
// takes from JESD209-4B, every expected time worked out in its comment; and
// the memory module with it: a strided pattern costs more than a stream.
#define SC_INCLUDE_DYNAMIC_PROCESSES
#include "ip/memory/dram_banks.h"
#include "ip/memory/memory.h"
#include "ip/memory/memory_config.h"
#include "tests/support/sc_harness.h"

#include <gtest/gtest.h>

#include <vector>

using namespace nnvp;

namespace {

dram_bank_config lpddr4() {
    dram_bank_config c;
    c.enabled = true;
    return c;  // 8 banks, 2 KiB rows, tRCD 18, tRP 18, RL 17.5, tWTR 10, tRTW 15, tRFC 280, tREFI 3904
}

}  // namespace

TEST(dram_banks, hit_empty_and_miss_cost_their_datasheet_latencies) {
    dram_banks b(lpddr4());
    // Empty bank 0: tRCD + RL = 18 + 17.5 = 35.5 ns after arrival.
    auto t = b.access(0x0, 64, false, 100.0);
    EXPECT_EQ(t.kind, dram_banks::outcome::empty);
    EXPECT_DOUBLE_EQ(t.first_data_ns, 135.5);
    b.data_end(140.0, false);
    // Same row: a hit, RL only.
    t = b.access(0x40, 64, false, 200.0);
    EXPECT_EQ(t.kind, dram_banks::outcome::hit);
    EXPECT_DOUBLE_EQ(t.first_data_ns, 217.5);
    b.data_end(222.0, false);
    // Row 8 x 2 KiB = 16 KiB maps to bank 0 again, another row: a miss,
    // tRP + tRCD + RL = 18 + 18 + 17.5 = 53.5 ns.
    t = b.access(16 * 1024, 64, false, 300.0);
    EXPECT_EQ(t.kind, dram_banks::outcome::miss);
    EXPECT_DOUBLE_EQ(t.first_data_ns, 353.5);
    b.data_end(358.0, false);
    // The next 2 KiB row is bank 1, still empty.
    t = b.access(2048, 64, false, 400.0);
    EXPECT_EQ(t.kind, dram_banks::outcome::empty);
    const dram_banks::stats& s = b.get_stats();
    EXPECT_EQ(s.hits, 1u);
    EXPECT_EQ(s.empties, 2u);
    EXPECT_EQ(s.misses, 1u);
    EXPECT_EQ(s.activates(), 3u);
}

TEST(dram_banks, refresh_stalls_and_closes_every_row_and_turnaround_waits) {
    dram_banks b(lpddr4());
    b.access(0x0, 64, false, 0.0);
    b.data_end(40.0, false);
    // Arriving at 3904 + 100 falls inside refresh 1 [3904, 4184): the
    // access waits to 4184 and finds its row closed: 4184 + 35.5.
    auto t = b.access(0x40, 64, false, 4004.0);
    EXPECT_EQ(t.kind, dram_banks::outcome::empty);
    EXPECT_DOUBLE_EQ(t.first_data_ns, 4219.5);
    EXPECT_EQ(b.get_stats().refresh_waits, 1u);
    EXPECT_DOUBLE_EQ(b.get_stats().refresh_wait_ns, 180.0);
    b.data_end(4225.0, false);
    // A write right after: a hit (RL 17.5 -> 4247.5 from 4230) but no earlier
    // than the read's data end + tRTW = 4225 + 15 = 4240: the hit wins.
    t = b.access(0x80, 64, true, 4230.0);
    EXPECT_DOUBLE_EQ(t.first_data_ns, 4247.5);
    b.data_end(4252.0, true);
    // A read at 4252: hit at 4269.5, turnaround 4252 + tWTR 10 = 4262: hit.
    // With tWTR 30 the turnaround decides: 4282.
    dram_bank_config slow = lpddr4();
    slow.t_wtr_ns = 30.0;
    dram_banks c(slow);
    c.access(0x0, 64, true, 0.0);
    c.data_end(40.0, true);
    t = c.access(0x40, 64, false, 41.0);
    EXPECT_DOUBLE_EQ(t.first_data_ns, 70.0);  // 40 + 30 (the hit alone: 41 + 17.5)
    EXPECT_EQ(c.get_stats().turnarounds, 1u);
    EXPECT_DOUBLE_EQ(c.get_stats().turnaround_ns, 11.5);
}

TEST(dram_banks, config_is_validated_by_field) {
    const nlohmann::json ok = {{"banks", {{"count", 4}, {"row_bytes", 1024}, {"t_cl_ns", 15}}}};
    const memory_config c = parse_memory_config(config_node(ok, "p.json", "dram"));
    EXPECT_TRUE(c.banks.enabled);
    EXPECT_EQ(c.banks.banks, 4u);
    EXPECT_EQ(c.banks.row_bytes, 1024u);
    EXPECT_DOUBLE_EQ(c.banks.t_cl_ns, 15.0);
    EXPECT_FALSE(parse_memory_config(config_node(nlohmann::json::object(), "p.json", "dram"))
                     .banks.enabled);
    auto fails = [](const nlohmann::json& banks, const std::string& what) {
        try {
            parse_memory_config(config_node(nlohmann::json{{"banks", banks}}, "p.json", "dram"));
            ADD_FAILURE() << "accepted " << banks.dump();
        } catch (const config_error& e) {
            EXPECT_NE(std::string(e.what()).find(what), std::string::npos) << e.what();
        }
    };
    fails({{"row_bytes", 1000}}, "p.json: dram.banks.row_bytes: expected a power of two");
    fails({{"t_rfc_ns", 5000}}, "dram.banks.t_rfc_ns: expected less than t_refi_ns");
    fails({{"count", 0}}, "dram.banks.count");
    fails({{"tRCD", 18}}, "tRCD");
}

// 32 reads of 256 bytes through the memory module at 800 MHz, 16 B/cycle:
// contiguous (8 per 2 KiB row, walking the banks: 4 activations, 28 hits)
// against a stride of 16 KiB (every access a new row of bank 0: 1 empty, 31
// misses). The strided pattern takes longer by the misses' tRP + tRCD.
TEST(dram_banks, a_strided_pattern_costs_more_than_a_stream) {
    clock_domain clk("dram", {{800e6, 1.1}}, 0, 1.1);
    memory_config cfg = memory_config::dram();
    cfg.size_bytes = 1 << 20;
    cfg.latency_cycles = 8;
    cfg.banks = lpddr4();
    cfg.banks.t_refi_ns = 0;  // no refresh: the two runs follow each other in time
    memory stream_mem("stream", clk, cfg), strided_mem("strided", clk, cfg);
    test::bus_master stream_tb("stream_tb"), strided_tb("strided_tb");
    stream_tb.socket.bind(stream_mem.target);
    strided_tb.socket.bind(strided_mem.target);
    double t_seq = 0, t_strided = 0;
    test::run_thread([&] {
        std::vector<uint8_t> buf(256);
        auto run = [&](test::bus_master& tb, uint64_t stride) {
            const sc_core::sc_time t0 = sc_core::sc_time_stamp();
            for (uint64_t i = 0; i < 32; ++i)
                tb.access(tlm::TLM_READ_COMMAND, (i * stride) % (1 << 20), buf.data(), 256);
            return (sc_core::sc_time_stamp() - t0).to_seconds() * 1e9;
        };
        t_seq = run(stream_tb, 256);
        t_strided = run(strided_tb, 16 * 1024);
    });
    const dram_banks::stats& seq = stream_mem.banks()->get_stats();
    const dram_banks::stats& strided = strided_mem.banks()->get_stats();
    EXPECT_EQ(seq.empties, 4u);  // rows 0..3 in banks 0..3
    EXPECT_EQ(seq.hits, 28u);
    EXPECT_EQ(strided.empties, 1u);
    EXPECT_EQ(strided.misses, 31u);
    // Blocking accesses, one after another: each costs its bank latency +
    // 8 controller cycles (10 ns) + 16 cycles of data (20 ns). Stream: 4 x
    // 35.5 + 28 x 17.5 + 32 x 30 = 1592 ns; strided: 35.5 + 31 x 53.5 + 960
    // = 2654 ns.
    EXPECT_NEAR(t_seq, 1592.0, 0.01);
    EXPECT_NEAR(t_strided, 2654.0, 0.01);
}
