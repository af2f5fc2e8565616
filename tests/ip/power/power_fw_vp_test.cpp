// Power-state driver functions, the governor loop and the idle manager
// against the real power controller.
#include "firmware/drivers/power/power_driver.h"
#include "firmware/power/dvfs_loop.h"
#include "firmware/power/governors.h"
#include "firmware/power/idle_manager.h"
#include "tests/ip/power/bench_hal.h"
#include "tests/ip/power/power_bench.h"

using namespace nnvp;
using namespace nnvp::test;
using namespace sc_core;

namespace {
constexpr unsigned nn = power_bench::nn;
constexpr unsigned cpu = power_bench::cpu;
const sc_time us(1, SC_US);
}  // namespace

TEST(power_fw_on_model, states_and_telemetry_through_the_driver) {
    power_bench b(3);
    bench_hal hal(b.bus, b.irq);
    fw::power_driver drv(hal, 0);
    run_thread([&] {
        hal.set_irq_handler([&] { drv.on_irq(); });
        ASSERT_EQ(drv.enable_interrupts(true), fw::power_status::ok);
        const sc_time t0 = sc_time_stamp();
        // STATUS read and IRQ_STATUS write, the STATE_REQ write starts the
        // 10 us OFF entry.
        ASSERT_EQ(drv.set_state(nn, fw::pstate::off, 1'000'000), fw::power_status::ok);
        ASSERT_EQ(b.probe.rises().size(), 1u);
        EXPECT_EQ(b.probe.rises()[0], t0 + 2 * b.aon.cycles(1) + 10 * us);
        fw::pstate st = fw::pstate::on;
        EXPECT_EQ(drv.current_state(nn, st), fw::power_status::ok);
        EXPECT_EQ(st, fw::pstate::off);
        uint32_t lost = 0;
        EXPECT_EQ(drv.context_lost(nn, lost), fw::power_status::ok);
        EXPECT_EQ(lost, 1u);
        ASSERT_EQ(drv.set_state(nn, fw::pstate::on, 1'000'000), fw::power_status::ok);
        uint32_t nj = 0;
        EXPECT_EQ(drv.transition_energy_nj(nn, nj), fw::power_status::ok);
        EXPECT_EQ(nj, 7000u);
        allow_warnings(true);
        EXPECT_EQ(drv.request_state(cpu, fw::pstate::off), fw::power_status::not_allowed);
        allow_warnings(false);

        uint64_t off_ns = 0;
        EXPECT_EQ(drv.residency_ns(nn, fw::pstate::off, off_ns), fw::power_status::ok);
        EXPECT_GE(off_ns, 50'000u);  // the exit, plus a few register accesses
        EXPECT_LT(off_ns, 50'200u);
        b.nncore->begin_activity();
        wait(10 * us);
        b.nncore->end_activity();
        fw::domain_telemetry t;
        EXPECT_EQ(drv.telemetry(nn, t), fw::power_status::ok);
        EXPECT_EQ(t.busy_cycles, 6000u);  // 10 us at 600 MHz
        EXPECT_EQ(t.opp, 3u);
        EXPECT_EQ(t.opp_max, 7u);
        EXPECT_EQ(t.state, fw::pstate::on);
        EXPECT_EQ(t.context_lost, 1u);
        int32_t mc = 0;
        EXPECT_EQ(drv.temperature_mc(mc), fw::power_status::ok);
        EXPECT_EQ(mc, 25000);
    });
}

// ondemand from the timer-less loop: busy -> 1000 MHz, idle -> 300 MHz.
TEST(power_fw_on_model, governor_loop_drives_the_opp) {
    power_bench b(3);
    bench_hal hal(b.bus, b.irq);
    fw::power_driver drv(hal, 0);
    fw::pm::ondemand_governor g(0.80);
    fw::pm::dvfs_loop loop(hal, drv, nn, g);
    run_thread([&] {
        ASSERT_EQ(loop.init(), fw::power_status::ok);
        b.nncore->begin_activity();
        wait(100 * us);
        EXPECT_EQ(loop.step(), fw::power_status::ok);
        EXPECT_NEAR(loop.last_util(), 1.0, 1e-3);
        wait(100 * us);
        EXPECT_EQ(b.rd(nn, pr::OPP_CUR), 7u);
        EXPECT_EQ(loop.step(), fw::power_status::ok);  // still fully busy: stays
        EXPECT_EQ(loop.requests(), 1u);
        b.nncore->end_activity();
        wait(100 * us);
        EXPECT_EQ(loop.step(), fw::power_status::ok);
        EXPECT_NEAR(loop.last_util(), 0.0, 1e-3);
        wait(100 * us);
        EXPECT_EQ(b.rd(nn, pr::OPP_CUR), 0u);
    });
}

// Residency-aware idle: a 2 ms predicted gap pays off OFF (break-even
// 150 us against ON-idle, 1255 us against RETENTION); waking costs the
// 50 us exit and reports the lost context.
TEST(power_fw_on_model, idle_manager_enters_and_leaves_the_chosen_state) {
    power_bench b(3);
    bench_hal hal(b.bus, b.irq);
    fw::power_driver drv(hal, 0);
    fw::pm::idle_params p;
    p.name = "residency_aware";
    p.on_idle_mw = 50;
    p.states = {{fw::pstate::retention, 5, 10, 0.5, 0.5, 5}, {fw::pstate::off, 10, 50, 2, 5, 0}};
    auto policy = fw::pm::make_idle_policy(p);
    fw::pm::idle_manager idle(hal, drv, nn, *policy);
    run_thread([&] {
        ASSERT_EQ(idle.on_idle(2000), fw::power_status::ok);
        EXPECT_EQ(idle.requested(), fw::pstate::off);
        wait(200 * us);
        EXPECT_EQ(b.nncore->state(), power_state::off);
        uint64_t wake_ns = 0;
        ASSERT_EQ(idle.on_work(wake_ns), fw::power_status::ok);
        EXPECT_EQ(b.nncore->state(), power_state::on);
        EXPECT_GE(wake_ns, 50'000u);
        EXPECT_LT(wake_ns, 52'000u);
        EXPECT_TRUE(idle.context_lost());
        // A short gap: retention only, state kept.
        ASSERT_EQ(idle.on_idle(100), fw::power_status::ok);
        EXPECT_EQ(idle.requested(), fw::pstate::retention);
        wait(50 * us);
        ASSERT_EQ(idle.on_work(wake_ns), fw::power_status::ok);
        EXPECT_FALSE(idle.context_lost());
    });
}
