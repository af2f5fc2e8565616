#include "app/svg_plot.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "app/format.h"

namespace nnvp {

const char* const plot_page_css = R"(
h1 { font-size: 22px; margin-bottom: 4px; } h2 { font-size: 17px; margin-top: 28px; }
p.meta { color: #555; margin-top: 0; } p.missing { color: #777; font-style: italic; }
table { border-collapse: collapse; }
svg { display: block; margin: 8px 0; font-size: 11px; }
.frame { fill: #fcfcfc; stroke: #999; } .grid { stroke: #e4e4e4; }
.tick { fill: #444; } .label { fill: #222; font-size: 12px; }
.idx { fill: #555; font-size: 9px; }
)";

std::string xml_escape(const std::string& text) {
    std::string out;
    out.reserve(text.size());
    for (char c : text) {
        switch (c) {
            case '&':
                out += "&amp;";
                break;
            case '<':
                out += "&lt;";
                break;
            case '>':
                out += "&gt;";
                break;
            case '"':
                out += "&quot;";
                break;
            case '\'':
                out += "&#39;";
                break;
            default:
                out += c;
        }
    }
    return out;
}

namespace {

std::string num(double v) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.1f", v);
    return buf;
}

}  // namespace

std::vector<double> axis_ticks(const axis& a, int count) {
    std::vector<double> ticks;
    if (!(a.hi > a.lo))
        return {a.lo};
    if (a.log) {
        // Every decade, thinned to about `count` labels.
        const int d0 = static_cast<int>(std::ceil(std::log10(a.lo) - 1e-9));
        const int d1 = static_cast<int>(std::floor(std::log10(a.hi) + 1e-9));
        const int step = std::max(1, (d1 - d0 + count) / count);
        for (int d = d0; d <= d1; d += step)
            ticks.push_back(std::pow(10.0, d));
        return ticks;
    }
    // The "nice number" step: 1, 2 or 5 times a power of ten.
    const double raw = (a.hi - a.lo) / std::max(1, count);
    const double mag = std::pow(10.0, std::floor(std::log10(raw)));
    double step = mag;
    for (double m : {1.0, 2.0, 5.0, 10.0})
        if (m * mag >= raw) {
            step = m * mag;
            break;
        }
    // Multiples of the step (not a running sum, which drifts).
    const long k0 = static_cast<long>(std::ceil(a.lo / step - 1e-9));
    const long k1 = static_cast<long>(std::floor(a.hi / step + 1e-9));
    for (long k = k0; k <= k1; ++k)
        ticks.push_back(k * step);
    return ticks;
}

svg_plot::svg_plot(std::string id, std::string title, int width, int height)
    : m_id(std::move(id)), m_title(std::move(title)), m_width(width), m_height(height) {}

void svg_plot::set_margins(int left, int right, int top, int bottom) {
    m_left = left;
    m_right = right;
    m_top = top;
    m_bottom = bottom;
}

double svg_plot::map(double v, const axis& a, double p0, double p1) const {
    double f;
    if (a.log) {
        const double lv = std::log10(std::max(v, a.lo * 1e-3));
        f = (lv - std::log10(a.lo)) / (std::log10(a.hi) - std::log10(a.lo));
    } else {
        f = a.hi > a.lo ? (v - a.lo) / (a.hi - a.lo) : 0.0;
    }
    return p0 + f * (p1 - p0);
}

double svg_plot::px(double x) const {
    return map(x, m_x, plot_left(), plot_right());
}
double svg_plot::py(double y) const {
    return map(y, m_y, plot_bottom(), plot_top());
}

void svg_plot::draw_axes(const axis& x, const axis& y) {
    m_x = x;
    m_y = y;
    rect(plot_left(), plot_top(), plot_right() - plot_left(), plot_bottom() - plot_top(), "frame");
    for (double t : axis_ticks(x)) {
        line(px(t), plot_top(), px(t), plot_bottom(), "grid");
        text(px(t), plot_bottom() + 14, format_si(t, ""), "tick", "middle");
    }
    for (double t : axis_ticks(y)) {
        line(plot_left(), py(t), plot_right(), py(t), "grid");
        text(plot_left() - 4, py(t) + 4, format_si(t, ""), "tick", "end");
    }
    text((plot_left() + plot_right()) / 2.0, m_height - 8, x.label, "label", "middle");
    m_body += "<text class=\"label\" transform=\"translate(14," +
              num((plot_top() + plot_bottom()) / 2.0) + ") rotate(-90)\" text-anchor=\"middle\">" +
              xml_escape(y.label) + "</text>\n";
}

void svg_plot::draw_category_axes(const axis& x, const std::vector<std::string>& labels) {
    m_x = x;
    m_categories = labels.size();
    rect(plot_left(), plot_top(), plot_right() - plot_left(), plot_bottom() - plot_top(), "frame");
    for (double t : axis_ticks(x)) {
        line(px(t), plot_top(), px(t), plot_bottom(), "grid");
        text(px(t), plot_bottom() + 14, format_si(t, ""), "tick", "middle");
    }
    for (std::size_t i = 0; i < labels.size(); ++i) {
        const auto [top, h] = band(i);
        text(plot_left() - 4, top + h / 2 + 4, labels[i], "tick", "end");
    }
    text((plot_left() + plot_right()) / 2.0, m_height - 8, x.label, "label", "middle");
}

std::pair<double, double> svg_plot::band(std::size_t i) const {
    const double h =
        (plot_bottom() - plot_top()) / static_cast<double>(std::max<std::size_t>(m_categories, 1));
    return {plot_top() + i * h, h};
}

void svg_plot::rect(double x, double y, double w, double h, const std::string& css_class,
                    const std::string& tooltip) {
    m_body += "<rect class=\"" + css_class + "\" x=\"" + num(x) + "\" y=\"" + num(y) +
              "\" width=\"" + num(std::max(w, 0.0)) + "\" height=\"" + num(std::max(h, 0.0)) + "\"";
    m_body += tooltip.empty() ? "/>\n" : "><title>" + xml_escape(tooltip) + "</title></rect>\n";
}

void svg_plot::line(double x1, double y1, double x2, double y2, const std::string& css_class) {
    m_body += "<line class=\"" + css_class + "\" x1=\"" + num(x1) + "\" y1=\"" + num(y1) +
              "\" x2=\"" + num(x2) + "\" y2=\"" + num(y2) + "\"/>\n";
}

void svg_plot::polyline(const std::vector<std::pair<double, double>>& points,
                        const std::string& css_class) {
    m_body += "<polyline class=\"" + css_class + "\" points=\"";
    for (std::size_t i = 0; i < points.size(); ++i)
        m_body += (i ? " " : "") + num(points[i].first) + "," + num(points[i].second);
    m_body += "\"/>\n";
}

void svg_plot::circle(double x, double y, double r, const std::string& css_class,
                      const std::string& tooltip) {
    m_body += "<circle class=\"" + css_class + "\" cx=\"" + num(x) + "\" cy=\"" + num(y) +
              "\" r=\"" + num(r) + "\"";
    m_body += tooltip.empty() ? "/>\n" : "><title>" + xml_escape(tooltip) + "</title></circle>\n";
}

void svg_plot::text(double x, double y, const std::string& content, const std::string& css_class,
                    const std::string& anchor) {
    m_body += "<text class=\"" + css_class + "\" x=\"" + num(x) + "\" y=\"" + num(y) +
              "\" text-anchor=\"" + anchor + "\">" + xml_escape(content) + "</text>\n";
}

std::string svg_plot::str() const {
    const std::string w = std::to_string(m_width), h = std::to_string(m_height);
    return "<svg xmlns=\"http://www.w3.org/2000/svg\" id=\"" + xml_escape(m_id) + "\" width=\"" +
           w + "\" height=\"" + h + "\" viewBox=\"0 0 " + w + " " + h + "\" role=\"img\">\n" +
           "<title>" + xml_escape(m_title) + "</title>\n" + m_body + "</svg>\n";
}

}  // namespace nnvp
