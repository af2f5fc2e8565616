// The platform configuration: the default SoC parses, and every kind of
// mistake is reported with the file, the field and what was expected.
#include "platform/platform_config.h"

#include <gtest/gtest.h>

using namespace nnvp;

namespace {

const std::string default_config = std::string(NNVP_SOURCE_DIR) + "/platform/configs/default.json";

std::string error_of(const std::vector<std::pair<std::string, nlohmann::json>>& overrides) {
    try {
        load_platform_config(default_config, overrides);
    } catch (const config_error& e) {
        return e.what();
    }
    return "(no error)";
}

}  // namespace

TEST(platform_config, the_default_soc_parses) {
    const platform_config cfg = load_platform_config(default_config);
    EXPECT_EQ(cfg.name, "nnvp-default");
    ASSERT_EQ(cfg.domains.size(), domain_order.size());
    EXPECT_EQ(cfg.domains[2].name, "nncore");
    // The nncore table: 300..700 MHz at 0.70 V, then 0.75, 0.80, 0.85 V.
    ASSERT_EQ(cfg.domains[2].opps.size(), 8u);
    EXPECT_EQ(cfg.domains[2].opps[4].freq_mhz, 700);
    EXPECT_EQ(cfg.domains[2].opps[4].volt_mv, 700);
    EXPECT_EQ(cfg.domains[2].opps[7].freq_mhz, 1000);
    EXPECT_EQ(cfg.domains[2].opps[7].volt_mv, 850);
    EXPECT_EQ(cfg.map.at("dma").irq, 2);
    EXPECT_EQ(cfg.dram.size_bytes, 1ull << 30);
    EXPECT_EQ(cfg.dma.channels, 4u);
}

// The Eyeriss calibration platform: 12 x 14 PEs, 108 KiB of buffers, one
// 200 MHz OPP at its nominal 1 V, 65 nm: every energy x 1.332 / 0.84433
// (Stillmaker & Baas at 65 nm, 1.0 V over 45 nm, 0.9 V); leakage derived,
// (168 x 61 + 108 x 72) uW = 18.024 mW x that factor = 28.43 mW.
TEST(platform_config, the_eyeriss_soc_parses_with_its_technology) {
    const platform_config cfg =
        load_platform_config(std::string(NNVP_SOURCE_DIR) + "/platform/configs/eyeriss.json");
    const cost::core_params& p = cfg.nncore.core;
    EXPECT_EQ(p.rows * p.cols, 168u);
    EXPECT_EQ(p.input_kb + p.weight_kb + p.output_kb, 108u);
    EXPECT_EQ(p.macs_for(ref::precision::int16), 1u);
    ASSERT_EQ(cfg.domains[2].opps.size(), 1u);
    EXPECT_EQ(cfg.domains[2].opps[0].freq_mhz, 200);
    EXPECT_DOUBLE_EQ(p.nominal_v, 1.0);
    EXPECT_EQ(p.technology_nm, 65u);
    EXPECT_TRUE(p.zero_gating);
    const double k = 1.332 / (1.103 * 0.81 - 0.362 * 0.9 + 0.2767);
    EXPECT_NEAR(p.energy_scale(), k, 1e-12);
    EXPECT_NEAR(p.core_leakage_mw(), 18.024 * k, 1e-9);
    EXPECT_NEAR(p.input_buffer_pj_per_byte(), 3.0 * k, 1e-12);
    // The default platform stays at 45 nm and 0.9 V: factor 1.
    EXPECT_DOUBLE_EQ(load_platform_config(default_config).nncore.core.energy_scale(), 1.0);
}

TEST(platform_config, overrides_reach_every_block) {
    const platform_config cfg = load_platform_config(
        default_config, {{"dma.burst_bytes", 64}, {"interconnect.hop_cycles", 5},
                         {"domains.fabric.initial", 0}, {"memory_map.7.size", "512M"},
                         {"dram.size_bytes", "512M"}});
    EXPECT_EQ(cfg.dma.burst_bytes, 64u);
    EXPECT_EQ(cfg.interconnect.hop_cycles, 5u);
    EXPECT_EQ(cfg.domains[1].initial, 0u);
    EXPECT_EQ(cfg.map.at("dram").size, 512ull << 20);
    EXPECT_EQ(cfg.resolved["dma"]["burst_bytes"], 64);
}

