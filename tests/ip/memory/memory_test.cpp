// Memory model: timing to the cycle, data integrity, byte enables, streaming
// width, errors, lazy allocation, DMI, debug transport, energy, power states.
#define SC_INCLUDE_DYNAMIC_PROCESSES
#include "ip/common/bus_access.h"
#include "ip/memory/memory.h"
#include "tests/ip/memory/tlm_initiator.h"
#include "tests/support/sc_harness.h"

#include <cstring>
#include <vector>

using namespace nnvp;
using namespace sc_core;

namespace {

// 250 MHz (4 ns) at 1.0 V, or 125 MHz (8 ns) at 0.5 V.
std::vector<operating_point> mem_opps() { return {{250e6, 1.0}, {125e6, 0.5}}; }

memory_config small_config() {
    memory_config c;
    c.size_bytes = 1 << 20;
    c.latency_cycles = 10;
    c.bytes_per_cycle = 8;
    c.read_pj_per_byte = 2.0;
    c.write_pj_per_byte = 3.0;
    c.leakage_mw = 0.0;
    return c;
}

const sc_time ns(double n) { return sc_time(n, SC_NS); }

}  // namespace

TEST(memory, write_then_read_costs_latency_plus_occupancy) {
    clock_domain clk("mem", mem_opps(), 0, 1.0);
    memory mem("dram", clk, small_config());
    test::bus_master tb;
    tb.socket.bind(mem.target);
    test::run_thread([&] {
        std::vector<uint8_t> out(32), in(32);
        for (unsigned i = 0; i < 32; ++i)
            out[i] = static_cast<uint8_t>(i * 7 + 1);
        // 32 bytes at 8 B/cycle: 4 cycles of occupancy + 10 of latency = 14 x 4 ns.
        EXPECT_EQ(tb.access(tlm::TLM_WRITE_COMMAND, 0x100, out.data(), 32), tlm::TLM_OK_RESPONSE);
        EXPECT_EQ(tb.last_delay(), ns(56));
        EXPECT_EQ(sc_time_stamp(), ns(56));
        EXPECT_EQ(tb.access(tlm::TLM_READ_COMMAND, 0x100, in.data(), 32), tlm::TLM_OK_RESPONSE);
        EXPECT_EQ(tb.last_delay(), ns(56));
        EXPECT_EQ(in, out);
        // 1 byte still occupies one whole cycle.
        uint8_t b = 0;
        EXPECT_EQ(tb.access(tlm::TLM_READ_COMMAND, 0x101, &b, 1), tlm::TLM_OK_RESPONSE);
        EXPECT_EQ(tb.last_delay(), ns(44));
        EXPECT_EQ(b, out[1]);
    });
    const auto& st = mem.get_stats();
    EXPECT_EQ(st.reads, 2u);
    EXPECT_EQ(st.writes, 1u);
    EXPECT_EQ(st.accesses(), 3u);
    EXPECT_EQ(st.bytes_read, 33u);
    EXPECT_EQ(st.bytes_written, 32u);
    EXPECT_EQ(st.busy, ns(4 * 4 + 4 * 4 + 4));
    EXPECT_EQ(mem.energy().component(), "dram");
    EXPECT_DOUBLE_EQ(mem.energy().dynamic_j(), (33 * 2.0 + 32 * 3.0) * 1e-12);
}

TEST(memory, simultaneous_accesses_queue_behind_the_bandwidth) {
    clock_domain clk("mem", mem_opps(), 0, 1.0);
    memory mem("dram", clk, small_config());
    test::tlm_initiator a("a");
    a.socket.bind(mem.target);
    test::run_thread([&] {
        std::vector<uint8_t> buf(64);
        // 64 bytes: 8 cycles occupancy (32 ns), delay 18 cycles = 72 ns.
        sc_time d1 = SC_ZERO_TIME;
        EXPECT_EQ(a.transport(tlm::TLM_READ_COMMAND, 0, buf.data(), 64, d1),
                  tlm::TLM_OK_RESPONSE);
        EXPECT_EQ(d1, ns(72));
        // Issued at the same time: starts when the first has left the memory.
        sc_time d2 = SC_ZERO_TIME;
        a.transport(tlm::TLM_READ_COMMAND, 64, buf.data(), 64, d2);
        EXPECT_EQ(d2, ns(32 + 72));
        // Temporally decoupled initiator already past the busy window: no wait.
        sc_time d3 = ns(200);
        a.transport(tlm::TLM_WRITE_COMMAND, 128, buf.data(), 64, d3);
        EXPECT_EQ(d3, ns(200 + 72));
        // Ignore commands cost nothing and move nothing.
        sc_time d4 = SC_ZERO_TIME;
        EXPECT_EQ(a.transport(tlm::TLM_IGNORE_COMMAND, 0, buf.data(), 64, d4),
                  tlm::TLM_OK_RESPONSE);
        EXPECT_EQ(d4, SC_ZERO_TIME);
    });
    EXPECT_EQ(mem.get_stats().accesses(), 3u);
}

