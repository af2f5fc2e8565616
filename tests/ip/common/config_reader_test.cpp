#include "tests/support/config_error.h"
#include "ip/common/config_reader.h"

#include <gtest/gtest.h>

using namespace nnvp;

namespace {
const auto& error_of = test::config_error_of;
}  // namespace

TEST(config_reader, reads_values_and_defaults) {
    auto cfg = parse_config_text(
        R"({"a": 3, "b": "0x10", "c": "4K", "d": true, "e": "x", "o": {"k": 1.5}})", "t.json");
    EXPECT_EQ(cfg.uint("a"), 3u);
    EXPECT_EQ(cfg.uint("b"), 16u);
    EXPECT_EQ(cfg.uint("c"), 4096u);
    EXPECT_TRUE(cfg.boolean("d"));
    EXPECT_EQ(cfg.string("e"), "x");
    EXPECT_DOUBLE_EQ(cfg.child("o").number("k"), 1.5);
    EXPECT_EQ(cfg.uint("missing", 7), 7u);
    EXPECT_NO_THROW(cfg.reject_unknown());
}

TEST(config_reader, errors_name_file_field_and_expectation) {
    auto cfg = parse_config_text(R"({"dma": {"channels": -1, "burst": "big", "typo": 1}})",
                                 "p.json");
    auto dma = cfg.child("dma");
    EXPECT_EQ(error_of([&] { dma.uint("channels"); }),
              "p.json: dma.channels: expected a non-negative integer (or a \"0x...\" string), "
              "got -1");
    EXPECT_EQ(error_of([&] { dma.number("burst"); }),
              "p.json: dma.burst: expected a number, got \"big\"");
    EXPECT_EQ(error_of([&] { dma.reject_unknown(); }), "p.json: dma.typo: unknown key");
    EXPECT_EQ(error_of([&] { dma.uint("absent"); }), "p.json: dma.absent: missing (required)");
}

TEST(config_reader, ranges_and_enumerations) {
    auto cfg = parse_config_text(R"({"n": 9, "mode": "fast", "xs": [1, "a"]})", "s.json");
    EXPECT_EQ(error_of([&] { cfg.uint_in("n", 1, 8); }),
              "s.json: n: expected an integer in [1, 8], got 9");
    EXPECT_EQ(error_of([&] { cfg.one_of("mode", {"functional", "timing"}); }),
              "s.json: mode: expected one of {functional, timing}, got \"fast\"");
    auto xs = cfg.elements("xs");
    ASSERT_EQ(xs.size(), 2u);
    EXPECT_EQ(error_of([&] { xs[1].json().is_number() ? void() : xs[1].fail("", "expected a number"); }),
              "s.json: xs[1]: expected a number");
}

TEST(config_reader, syntax_errors_and_missing_files) {
    EXPECT_NE(error_of([] { parse_config_text("{\"a\": ", "bad.json"); }).find("bad.json: not valid JSON"),
              std::string::npos);
    EXPECT_EQ(error_of([] { load_config_file("/nonexistent/x.json"); }),
              "/nonexistent/x.json: cannot open file");
}

TEST(config_reader, parse_uint_rejects_garbage_and_overflow) {
    uint64_t v = 0;
    EXPECT_TRUE(parse_uint("0xFFFFFFFFFFFFFFFF", v));
    EXPECT_EQ(v, UINT64_MAX);
    EXPECT_FALSE(parse_uint("0x1FFFFFFFFFFFFFFFF", v));
    EXPECT_FALSE(parse_uint("16G0", v));
    EXPECT_FALSE(parse_uint("", v));
    EXPECT_FALSE(parse_uint("0x", v));
    EXPECT_TRUE(parse_uint("1G", v));
    EXPECT_EQ(v, 1ull << 30);
}

TEST(config_reader, overrides_by_dotted_path) {
    nlohmann::json doc = {{"dma", {{"burst_bytes", 256}}}, {"map", {{{"size", 1}}, {{"size", 2}}}}};
    set_by_path(doc, "dma.burst_bytes", parse_override_value("128"), "--set");
    set_by_path(doc, "map.1.size", parse_override_value("0x100"), "--set");
    set_by_path(doc, "mode", parse_override_value("timing"), "--set");
    set_by_path(doc, "new.deep.key", parse_override_value("true"), "--set");
    EXPECT_EQ(doc["dma"]["burst_bytes"], 128);
    EXPECT_EQ(doc["map"][1]["size"], "0x100");
    EXPECT_EQ(doc["mode"], "timing");
    EXPECT_EQ(doc["new"]["deep"]["key"], true);
    EXPECT_EQ(error_of([&] { set_by_path(doc, "map.5.size", 1, "--set"); }),
              "--set: map.5: expected an index below 2");
    EXPECT_EQ(error_of([&] { set_by_path(doc, "mode.x", 1, "--set"); }),
              "--set: mode.x: cannot set a member of a string");
    EXPECT_EQ(error_of([&] { set_by_path(doc, "a..b", 1, "--set"); }),
              "--set: a..b: empty path element");
}
