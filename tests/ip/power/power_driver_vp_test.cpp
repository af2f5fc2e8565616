// The firmware driver against the real model: a HAL over the test bus master
// and the controller's IRQ line.
#include "firmware/drivers/power/power_driver.h"
#include "tests/ip/power/bench_hal.h"
#include "tests/ip/power/power_bench.h"

#include <cmath>

using namespace nnvp;
using namespace nnvp::test;
using namespace sc_core;


TEST(power_driver_on_model, interrupt_and_polled_transitions) {
    power_bench b(3);
    bench_hal hal(b.bus, b.irq);
    fw::power_driver drv(hal, 0);
    const sc_time access = b.aon.cycles(1);  // one register access
    run_thread([&] {
        hal.set_irq_handler([&] { drv.on_irq(); });
        ASSERT_EQ(drv.probe(), fw::power_status::ok);
        unsigned nn = 9;
        ASSERT_EQ(drv.find_domain("nncore", nn), fw::power_status::ok);
        EXPECT_EQ(nn, power_bench::nn);
        fw::opp_info top{};
        ASSERT_EQ(drv.opp(nn, 7, top), fw::power_status::ok);
        EXPECT_EQ(top.freq_khz, 1000000u);
        EXPECT_EQ(top.volt_mv, 850u);
        ASSERT_EQ(drv.enable_interrupts(true), fw::power_status::ok);

        // OPP_COUNT, STATUS and IRQ_STATUS accesses precede the OPP_REQ write.
        const sc_time t0 = sc_time_stamp();
        ASSERT_EQ(drv.set_opp(nn, 7, 1'000'000), fw::power_status::ok);
        const sc_time done = t0 + 3 * access + sc_time(52, SC_US);
        ASSERT_EQ(b.probe.rises().size(), 1u);
        EXPECT_EQ(b.probe.rises()[0], done);
        EXPECT_FALSE(b.irq.read());  // acknowledged by on_irq()
        uint32_t cur = 0;
        EXPECT_EQ(drv.current_opp(nn, cur), fw::power_status::ok);
        EXPECT_EQ(cur, 7u);
        uint64_t nj = 0;
        EXPECT_EQ(drv.energy_nj(nn, nj), fw::power_status::ok);
        EXPECT_EQ(nj, 1000u);  // one relock, no leaky meter in this domain

        // Polling: down again, STATUS polled every microsecond.
        ASSERT_EQ(drv.enable_interrupts(false), fw::power_status::ok);
        drv.set_poll_interval_ns(1000);
        const sc_time t1 = sc_time_stamp();
        ASSERT_EQ(drv.set_opp(nn, 3, 1'000'000), fw::power_status::ok);
        EXPECT_GE(sc_time_stamp(), t1 + 3 * access + sc_time(52, SC_US));
        EXPECT_LT(sc_time_stamp(), t1 + sc_time(54, SC_US));
        EXPECT_EQ(drv.current_opp(nn, cur), fw::power_status::ok);
        EXPECT_EQ(cur, 3u);
        EXPECT_EQ(drv.request_opp(nn, 8), fw::power_status::bad_index);
    });
}
