// Timer driver on a fake HAL: register sequences, time conversions, interrupt
// service through the interrupt-controller driver, bus errors.
#include "firmware/drivers/timer/timer_driver.h"
#include "tests/support/fake_hal.h"

#include <gtest/gtest.h>

#include <vector>

using namespace nnvp;
using nnvp::fw::timer_status;
namespace r = nnvp::timer_regs;

namespace {

memory_map soc_map() {
    return memory_map{{{"intc", 0x4000'0000, 0x1000, -1}, {"timer", 0x4000'1000, 0x1000, 3}}};
}

struct timer_driver_test : ::testing::Test {
    test::fake_hal hal{soc_map()};
    const uint64_t base = hal.map().at("timer").base;
    fw::timer_driver drv{hal, base};

    void SetUp() override {
        hal.words[at(r::ID)] = r::ID_CHANNELS.make(r::channels) | r::ID_VERSION.make(1);
        hal.words[at(r::FREQ)] = 100000000;  // 100 MHz
        ASSERT_EQ(drv.init(), timer_status::ok);
        hal.accesses.clear();
    }
    uint64_t at(const regs::reg_def& reg) const { return base + reg.offset; }
    uint64_t at(const regs::reg_def& reg, unsigned ch) const {
        return base + r::channel_reg(reg, ch).offset;
    }
    void set_count(uint64_t c) {
        hal.words[at(r::COUNT_LO)] = static_cast<uint32_t>(c);
        hal.words[at(r::COUNT_HI)] = static_cast<uint32_t>(c >> 32);
    }
    using acc = test::fake_hal::access;
    std::vector<acc> writes() const {
        std::vector<acc> out;
        for (const auto& a : hal.accesses)
            if (a.write)
                out.push_back(a);
        return out;
    }
};

}  // namespace


TEST_F(timer_driver_test, init_reads_id_and_freq_and_starts_the_counter) {
    test::fake_hal h(soc_map());
    h.words[at(r::ID)] = r::ID_CHANNELS.make(2);
    h.words[at(r::FREQ)] = 25000000;
    fw::timer_driver d(h, base);
    ASSERT_EQ(d.init(), timer_status::ok);
    EXPECT_EQ(d.channels(), 2u);
    EXPECT_EQ(d.freq_hz(), 25000000u);
    const std::vector<acc> expected{
        {false, at(r::ID), r::ID_CHANNELS.make(2)},
        {false, at(r::FREQ), 25000000},
        {true, at(r::CH_CTRL, 0), 0},
        {true, at(r::CH_CTRL, 1), 0},
        {true, at(r::IRQ_ENABLE), 0},
        {true, at(r::STATUS), r::channel_mask},
        {true, at(r::CTRL), r::CTRL_ENABLE.make(1)},
    };
    EXPECT_EQ(h.accesses, expected);
}

TEST_F(timer_driver_test, init_rejects_a_dead_timer_and_reports_bus_errors) {
    test::fake_hal h(soc_map());
    fw::timer_driver d(h, base);
    EXPECT_EQ(d.init(), timer_status::device_error);  // ID reads 0 channels
    h.words[at(r::ID)] = r::ID_CHANNELS.make(4);
    EXPECT_EQ(d.init(), timer_status::device_error);  // FREQ reads 0
    h.words[at(r::FREQ)] = 1000;
    h.faults[at(r::CTRL)] = fw::bus_status::access_error;
    EXPECT_EQ(d.init(), timer_status::bus_error);
    EXPECT_EQ(d.last_bus_status(), fw::bus_status::access_error);
}

