// The firmware driver against the model: a tiny HAL on a bus master, a
// router (DMA registers + test memory) shared by the CPU and the DMA.
#include "firmware/drivers/dma/dma_driver.h"
#include "ip/common/bus_access.h"
#include "ip/dma/dma.h"
#include "tests/ip/dma/dma_bench.h"
#include "tests/support/sc_harness.h"

#include <tlm_utils/multi_passthrough_target_socket.h>

using namespace nnvp;
using namespace sc_core;

namespace {
constexpr uint64_t dma_base = 0x40000000;
constexpr uint64_t mem_base = 0x80000000;

// Two regions, any number of masters; unmapped addresses get an address error.
struct router : sc_module {
    tlm_utils::multi_passthrough_target_socket<router> in{"in"};
    tlm_utils::simple_initiator_socket<router> regs{"regs"};
    tlm_utils::simple_initiator_socket<router> mem{"mem"};
    explicit router(sc_module_name n) : sc_module(n) {
        in.register_b_transport(this, &router::b_transport);
    }
    void b_transport(int, tlm::tlm_generic_payload& t, sc_time& delay) {
        const uint64_t a = t.get_address();
        if (a >= dma_base && a < dma_base + dma_regs::window_bytes) {
            t.set_address(a - dma_base);
            regs->b_transport(t, delay);
            t.set_address(a);
        } else if (a >= mem_base) {
            mem->b_transport(t, delay);
        } else {
            t.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
        }
    }
};

// A blocking HAL: every access waits out its delay; WFI waits for the line.
struct sc_hal : sc_module, fw::hal {
    tlm_utils::simple_initiator_socket<sc_hal> socket{"socket"};
    sc_in<bool> irq{"irq"};
    std::function<void()> handler;
    memory_map mmap;
    explicit sc_hal(sc_module_name n) : sc_module(n) {}

    fw::bus_status xfer(tlm::tlm_command cmd, uint64_t addr, void* p, std::size_t n) {
        sc_time d = SC_ZERO_TIME;
        const bus_result r = bus_access(socket, cmd, addr, p, static_cast<unsigned>(n), d);
        wait(d);
        return r.ok() ? fw::bus_status::ok : fw::bus_status::address_error;
    }
    fw::bus_status read32(uint64_t a, uint32_t& v) override {
        return xfer(tlm::TLM_READ_COMMAND, a, &v, 4);
    }
    fw::bus_status write32(uint64_t a, uint32_t v) override {
        return xfer(tlm::TLM_WRITE_COMMAND, a, &v, 4);
    }
    fw::bus_status read64(uint64_t a, uint64_t& v) override {
        return xfer(tlm::TLM_READ_COMMAND, a, &v, 8);
    }
    fw::bus_status write64(uint64_t a, uint64_t v) override {
        return xfer(tlm::TLM_WRITE_COMMAND, a, &v, 8);
    }
    fw::bus_status read_block(uint64_t a, void* dst, std::size_t n) override {
        return xfer(tlm::TLM_READ_COMMAND, a, dst, n);
    }
    fw::bus_status write_block(uint64_t a, const void* src, std::size_t n) override {
        return xfer(tlm::TLM_WRITE_COMMAND, a, const_cast<void*>(src), n);
    }
    void set_irq_handler(std::function<void()> h) override { handler = std::move(h); }
    void enable_irq(bool) override {}
    bool wait_irq(uint64_t timeout_ns) override {
        if (!irq.read()) {
            if (timeout_ns == 0)
                wait(irq.posedge_event());
            else
                wait(sc_time(static_cast<double>(timeout_ns), SC_NS), irq.posedge_event());
        }
        if (!irq.read())
            return false;
        if (handler)
            handler();
        return true;
    }
    void delay_ns(uint64_t ns) override { wait(sc_time(static_cast<double>(ns), SC_NS)); }
    void consume_cycles(uint64_t) override {}
    uint64_t now_ns() const override {
        return static_cast<uint64_t>(sc_time_stamp().to_seconds() * 1e9 + 0.5);
    }
    const memory_map& map() const override { return mmap; }
    void log(const std::string&) override {}
};
}  // namespace

