// Interconnect configuration: defaults, every key, strict errors.
#include "tests/support/config_error.h"
#include "ip/interconnect/interconnect.h"
#include "tests/support/sc_harness.h"

#include <functional>
#include <stdexcept>
#include <string>

using namespace nnvp;

namespace {
const auto& error_of = test::config_error_of;
memory_map two_regions() {
    memory_map m;
    m.regions = {{"sram", 0x0, 0x1000, -1}, {"dram", 0x80000000, 0x1000, -1}};
    return m;
}
}  // namespace

TEST(interconnect_config, defaults) {
    const interconnect_config c = parse_interconnect_config(parse_config_text("{}", "p.json"));
    EXPECT_EQ(c.hop_cycles, 2u);
    EXPECT_EQ(c.width_bytes, 16u);
    EXPECT_TRUE(c.target_width_bytes.empty());
    EXPECT_DOUBLE_EQ(c.energy_pj_per_byte, 0.5);
    EXPECT_DOUBLE_EQ(c.leakage_mw, 1.0);
    EXPECT_EQ(c.width_of("dram"), 16u);
}

TEST(interconnect_config, parses_every_key) {
    const memory_map map = two_regions();
    auto n = parse_config_text(R"({"hop_cycles": 3, "width_bytes": 32,
        "target_width_bytes": {"dram": 8}, "energy_pj_per_byte": 0.25, "leakage_mw": 2})",
                               "p.json");
    const interconnect_config c = parse_interconnect_config(n, &map);
    EXPECT_EQ(c.hop_cycles, 3u);
    EXPECT_EQ(c.width_bytes, 32u);
    EXPECT_EQ(c.width_of("dram"), 8u);
    EXPECT_EQ(c.width_of("sram"), 32u);
    EXPECT_DOUBLE_EQ(c.energy_pj_per_byte, 0.25);
    EXPECT_DOUBLE_EQ(c.leakage_mw, 2.0);
}

TEST(interconnect_config, bad_values_name_file_and_field) {
    const memory_map map = two_regions();
    auto cfg = parse_config_text(R"({"a": {"hop_cycle": 1}, "b": {"width_bytes": 0},
        "c": {"target_width_bytes": {"flash": 8}}, "d": {"target_width_bytes": 5},
        "e": {"energy_pj_per_byte": -1}, "f": {"target_width_bytes": {"dram": 0}}})",
                                 "plat.json");
    EXPECT_EQ(error_of([&] { parse_interconnect_config(cfg.child("a")); }),
              "plat.json: a.hop_cycle: unknown key");
    EXPECT_EQ(error_of([&] { parse_interconnect_config(cfg.child("b")); }),
              "plat.json: b.width_bytes: expected an integer in [1, 4096], got 0");
    EXPECT_EQ(error_of([&] { parse_interconnect_config(cfg.child("c"), &map); }),
              "plat.json: c.target_width_bytes.flash: expected the name of a memory-map region");
    EXPECT_EQ(error_of([&] { parse_interconnect_config(cfg.child("d")); }),
              "plat.json: d.target_width_bytes: expected an object, got 5");
    EXPECT_NE(error_of([&] { parse_interconnect_config(cfg.child("e")); })
                  .find("plat.json: e.energy_pj_per_byte: expected a number in"),
              std::string::npos);
    EXPECT_EQ(error_of([&] { parse_interconnect_config(cfg.child("f"), &map); }),
              "plat.json: f.target_width_bytes.dram: expected an integer in [1, 4096], got 0");
}

TEST(interconnect_config, the_model_rejects_widths_for_unknown_regions) {
    clock_domain clk("fabric", {{500e6, 1.0}}, 0, 1.0);
    interconnect_config cfg;
    cfg.target_width_bytes["flash"] = 4;
    EXPECT_THROW(interconnect("bus", two_regions(), clk, cfg), std::invalid_argument);
}
