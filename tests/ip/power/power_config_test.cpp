// Config parsing of the power controller and of domain descriptions, and
// the register header's layout.
#include "tests/support/config_error.h"
#include "ip/common/config_reader.h"
#include "ip/power/domain_config.h"
#include "ip/power/power_config.h"
#include "arch/regs/power_regs.h"

#include <gtest/gtest.h>

#include <functional>

using namespace nnvp;

namespace {
const auto& error_of = test::config_error_of;
domain_desc parse(const std::string& text, const std::string& name) {
    return parse_domain(parse_config_text(text, "p.json").child(name), name);
}
}  // namespace

TEST(power_config, defaults_and_overrides) {
    const auto d = parse_power_config(parse_config_text("{}", "p.json"));
    EXPECT_DOUBLE_EQ(d.slew_mv_per_us, 12.5);
    EXPECT_DOUBLE_EQ(d.slew_step_mv, 12.5);
    EXPECT_DOUBLE_EQ(d.pll_relock_us, 40.0);
    EXPECT_DOUBLE_EQ(d.transition_energy_uj, 1.0);
    EXPECT_DOUBLE_EQ(d.leakage_mw, 0.05);
    const auto c = parse_power_config(parse_config_text(
        R"({"slew_mv_per_us": 25, "slew_step_mv": 5, "pll_relock_us": 10,
            "transition_energy_uj": 0.5, "leakage_mw": 1})",
        "p.json"));
    EXPECT_DOUBLE_EQ(c.slew_mv_per_us, 25);
    EXPECT_DOUBLE_EQ(c.slew_step_mv, 5);
    EXPECT_DOUBLE_EQ(c.pll_relock_us, 10);
    EXPECT_DOUBLE_EQ(c.transition_energy_uj, 0.5);
    EXPECT_DOUBLE_EQ(c.leakage_mw, 1);
}

TEST(power_config, errors_name_the_field) {
    auto cfg = parse_config_text(R"({"power": {"slew_mv_per_us": 0, "typo": 1}})", "p.json");
    EXPECT_NE(error_of([&] { parse_power_config(cfg.child("power")); })
                  .find("p.json: power.slew_mv_per_us: expected"),
              std::string::npos);
    auto cfg2 = parse_config_text(R"({"power": {"relock": 3}})", "p.json");
    EXPECT_EQ(error_of([&] { parse_power_config(cfg2.child("power")); }),
              "p.json: power.relock: unknown key");
}

TEST(domain_config, default_nncore_table) {
    const auto d = parse(R"({"nncore": {}})", "nncore");
    ASSERT_EQ(d.opps.size(), 8u);
    const double mhz[] = {300, 400, 500, 600, 700, 800, 900, 1000};
    const double mv[] = {700, 700, 700, 700, 700, 750, 800, 850};
    for (std::size_t i = 0; i < 8; ++i) {
        EXPECT_DOUBLE_EQ(d.opps[i].freq_mhz, mhz[i]);
        EXPECT_DOUBLE_EQ(d.opps[i].volt_mv, mv[i]);
    }
    EXPECT_EQ(d.initial, 7u);
    EXPECT_DOUBLE_EQ(d.v_nominal_mv, 900);
    for (const char* n : {"cpu", "fabric", "dram", "ref"}) {
        domain_desc x;
        EXPECT_TRUE(default_domain(n, x)) << n;
    }
    domain_desc none;
    EXPECT_FALSE(default_domain("gpu", none));
}

TEST(domain_config, reads_a_table) {
    const auto d = parse(
        R"({"acc": {"opps": [{"mhz": 300, "mv": 700}, {"mhz": 600, "mv": 800}],
                    "initial": 0, "v_nominal_mv": 800}})",
        "acc");
    EXPECT_EQ(d.name, "acc");
    ASSERT_EQ(d.opps.size(), 2u);
    EXPECT_DOUBLE_EQ(d.opps[1].freq_mhz, 600);
    EXPECT_EQ(d.initial, 0u);
    EXPECT_DOUBLE_EQ(d.v_nominal_mv, 800);
}

TEST(domain_config, validation_errors) {
    EXPECT_EQ(error_of([] { parse(R"({"acc": {}})", "acc"); }),
              "p.json: acc.opps: missing (required)");
    EXPECT_EQ(error_of([] { parse(R"({"acc": {"opps": []}})", "acc"); }),
              "p.json: acc.opps: expected a non-empty array of {\"mhz\", \"mv\"} operating "
              "points");
    EXPECT_EQ(error_of([] {
                  parse(R"({"acc": {"opps": [{"mhz": 300, "mv": 700}, {"mhz": 300, "mv": 700}]}})",
                        "acc");
              }),
              "p.json: acc.opps[1].mhz: expected frequencies strictly increasing, got 300 after "
              "300");
    EXPECT_EQ(error_of([] {
                  parse(R"({"acc": {"opps": [{"mhz": 300, "mv": 800}, {"mhz": 400, "mv": 700}]}})",
                        "acc");
              }),
              "p.json: acc.opps[1].mv: expected voltages non-decreasing, got 700 after 800");
    EXPECT_NE(error_of([] { parse(R"({"acc": {"opps": [{"mhz": -1, "mv": 700}]}})", "acc"); })
                  .find("p.json: acc.opps[0].mhz: expected"),
              std::string::npos);
    EXPECT_EQ(error_of([] {
                  parse(R"({"acc": {"opps": [{"mhz": 1, "mv": 700, "x": 1}]}})", "acc");
              }),
              "p.json: acc.opps[0].x: unknown key");
    EXPECT_NE(error_of([] { parse(R"({"nncore": {"initial": 8}})", "nncore"); })
                  .find("p.json: nncore.initial: expected an integer in [0, 7]"),
              std::string::npos);
    EXPECT_EQ(error_of([] { parse(R"({"nncore": {"initail": 1}})", "nncore"); }),
              "p.json: nncore.initail: unknown key");
}

TEST(power_regs, layout) {
    namespace pr = power_regs;
    EXPECT_EQ(pr::domain_offset(0), 0x100u);
    EXPECT_EQ(pr::domain_offset(2) + pr::OPP_REQ.offset, 0x208u);
    EXPECT_EQ(pr::irq_opp_done_bit(3), 0x8u);
    EXPECT_EQ(pr::IRQ_ENABLE.write_mask & pr::IRQ_ERROR.mask(), pr::IRQ_ERROR.mask());
    EXPECT_EQ(pr::STATUS_ERR_CODE.make(regs::value(pr::error_code::busy)), 0x200u);
    for (const auto& r : pr::domain_regs)
        EXPECT_LT(r.offset, pr::domain_stride) << r.name;
    for (const auto& r : pr::global_regs)
        EXPECT_LT(r.offset, pr::reserved_global_begin) << r.name;
    EXPECT_EQ(pr::STATE_REQ.offset, 0x34u);
    EXPECT_EQ(pr::residency_lo(regs::value(pr::state::off)), pr::RES_OFF_LO.offset);
    EXPECT_EQ(pr::irq_state_done_bit(2), 1u << 18);
}
