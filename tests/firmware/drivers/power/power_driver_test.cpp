// The power driver on a fake HAL: addresses and values come from
// power_regs.h; device behaviour is scripted with hooks.
#include "firmware/drivers/power/power_driver.h"
#include "arch/regs/power_regs.h"
#include "tests/support/fake_hal.h"

#include <gtest/gtest.h>

using namespace nnvp;
using namespace nnvp::fw;
namespace pr = power_regs;

namespace {
constexpr uint64_t base = 0x4000'0000;
uint64_t g(const regs::reg_def& r) { return base + r.offset; }
uint64_t d(unsigned dom, const regs::reg_def& r) {
    return base + pr::domain_offset(dom) + r.offset;
}

// A two-domain controller: "cpu" with 2 OPPs, "nncore" with 8.
struct fake_pc {
    test::fake_hal hal;
    power_driver drv{hal, base};
    fake_pc() {
        hal.words[g(pr::ID)] = pr::ID_DOMAINS.make(2) | pr::ID_MAGIC.make(pr::id_magic);
        hal.words[d(0, pr::NAME)] = 'c' | 'p' << 8 | 'u' << 16;
        hal.words[d(1, pr::NAME)] = 'n' | 'n' << 8 | 'c' << 16 | 'o' << 24;
        hal.words[d(0, pr::OPP_COUNT)] = 2;
        hal.words[d(1, pr::OPP_COUNT)] = 8;
        hal.words[d(1, pr::OPP_CUR)] = 3;
        hal.on_read[d(1, pr::OPP_FREQ_KHZ)] = [this](uint64_t) {
            return 300000 + 100000 * hal.words[d(1, pr::OPP_SEL)];
        };
        hal.on_read[d(1, pr::OPP_VOLT_MV)] = [](uint64_t) { return 700u; };
    }
};
}  // namespace

TEST(power_driver, probe_and_names) {
    fake_pc f;
    uint32_t n = 0;
    EXPECT_EQ(f.drv.domain_count(n), power_status::ok);
    EXPECT_EQ(n, 2u);
    std::string name;
    EXPECT_EQ(f.drv.domain_name(1, name), power_status::ok);
    EXPECT_EQ(name, "nnco");
    unsigned idx = 9;
    EXPECT_EQ(f.drv.find_domain("nncore", idx), power_status::ok);
    EXPECT_EQ(idx, 1u);
    EXPECT_EQ(f.drv.find_domain("cpu", idx), power_status::ok);
    EXPECT_EQ(idx, 0u);
    EXPECT_EQ(f.drv.find_domain("dram", idx), power_status::not_found);
    EXPECT_EQ(f.drv.domain_name(2, name), power_status::bad_domain);

    test::fake_hal other;
    power_driver bad(other, base);
    EXPECT_EQ(bad.probe(), power_status::bad_device);
    other.faults[g(pr::ID)] = bus_status::address_error;
    EXPECT_EQ(bad.probe(), power_status::bus_error);
}

TEST(power_driver, opp_table) {
    fake_pc f;
    opp_info o{};
    EXPECT_EQ(f.drv.opp(1, 5, o), power_status::ok);
    EXPECT_EQ(f.hal.writes_to(d(1, pr::OPP_SEL)), std::vector<uint32_t>{5});
    EXPECT_EQ(o.freq_khz, 800000u);
    EXPECT_EQ(o.volt_mv, 700u);
    EXPECT_EQ(f.drv.opp(1, 8, o), power_status::bad_index);
    EXPECT_EQ(f.drv.opp(3, 0, o), power_status::bad_domain);
    uint32_t cur = 0;
    EXPECT_EQ(f.drv.current_opp(1, cur), power_status::ok);
    EXPECT_EQ(cur, 3u);
}

