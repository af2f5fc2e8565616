// The port calendar: accesses fill the earliest gap that fits, so a request
// booked for the future does not delay an earlier one.
#include "ip/common/port_schedule.h"
#include "tests/support/sc_harness.h"

using namespace nnvp;
using namespace sc_core;

namespace {
sc_time ns(double v) { return sc_time(v, SC_NS); }
}  // namespace

TEST(port_schedule, back_to_back_accesses_queue) {
    port_schedule p;
    EXPECT_EQ(p.reserve(ns(0), ns(10)), ns(0));
    EXPECT_EQ(p.reserve(ns(0), ns(10)), ns(10));
    EXPECT_EQ(p.reserve(ns(5), ns(10)), ns(20));
    EXPECT_EQ(p.booked(), 1u) << "touching intervals merge";
}

TEST(port_schedule, an_earlier_request_uses_the_gap_before_a_future_booking) {
    port_schedule p;
    EXPECT_EQ(p.reserve(ns(100), ns(10)), ns(100));  // a write booked ahead
    EXPECT_EQ(p.reserve(ns(0), ns(10)), ns(0));      // a read arriving now: not delayed
    EXPECT_EQ(p.reserve(ns(95), ns(10)), ns(110));   // does not fit in 95..100
    EXPECT_EQ(p.reserve(ns(50), ns(50)), ns(50));    // exactly fills 50..100
    EXPECT_EQ(p.reserve(ns(0), ns(45)), ns(120));    // the 10..50 gap is too short
    EXPECT_EQ(p.reserve(ns(0), ns(40)), ns(10));     // ... for 45, not for 40
}

TEST(port_schedule, zero_length_accesses_take_no_time) {
    port_schedule p;
    p.reserve(ns(0), ns(10));
    EXPECT_EQ(p.reserve(ns(3), SC_ZERO_TIME), ns(10));
    EXPECT_EQ(p.booked(), 1u);
}

TEST(port_schedule, past_intervals_are_forgotten) {
    port_schedule p;
    test::run_thread([&] {
        p.reserve(ns(0), ns(10));
        p.reserve(ns(20), ns(10));
        wait(ns(40));
        EXPECT_EQ(p.reserve(ns(40), ns(5)), ns(40));
        EXPECT_EQ(p.booked(), 1u);
    });
}
