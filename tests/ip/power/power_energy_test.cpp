// Power controller: energy counters and robustness against random programming.
#include "ip/common/bus_access.h"
#include "tests/ip/power/power_bench.h"

#include <cmath>
#include <random>

using namespace nnvp;
using namespace nnvp::test;
using namespace sc_core;

namespace {
constexpr unsigned nn = power_bench::nn;
const sc_time us(1, SC_US);

uint64_t read_energy64(power_bench& b, unsigned d) {
    uint64_t v = 0;
    EXPECT_EQ(b.bus.access(tlm::TLM_READ_COMMAND, b.at(d, pr::ENERGY_LO), &v, 8),
              tlm::TLM_OK_RESPONSE);
    return v;
}
}  // namespace

// A 9 mW (at 0.9 V) leaky block in nncore: 7 mW at 0.70 V, 8.5 mW at 0.85 V.
// 0..100 us at 0.70 V: 700 nJ (350 nJ at 50 us). Transition 3 -> 7 at 100 us: 12 steps of 1 us
// at 0.700, 0.7125, ... 0.8375 V (staircase): 1e-8 J/V x 9.225 V = 92.25 nJ;
// 112..200 us at 0.85 V: 748 nJ; one relock: 1000 nJ. At 200 us: 2540.25 nJ.
TEST(power_controller, energy_counter_is_the_sum_of_the_domain_meters) {
    power_bench b(3);
    energy_meter core("core", *b.nncore, 9e-3);
    run_thread([&] {
        b.wait_until(50 * us);
        EXPECT_EQ(read_energy64(b, nn), 350u);
        b.wait_until(100 * us);
        b.wr(nn, pr::OPP_REQ, 7);
        uint64_t last = 0;
        for (int i = 0; i < 30; ++i) {  // never decreases, across the whole transition
            wait(3 * us);
            const uint64_t e = read_energy64(b, nn);
            EXPECT_GE(e, last);
            last = e;
        }
        b.wait_until(200 * us);
        const double sum_j = b.pc.domain_energy_j(nn);
        EXPECT_NEAR(sum_j * 1e9, 2540.25, 1e-6);
        EXPECT_EQ(read_energy64(b, nn), static_cast<uint64_t>(std::floor(sum_j * 1e9)));

        // Above 32 bits: LO latches HI.
        core.add_fixed(5.0);  // 5e9 nJ
        const uint64_t expect = static_cast<uint64_t>(std::floor(b.pc.domain_energy_j(nn) * 1e9));
        const uint32_t lo = b.rd(nn, pr::ENERGY_LO);
        const uint32_t hi = b.rd(nn, pr::ENERGY_HI);
        EXPECT_EQ((uint64_t{hi} << 32) | lo, expect);
        EXPECT_EQ(hi, 1u);
    });
}

TEST(power_controller, energy_read_includes_the_initiator_time_offset) {
    power_bench b(3);
    energy_meter core("core", *b.nncore, 9e-3);
    run_thread([&] {
        b.wait_until(100 * us);
        // A decoupled initiator 50 us ahead of simulated time: 7 mW x 150 us.
        uint32_t v = 0;
        sc_time delay = 50 * us;
        const bus_result r =
            bus_access(b.bus.socket, tlm::TLM_READ_COMMAND, b.at(nn, pr::ENERGY_LO), &v, 4, delay);
        EXPECT_EQ(r.status, tlm::TLM_OK_RESPONSE);
        EXPECT_NEAR(v, 1050.0, 1.0);
    });
}

// Any value to any offset of the window, interleaved with time passing: no
// crash, no hang, no assert; the controller still works afterwards.
TEST(power_controller, random_register_writes) {
    power_bench b(3);
    allow_warnings(true);
    run_thread([&] {
        std::mt19937 rng(20261122);
        for (int i = 0; i < 3000; ++i) {
            uint32_t off = 0;
            switch (rng() % 3) {
            case 0: off = rng() % pr::window_bytes; break;  // also misaligned
            case 1: off = (rng() % (pr::window_bytes / 4)) * 4; break;
            default:
                off = pr::domain_offset(rng() % 3) + (rng() % (pr::domain_stride / 4)) * 4;
            }
            const uint32_t value = rng() % 2 ? rng() : rng() % 10;
            uint32_t v = value;
            if (off + 4 <= pr::window_bytes || rng() % 2)
                b.bus.access(rng() % 4 ? tlm::TLM_WRITE_COMMAND : tlm::TLM_READ_COMMAND, off, &v,
                             4);
            if (rng() % 8 == 0)
                wait(sc_time(static_cast<double>(rng() % 20000), SC_NS));
        }
        // Let any transition finish, then a clean request must work.
        wait(200 * us);
        EXPECT_GT(b.pc.transitions(nn) + b.pc.transitions(power_bench::cpu), 0u);
        ASSERT_FALSE(b.pc.busy(nn));
        b.wr(pr::IRQ_STATUS, 0xffffffffu);
        b.wr(pr::IRQ_ENABLE, pr::irq_opp_done_bit(nn));
        const uint32_t target = b.rd(nn, pr::OPP_CUR) == 7 ? 0 : 7;
        b.wr(nn, pr::OPP_REQ, target);
        wait(100 * us);
        EXPECT_EQ(b.rd(nn, pr::OPP_CUR), target);
        EXPECT_TRUE(b.irq.read());
        EXPECT_EQ(b.rd(nn, pr::FREQ_MHZ), target == 7 ? 1000u : 300u);
    });
}