TEST(power_driver, request_and_poll) {
    fake_pc f;
    // The device stays busy for three STATUS reads after the request.
    int busy_reads = 0;
    f.hal.on_write[d(1, pr::OPP_REQ)] = [&](uint64_t, uint32_t) { busy_reads = 3; };
    f.hal.on_read[d(1, pr::STATUS)] = [&](uint64_t) {
        return busy_reads > 0 ? (--busy_reads, pr::STATUS_BUSY.make(1)) : 0u;
    };
    f.drv.set_poll_interval_ns(500);
    EXPECT_EQ(f.drv.set_opp(1, 7, 100000), power_status::ok);
    EXPECT_EQ(f.hal.writes_to(d(1, pr::OPP_REQ)), std::vector<uint32_t>{7});
    // The stale done bit is cleared before the request, the new one after.
    EXPECT_EQ(f.hal.writes_to(g(pr::IRQ_STATUS)),
              (std::vector<uint32_t>{pr::irq_opp_done_bit(1), pr::irq_opp_done_bit(1)}));
    EXPECT_EQ(f.hal.time_ns, 1000u);  // request's check read + 2 busy polls of 500 ns

    EXPECT_EQ(f.drv.request_opp(1, 8), power_status::bad_index);  // caught without a write
    EXPECT_EQ(f.hal.writes_to(d(1, pr::OPP_REQ)).size(), 1u);
}

TEST(power_driver, busy_and_timeout) {
    fake_pc f;
    f.hal.words[d(1, pr::STATUS)] = pr::STATUS_BUSY.make(1);
    EXPECT_EQ(f.drv.request_opp(1, 2), power_status::busy);
    EXPECT_TRUE(f.hal.writes_to(d(1, pr::OPP_REQ)).empty());
    f.drv.set_poll_interval_ns(1000);
    EXPECT_EQ(f.drv.wait_done(1, 5500), power_status::timeout);
    EXPECT_EQ(f.hal.time_ns, 5500u);
}

TEST(power_driver, hardware_rejection_is_reported) {
    fake_pc f;
    f.hal.on_write[d(1, pr::OPP_REQ)] = [&](uint64_t, uint32_t) {
        f.hal.words[d(1, pr::STATUS)] =
            pr::STATUS_ERROR.make(1) | pr::STATUS_ERR_CODE.make(regs::value(pr::error_code::busy));
    };
    EXPECT_EQ(f.drv.request_opp(1, 2), power_status::busy);
}

TEST(power_driver, interrupt_driven_wait) {
    fake_pc f;
    EXPECT_EQ(f.drv.enable_interrupts(true), power_status::ok);
    EXPECT_EQ(f.hal.words[g(pr::IRQ_ENABLE)],
              pr::IRQ_ERROR.mask() | 0x3u | pr::irq_state_done_bit(0) | pr::irq_state_done_bit(1));
    // The interrupt fires while the driver sleeps: the handler sees the done bit.
    f.hal.on_wait_irq = [&] {
        f.hal.words[g(pr::IRQ_STATUS)] = pr::irq_opp_done_bit(1) | pr::IRQ_ERROR.mask();
        f.drv.on_irq();
    };
    EXPECT_EQ(f.drv.set_opp(1, 6, 0), power_status::ok);
    EXPECT_EQ(f.drv.error_irqs(), 1u);
    EXPECT_EQ(f.hal.writes_to(g(pr::IRQ_STATUS)).back(), pr::irq_opp_done_bit(1) | pr::IRQ_ERROR.mask());
    EXPECT_EQ(f.drv.enable_interrupts(false), power_status::ok);
    EXPECT_EQ(f.hal.words[g(pr::IRQ_ENABLE)], 0u);
}

TEST(power_driver, energy_is_one_64_bit_read) {
    fake_pc f;
    f.hal.words[d(1, pr::ENERGY_LO)] = 0x89abcdefu;
    f.hal.words[d(1, pr::ENERGY_HI)] = 0x1u;
    uint64_t nj = 0;
    EXPECT_EQ(f.drv.energy_nj(1, nj), power_status::ok);
    EXPECT_EQ(nj, 0x189abcdefull);
    EXPECT_EQ(f.hal.accesses.back().addr, d(1, pr::ENERGY_HI));  // LO first, then HI
}
