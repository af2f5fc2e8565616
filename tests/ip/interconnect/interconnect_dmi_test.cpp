// Interconnect: DMI forwarding with translated and clipped ranges,
// invalidation broadcast, debug transport, binding by name.
#include "tests/ip/interconnect/fabric_bench.h"

#include <cstring>
#include <stdexcept>
#include <vector>

using namespace nnvp;
using namespace sc_core;

TEST(interconnect, dmi_ranges_are_translated_back_and_clipped_to_the_region) {
    test::fabric_bench b;
    test::run_thread([&] {
        tlm::tlm_dmi dmi;
        ASSERT_TRUE(b.probe.get_dmi(0x10012345, dmi));
        EXPECT_EQ(dmi.get_start_address(), 0x10010000u);  // sram page 0x10000..0x1ffff
        EXPECT_EQ(dmi.get_end_address(), 0x1001ffffu);
        EXPECT_EQ(dmi.get_read_latency(), sc_time(125, SC_PS));  // 4 ns / 32 bytes
        const uint32_t v = 0xa5a5f00d;
        std::memcpy(dmi.get_dmi_ptr() + (0x10012345 - dmi.get_start_address()), &v, 4);
        EXPECT_EQ(b.cpu.read32(0x10012345), v);

        // scratch is a 4 KiB region in front of a 64 KiB memory: clipped to the region.
        tlm::tlm_dmi small;
        ASSERT_TRUE(b.probe.get_dmi(0x18000010, small));
        EXPECT_EQ(small.get_start_address(), 0x18000000u);
        EXPECT_EQ(small.get_end_address(), 0x18000fffu);

        // Unmapped: denied for that address.
        tlm::tlm_dmi none;
        EXPECT_FALSE(b.probe.get_dmi(0x20000000, none));
        EXPECT_FALSE(none.is_read_allowed());
        EXPECT_EQ(none.get_start_address(), 0x20000000u);
        EXPECT_EQ(none.get_end_address(), 0x20000000u);

        // dram revokes all its pointers on a DVFS change: the fabric translates the
        // range to dram's global window and tells every initiator.
        tlm::tlm_dmi d;
        ASSERT_TRUE(b.probe.get_dmi(0x80000000, d));
        EXPECT_TRUE(b.probe.invalidations.empty());
        b.dram_clk.set_opp(1);
        ASSERT_EQ(b.probe.invalidations.size(), 1u);
        EXPECT_EQ(b.probe.invalidations[0].start, 0x80000000u);
        EXPECT_EQ(b.probe.invalidations[0].end, 0x80ffffffu);
    });
    // DMI requests move no data through the fabric.
    EXPECT_EQ(b.bus.get_stats().initiators[2].transactions, 0u);
}

TEST(interconnect, dmi_denial_from_a_target_is_translated) {
    memory_config cfg = test::bench_memory(0x1000000, 10, 16);
    cfg.dmi = false;
    test::fabric_bench b(cfg);
    test::run_thread([&] {
        tlm::tlm_dmi dmi;
        EXPECT_FALSE(b.probe.get_dmi(0x80001000, dmi));
        EXPECT_FALSE(dmi.is_read_allowed());
        EXPECT_EQ(dmi.get_start_address(), 0x80000000u);
        EXPECT_EQ(dmi.get_end_address(), 0x80ffffffu);
    });
}

TEST(interconnect, debug_transport_is_translated_clipped_and_free) {
    test::fabric_bench b;
    test::run_thread([&] {
        uint8_t w[16];
        for (unsigned i = 0; i < 16; ++i)
            w[i] = static_cast<uint8_t>(0xf0 + i);
        EXPECT_EQ(b.probe.debug(tlm::TLM_WRITE_COMMAND, 0x80000010, w, 16), 16u);
        uint8_t r[16] = {};
        EXPECT_EQ(b.probe.debug(tlm::TLM_READ_COMMAND, 0x80000010, r, 16), 16u);
        EXPECT_EQ(0, std::memcmp(r, w, 16));
        EXPECT_EQ(b.probe.debug(tlm::TLM_READ_COMMAND, 0x18000ffa, r, 16), 6u);
        EXPECT_EQ(b.probe.debug(tlm::TLM_READ_COMMAND, 0x0, r, 16), 0u);
        EXPECT_EQ(sc_time_stamp(), SC_ZERO_TIME);
    });
    uint8_t got[16];
    b.dram.dump(0x10, got, 16);
    EXPECT_EQ(got[15], 0xff);
    EXPECT_EQ(b.dram.get_stats().accesses(), 0u);
    EXPECT_EQ(b.bus.get_stats().targets[2].transactions, 0u);
    EXPECT_DOUBLE_EQ(b.bus.energy().dynamic_j(), 0.0);
}

TEST(interconnect, binding_is_by_name_and_every_region_must_be_bound) {
    clock_domain clk("fabric", {{500e6, 1.0}}, 0, 1.0);
    memory mem("sram", clk, test::bench_memory(0x1000, 1, 4));
    memory_map map;
    map.regions = {{"sram", 0x0, 0x1000, -1}, {"dram", 0x1000, 0x1000, -1}};
    interconnect bus("bus", map, clk);
    test::bus_master cpu("cpu");
    bus.bind_initiator("cpu", cpu.socket);
    EXPECT_THROW(bus.bind_initiator("cpu", cpu.socket), std::invalid_argument);
    EXPECT_THROW(bus.bind_target("flash", mem.target), std::invalid_argument);
    bus.bind_target("sram", mem.target);
    EXPECT_THROW(bus.bind_target("sram", mem.target), std::invalid_argument);
    EXPECT_EQ(bus.unbound_regions(), std::vector<std::string>{"dram"});
    // The platform learns about the missing target at the end of elaboration.
    bool reported = false;
    try {
        test::run_thread([] {});
    } catch (const sc_report& r) {
        reported = std::string(r.get_msg()).find("dram") != std::string::npos;
    }
    EXPECT_TRUE(reported);
}
