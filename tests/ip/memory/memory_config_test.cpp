// Memory configuration: defaults from DESIGN.md's 45 nm table, strict parsing.
#include "tests/support/config_error.h"
#include "ip/memory/memory_config.h"

#include <gtest/gtest.h>

#include <functional>
#include <string>

using namespace nnvp;

namespace {
const auto& error_of = test::config_error_of;
}  // namespace

TEST(memory_config, defaults_come_from_the_45nm_table) {
    const memory_config d = memory_config::dram();
    EXPECT_DOUBLE_EQ(d.read_pj_per_byte, 640.0 / 4);  // 640 pJ per 32-bit DRAM read
    EXPECT_DOUBLE_EQ(d.write_pj_per_byte, 160.0);
    EXPECT_EQ(d.bytes_per_cycle, 16u);
    EXPECT_EQ(d.latency_cycles, 40u);
    EXPECT_TRUE(d.dmi);
    const memory_config s = memory_config::sram();
    EXPECT_DOUBLE_EQ(s.read_pj_per_byte, 5.0 / 4);  // 5 pJ per 32-bit read of 8 KB SRAM
    EXPECT_LT(s.latency_cycles, d.latency_cycles);
}

TEST(memory_config, parses_every_key_and_defaults_by_kind) {
    auto n = parse_config_text(R"({"size_bytes": "4G", "latency_cycles": 30,
        "bytes_per_cycle": 8, "read_pj_per_byte": 100, "write_pj_per_byte": 120.5,
        "leakage_mw": 3, "dmi": false})", "p.json");
    const memory_config c = parse_memory_config(n);
    EXPECT_EQ(c.size_bytes, 4ull << 30);
    EXPECT_EQ(c.latency_cycles, 30u);
    EXPECT_EQ(c.bytes_per_cycle, 8u);
    EXPECT_DOUBLE_EQ(c.read_pj_per_byte, 100.0);
    EXPECT_DOUBLE_EQ(c.write_pj_per_byte, 120.5);
    EXPECT_DOUBLE_EQ(c.leakage_mw, 3.0);
    EXPECT_FALSE(c.dmi);

    auto e = parse_config_text("{}", "p.json");
    EXPECT_EQ(parse_memory_config(e, memory_kind::sram).size_bytes,
              memory_config::sram().size_bytes);
    auto k = parse_config_text(R"({"kind": "sram", "latency_cycles": 3})", "p.json");
    const memory_config s = parse_memory_config(k);
    EXPECT_DOUBLE_EQ(s.read_pj_per_byte, 1.25);
    EXPECT_EQ(s.latency_cycles, 3u);
}

TEST(memory_config, bad_values_name_file_and_field) {
    auto cfg = parse_config_text(R"({"dram": {"bytes_per_cycle": 0}, "sram": {"sise": 4},
        "x": {"kind": "flash"}, "y": {"dmi": "yes"}})", "plat.json");
    EXPECT_EQ(error_of([&] { parse_memory_config(cfg.child("dram")); }),
              "plat.json: dram.bytes_per_cycle: expected an integer in [1, 4096], got 0");
    EXPECT_EQ(error_of([&] { parse_memory_config(cfg.child("sram")); }),
              "plat.json: sram.sise: unknown key");
    EXPECT_EQ(error_of([&] { parse_memory_config(cfg.child("x")); }),
              "plat.json: x.kind: expected one of {dram, sram}, got \"flash\"");
    EXPECT_EQ(error_of([&] { parse_memory_config(cfg.child("y")); }),
              "plat.json: y.dmi: expected true or false, got \"yes\"");
}