// The memories' windows follow their blocks (issue 17: buffer sizes needed
// the map patched by position); other regions must give a size.
TEST(platform_config, memory_windows_follow_their_blocks) {
    const platform_config cfg = load_platform_config(
        default_config, {{"nncore.weight_kb", 64}, {"dram.size_bytes", "2G"},
                         {"sram.size_bytes", "2M"}});
    EXPECT_EQ(cfg.map.at("nncore_buf").size, (128u + 64u + 64u) * 1024u);
    EXPECT_EQ(cfg.map.at("dram").size, 2ull << 30);
    EXPECT_EQ(cfg.map.at("sram").size, 2u << 20);
    EXPECT_EQ(cfg.resolved["memory_map"][7]["size"], 2ull << 30);  // the report shows it
    EXPECT_THROW(load_platform_config(default_config, {{"sram.size_bytes", "512M"}}),
                 config_error);  // now overlaps nncore_buf at 0x20000000
    nlohmann::json doc = load_config_file(default_config).json();
    doc["memory_map"][1].erase("size");
    try {
        parse_platform_config(doc, "p.json");
        FAIL() << "expected an error";
    } catch (const config_error& e) {
        EXPECT_NE(std::string(e.what()).find("p.json: memory_map[1].size: missing (required)"), std::string::npos)
            << e.what();
    }
}

TEST(platform_config, mistakes_name_the_file_and_the_field) {
    const std::string f = default_config + ": ";
    EXPECT_EQ(error_of({{"dma.typo", 1}}), f + "dma.typo: unknown key");
    EXPECT_EQ(error_of({{"typo", 1}}), f + "typo: unknown key");
    EXPECT_EQ(error_of({{"quantum_ns", 0}}), f + "quantum_ns: expected a number in [1, 1e+09], got 0");
    EXPECT_EQ(error_of({{"memory_map.1.name", "flash"}}),
              f + "memory_map: no region named \"intc\" (required)");
    EXPECT_EQ(error_of({{"memory_map.1.base", "0x10000000"}}),
              f + "memory_map: regions \"sram\" and \"intc\" overlap");
    EXPECT_EQ(error_of({{"memory_map.2.irq", 3}}),
              f + "memory_map: regions \"timer\" and \"power\" share irq 3");
    EXPECT_EQ(error_of({{"memory_map.7.size", "512M"}}),
              f + "dram.size_bytes: must equal the size of the \"dram\" region in memory_map (or "
                  "leave the region's size out: it follows the block)");
    EXPECT_EQ(error_of({{"domains.gpu", nlohmann::json::object()}}), f + "domains.gpu: unknown key");
    EXPECT_NE(error_of({{"domains.nncore.opps.1.mhz", 200}}).find(f + "domains.nncore.opps"),
              std::string::npos);
    EXPECT_NE(error_of({{"dma.burst_bytes", 96}}).find("dma.burst_bytes"), std::string::npos);
    EXPECT_EQ(error_of({{"memory_map.6.size", "160K"}}),
              f + "memory_map: region \"nncore_buf\" must be input_kb + weight_kb + output_kb of "
                  "the nncore block (327680 bytes) (or leave the region's size out: it follows "
                  "the block)");
    EXPECT_EQ(error_of({{"nncore.rows", "many"}}).rfind(f + "nncore.rows", 0), 0u);
    EXPECT_EQ(error_of({{"nncore.technology_nm", 40}}),
              f + "nncore.technology_nm: expected 130, 90, 65, 45, 32, 20, 16, 14, 10 or 7 (nm), "
                  "got 40");
}

TEST(platform_config, files_that_cannot_be_read) {
    try {
        load_platform_config("/nonexistent/platform.json");
        FAIL();
    } catch (const config_error& e) {
        EXPECT_EQ(std::string(e.what()), "/nonexistent/platform.json: cannot open file");
    }
}
