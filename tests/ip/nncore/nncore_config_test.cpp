// The NN core's configuration: its own keys, the timing parameters and the
// derived buffer energies.
#include "ip/nncore/nncore_config.h"
#include "nn/cost/core_params.h"

#include <gtest/gtest.h>

#include <cmath>
#include <functional>

using namespace nnvp;
using namespace nnvp::cost;

namespace {

std::string error_of(const std::function<void()>& f) {
    try {
        f();
    } catch (const config_error& e) {
        return e.what();
    }
    return "(no error)";
}

core_params parse(const std::string& text) {
    return parse_core_params(parse_config_text(text, "core.json"));
}

}  // namespace

TEST(core_params, defaults_and_documented_tables) {
    const core_params p = parse("{}");
    EXPECT_EQ(p.rows, 16u);
    EXPECT_EQ(p.cols, 16u);
    EXPECT_EQ(p.weight_kb, 128u);
    EXPECT_EQ(p.input_kb, 128u);
    EXPECT_EQ(p.output_kb, 64u);
    EXPECT_EQ(p.vector_lanes, 16u);
    EXPECT_EQ(p.macs_for(ref::precision::fp32), 1u);
    EXPECT_EQ(p.macs_for(ref::precision::fp16), 2u);
    EXPECT_EQ(p.macs_for(ref::precision::int16), 2u);
    EXPECT_EQ(p.macs_for(ref::precision::int8), 4u);
    EXPECT_EQ(p.macs_for(ref::precision::int4), 8u);
    EXPECT_EQ(p.macs_for(ref::precision::binary), 32u);
    EXPECT_DOUBLE_EQ(p.mac_energy_pj(ref::precision::fp32), 3.7 + 0.9);
    EXPECT_DOUBLE_EQ(p.mac_energy_pj(ref::precision::fp16), 1.1 + 0.9);
    EXPECT_DOUBLE_EQ(p.mac_energy_pj(ref::precision::int16), 0.8 + 0.2);
    EXPECT_DOUBLE_EQ(p.mac_energy_pj(ref::precision::int8), 0.2 + 0.1);
    EXPECT_DOUBLE_EQ(p.mac_energy_pj(ref::precision::int4), 0.05 + 0.1);
    EXPECT_DOUBLE_EQ(p.mac_energy_pj(ref::precision::binary), 0.2 / 64 + 0.2 / 32);
    // No leakage_mw: derived, 256 PEs x 85 uW + 320 KiB x 72 uW = 44.8 mW.
    EXPECT_LT(p.leakage_mw, 0.0);
    EXPECT_NEAR(p.core_leakage_mw(), 44.8, 1e-12);
    EXPECT_EQ(p.technology_nm, 45u);
    EXPECT_DOUBLE_EQ(p.energy_scale(), 1.0);
    EXPECT_FALSE(p.zero_gating);
    EXPECT_DOUBLE_EQ(p.spad_energy_pj_per_byte(), 0.072);
    EXPECT_DOUBLE_EQ(p.noc_energy_pj_per_byte(), 1.0);
    EXPECT_DOUBLE_EQ(p.clock_energy_pj_per_pe_cycle(), 0.6);
    EXPECT_EQ(p.auto_objective, objective::cycles);
    // sqrt rule: 128 KiB = 16 x 8 KiB -> 4 x 1.25; 64 KiB -> sqrt(8) x 1.25.
    EXPECT_DOUBLE_EQ(p.weight_buffer_pj_per_byte(), 5.0);
    EXPECT_DOUBLE_EQ(p.input_buffer_pj_per_byte(), 5.0);
    EXPECT_DOUBLE_EQ(p.output_buffer_pj_per_byte(), 1.25 * std::sqrt(8.0));
    EXPECT_DOUBLE_EQ(sram_pj_per_byte(2, 1.25), 1.25);  // never below the 8 KiB figure
    EXPECT_EQ(p.weight_tile_budget(), 65536u);
}

