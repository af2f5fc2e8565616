// The NN-core demos as scenarios boot them: the host compiles and stages the
// stream or package and the golden data (app/firmware_staging.h), the
// firmware runs it and passes its own checks; a corrupted golden copy makes
// it fail, and arguments the host cannot compile are a config error.
#include <gtest/gtest.h>

#include <map>
#include <string>

#include "app/firmware_staging.h"
#include "firmware/programs/registry.h"
#include "ip/common/config_reader.h"
#include "platform/soc.h"
#include "tests/support/sc_harness.h"

using namespace nnvp;
using namespace sc_core;

namespace {

const std::string default_config = std::string(NNVP_SOURCE_DIR) + "/platform/configs/default.json";

platform_config quiet_config() {
    return load_platform_config(default_config, {{"cpu.echo_console", false}});
}

fw::program_args resolved(const fw::program& p, std::map<std::string, int64_t> values) {
    EXPECT_EQ(p.resolve(values), "");
    return fw::program_args(values);
}

bool console_has(soc& chip, const std::string& text) {
    for (const std::string& line : chip.core().console())
        if (line.find(text) != std::string::npos)
            return true;
    return false;
}

}  // namespace

// The registered program the scenario boots: a corrupted copy rejected, every
// tensor equal to the chained reference.
TEST(firmware_staging, nn_package_demo_passes_its_checks) {
    const platform_config cfg = quiet_config();
    soc chip("soc", cfg);
    const fw::program& p = *fw::find_program("nn_package_demo");
    const fw::program_args args = resolved(p, {{"fc_on_cpu", 1}});
    const std::optional<firmware_staging> s = stage_firmware(p, args, cfg);
    ASSERT_TRUE(s.has_value());
    EXPECT_EQ(s->blocks.size(), 3u);  // package, input, golden tensors
    const fw::program_args staged = with_staging(p, args, *s);
    EXPECT_NE(staged.get("package"), 0);
    preload(*s, chip);
    const run_outcome r =
        chip.run([&](fw::hal& h) { return p.entry(h, staged); }, sc_time(1, SC_SEC));
    ASSERT_TRUE(r.halted);
    EXPECT_EQ(r.exit_code, 0);
    EXPECT_TRUE(console_has(chip, "corrupted copy rejected"));
    EXPECT_TRUE(console_has(chip, "output equals the chained reference"));
}

// nn_layer_demo fails when the golden output differs: the check is real.
TEST(firmware_staging, nn_layer_demo_compares_against_the_golden_output) {
    const platform_config cfg = quiet_config();
    soc chip("soc", cfg);
    const fw::program& p = *fw::find_program("nn_layer_demo");
    const fw::program_args args = resolved(p, {{"channels", 8}, {"filters", 8}, {"size", 8}});
    std::optional<firmware_staging> s = stage_firmware(p, args, cfg);
    ASSERT_TRUE(s.has_value());
    ASSERT_EQ(s->blocks.size(), 2u);  // program image, golden output
    s->blocks[1].bytes[0] ^= 0x01;
    const fw::program_args staged = with_staging(p, args, *s);
    preload(*s, chip);
    const run_outcome r =
        chip.run([&](fw::hal& h) { return p.entry(h, staged); }, sc_time(1, SC_SEC));
    ASSERT_TRUE(r.halted);
    EXPECT_EQ(r.exit_code, 18);
    EXPECT_TRUE(console_has(chip, "output differs from the reference executor"));
}

// What the core's buffers cannot hold is the user's error, named, before boot.
TEST(firmware_staging, a_layer_too_big_for_the_buffers_is_a_config_error) {
    const platform_config cfg = quiet_config();
    const fw::program& p = *fw::find_program("nn_layer_demo");
    const fw::program_args args = resolved(p, {{"channels", 1024}, {"filters", 1024}});
    try {
        stage_firmware(p, args, cfg);
        ADD_FAILURE() << "expected a config_error";
    } catch (const config_error& e) {
        EXPECT_NE(std::string(e.what()).find("nn_layer_demo cannot compile the layer"),
                  std::string::npos)
            << e.what();
    }
    const fw::program& other = *fw::find_program("dma_tensor_demo");
    EXPECT_FALSE(stage_firmware(other, resolved(other, {}), cfg).has_value());
}
