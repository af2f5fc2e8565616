// The accuracy table tool on hand-made reports: fields read from the right
// places, bad reports refused naming file and field, the Markdown line and
// the SVG as docs/accuracy.md shows them.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "tools/accuracy/accuracy_plot.h"
#include "tools/accuracy/accuracy_rows.h"

namespace {

using nlohmann::json;
using namespace nnvp::accuracy;

json sample_report() {
    return json::parse(R"({
      "scenario": {"name": "fmnist_mixed", "file": "x.json"},
      "quantization": {"scheme": "dynamic_fixed", "precision": "int4", "bits": 0},
      "network": {"weights": 1000, "weight_bytes": 625},
      "layers": [{"name": "conv1", "type": "conv2d", "precision": "int8"},
                 {"name": "pool1", "type": "max_pool", "precision": "int8"},
                 {"name": "fc1", "type": "fully_connected", "precision": "int4"}],
      "throughput": {"energy_per_inference_j": 2.5e-6, "latency_s": {"mean": 1.25e-5}},
      "accuracy": {"labelled": 500, "top1": 0.875, "top1_agreement": 0.96, "sqnr_db": 21.04,
                   "bit_exact_vs_reference_executor": true}
    })");
}

TEST(accuracy_table, reads_every_field_from_its_place) {
    const accuracy_row r = read_row(sample_report(), "r.json");
    EXPECT_EQ(r.name, "fmnist_mixed");
    EXPECT_EQ(r.precision, "int4");
    EXPECT_EQ(r.scheme, "dynamic_fixed");
    EXPECT_EQ(r.bits, 0);
    EXPECT_EQ(r.layer_precisions, "int8 int4");  // the pool carries no weights
    EXPECT_EQ(r.images, 500u);
    EXPECT_DOUBLE_EQ(r.top1, 0.875);
    EXPECT_DOUBLE_EQ(r.agreement, 0.96);
    EXPECT_TRUE(r.checked);
    EXPECT_TRUE(r.bit_exact);
    EXPECT_DOUBLE_EQ(r.energy_per_inference_j, 2.5e-6);
    EXPECT_DOUBLE_EQ(r.latency_s, 1.25e-5);
    EXPECT_EQ(r.weight_bytes, 625u);
    EXPECT_DOUBLE_EQ(bits_per_weight(r), 5.0);  // 625 * 8 / 1000
}

TEST(accuracy_table, a_run_without_the_check_says_so) {
    json rep = sample_report();
    rep["accuracy"].erase("bit_exact_vs_reference_executor");
    const accuracy_row r = read_row(rep, "r.json");
    EXPECT_FALSE(r.checked);
    EXPECT_NE(markdown_table({r}).find("| not checked |"), std::string::npos);
    EXPECT_TRUE(to_json(r)["bit_exact"].is_null());
}

TEST(accuracy_table, bad_reports_name_the_file_and_field) {
    json no_top1 = sample_report();
    no_top1["accuracy"].erase("top1");  // a run without labels
    EXPECT_THROW(
        {
            try {
                read_row(no_top1, "runs/a/report.json");
            } catch (const report_error& e) {
                EXPECT_STREQ(e.what(),
                             "runs/a/report.json: accuracy.top1: missing (expected a "
                             "report.json of a functional dataset run)");
                throw;
            }
        },
        report_error);
    json text_energy = sample_report();
    text_energy["throughput"]["energy_per_inference_j"] = "2 uJ";
    try {
        read_row(text_energy, "b.json");
        FAIL() << "accepted a string energy";
    } catch (const report_error& e) {
        EXPECT_STREQ(e.what(),
                     "b.json: throughput.energy_per_inference_j: expected a number, got \"2 uJ\"");
    }
    json big = sample_report();
    big["accuracy"]["top1"] = 87.5;  // a percentage, not a fraction
    EXPECT_THROW(read_row(big, "c.json"), report_error);
    EXPECT_THROW(read_row_file("/nonexistent/report.json"), report_error);
}

TEST(accuracy_table, markdown_line_has_hand_computed_figures) {
    const std::string md = markdown_table({read_row(sample_report(), "r.json")});
    EXPECT_NE(md.find("| fmnist_mixed | int4 | dynamic_fixed | int8 int4 | 87.50 % | 96.00 % | "
                      "21.0 | 2.500 | 12.50 | 625 | 5.00 | yes |\n"),
              std::string::npos)
        << md;
    json six = sample_report();
    six["quantization"]["bits"] = 6;
    EXPECT_NE(markdown_table({read_row(six, "r.json")}).find("| int4 (6 bits) |"),
              std::string::npos);
}

TEST(accuracy_table, an_exact_match_prints_as_exact) {
    json fp32 = sample_report();
    fp32["accuracy"]["sqnr_db"] = 200.0;  // how nnvp reports zero noise
    EXPECT_NE(markdown_table({read_row(fp32, "r.json")}).find("| exact |"), std::string::npos);
}

TEST(accuracy_table, svg_has_one_labelled_point_per_row_and_its_own_style) {
    json second = sample_report();
    second["scenario"]["name"] = "fmnist_fp32";
    second["quantization"]["precision"] = "fp32";
    second["accuracy"]["top1"] = 0.901;
    second["throughput"]["energy_per_inference_j"] = 9e-6;
    const std::vector<accuracy_row> rows = {read_row(sample_report(), "a"), read_row(second, "b")};
    const std::string svg = accuracy_svg(rows, plot_x::energy);
    EXPECT_EQ(svg.rfind("<svg", 0), 0u);
    EXPECT_NE(svg.find("<style>"), std::string::npos);
    EXPECT_NE(svg.find(">mixed  87.5 %</text>"), std::string::npos);  // "fmnist_" dropped
    EXPECT_NE(svg.find(">fp32  90.1 %</text>"), std::string::npos);
    EXPECT_NE(svg.find("class=\"float\""), std::string::npos);
    EXPECT_NE(svg.find("class=\"low\""), std::string::npos);
    EXPECT_NE(svg.find("energy per inference (uJ)"), std::string::npos);
    std::size_t circles = 0;
    for (std::size_t at = svg.find("<circle"); at != std::string::npos;
         at = svg.find("<circle", at + 1))
        ++circles;
    EXPECT_EQ(circles, 2u);
    // A collapsed scheme is a triangle on the bottom edge, its value in the label.
    json collapsed = sample_report();
    collapsed["scenario"]["name"] = "fmnist_sfp4";
    collapsed["accuracy"]["top1"] = 0.1;
    const std::string low =
        accuracy_svg({rows[0], rows[1], read_row(collapsed, "c")}, plot_x::energy);
    EXPECT_NE(low.find(">sfp4  10.0 %</text>"), std::string::npos);
    EXPECT_NE(low.find("<polyline class=\"low\""), std::string::npos);
    EXPECT_NE(accuracy_svg(rows, plot_x::bits_per_weight).find("stored bits per weight"),
              std::string::npos);
}

}  // namespace
