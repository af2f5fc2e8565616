#include "tools/accuracy/accuracy_plot.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "app/svg_plot.h"

namespace nnvp::accuracy {

namespace {

// svg_plot marks carry CSS classes; a file viewed on its own needs the rules.
const char* const style =
    "<style>\n"
    "svg { font-family: sans-serif; font-size: 11px; }\n"
    ".frame { fill: #fcfcfc; stroke: #999; } .grid { stroke: #e4e4e4; }\n"
    ".tick { fill: #444; } .label { fill: #222; font-size: 12px; }\n"
    ".float { fill: #1f77b4; } .int { fill: #2ca02c; } .low { fill: #d62728; }\n"
    ".name { fill: #333; font-size: 10px; } .leader { stroke: #bbb; stroke-width: 0.6; }\n"
    "polyline.float, polyline.int, polyline.low { stroke: none; }\n"
    "</style>\n";

double x_value(const accuracy_row& r, plot_x x) {
    return x == plot_x::energy ? r.energy_per_inference_j * 1e6 : bits_per_weight(r);
}

// Colour by family: floats, integer >= 8 bits, narrower or binary.
std::string family(const accuracy_row& r) {
    if (r.precision == "fp32" || r.precision == "fp16")
        return "float";
    const bool narrow =
        r.precision == "int4" || r.precision == "binary" || (r.bits > 0 && r.bits < 8);
    return narrow ? "low" : "int";
}

std::string short_name(const std::string& name) {
    const std::string prefix = "fmnist_";
    return name.compare(0, prefix.size(), prefix) == 0 ? name.substr(prefix.size()) : name;
}

}  // namespace

std::string accuracy_svg(const std::vector<accuracy_row>& rows, plot_x x) {
    const bool energy = x == plot_x::energy;
    svg_plot plot(energy ? "accuracy_vs_energy" : "accuracy_vs_bits",
                  energy ? "Fashion-MNIST top-1 against energy per inference"
                         : "Fashion-MNIST top-1 against stored bits per weight",
                  820, 460);
    const int label_width = 230;  // the labels sit in a column right of the plot
    plot.set_margins(70, label_width, 30, 45);
    // The y axis covers the schemes that still classify (>= 50 %); the
    // collapsed ones sit on the bottom edge as triangles, their value in the
    // label, so one of them does not squash the rest into a band.
    const double floor_top1 = 0.5;
    double x_hi = 0, y_lo = 100, y_hi = 0;
    for (const accuracy_row& r : rows) {
        x_hi = std::max(x_hi, x_value(r, x));
        if (r.top1 >= floor_top1)
            y_lo = std::min(y_lo, 100 * r.top1);
        y_hi = std::max(y_hi, 100 * r.top1);
    }
    if (y_lo > y_hi)
        y_lo = 100 * floor_top1;
    axis ax{0, x_hi > 0 ? x_hi * 1.1 : 1, false,
            energy ? "energy per inference (uJ)" : "stored bits per weight"};
    axis ay{std::max(0.0, 5 * std::floor((y_lo - 1) / 5)),
            std::min(100.0, 5 * std::ceil((y_hi + 1) / 5)), false, "top-1 accuracy (%)"};
    if (ay.hi <= ay.lo)
        ay.hi = ay.lo + 5;
    plot.draw_axes(ax, ay);

    struct mark {
        double cx, cy, ly;
        std::size_t row;
        bool below;
    };
    std::vector<mark> marks;
    for (std::size_t i = 0; i < rows.size(); ++i) {
        const bool below = 100 * rows[i].top1 < ay.lo;
        const double cy = below ? plot.plot_bottom() - 5 : plot.py(100 * rows[i].top1);
        marks.push_back({plot.px(x_value(rows[i], x)), cy, cy, i, below});
    }
    // Labels in the right-hand column in the order of their points, 12 px
    // apart, joined to their point by a thin leader line.
    std::sort(marks.begin(), marks.end(), [](const mark& a, const mark& b) {
        return a.cy != b.cy ? a.cy < b.cy : a.cx > b.cx;
    });
    const double step = 12;
    for (std::size_t k = 1; k < marks.size(); ++k)
        marks[k].ly = std::max(marks[k].ly, marks[k - 1].ly + step);
    const double overflow = marks.empty() ? 0 : marks.back().ly - (plot.plot_bottom() + 10);
    if (overflow > 0)
        for (mark& m : marks)
            m.ly -= overflow;
    for (std::size_t k = marks.size(); k-- > 1;)  // undo pushes above the top
        marks[k - 1].ly = std::min(marks[k - 1].ly, marks[k].ly - step);
    const double lx = plot.plot_right() + 12;
    for (const mark& m : marks) {
        const accuracy_row& r = rows[m.row];
        char value[32];
        std::snprintf(value, sizeof value, "%.1f %%", 100 * r.top1);
        plot.line(m.cx, m.cy, lx - 2, m.ly - 4, "leader");
        if (m.below)
            plot.polyline({{m.cx - 5, m.cy - 5},
                           {m.cx + 5, m.cy - 5},
                           {m.cx, m.cy + 4},
                           {m.cx - 5, m.cy - 5}},
                          family(r));
        else
            plot.circle(m.cx, m.cy, 4, family(r), r.name + ": " + value);
        plot.text(lx, m.ly, short_name(r.name) + "  " + value, "name");
    }
    std::string svg = plot.str();
    const std::size_t body = svg.find('\n') + 1;  // after the <svg ...> line
    svg.insert(body, style);
    return svg;
}

}  // namespace nnvp::accuracy