TEST(core_params, every_key_overrides) {
    const core_params p = parse(R"({"rows": 32, "cols": 8, "weight_kb": 256, "input_kb": "64",
        "output_kb": 32, "macs_per_pe": {"int8": 2, "binary": 16}, "vector_lanes": 32,
        "mac_pj": {"fp32": 5}, "vector_pj": {"int8": 0.1}, "sram_pj_per_byte_8kb": 2,
        "weight_pj_per_byte": 7, "input_pj_per_byte": 8, "output_pj_per_byte": 9,
        "leakage_mw": 12.5, "auto_objective": "energy", "spad_pj_per_byte": 0.5,
        "noc_pj_per_byte": 2, "clock_pj_per_pe_cycle": 0.25, "leakage_uw_per_pe": 10,
        "leakage_uw_per_kb": 20, "technology_nm": 45, "zero_gating": true})");
    EXPECT_EQ(p.rows, 32u);
    EXPECT_EQ(p.cols, 8u);
    EXPECT_EQ(p.weight_kb, 256u);
    EXPECT_EQ(p.input_kb, 64u);
    EXPECT_EQ(p.output_kb, 32u);
    EXPECT_EQ(p.macs_for(ref::precision::int8), 2u);
    EXPECT_EQ(p.macs_for(ref::precision::binary), 16u);
    EXPECT_EQ(p.macs_for(ref::precision::int4), 8u);  // untouched entries keep defaults
    EXPECT_EQ(p.vector_lanes, 32u);
    EXPECT_DOUBLE_EQ(p.mac_energy_pj(ref::precision::fp32), 5.0);
    EXPECT_DOUBLE_EQ(p.vector_energy_pj(ref::precision::int8), 0.1);
    EXPECT_DOUBLE_EQ(p.sram_pj_per_byte_8kb, 2.0);
    EXPECT_DOUBLE_EQ(p.weight_buffer_pj_per_byte(), 7.0);
    EXPECT_DOUBLE_EQ(p.input_buffer_pj_per_byte(), 8.0);
    EXPECT_DOUBLE_EQ(p.output_buffer_pj_per_byte(), 9.0);
    EXPECT_DOUBLE_EQ(p.leakage_mw, 12.5);
    EXPECT_DOUBLE_EQ(p.core_leakage_mw(), 12.5);  // explicit: no derivation, no scaling
    EXPECT_EQ(p.auto_objective, objective::energy);
    EXPECT_DOUBLE_EQ(p.spad_energy_pj_per_byte(), 0.5);
    // 32 x 8 = 256 PEs: the reference array side, so 2 pJ/B unscaled.
    EXPECT_DOUBLE_EQ(p.noc_energy_pj_per_byte(), 2.0);
    EXPECT_DOUBLE_EQ(p.clock_energy_pj_per_pe_cycle(), 0.25);
    EXPECT_DOUBLE_EQ(p.leakage_uw_per_pe, 10.0);
    EXPECT_DOUBLE_EQ(p.leakage_uw_per_kb, 20.0);
    EXPECT_TRUE(p.zero_gating);
}

TEST(core_params, bad_values_and_unknown_keys_are_config_errors) {
    EXPECT_EQ(error_of([] { parse(R"({"rowz": 4})"); }), "core.json: rowz: unknown key");
    EXPECT_EQ(error_of([] { parse(R"({"macs_per_pe": {"int3": 4}})"); }),
              "core.json: macs_per_pe.int3: unknown key");
    EXPECT_EQ(error_of([] { parse(R"({"rows": 0})"); }),
              "core.json: rows: expected an integer in [1, 1024], got 0");
    EXPECT_EQ(error_of([] { parse(R"({"macs_per_pe": {"int8": 0}})"); }),
              "core.json: macs_per_pe.int8: expected an integer in [1, 64], got 0");
    EXPECT_NE(error_of([] { parse(R"({"mac_pj": {"fp16": -1}})"); }).find("core.json: mac_pj.fp16"),
              std::string::npos);
    EXPECT_EQ(error_of([] { parse(R"({"auto_objective": "speed"})"); }),
              "core.json: auto_objective: expected one of {cycles, energy, edp}, got \"speed\"");
    EXPECT_NE(error_of([] { parse(R"({"cols": "many"})"); }).find("core.json: cols"),
              std::string::npos);
    EXPECT_NE(error_of([] { parse(R"({"macs_per_pe": 4})"); }).find("core.json: macs_per_pe"),
              std::string::npos);
    EXPECT_EQ(error_of([] { parse(R"({"technology_nm": 40})"); }),
              "core.json: technology_nm: expected 130, 90, 65, 45, 32, 20, 16, 14, 10 or 7 "
              "(nm), got 40");
    EXPECT_EQ(error_of([] { parse(R"({"technology_nm": 0})"); }),
              "core.json: technology_nm: expected an integer in [1, 1000], got 0");
    EXPECT_NE(error_of([] { parse(R"({"zero_gating": 1})"); }).find("core.json: zero_gating"),
              std::string::npos);
    EXPECT_NE(error_of([] { parse(R"({"noc_pj_per_byte": -1})"); }).find("noc_pj_per_byte"),
              std::string::npos);
}