TEST(dma_driver_on_model, lists_transfers_errors_and_interrupts) {
    clock_domain fabric("fabric", {{1e9, 0.9}}, 0, 0.9);
    test::test_memory mem("mem", mem_base, 1 << 20, fabric, 10, 16);
    dma dut("dma", fabric, dma_config{});
    router bus("bus");
    sc_hal cpu("cpu");
    sc_signal<bool> irq_line("irq_line");
    cpu.socket.bind(bus.in);
    dut.initiator.bind(bus.in);
    bus.regs.bind(dut.target);
    bus.mem.bind(mem.socket);
    dut.irq(irq_line);
    cpu.irq(irq_line);
    test::allow_warnings(true);  // the bad transfer below warns
    test::run_thread([&] {
        fw::dma_driver drv(cpu, dma_base);
        ASSERT_EQ(drv.init(), fw::dma_result::ok);
        EXPECT_EQ(drv.channels(), 4u);
        cpu.set_irq_handler([&] { drv.on_irq(); });
        const auto data = test::pattern(4096, 21);
        mem.fill(mem_base + 0x1000, data);

        // A 2D copy, waited for by interrupt.
        ASSERT_EQ(drv.start_2d(1, mem_base + 0x1000, mem_base + 0x8000, 256, 16, 256, 256),
                  fw::dma_result::ok);
        EXPECT_EQ(drv.wait(1, 100000), fw::dma_result::ok);
        EXPECT_EQ(drv.done_irqs(1), 1u);
        EXPECT_EQ(mem.dump(mem_base + 0x8000, 4096), data);

        // A three-descriptor list written by the driver; the middle one interrupts.
        std::vector<dma_regs::descriptor> list(3);
        for (unsigned i = 0; i < 3; ++i) {
            list[i].src = mem_base + 0x1000 + i * 1024;
            list[i].dst = mem_base + 0x20000 + (2 - i) * 1024;
            list[i].len = 1024;
        }
        list[1].flags = dma_regs::desc_flag_irq;
        ASSERT_EQ(drv.start_list(0, mem_base + 0x400, list), fw::dma_result::ok);
        EXPECT_EQ(drv.wait(0, 0), fw::dma_result::ok);
        EXPECT_EQ(drv.done_irqs(0), 2u);
        for (unsigned i = 0; i < 3; ++i)
            EXPECT_EQ(mem.dump(mem_base + 0x20000 + (2 - i) * 1024, 1024),
                      std::vector<unsigned char>(data.begin() + i * 1024,
                                                 data.begin() + (i + 1) * 1024));

        // An unmapped source: the error comes back as a code.
        ASSERT_EQ(drv.start_1d(2, 0x1000, mem_base, 64), fw::dma_result::ok);
        EXPECT_EQ(drv.wait(2, 100000), fw::dma_result::transfer_error);
        EXPECT_EQ(drv.last_error(2), fw::dma_error::read_bus);
        EXPECT_EQ(drv.error_irqs(2), 1u);

        // Polling without interrupts; then abort of a long transfer.
        ASSERT_EQ(drv.start_1d(3, mem_base + 0x1000, mem_base + 0x9000, 4096, false),
                  fw::dma_result::ok);
        EXPECT_EQ(drv.poll(3, 100000), fw::dma_result::ok);
        ASSERT_EQ(drv.start_1d(3, mem_base, mem_base + 0x80000, 256 * 1024),
                  fw::dma_result::ok);
        EXPECT_EQ(drv.start_1d(3, mem_base, mem_base, 4), fw::dma_result::busy);
        EXPECT_EQ(drv.abort(3), fw::dma_result::ok);
        EXPECT_EQ(drv.wait(3, 100000), fw::dma_result::transfer_error);
        EXPECT_EQ(drv.last_error(3), fw::dma_error::aborted);
    });
    EXPECT_FALSE(irq_line.read());
}
