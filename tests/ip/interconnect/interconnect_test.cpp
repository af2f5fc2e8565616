// Interconnect: decode and translation, address errors, exact delays,
// contention, DVFS of the fabric, counters and energy.
#define SC_INCLUDE_DYNAMIC_PROCESSES
#include "ip/common/bus_access.h"
#include "tests/ip/interconnect/fabric_bench.h"

#include <algorithm>
#include <cstring>
#include <vector>

using namespace nnvp;
using namespace sc_core;

namespace {
sc_time ns(double n) { return sc_time(n, SC_NS); }
}  // namespace

TEST(interconnect, decodes_and_translates_to_region_offsets) {
    test::fabric_bench b;
    test::run_thread([&] {
        // sram, 4 bytes: fabric 2 hop + ceil(4/16) = 3 cycles x 2 ns; sram 2 latency +
        // ceil(4/32) = 3 cycles x 4 ns.
        b.cpu.write32_ok(0x10000040, 0x11223344);
        EXPECT_EQ(b.cpu.last_delay(), ns(3 * 2 + 3 * 4));
        // dram, 64 bytes over its 8-byte port: 2 + 8 cycles x 2 ns; dram 10 + 64/16 cycles.
        std::vector<uint8_t> burst(64);
        for (unsigned i = 0; i < 64; ++i)
            burst[i] = static_cast<uint8_t>(i);
        EXPECT_EQ(b.cpu.access(tlm::TLM_WRITE_COMMAND, 0x80000100, burst.data(), 64),
                  tlm::TLM_OK_RESPONSE);
        EXPECT_EQ(b.cpu.last_delay(), ns(10 * 2 + 14 * 4));
        // The address is restored on return.
        tlm::tlm_generic_payload trans;
        uint32_t v = 0;
        set_access(trans, tlm::TLM_READ_COMMAND, 0x18000ffc, &v, 4);
        sc_time d = SC_ZERO_TIME;
        b.dma.socket->b_transport(trans, d);
        EXPECT_EQ(trans.get_response_status(), tlm::TLM_OK_RESPONSE);
        EXPECT_EQ(trans.get_address(), 0x18000ffcu);
    });
    uint32_t v = 0;
    b.sram.dump(0x40, &v, 4);
    EXPECT_EQ(v, 0x11223344u);
    std::vector<uint8_t> got(64);
    b.dram.dump(0x100, got.data(), 64);
    EXPECT_EQ(got[63], 63);
    EXPECT_EQ(b.scratch.get_stats().reads, 1u);
}

TEST(interconnect, unmapped_and_region_crossing_accesses_get_address_errors) {
    test::fabric_bench b;
    test::allow_warnings(true);
    const int before = test::warnings_seen();
    test::run_thread([&] {
        uint32_t v = 0;
        EXPECT_EQ(b.cpu.read32(0x0, v), tlm::TLM_ADDRESS_ERROR_RESPONSE);
        EXPECT_EQ(b.cpu.last_delay(), ns(2 * 2));  // decoded after the hop
        EXPECT_NE(test::last_warning().find("0x0"), std::string::npos);
        EXPECT_NE(test::last_warning().find("cpu"), std::string::npos);
        // The last two bytes of scratch plus two bytes beyond it.
        EXPECT_EQ(b.dma.write32(0x18000ffe, v), tlm::TLM_ADDRESS_ERROR_RESPONSE);
        EXPECT_NE(test::last_warning().find("0x18000ffe"), std::string::npos);
        EXPECT_NE(test::last_warning().find("dma"), std::string::npos);
        EXPECT_NE(test::last_warning().find("scratch"), std::string::npos);
        // Just past the end of dram, and at the top of the address space.
        EXPECT_EQ(b.cpu.read32(0x81000000, v), tlm::TLM_ADDRESS_ERROR_RESPONSE);
        EXPECT_EQ(b.cpu.read32(~0ull - 3, v), tlm::TLM_ADDRESS_ERROR_RESPONSE);
        // An error response of the target itself is passed through.
        uint8_t data[4];
        EXPECT_EQ(b.cpu.access(tlm::TLM_READ_COMMAND, 0x10000000, data, 4, data, 0),
                  tlm::TLM_BYTE_ENABLE_ERROR_RESPONSE);
        // A powered-off fabric answers with a generic error.
        b.fabric_clk.set_state(power_state::off);
        EXPECT_EQ(b.cpu.read32(0x10000000, v), tlm::TLM_GENERIC_ERROR_RESPONSE);
        b.fabric_clk.set_state(power_state::on);
        EXPECT_EQ(b.cpu.read32(0x10000000, v), tlm::TLM_OK_RESPONSE);
    });
    EXPECT_EQ(test::warnings_seen() - before, 6);
    const auto st = b.bus.get_stats();
    ASSERT_EQ(st.initiators.size(), 3u);
    EXPECT_EQ(st.initiators[0].name, "cpu");
    EXPECT_EQ(st.initiators[0].transactions, 6u);
    EXPECT_EQ(st.initiators[0].errors, 5u);
    EXPECT_EQ(st.initiators[0].bytes_read, 4u);
    EXPECT_EQ(st.initiators[1].errors, 1u);
    EXPECT_EQ(st.targets[0].name, "sram");
    EXPECT_EQ(st.targets[0].transactions, 2u);  // decode errors never reach a target
    EXPECT_EQ(st.targets[0].errors, 1u);
    EXPECT_EQ(st.targets[1].transactions, 0u);
}