TEST_F(timer_driver_test, now_reads_64_bits_and_converts_to_ns) {
    set_count(0x1'0000'0002ull);
    uint64_t t = 0;
    ASSERT_EQ(drv.now(t), timer_status::ok);
    EXPECT_EQ(t, 0x1'0000'0002ull);
    ASSERT_EQ(hal.accesses.size(), 2u);  // LO first: it latches HI
    EXPECT_EQ(hal.accesses[0].addr, at(r::COUNT_LO));
    EXPECT_EQ(hal.accesses[1].addr, at(r::COUNT_HI));
    set_count(12345);
    uint64_t ns = 0;
    ASSERT_EQ(drv.now_ns(ns), timer_status::ok);
    EXPECT_EQ(ns, 123450u);
    EXPECT_EQ(drv.ns_to_ticks(15), 2u);  // rounded up: an alarm is never early
    EXPECT_EQ(drv.ns_to_ticks(3'000'000'000ull), 300'000'000u);
    EXPECT_EQ(drv.ticks_to_ns(300'000'000'000ull), 3'000'000'000'000ull);
    hal.faults[at(r::COUNT_LO)] = fw::bus_status::address_error;
    EXPECT_EQ(drv.now(t), timer_status::bus_error);
}

TEST_F(timer_driver_test, start_periodic_programs_the_channel_safely) {
    set_count(1000);
    hal.words[at(r::IRQ_ENABLE)] = r::status_bit(0);
    ASSERT_EQ(drv.start_periodic(1, 250, [] {}), timer_status::ok);
    const std::vector<acc> expected{
        {true, at(r::CH_CTRL, 1), 0},
        {true, at(r::PERIOD_LO, 1), 250},
        {true, at(r::PERIOD_HI, 1), 0},
        {true, at(r::CMP_LO, 1), 1250},
        {true, at(r::CMP_HI, 1), 0},  // commits the compare
        {true, at(r::STATUS), r::status_bit(1)},
        {true, at(r::IRQ_ENABLE), r::status_bit(0) | r::status_bit(1)},
        {true, at(r::CH_CTRL, 1), r::CH_CTRL_ENABLE.make(1) | r::CH_CTRL_PERIODIC.make(1)},
    };
    EXPECT_EQ(writes(), expected);
    EXPECT_EQ(drv.start_periodic(1, 0, [] {}), timer_status::invalid_argument);
    EXPECT_EQ(drv.start_periodic(r::channels, 10, [] {}), timer_status::invalid_argument);
}

TEST_F(timer_driver_test, alarms_are_one_shot_and_stop_undoes_everything) {
    set_count(500);
    ASSERT_EQ(drv.alarm_in_ns(2, 1000, [] {}), timer_status::ok);  // 100 ticks
    EXPECT_EQ(hal.words[at(r::CMP_LO, 2)], 600u);
    EXPECT_EQ(hal.words[at(r::PERIOD_LO, 2)], 0u);
    EXPECT_EQ(hal.words[at(r::CH_CTRL, 2)], r::CH_CTRL_ENABLE.make(1));
    ASSERT_EQ(drv.alarm_at(3, 0x2'0000'0000ull, [] {}), timer_status::ok);
    EXPECT_EQ(hal.words[at(r::CMP_HI, 3)], 2u);
    hal.accesses.clear();
    ASSERT_EQ(drv.stop(2), timer_status::ok);
    EXPECT_EQ(hal.words[at(r::CH_CTRL, 2)], 0u);
    EXPECT_EQ(hal.words[at(r::IRQ_ENABLE)], r::status_bit(3));
    EXPECT_EQ(hal.writes_to(at(r::STATUS)), std::vector<uint32_t>{r::status_bit(2)});
    EXPECT_EQ(drv.stop(r::channels), timer_status::invalid_argument);
}

TEST_F(timer_driver_test, the_interrupt_clears_status_before_running_callbacks) {
    std::vector<unsigned> order;
    set_count(0);
    drv.start_periodic(0, 10, [&] {
        order.push_back(0);
        // Cleared before the callback ran.
        EXPECT_EQ(hal.writes_to(at(r::STATUS)).back(), 0b101u);
    });
    drv.alarm_at(2, 5, [&] { order.push_back(2); });
    drv.alarm_at(1, 5, [&] { order.push_back(1); });
    hal.words[at(r::STATUS)] = 0b101;
    drv.handle_irq();
    EXPECT_EQ(order, (std::vector<unsigned>{0, 2}));
    EXPECT_EQ(drv.fired(0), 1u);
    EXPECT_EQ(drv.fired(1), 0u);
    EXPECT_EQ(drv.fired(2), 1u);
}

TEST_F(timer_driver_test, ticks_arrive_through_the_interrupt_controller) {
    namespace ir = nnvp::intc_regs;
    const uint64_t ibase = hal.map().at("intc").base;
    const unsigned source = static_cast<unsigned>(hal.map().at("timer").irq);
    hal.words[ibase + ir::ID.offset] = ir::ID_SOURCES.make(32);
    fw::intc_driver intc(hal, ibase);
    ASSERT_EQ(intc.init(), fw::intc_status::ok);
    ASSERT_EQ(drv.attach_irq(intc, source), timer_status::ok);
    EXPECT_EQ(hal.words[ibase + ir::ENABLE0.offset], ir::bit_of(source));
    intc.install();

    int ticks = 0;
    set_count(0);
    ASSERT_EQ(drv.start_periodic(0, 100, [&] { ++ticks; }), timer_status::ok);
    std::vector<uint32_t> claims{source, 0, source, 0};
    std::size_t next = 0;
    hal.on_read[ibase + ir::CLAIM.offset] = [&](uint64_t) { return claims.at(next++); };
    hal.words[at(r::STATUS)] = 1;
    hal.irq_handler();
    hal.words[at(r::STATUS)] = 1;
    hal.irq_handler();
    EXPECT_EQ(ticks, 2);
    EXPECT_EQ(hal.writes_to(ibase + ir::COMPLETE.offset),
              (std::vector<uint32_t>{source, source}));
    EXPECT_EQ(drv.attach_irq(intc, 40), timer_status::irq_error);
}

TEST_F(timer_driver_test, a_bus_error_in_the_middle_of_programming_is_reported) {
    set_count(0);
    hal.faults[at(r::CMP_LO, 0)] = fw::bus_status::generic_error;
    EXPECT_EQ(drv.start_periodic(0, 10, [] {}), timer_status::bus_error);
    EXPECT_EQ(drv.last_bus_status(), fw::bus_status::generic_error);
    EXPECT_TRUE(hal.writes_to(at(r::CH_CTRL, 0)) == std::vector<uint32_t>{0});  // not enabled
    hal.faults.clear();
    hal.faults[at(r::STATUS)] = fw::bus_status::generic_error;
    bool called = false;
    drv.alarm_at(1, 0, [&] { called = true; });
    drv.handle_irq();  // STATUS cannot be read: nothing runs
    EXPECT_FALSE(called);
}
