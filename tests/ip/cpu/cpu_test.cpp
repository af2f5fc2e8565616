// The CPU model as the firmware's HAL: MMIO, bus errors, DMI bulk copies,
// interrupts and WFI, time annotation.
#include "ip/cpu/cpu.h"
#include "tests/support/sc_harness.h"

#include <tlm_utils/simple_target_socket.h>

#include <vector>

using namespace nnvp;
using namespace sc_core;

namespace {

// 4 KiB of memory at 0, fixed latency, optional DMI; errors above 4 KiB.
struct test_memory : sc_module {
    tlm_utils::simple_target_socket<test_memory> socket;
    std::vector<unsigned char> bytes = std::vector<unsigned char>(4096);
    sc_time latency = sc_time(10, SC_NS);
    bool dmi = false;
    int accesses = 0;

    explicit test_memory(sc_module_name n) : sc_module(n), socket("socket") {
        socket.register_b_transport(this, &test_memory::b_transport);
        socket.register_get_direct_mem_ptr(this, &test_memory::get_dmi);
    }
    void b_transport(tlm::tlm_generic_payload& t, sc_time& delay) {
        ++accesses;
        if (t.get_address() + t.get_data_length() > bytes.size()) {
            t.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
            return;
        }
        unsigned char* p = &bytes[t.get_address()];
        if (t.is_read())
            std::memcpy(t.get_data_ptr(), p, t.get_data_length());
        else
            std::memcpy(p, t.get_data_ptr(), t.get_data_length());
        delay += latency;
        t.set_dmi_allowed(dmi);
        t.set_response_status(tlm::TLM_OK_RESPONSE);
    }
    bool get_dmi(tlm::tlm_generic_payload&, tlm::tlm_dmi& d) {
        if (!dmi)
            return false;
        d.set_dmi_ptr(bytes.data());
        d.set_start_address(0);
        d.set_end_address(bytes.size() - 1);
        d.allow_read_write();
        d.set_read_latency(sc_time(10, SC_NS));
        d.set_write_latency(sc_time(10, SC_NS));
        return true;
    }
};

struct cpu_bench {
    clock_domain clk{"cpu", {{1e9, 0.9}}, 0, 0.9};  // 1 ns cycles
    memory_map map{{{"mem", 0, 4096, -1}}};
    cpu core{"cpu", clk, cpu_config{}, map};
    test_memory mem{"mem"};
    sc_signal<bool, SC_MANY_WRITERS> irq_line{"irq_line"};  // test body and handler drive it

    cpu_bench() {
        core.initiator.bind(mem.socket);
        core.irq.bind(irq_line);
        tlm_utils::tlm_quantumkeeper::set_global_quantum(sc_time(1, SC_US));
    }
    // Runs `program` as firmware and returns when it halts.
    void run(const cpu::program_fn& program) {
        core.load(program);
        sc_start(sc_time(1, SC_SEC));
        EXPECT_TRUE(core.halted());
    }
};

}  // namespace

TEST(cpu, mmio_reads_and_writes_reach_the_bus_with_latency) {
    cpu_bench b;
    uint32_t got = 0;
    uint64_t t_after = 0;
    b.run([&](fw::hal& hal) {
        EXPECT_EQ(hal.write32(0x10, 0xdeadbeef), fw::bus_status::ok);
        EXPECT_EQ(hal.read32(0x10, got), fw::bus_status::ok);
        uint64_t wide = 0;
        EXPECT_EQ(hal.write64(0x20, 0x1122334455667788ull), fw::bus_status::ok);
        EXPECT_EQ(hal.read64(0x20, wide), fw::bus_status::ok);
        EXPECT_EQ(wide, 0x1122334455667788ull);
        t_after = hal.now_ns();
        return 0;
    });
    EXPECT_EQ(got, 0xdeadbeefu);
    // Four accesses of 1 issue cycle (1 ns) + 10 ns memory latency each.
    EXPECT_EQ(t_after, 44u);
    EXPECT_EQ(b.core.stats().mmio_reads, 2u);
    EXPECT_EQ(b.core.stats().mmio_writes, 2u);
}

TEST(cpu, bus_errors_reach_firmware_as_status) {
    cpu_bench b;
    fw::bus_status s = fw::bus_status::ok;
    b.run([&](fw::hal& hal) {
        uint32_t v = 0;
        s = hal.read32(0x100000, v);
        return s == fw::bus_status::ok ? 0 : 7;
    });
    EXPECT_EQ(s, fw::bus_status::address_error);
    EXPECT_EQ(b.core.exit_code(), 7);
    EXPECT_EQ(b.core.stats().bus_errors, 1u);
}

TEST(cpu, bulk_copies_use_dmi_once_granted) {
    cpu_bench b;
    b.mem.dmi = true;
    std::vector<unsigned char> in(1000), out(1000);
    for (std::size_t i = 0; i < in.size(); ++i)
        in[i] = static_cast<unsigned char>(i * 7);
    b.run([&](fw::hal& hal) {
        EXPECT_EQ(hal.write_block(100, in.data(), in.size()), fw::bus_status::ok);
        EXPECT_EQ(hal.read_block(100, out.data(), out.size()), fw::bus_status::ok);
        return 0;
    });
    EXPECT_EQ(in, out);
    // The first chunk goes over the bus (28 bytes up to the 64-byte boundary),
    // the memory grants DMI, everything else is DMI.
    EXPECT_EQ(b.core.stats().bulk_bytes_bus, 28u);
    EXPECT_EQ(b.core.stats().bulk_bytes_dmi, 2000u - 28u);
    EXPECT_EQ(b.mem.accesses, 1);
}