TEST(memory, halving_the_clock_doubles_latency_and_dynamic_energy_scales_with_v2) {
    clock_domain clk("mem", mem_opps(), 0, 1.0);
    memory mem("sram", clk, small_config());
    test::bus_master tb;
    tb.socket.bind(mem.target);
    test::run_thread([&] {
        uint32_t v = 0xdeadbeef;
        EXPECT_EQ(tb.write32(0x40, v), tlm::TLM_OK_RESPONSE);
        EXPECT_EQ(tb.last_delay(), ns(11 * 4));  // 10 + ceil(4 / 8) cycles
        clk.set_opp(1);
        EXPECT_EQ(tb.read32(0x40), 0xdeadbeefu);
        EXPECT_EQ(tb.last_delay(), ns(11 * 8));
    });
    // Write at 1.0 V (nominal), read at 0.5 V: (0.5 / 1.0)^2 = 0.25.
    EXPECT_DOUBLE_EQ(mem.energy().dynamic_j(), 4 * 3.0e-12 + 0.25 * 4 * 2.0e-12);
}

TEST(memory, byte_enables_follow_the_tlm_pattern_rule) {
    clock_domain clk("mem", mem_opps(), 0, 1.0);
    memory mem("dram", clk, small_config());
    test::bus_master tb;
    tb.socket.bind(mem.target);
    std::vector<uint8_t> fill(8, 0xaa);
    mem.load(0x200, fill.data(), fill.size());
    test::run_thread([&] {
        uint8_t data[8] = {0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88};
        // A 4-byte pattern repeated over 8 bytes: bytes 0, 2, 4, 6 enabled.
        unsigned char be[4] = {TLM_BYTE_ENABLED, TLM_BYTE_DISABLED, TLM_BYTE_ENABLED,
                               TLM_BYTE_DISABLED};
        EXPECT_EQ(tb.access(tlm::TLM_WRITE_COMMAND, 0x200, data, 8, be, 4),
                  tlm::TLM_OK_RESPONSE);
        EXPECT_EQ(tb.last_delay(), ns(11 * 4));  // timing charges all 8 bytes
        uint8_t got[8];
        mem.dump(0x200, got, 8);
        const uint8_t want[8] = {0x11, 0xaa, 0x33, 0xaa, 0x55, 0xaa, 0x77, 0xaa};
        EXPECT_EQ(0, std::memcmp(got, want, 8));
        // Read with a 2-byte pattern: odd bytes enabled, even bytes untouched.
        uint8_t rd[8];
        std::memset(rd, 0x5a, 8);
        unsigned char be2[2] = {TLM_BYTE_DISABLED, TLM_BYTE_ENABLED};
        EXPECT_EQ(tb.access(tlm::TLM_READ_COMMAND, 0x200, rd, 8, be2, 2), tlm::TLM_OK_RESPONSE);
        const uint8_t want_rd[8] = {0x5a, 0xaa, 0x5a, 0xaa, 0x5a, 0xaa, 0x5a, 0xaa};
        EXPECT_EQ(0, std::memcmp(rd, want_rd, 8));
        // A byte-enable pointer with length 0 is a byte-enable error.
        test::allow_warnings(true);
        EXPECT_EQ(tb.access(tlm::TLM_WRITE_COMMAND, 0x200, data, 8, be, 0),
                  tlm::TLM_BYTE_ENABLE_ERROR_RESPONSE);
        test::allow_warnings(false);
    });
    EXPECT_EQ(mem.get_stats().bytes_written, 4u);
    EXPECT_EQ(mem.get_stats().bytes_read, 4u);
    EXPECT_EQ(mem.get_stats().errors, 1u);
    EXPECT_DOUBLE_EQ(mem.energy().dynamic_j(), (4 * 3.0 + 4 * 2.0) * 1e-12);
}

