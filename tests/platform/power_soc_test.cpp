// Power management on the assembled SoC: a governor ticking from the timer,
// power states through the board's driver, and the report's power sections.
#include "firmware/power/dvfs_loop.h"
#include "firmware/power/governors.h"
#include "firmware/programs/board.h"
#include "platform/power_stats.h"
#include "platform/soc.h"
#include "tests/support/sc_harness.h"

using namespace nnvp;
using namespace sc_core;

namespace {
const std::string default_config = std::string(NNVP_SOURCE_DIR) + "/platform/configs/default.json";
}  // namespace

// powersave from a 100 us timer tick takes nncore to OPP 0 (one transition);
// then OFF and back (2 state transitions, one lost context, the local
// buffers cleared by the power-up reset).
TEST(power_soc, timer_driven_governor_states_and_report_sections) {
    soc chip("soc", load_platform_config(default_config, {{"cpu.echo_console", false}}));
    const run_outcome out = chip.run(
        [](fw::hal& h) {
            fw::board b(h);
            if (!b.init())
                return 1;
            unsigned nn = 0;
            if (b.power.find_domain("nncore", nn) != fw::power_status::ok)
                return 2;
            fw::pm::powersave_governor gov;
            fw::pm::dvfs_loop loop(h, b.power, nn, gov);
            if (loop.init() != fw::power_status::ok ||
                loop.attach(b.timer, 0, 100'000) != fw::timer_status::ok)
                return 3;
            while (h.now_ns() < 1'000'000)
                h.wait_irq(100'000);
            b.timer.stop(0);
            if (loop.steps() < 5 || loop.requests() != 1)
                return 4;
            // The NN core's local buffers lose their contents in OFF.
            const uint64_t buf = h.map().at("nncore_buf").base;
            const uint32_t marker = 0xabcd1234;
            uint32_t back = 0;
            h.write_block(buf, &marker, 4);
            h.read_block(buf, &back, 4);
            if (back != marker)
                return 7;
            if (b.power.set_state(nn, fw::pstate::off, 1'000'000) != fw::power_status::ok ||
                b.power.set_state(nn, fw::pstate::on, 1'000'000) != fw::power_status::ok)
                return 5;
            h.read_block(buf, &back, 4);
            if (back != 0)
                return 8;
            uint32_t lost = 0;
            b.power.context_lost(nn, lost);
            return lost == 1 ? 0 : 6;
        },
        sc_time(1, SC_SEC));
    ASSERT_TRUE(out.halted);
    EXPECT_EQ(out.exit_code, 0);
    const std::size_t nn = 2;  // cpu, fabric, nncore, dram, ref
    EXPECT_EQ(chip.power().current_opp(nn), 0u);
    EXPECT_EQ(chip.power().transitions(nn), 1u);

    const nlohmann::json p = chip.power_stats();
    const auto& st = p.at("power_states").at("nncore");
    EXPECT_EQ(st.at("state_transitions"), 2);
    EXPECT_EQ(st.at("entries").at("off"), 1);
    EXPECT_EQ(st.at("contexts_lost"), 1);
    // Relock (1 uJ) + OFF entry (2 uJ) + OFF exit (5 uJ).
    EXPECT_NEAR(p.at("by_component").at("nncore_dvfs").at("transition_j").get<double>(), 8e-6,
                1e-12);
    double sum = 0;
    for (const auto& [state, s] : p.at("states").at("nncore").items())
        sum += s.get<double>();
    EXPECT_NEAR(sum, out.simulated.to_seconds(), 1e-12);
    const auto& em = p.at("energy_model").at("nncore");
    EXPECT_EQ(em.at("dominated"), nlohmann::json({"300MHz", "400MHz", "500MHz", "600MHz"}));
    EXPECT_EQ(em.at("opps").size(), 8u);
    EXPECT_DOUBLE_EQ(em.at("ceff_pf").get<double>(), 370.0);
    EXPECT_EQ(power_energy_model(chip), p.at("energy_model"));
}
