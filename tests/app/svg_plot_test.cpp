// The SVG builder behind report.html: escaping, tick choice, coordinate
// mapping and the element it emits.
#include "app/svg_plot.h"

#include <gtest/gtest.h>

#include <string>

namespace {

std::size_t count(const std::string& text, const std::string& what) {
    std::size_t n = 0;
    for (std::size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1))
        ++n;
    return n;
}

}  // namespace

TEST(svg_plot, escapes_text_for_xml) {
    EXPECT_EQ(nnvp::xml_escape("a<b & \"c\" > 'd'"), "a&lt;b &amp; &quot;c&quot; &gt; &#39;d&#39;");
}

TEST(svg_plot, linear_ticks_are_round_steps) {
    const auto unit = nnvp::axis_ticks({0, 1, false, ""}, 5);
    ASSERT_EQ(unit.size(), 6u);
    for (std::size_t i = 0; i < unit.size(); ++i)
        EXPECT_NEAR(unit[i], 0.2 * i, 1e-12);
    const auto t = nnvp::axis_ticks({0, 56e-6, false, ""}, 5);
    // A raw step of 11.2 us rounds up to 20 us: 0, 20, 40 us.
    ASSERT_EQ(t.size(), 3u);
    EXPECT_DOUBLE_EQ(t[1], 2e-5);
    EXPECT_DOUBLE_EQ(t.back(), 4e-5);
}

TEST(svg_plot, log_ticks_are_decades) {
    EXPECT_EQ(nnvp::axis_ticks({1e-2, 1e3, true, ""}, 10),
              (std::vector<double>{1e-2, 1e-1, 1, 10, 100, 1000}));
    // Thinned to about `count` labels: every second decade.
    EXPECT_EQ(nnvp::axis_ticks({1, 1e8, true, ""}, 4), (std::vector<double>{1, 1e3, 1e6}));
}

TEST(svg_plot, maps_data_to_the_plot_area) {
    nnvp::svg_plot p("plot-x", "t", 400, 300);
    p.set_margins(50, 10, 20, 30);  // plot area x 50..390, y 20..270
    p.draw_axes({0, 10, false, "x"}, {1, 1000, true, "y"});
    EXPECT_DOUBLE_EQ(p.px(0), 50);
    EXPECT_DOUBLE_EQ(p.px(10), 390);
    EXPECT_DOUBLE_EQ(p.px(5), 220);
    EXPECT_DOUBLE_EQ(p.py(1), 270);                // bottom
    EXPECT_DOUBLE_EQ(p.py(1000), 20);              // top
    EXPECT_NEAR(p.py(10), 270 - 250.0 / 3, 1e-9);  // one decade of three
}

TEST(svg_plot, emits_one_svg_element_with_its_id_and_marks) {
    nnvp::svg_plot p("plot-power", "Power <W>", 300, 200);
    p.draw_category_axes({0, 4, false, "energy"}, {"conv1", "fc"});
    const auto [y0, h] = p.band(1);
    EXPECT_DOUBLE_EQ(h, (200 - 30 - 45) / 2.0);
    EXPECT_DOUBLE_EQ(y0, 30 + h);
    p.rect(p.px(0), y0, p.px(2) - p.px(0), h, "bar", "fc: 2 J");
    p.circle(10, 10, 3, "layer-pt");
    p.polyline({{0, 0}, {1.25, 2}}, "power");
    const std::string s = p.str();
    EXPECT_EQ(s.rfind("<svg xmlns=\"http://www.w3.org/2000/svg\" id=\"plot-power\"", 0), 0u) << s;
    EXPECT_EQ(count(s, "<svg"), 1u);
    EXPECT_EQ(count(s, "</svg>"), 1u);
    EXPECT_NE(s.find("<title>Power &lt;W&gt;</title>"), std::string::npos);
    EXPECT_NE(s.find("<title>fc: 2 J</title></rect>"), std::string::npos);
    EXPECT_NE(s.find("points=\"0.0,0.0 1.2,2.0\""), std::string::npos);
    EXPECT_NE(s.find(">conv1</text>"), std::string::npos);
    EXPECT_EQ(s.find("<script"), std::string::npos);
}
