// A small SVG plot builder for report.html: a plot area with linear or log
// axes, ticks and labels, and the few marks the report draws (rectangles,
// lines, polylines, points, text). Output is plain SVG text; no scripts.
#pragma once

#include <string>
#include <utility>
#include <vector>

namespace nnvp {

// Text made safe inside XML elements and attributes.
std::string xml_escape(const std::string& text);

// The CSS every page of plots shares (report.html, sweep.html): headings,
// notes, plot frame, grid, ticks, labels and point numbers.
extern const char* const plot_page_css;

struct axis {
    double lo = 0;
    double hi = 1;
    bool log = false;
    std::string label;
};

// About `count` round tick values covering [lo, hi] (1, 2, 5 x 10^k steps);
// powers of ten for a log axis.
std::vector<double> axis_ticks(const axis& a, int count = 5);

class svg_plot {
public:
    // `id` becomes the <svg> element's id (tests and links find plots by it).
    svg_plot(std::string id, std::string title, int width, int height);

    // Margins around the plot area, in pixels.
    void set_margins(int left, int right, int top, int bottom);
    // Sets the axes and draws frame, grid, ticks and labels.
    void draw_axes(const axis& x, const axis& y);
    // Axes whose y positions are categories (bar charts): one band per label.
    void draw_category_axes(const axis& x, const std::vector<std::string>& labels);

    // Data coordinates to pixels (after draw_*axes).
    double px(double x) const;
    double py(double y) const;
    // Pixel band of category `i` (top y, height) for category axes.
    std::pair<double, double> band(std::size_t i) const;

    // Marks in pixel coordinates; `css_class` picks the colour from the page's CSS.
    void rect(double x, double y, double w, double h, const std::string& css_class,
              const std::string& tooltip = "");
    void line(double x1, double y1, double x2, double y2, const std::string& css_class);
    void polyline(const std::vector<std::pair<double, double>>& points,
                  const std::string& css_class);
    void circle(double x, double y, double r, const std::string& css_class,
                const std::string& tooltip = "");
    void text(double x, double y, const std::string& text, const std::string& css_class,
              const std::string& anchor = "start");

    int plot_left() const { return m_left; }
    int plot_right() const { return m_width - m_right; }
    int plot_top() const { return m_top; }
    int plot_bottom() const { return m_height - m_bottom; }

    std::string str() const;

private:
    double map(double v, const axis& a, double p0, double p1) const;

    std::string m_id, m_title;
    int m_width, m_height;
    int m_left = 70, m_right = 20, m_top = 30, m_bottom = 45;
    axis m_x, m_y;
    std::size_t m_categories = 0;
    std::string m_body;
};

}  // namespace nnvp