TEST(cpu, bulk_copies_without_dmi_go_in_chunks) {
    cpu_bench b;
    std::vector<unsigned char> in(256, 0x5a), out(256);
    b.run([&](fw::hal& hal) {
        hal.write_block(0, in.data(), in.size());
        hal.read_block(0, out.data(), out.size());
        EXPECT_NE(hal.write_block(4000, in.data(), in.size()), fw::bus_status::ok);
        return 0;
    });
    EXPECT_EQ(in, out);
    // 64-byte chunks; the failing copy does 4000-4031, 4032-4095, then 4096 fails.
    EXPECT_EQ(b.mem.accesses, 4 + 4 + 3);
}

TEST(cpu, wfi_wakes_when_the_line_rises_and_runs_the_handler) {
    cpu_bench b;
    int handled = 0;
    uint64_t woke_at = 0;
    bool woke = false;
    b.core.load([&](fw::hal& hal) {
        hal.set_irq_handler([&] {
            ++handled;
            b.irq_line.write(false);  // the "device" is serviced
        });
        hal.enable_irq(true);
        woke = hal.wait_irq(0);
        woke_at = hal.now_ns();
        return 0;
    });
    test::run_thread([&] {
        wait(250, SC_NS);
        b.irq_line.write(true);
        wait(b.core.halted_event());
    });
    EXPECT_TRUE(woke);
    EXPECT_EQ(handled, 1);
    // Woken at 250 ns, then 20 cycles of interrupt entry.
    EXPECT_EQ(woke_at, 270u);
    EXPECT_EQ(b.core.stats().interrupts_taken, 1u);
    EXPECT_EQ(b.core.stats().wfi_time, sc_time(250, SC_NS));
}

TEST(cpu, wfi_times_out_exactly) {
    cpu_bench b;
    bool woke = true;
    uint64_t at = 0;
    b.run([&](fw::hal& hal) {
        hal.consume_cycles(100);
        woke = hal.wait_irq(5000);
        at = hal.now_ns();
        return 0;
    });
    EXPECT_FALSE(woke);
    EXPECT_EQ(at, 5100u);
}

TEST(cpu, interrupts_are_masked_until_enabled) {
    cpu_bench b;
    int handled = 0;
    b.core.load([&](fw::hal& hal) {
        hal.set_irq_handler([&] {
            ++handled;
            b.irq_line.write(false);
        });
        hal.delay_ns(2000);            // line rises at 500 ns: masked
        EXPECT_EQ(handled, 0);
        hal.enable_irq(true);          // taken now
        EXPECT_EQ(handled, 1);
        return 0;
    });
    test::run_thread([&] {
        wait(500, SC_NS);
        b.irq_line.write(true);
        wait(b.core.halted_event());
    });
    EXPECT_EQ(handled, 1);
}

TEST(cpu, an_interrupt_storm_advances_time_instead_of_hanging) {
    cpu_bench b;
    int handled = 0;
    b.core.load([&](fw::hal& hal) {
        hal.set_irq_handler([&] { ++handled; });  // never clears the source
        hal.enable_irq(true);
        return 0;
    });
    b.irq_line.write(true);
    sc_start(sc_time(10, SC_US));
    // Each entry costs 20 ns: about 500 entries in 10 us, and time moved on.
    EXPECT_GE(handled, 400);
    EXPECT_LE(handled, 501);
}

TEST(cpu, consumed_cycles_follow_the_clock_and_cost_energy) {
    cpu_bench b;
    uint64_t t1 = 0, t2 = 0;
    b.run([&](fw::hal& hal) {
        hal.consume_cycles(1000);
        t1 = hal.now_ns();
        b.clk.set_opp(0);  // no-op change of the single OPP: still 1 GHz
        hal.consume_cycles(3000);
        t2 = hal.now_ns();
        return 0;
    });
    EXPECT_EQ(t1, 1000u);
    EXPECT_EQ(t2, 4000u);
    EXPECT_NEAR(b.core.meter().dynamic_j(), 4000 * 25e-12, 1e-15);
}

TEST(cpu, an_interrupt_taken_before_wfi_is_not_a_lost_wakeup) {
    cpu_bench b;
    int handled = 0;
    bool first = false, second = true;
    b.core.load([&](fw::hal& hal) {
        hal.set_irq_handler([&] {
            ++handled;
            b.irq_line.write(false);
        });
        hal.enable_irq(true);
        hal.delay_ns(2000);           // the interrupt is taken in here
        first = hal.wait_irq(1000);   // ... so this returns at once
        second = hal.wait_irq(1000);  // nothing new: times out
        return 0;
    });
    test::run_thread([&] {
        wait(500, SC_NS);
        b.irq_line.write(true);
        wait(b.core.halted_event());
    });
    EXPECT_EQ(handled, 1);
    EXPECT_TRUE(first);
    EXPECT_FALSE(second);
}
