// The firmware glue on a fake HAL: telemetry in, OPP_REQ out.
#include "firmware/power/dvfs_loop.h"

#include <gtest/gtest.h>

#include "firmware/power/governors.h"
#include "arch/regs/power_regs.h"
#include "tests/support/fake_hal.h"

using namespace nnvp;
using namespace nnvp::fw;
namespace pr = power_regs;

namespace {
constexpr uint64_t base = 0x4000'3000;
uint64_t d(unsigned dom, const regs::reg_def& r) {
    return base + pr::domain_offset(dom) + r.offset;
}

// One nncore-like domain with the default 8-OPP table, at OPP 3.
struct bench {
    test::fake_hal hal;
    power_driver drv{hal, base};
    bench() {
        hal.words[base + pr::ID.offset] = pr::ID_DOMAINS.make(1) | pr::ID_MAGIC.make(pr::id_magic);
        hal.words[d(0, pr::OPP_COUNT)] = 8;
        hal.words[d(0, pr::OPP_CUR)] = 3;
        hal.words[d(0, pr::OPP_MAX)] = 7;
        const uint32_t khz[] = {300000, 400000, 500000, 600000, 700000, 800000, 900000, 1000000};
        const uint32_t mv[] = {700, 700, 700, 700, 700, 750, 800, 850};
        hal.on_read[d(0, pr::OPP_FREQ_KHZ)] = [this, khz](uint64_t) {
            return khz[hal.words[d(0, pr::OPP_SEL)] & 7];
        };
        hal.on_read[d(0, pr::OPP_VOLT_MV)] = [this, mv](uint64_t) {
            return mv[hal.words[d(0, pr::OPP_SEL)] & 7];
        };
    }
    void cycles(uint32_t busy, uint32_t idle) {
        hal.words[d(0, pr::BUSY_CYC_LO)] = busy;
        hal.words[d(0, pr::IDLE_CYC_LO)] = idle;
    }
};
}  // namespace

TEST(dvfs_loop, utilisation_drives_the_request) {
    bench b;
    pm::ondemand_governor g(0.80);
    pm::dvfs_loop loop(b.hal, b.drv, 0, g);
    b.cycles(1000, 1000);
    ASSERT_EQ(loop.init(), power_status::ok);
    ASSERT_EQ(loop.table().size(), 8u);
    EXPECT_DOUBLE_EQ(loop.table()[5].volt_v, 0.75);
    b.cycles(1900, 1100);  // +900 busy, +100 idle: 90 %
    EXPECT_EQ(loop.step(), power_status::ok);
    EXPECT_DOUBLE_EQ(loop.last_util(), 0.9);
    EXPECT_EQ(b.hal.words[d(0, pr::OPP_REQ)], 7u);
    EXPECT_EQ(loop.requests(), 1u);
    b.hal.words[d(0, pr::OPP_CUR)] = 7;
    b.cycles(1900, 2100);  // idle: 300 MHz
    EXPECT_EQ(loop.step(), power_status::ok);
    EXPECT_EQ(b.hal.words[d(0, pr::OPP_REQ)], 0u);
    // A step during a transition changes nothing.
    b.hal.words[d(0, pr::STATUS)] = pr::STATUS_BUSY.make(1);
    b.hal.words[d(0, pr::OPP_REQ)] = 99;
    b.cycles(2900, 2100);
    EXPECT_EQ(loop.step(), power_status::ok);
    EXPECT_EQ(b.hal.words[d(0, pr::OPP_REQ)], 99u);
    EXPECT_EQ(loop.steps(), 3u);
}