TEST(memory, streaming_width_is_a_fifo_burst_at_one_address) {
    clock_domain clk("mem", mem_opps(), 0, 1.0);
    const memory_config cfg = small_config();
    memory mem("dram", clk, cfg);
    test::bus_master tb;
    tb.socket.bind(mem.target);
    test::run_thread([&] {
        uint8_t data[8] = {1, 2, 3, 4, 5, 6, 7, 8};
        // Streaming width 4: the second beat overwrites the first.
        EXPECT_EQ(tb.access(tlm::TLM_WRITE_COMMAND, 0x10, data, 8, nullptr, 0, 4),
                  tlm::TLM_OK_RESPONSE);
        uint8_t got[8];
        mem.dump(0x10, got, 8);
        const uint8_t want[8] = {5, 6, 7, 8, 0, 0, 0, 0};
        EXPECT_EQ(0, std::memcmp(got, want, 8));
        // Reading 8 bytes with width 2 repeats the same two bytes.
        uint8_t rd[8] = {};
        EXPECT_EQ(tb.access(tlm::TLM_READ_COMMAND, 0x10, rd, 8, nullptr, 0, 2),
                  tlm::TLM_OK_RESPONSE);
        const uint8_t want_rd[8] = {5, 6, 5, 6, 5, 6, 5, 6};
        EXPECT_EQ(0, std::memcmp(rd, want_rd, 8));
        // A streaming burst only needs its width inside the memory.
        EXPECT_EQ(tb.access(tlm::TLM_READ_COMMAND, cfg.size_bytes - 4, rd, 8, nullptr, 0, 4),
                  tlm::TLM_OK_RESPONSE);
        test::allow_warnings(true);
        tlm::tlm_generic_payload trans;
        set_access(trans, tlm::TLM_READ_COMMAND, 0, rd, 8);
        trans.set_streaming_width(0);
        sc_time d = SC_ZERO_TIME;
        tb.socket->b_transport(trans, d);
        EXPECT_EQ(trans.get_response_status(), tlm::TLM_BURST_ERROR_RESPONSE);
        test::allow_warnings(false);
    });
}

TEST(memory, out_of_range_accesses_get_address_errors_and_warnings) {
    clock_domain clk("mem", mem_opps(), 0, 1.0);
    const memory_config cfg = small_config();
    memory mem("dram", clk, cfg);
    test::bus_master tb;
    tb.socket.bind(mem.target);
    test::allow_warnings(true);
    const int before = test::warnings_seen();
    test::run_thread([&] {
        uint32_t v = 0;
        EXPECT_EQ(tb.read32(cfg.size_bytes - 2, v), tlm::TLM_ADDRESS_ERROR_RESPONSE);
        EXPECT_NE(test::last_warning().find("0xffffe"), std::string::npos);
        EXPECT_EQ(tb.read32(cfg.size_bytes, v), tlm::TLM_ADDRESS_ERROR_RESPONSE);
        EXPECT_EQ(tb.write32(~0ull - 1, v), tlm::TLM_ADDRESS_ERROR_RESPONSE);  // no wrap
        EXPECT_EQ(tb.last_delay(), SC_ZERO_TIME);
        EXPECT_EQ(tb.read32(cfg.size_bytes - 4, v), tlm::TLM_OK_RESPONSE);
    });
    EXPECT_EQ(test::warnings_seen() - before, 3);
    EXPECT_EQ(mem.get_stats().errors, 3u);
    EXPECT_EQ(mem.get_stats().reads, 1u);
}

TEST(memory, a_4_gib_dram_allocates_only_touched_pages) {
    clock_domain clk("mem", mem_opps(), 0, 1.0);
    memory_config cfg = memory_config::dram();
    cfg.size_bytes = 4ull << 30;
    memory mem("dram", clk, cfg);
    test::bus_master tb;
    tb.socket.bind(mem.target);
    EXPECT_EQ(mem.allocated_pages(), 0u);
    test::run_thread([&] {
        tb.write32_ok(cfg.size_bytes - 4, 0x12345678);
        EXPECT_EQ(tb.read32(cfg.size_bytes - 4), 0x12345678u);
        EXPECT_EQ(tb.read32(2ull << 30), 0u);  // unwritten memory reads as zero
        std::vector<uint8_t> big(3 * memory::page_bytes, 0xff);
        tb.access(tlm::TLM_READ_COMMAND, 1ull << 30, big.data(), big.size());
        EXPECT_EQ(big, std::vector<uint8_t>(big.size(), 0));
    });
    EXPECT_EQ(mem.allocated_pages(), 1u);  // reads allocate nothing
}