TEST(interconnect, port_occupancy_serialises_simultaneous_requests) {
    test::fabric_bench b;
    test::run_thread([&] {
        std::vector<uint8_t> buf(64);
        // sram: fabric 2 + 4 cycles = 12 ns, sram 2 + 2 cycles = 16 ns.
        sc_time d1 = SC_ZERO_TIME, d2 = SC_ZERO_TIME;
        b.probe.transport(tlm::TLM_READ_COMMAND, 0x10000000, buf.data(), 64, d1);
        b.probe.transport(tlm::TLM_READ_COMMAND, 0x10000040, buf.data(), 64, d2);
        EXPECT_EQ(d1, ns(28));
        EXPECT_EQ(d2, ns(28 + 8));  // waited for the 4-cycle port occupancy
        // Another target's port is free: no wait.
        sc_time d3 = SC_ZERO_TIME;
        b.probe.transport(tlm::TLM_READ_COMMAND, 0x18000000, buf.data(), 4, d3);
        EXPECT_EQ(d3, ns(3 * 2 + 2 * 4));
        wait(ns(1000));
        // Halve the fabric clock: the fabric part (hop and occupancy) doubles.
        b.fabric_clk.set_opp(1);
        d1 = d2 = SC_ZERO_TIME;
        b.probe.transport(tlm::TLM_READ_COMMAND, 0x10000000, buf.data(), 64, d1);
        b.probe.transport(tlm::TLM_READ_COMMAND, 0x10000040, buf.data(), 64, d2);
        EXPECT_EQ(d1, ns(6 * 4 + 16));
        EXPECT_EQ(d2, ns(6 * 4 + 16 + 16));  // occupancy is now 4 x 4 ns
        // A decoupled initiator whose local time is past the busy window: no wait.
        sc_time d4 = ns(500);
        b.probe.transport(tlm::TLM_READ_COMMAND, 0x10000000, buf.data(), 64, d4);
        EXPECT_EQ(d4, ns(500 + 40));
    });
    const auto st = b.bus.get_stats();
    EXPECT_EQ(st.targets[0].transactions, 5u);
    EXPECT_EQ(st.targets[0].busy, ns(2 * 8 + 3 * 16));
    EXPECT_EQ(st.targets[0].bytes_read, 5u * 64);
    EXPECT_EQ(st.initiators[2].bytes_read, 5u * 64 + 4);
    // 2 x 64 + 4 bytes at 1.0 V, 3 x 64 at 0.8 V: 0.5 pJ/byte x (V/Vnom)^2.
    EXPECT_DOUBLE_EQ(b.bus.energy().dynamic_j(), (132 * 0.5 + 192 * 0.5 * 0.64) * 1e-12);
    EXPECT_DOUBLE_EQ(st.energy_j, b.bus.energy().total_j());
}

TEST(interconnect, two_masters_streaming_into_one_memory_share_its_bandwidth) {
    // A slow dram (1 byte per 4 ns cycle, 1 cycle latency) is the bottleneck.
    test::fabric_bench b(test::bench_memory(0x1000000, 1, 1));
    constexpr unsigned bursts = 16, bytes = 256;
    sc_time alone, first, second;
    test::run_thread([&] {
        auto stream = [&b](test::bus_master& m, uint64_t base) {
            std::vector<uint8_t> buf(bytes, 0x5a);
            for (unsigned i = 0; i < bursts; ++i)
                EXPECT_EQ(m.access(tlm::TLM_WRITE_COMMAND, base + i * bytes, buf.data(), bytes),
                          tlm::TLM_OK_RESPONSE);
        };
        stream(b.cpu, 0x80000000);
        alone = sc_time_stamp();
        const sc_time t0 = sc_time_stamp();
        std::vector<sc_time> done;
        auto h1 = sc_spawn([&] { stream(b.cpu, 0x80010000); done.push_back(sc_time_stamp()); });
        auto h2 = sc_spawn([&] { stream(b.dma, 0x80020000); done.push_back(sc_time_stamp()); });
        wait(h1.terminated_event() & h2.terminated_event());
        ASSERT_EQ(done.size(), 2u);
        first = done[0] - t0;
        second = done[1] - t0;
    });
    // Alone, per burst: hop 2 cycles (4 ns) + 256 bytes over the 8-byte dram port
    // (32 cycles, 64 ns), then dram latency 1 cycle + 256 cycles (4 ns each).
    const sc_time per_burst = ns(4 + 64 + 4 + 1024);
    EXPECT_EQ(alone, per_burst * bursts);
    // Together: the master served first runs as if alone for its first burst
    // (1096 ns); the other waits 64 ns for the port, then for the dram until
    // 1092 ns, and finishes 1024 ns later. From then on the dram alternates
    // between them, so each gets one burst per 2 x 1024 ns.
    EXPECT_EQ(first, ns(1096 + (bursts - 1) * 2048.0));
    EXPECT_EQ(second, ns(1096 + 1024 + (bursts - 1) * 2048.0));
    // About half the bandwidth each: close to twice the time alone.
    EXPECT_GT(first / alone, 1.8);
    EXPECT_LT(second / alone, 2.0);
    const auto st = b.bus.get_stats();
    EXPECT_EQ(st.targets[2].transactions, 3u * bursts);
    EXPECT_EQ(st.targets[2].bytes_written, 3u * bursts * bytes);
    EXPECT_EQ(st.initiators[0].transactions, 2u * bursts);
    EXPECT_EQ(st.initiators[1].transactions, bursts);
    EXPECT_EQ(b.dram.get_stats().busy, ns(1024.0 * 3 * bursts));
}