TEST(core_params, dataflow_names_round_trip) {
    for (dataflow d : {dataflow::output_stationary, dataflow::weight_stationary,
                       dataflow::input_stationary, dataflow::automatic}) {
        dataflow back = dataflow::automatic;
        ASSERT_TRUE(parse_dataflow(to_string(d), back));
        EXPECT_EQ(back, d);
    }
    dataflow untouched = dataflow::weight_stationary;
    EXPECT_FALSE(parse_dataflow("rs", untouched));
    EXPECT_EQ(untouched, dataflow::weight_stationary);
    EXPECT_STREQ(to_string(objective::energy), "energy");
}

TEST(nncore_config, defaults_flat_keys_and_unknown_keys) {
    const nncore_config d = parse_nncore_config(parse_config_text("{}", "p.json"));
    EXPECT_EQ(d.core.rows, 16u);
    EXPECT_EQ(d.buffer_bytes_per_cycle, 64u);
    EXPECT_EQ(d.max_commands, 1u << 20);
    EXPECT_EQ(d.cmd_fetch_burst, 16u);
    EXPECT_EQ(d.local_bytes(), (128u + 128u + 64u) * 1024);
    const nncore_config c = parse_nncore_config(parse_config_text(
        R"({"rows": 32, "cols": 8, "buffer_latency_cycles": 3, "max_commands": 100,
            "cmd_fetch_burst": 4, "macs_per_pe": {"int8": 8}})",
        "p.json"));
    EXPECT_EQ(c.core.rows, 32u);
    EXPECT_EQ(c.core.cols, 8u);
    EXPECT_EQ(c.core.macs_for(ref::precision::int8), 8u);
    EXPECT_EQ(c.buffer_latency_cycles, 3u);
    EXPECT_EQ(c.max_commands, 100u);
    EXPECT_EQ(c.cmd_fetch_burst, 4u);
    EXPECT_THROW(parse_nncore_config(parse_config_text(R"({"rowz": 1})", "p.json")), config_error);
    EXPECT_THROW(parse_nncore_config(parse_config_text(R"({"cmd_fetch_burst": 0})", "p.json")),
                 config_error);
}

TEST(nncore_config, decompressor_keys) {
    const nncore_config d = parse_nncore_config(parse_config_text("{}", "p.json"));
    EXPECT_EQ(d.decompress_elements_per_cycle, 16u);
    EXPECT_DOUBLE_EQ(d.decompress_pj_per_byte, 0.03);
    const nncore_config c = parse_nncore_config(parse_config_text(
        R"({"decompress_elements_per_cycle": 64, "decompress_pj_per_byte": 0.5})", "p.json"));
    EXPECT_EQ(c.decompress_elements_per_cycle, 64u);
    EXPECT_DOUBLE_EQ(c.decompress_pj_per_byte, 0.5);
    EXPECT_THROW(
        parse_nncore_config(parse_config_text(R"({"decompress_elements_per_cycle": 0})", "p.json")),
        config_error);
    EXPECT_THROW(
        parse_nncore_config(parse_config_text(R"({"decompress_pj_per_byte": -1})", "p.json")),
        config_error);
}