TEST(memory, dmi_is_granted_per_page_with_per_byte_latency) {
    clock_domain clk("mem", mem_opps(), 0, 1.0);
    memory mem("dram", clk, small_config());
    test::tlm_initiator ini("ini");
    ini.socket.bind(mem.target);
    test::run_thread([&] {
        tlm::tlm_dmi dmi;
        ASSERT_TRUE(ini.get_dmi(0x12345, dmi));
        EXPECT_EQ(dmi.get_start_address(), 0x10000u);
        EXPECT_EQ(dmi.get_end_address(), 0x1ffffu);
        EXPECT_TRUE(dmi.is_read_write_allowed());
        EXPECT_EQ(dmi.get_read_latency(), sc_time(500, SC_PS));  // 4 ns / 8 bytes
        EXPECT_EQ(dmi.get_write_latency(), sc_time(500, SC_PS));
        EXPECT_EQ(mem.allocated_pages(), 1u);
        // Writes through the pointer are seen by transactions, and back.
        const uint32_t v = 0xcafef00d;
        std::memcpy(dmi.get_dmi_ptr() + 0x2345, &v, 4);
        uint32_t r = 0;
        sc_time d = SC_ZERO_TIME;
        ini.transport(tlm::TLM_READ_COMMAND, 0x12345, &r, 4, d);
        EXPECT_EQ(r, v);
        // Beyond the memory: denied.
        tlm::tlm_dmi no;
        EXPECT_FALSE(ini.get_dmi(small_config().size_bytes, no));
        // A DVFS change changes the latencies: every pointer is revoked.
        EXPECT_TRUE(ini.invalidations.empty());
        clk.set_opp(1);
        ASSERT_EQ(ini.invalidations.size(), 1u);
        EXPECT_EQ(ini.invalidations[0].start, 0u);
        EXPECT_EQ(ini.invalidations[0].end, ~0ull);
        ASSERT_TRUE(ini.get_dmi(0x0, dmi));
        EXPECT_EQ(dmi.get_read_latency(), sc_time(1, SC_NS));
    });
    mem.account_dmi(100, 10);
    EXPECT_EQ(mem.get_stats().bytes_read, 104u);
    EXPECT_EQ(mem.get_stats().bytes_written, 10u);
}

// Reading what was never written allocates nothing: a read request for such
// a page gets read-only DMI to a shared page of zeros (same range and
// latency), and writing the page later takes every pointer back.
TEST(memory, dmi_of_a_page_never_written_is_read_only_zeros_until_written) {
    clock_domain clk("mem", mem_opps(), 0, 1.0);
    memory mem("dram", clk, small_config());
    test::tlm_initiator ini("ini");
    ini.socket.bind(mem.target);
    test::run_thread([&] {
        tlm::tlm_dmi dmi;
        ASSERT_TRUE(ini.get_dmi(0x12345, dmi, false));
        EXPECT_EQ(dmi.get_start_address(), 0x10000u);
        EXPECT_EQ(dmi.get_end_address(), 0x1ffffu);
        EXPECT_TRUE(dmi.is_read_allowed());
        EXPECT_FALSE(dmi.is_write_allowed());
        EXPECT_EQ(dmi.get_read_latency(), sc_time(500, SC_PS));
        EXPECT_EQ(dmi.get_dmi_ptr()[0x2345], 0);
        EXPECT_EQ(mem.allocated_pages(), 0u);
        // The first write of the page, by transaction, revokes the grants.
        const uint32_t v = 0x5a5a0001;
        sc_time d = SC_ZERO_TIME;
        ini.transport(tlm::TLM_WRITE_COMMAND, 0x12345, const_cast<uint32_t*>(&v), 4, d);
        EXPECT_EQ(mem.allocated_pages(), 1u);
        ASSERT_EQ(ini.invalidations.size(), 1u);
        ASSERT_TRUE(ini.get_dmi(0x12345, dmi, false));
        EXPECT_TRUE(dmi.is_read_write_allowed());  // the page itself now
        uint32_t r = 0;
        std::memcpy(&r, dmi.get_dmi_ptr() + 0x2345, 4);
        EXPECT_EQ(r, v);
        // A backdoor load of a page under a zero grant revokes it as well.
        ASSERT_TRUE(ini.get_dmi(0x40000, dmi, false));
        EXPECT_FALSE(dmi.is_write_allowed());
        mem.load(0x40000, &v, 4);
        EXPECT_EQ(ini.invalidations.size(), 2u);
    });
}

