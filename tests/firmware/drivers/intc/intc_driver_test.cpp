// Interrupt-controller driver on a fake HAL: register sequences, dispatch
// order, spurious and unhandled interrupts, bus errors.
#include "firmware/drivers/intc/intc_driver.h"
#include "tests/support/fake_hal.h"

#include <gtest/gtest.h>

#include <deque>
#include <string>
#include <vector>

using namespace nnvp;
using nnvp::fw::intc_status;
namespace r = nnvp::intc_regs;

namespace {

memory_map soc_map() { return memory_map{{{"intc", 0x4000'0000, r::window_bytes, -1}}}; }

struct intc_driver_test : ::testing::Test {
    test::fake_hal hal{soc_map()};
    const uint64_t base = hal.map().at("intc").base;
    fw::intc_driver drv{hal, base};
    std::deque<uint32_t> claims;  // what successive CLAIM reads return
    std::vector<std::string> events;

    void SetUp() override {
        hal.words[base + r::ID.offset] = r::ID_SOURCES.make(32) |
                                         r::ID_MAX_PRIORITY.make(r::max_priority) |
                                         r::ID_VERSION.make(r::version);
        hal.on_read[base + r::CLAIM.offset] = [this](uint64_t) {
            if (claims.empty())
                return 0u;
            const uint32_t id = claims.front();
            claims.pop_front();
            return id;
        };
        hal.on_write[base + r::COMPLETE.offset] = [this](uint64_t, uint32_t id) {
            events.push_back("complete " + std::to_string(id));
        };
        ASSERT_EQ(drv.init(), intc_status::ok);
        hal.accesses.clear();
    }
    uint64_t at(const regs::reg_def& reg) const { return base + reg.offset; }
    fw::intc_driver::handler record(unsigned id) {
        return [this, id] { events.push_back("handle " + std::to_string(id)); };
    }
};

}  // namespace

TEST_F(intc_driver_test, init_reads_id_and_quiets_the_controller) {
    test::fake_hal h(soc_map());
    h.words[at(r::ID)] = r::ID_SOURCES.make(48);
    fw::intc_driver d(h, base);
    ASSERT_EQ(d.init(), intc_status::ok);
    EXPECT_EQ(d.sources(), 48u);
    ASSERT_EQ(h.accesses.size(), 5u);
    EXPECT_FALSE(h.accesses[0].write);
    EXPECT_EQ(h.accesses[0].addr, at(r::ID));
    EXPECT_EQ(h.writes_to(at(r::ENABLE0)), std::vector<uint32_t>{0});
    EXPECT_EQ(h.writes_to(at(r::ENABLE1)), std::vector<uint32_t>{0});
    EXPECT_EQ(h.writes_to(at(r::THRESHOLD)), std::vector<uint32_t>{0});
    EXPECT_EQ(h.writes_to(at(r::STATUS)), std::vector<uint32_t>{r::STATUS_BAD_COMPLETE.mask()});
}

TEST_F(intc_driver_test, init_rejects_a_bad_id_and_reports_bus_errors) {
    test::fake_hal h(soc_map());
    fw::intc_driver d(h, base);
    EXPECT_EQ(d.init(), intc_status::device_error);  // ID reads 0
    h.words[at(r::ID)] = r::ID_SOURCES.make(32);
    h.faults[at(r::ID)] = fw::bus_status::address_error;
    EXPECT_EQ(d.init(), intc_status::bus_error);
    EXPECT_EQ(d.last_bus_status(), fw::bus_status::address_error);
    h.faults.clear();
    h.faults[at(r::THRESHOLD)] = fw::bus_status::access_error;
    EXPECT_EQ(d.init(), intc_status::bus_error);
    EXPECT_EQ(d.last_bus_status(), fw::bus_status::access_error);
}

TEST_F(intc_driver_test, enable_and_disable_read_modify_write_the_right_word) {
    hal.words[at(r::ENABLE0)] = r::bit_of(2);
    EXPECT_EQ(drv.enable(5), intc_status::ok);
    EXPECT_EQ(hal.words[at(r::ENABLE0)], r::bit_of(2) | r::bit_of(5));
    EXPECT_EQ(drv.disable(2), intc_status::ok);
    EXPECT_EQ(hal.words[at(r::ENABLE0)], r::bit_of(5));
    EXPECT_EQ(drv.set_priority(5, 6), intc_status::ok);
    EXPECT_EQ(hal.writes_to(at(r::priority_reg(5))), std::vector<uint32_t>{6});
    EXPECT_EQ(drv.set_threshold(3), intc_status::ok);
    EXPECT_EQ(hal.writes_to(at(r::THRESHOLD)), std::vector<uint32_t>{3});
    hal.accesses.clear();
    EXPECT_EQ(drv.enable(0), intc_status::invalid_argument);
    EXPECT_EQ(drv.enable(32), intc_status::invalid_argument);  // 32 ids: 1..31
    EXPECT_EQ(drv.set_priority(5, r::max_priority + 1), intc_status::invalid_argument);
    EXPECT_EQ(drv.set_threshold(r::max_priority + 1), intc_status::invalid_argument);
    EXPECT_EQ(drv.attach(0, [] {}), intc_status::invalid_argument);
    EXPECT_TRUE(hal.accesses.empty());  // nothing reached the bus
    hal.faults[at(r::ENABLE0)] = fw::bus_status::generic_error;
    EXPECT_EQ(drv.enable(3), intc_status::bus_error);
}

TEST_F(intc_driver_test, dispatch_claims_handles_and_completes_in_order) {
    drv.attach(5, record(5));
    drv.attach(2, record(2));
    claims = {5, 2, 0};
    drv.dispatch();
    EXPECT_EQ(events, (std::vector<std::string>{"handle 5", "complete 5", "handle 2",
                                                "complete 2"}));
    EXPECT_EQ(drv.dispatched(), 2u);
    EXPECT_EQ(drv.spurious(), 0u);
    EXPECT_EQ(drv.unhandled(), 0u);
}

TEST_F(intc_driver_test, install_hooks_the_dispatcher_into_the_hal) {
    drv.attach(9, record(9));
    drv.install();
    EXPECT_TRUE(hal.irq_enabled);
    ASSERT_TRUE(hal.irq_handler);
    claims = {9};
    hal.irq_handler();
    EXPECT_EQ(events, (std::vector<std::string>{"handle 9", "complete 9"}));
}

TEST_F(intc_driver_test, empty_claims_count_as_spurious_and_unhandled_sources_are_masked) {
    drv.dispatch();
    EXPECT_EQ(drv.spurious(), 1u);
    hal.words[at(r::ENABLE0)] = r::bit_of(7) | r::bit_of(1);
    claims = {7, 0};
    drv.dispatch();
    EXPECT_EQ(drv.unhandled(), 1u);
    EXPECT_EQ(drv.spurious(), 1u);
    EXPECT_EQ(hal.words[at(r::ENABLE0)], r::bit_of(1));
    EXPECT_EQ(events, std::vector<std::string>{"complete 7"});
}

TEST_F(intc_driver_test, a_line_that_never_drops_cannot_trap_the_dispatcher) {
    drv.attach(3, record(3));
    hal.on_read[at(r::CLAIM)] = [](uint64_t) { return 3u; };
    drv.dispatch();
    EXPECT_EQ(drv.dispatched(), fw::intc_driver::max_claims_per_dispatch);
}

TEST_F(intc_driver_test, a_bus_error_on_claim_or_complete_ends_the_dispatch) {
    drv.attach(4, record(4));
    hal.faults[at(r::CLAIM)] = fw::bus_status::generic_error;
    drv.dispatch();
    EXPECT_TRUE(events.empty());
    EXPECT_EQ(drv.last_bus_status(), fw::bus_status::generic_error);
    hal.faults.clear();
    hal.faults[at(r::COMPLETE)] = fw::bus_status::access_error;
    claims = {4, 4};
    drv.dispatch();
    EXPECT_EQ(events, std::vector<std::string>{"handle 4"});  // stopped after one
}