TEST(memory, dmi_can_be_disabled) {
    clock_domain clk("mem", mem_opps(), 0, 1.0);
    memory_config cfg = small_config();
    cfg.dmi = false;
    memory mem("dram", clk, cfg);
    test::bus_master tb;
    tb.socket.bind(mem.target);
    test::run_thread([&] {
        tlm::tlm_generic_payload trans;
        uint32_t v = 0;
        set_access(trans, tlm::TLM_READ_COMMAND, 0, &v, 4);
        sc_time d = SC_ZERO_TIME;
        tb.socket->b_transport(trans, d);
        EXPECT_EQ(trans.get_response_status(), tlm::TLM_OK_RESPONSE);
        EXPECT_FALSE(trans.is_dmi_allowed());
        tlm::tlm_dmi dmi;
        EXPECT_FALSE(tb.socket->get_direct_mem_ptr(trans, dmi));
        EXPECT_FALSE(dmi.is_read_allowed());
    });
    EXPECT_EQ(mem.allocated_pages(), 0u);
}

TEST(memory, debug_transport_has_no_timing_or_counter_side_effects) {
    clock_domain clk("mem", mem_opps(), 0, 1.0);
    const memory_config cfg = small_config();
    memory mem("dram", clk, cfg);
    test::tlm_initiator ini("ini");
    ini.socket.bind(mem.target);
    test::run_thread([&] {
        uint8_t w[16] = {9, 8, 7, 6, 5, 4, 3, 2, 1};
        EXPECT_EQ(ini.debug(tlm::TLM_WRITE_COMMAND, 0x80, w, 16), 16u);
        uint8_t r[16] = {};
        EXPECT_EQ(ini.debug(tlm::TLM_READ_COMMAND, 0x80, r, 16), 16u);
        EXPECT_EQ(0, std::memcmp(r, w, 16));
        // Clipped at the end of the memory, nothing beyond it.
        EXPECT_EQ(ini.debug(tlm::TLM_READ_COMMAND, cfg.size_bytes - 6, r, 16), 6u);
        EXPECT_EQ(ini.debug(tlm::TLM_READ_COMMAND, cfg.size_bytes, r, 16), 0u);
        // The memory is not busy after debug accesses.
        uint32_t v = 0;
        sc_time d = SC_ZERO_TIME;
        ini.transport(tlm::TLM_READ_COMMAND, 0x80, &v, 4, d);
        EXPECT_EQ(d, ns(11 * 4));
    });
    EXPECT_EQ(mem.get_stats().accesses(), 1u);
    EXPECT_EQ(mem.get_stats().bytes_read, 4u);
    EXPECT_DOUBLE_EQ(mem.energy().dynamic_j(), 4 * 2.0e-12);
}

TEST(memory, leakage_integrates_over_time) {
    clock_domain clk("mem", mem_opps(), 0, 1.0);
    memory_config cfg = small_config();
    cfg.leakage_mw = 20.0;
    memory mem("dram", clk, cfg);
    test::bus_master tb;
    tb.socket.bind(mem.target);
    test::run_thread([&] {
        tb.write32_ok(0, 1);
        wait(ns(1e6) - sc_time_stamp());
    });
    EXPECT_NEAR(mem.energy().leakage_j(), 20e-3 * 1e-3, 1e-15);
    EXPECT_NEAR(mem.energy().total_j(), 20e-6 + 4 * 3.0e-12, 1e-15);
}

TEST(memory, accesses_stall_while_clock_gated_and_fail_while_off) {
    clock_domain clk("mem", mem_opps(), 0, 1.0);
    memory mem("dram", clk, small_config());
    test::bus_master tb;
    tb.socket.bind(mem.target);
    test::run_thread([&] {
        clk.set_state(power_state::idle);
        sc_spawn([&] {
            wait(ns(100));
            clk.set_state(power_state::on);
        });
        tb.write32_ok(0, 5);
        EXPECT_EQ(sc_time_stamp(), ns(100 + 44));  // resumes when ungated
        clk.set_state(power_state::off);
        test::allow_warnings(true);
        uint32_t v = 0;
        EXPECT_EQ(tb.read32(0, v), tlm::TLM_GENERIC_ERROR_RESPONSE);
        EXPECT_NE(test::last_warning().find("powered off"), std::string::npos);
        test::allow_warnings(false);
        clk.set_state(power_state::on);
        EXPECT_EQ(tb.read32(0), 5u);  // contents are kept
    });
}
