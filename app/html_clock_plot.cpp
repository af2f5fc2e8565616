// The clock-frequency plot of report.html (html_plots.h).
#include <algorithm>

#include "app/format.h"
#include "app/html_plots.h"
#include "app/json_lookup.h"
#include "app/svg_plot.h"

namespace nnvp {

std::string clock_plot(const nlohmann::json& report, const power_series& series) {
    if (series.clocks.empty())
        return "";
    double end = json_number(report, "sim.simulated_s").value_or(0), top = 0;
    for (const auto& [domain, changes] : series.clocks)
        for (const auto& c : changes) {
            end = std::max(end, c.at_s);
            top = std::max(top, c.mhz);
        }
    svg_plot p("plot-clocks", "Clock frequency per domain over time (the operating points taken)",
               900, 280);
    p.set_margins(90, 170, 20, 45);
    p.draw_axes({0, end > 0 ? end : 1, false, "simulated time (s)"},
                {0, top > 0 ? top * 1.1 : 1, false, "frequency (MHz)"});
    // Labels at the right end, pushed apart where lines end close together.
    struct label {
        double y;
        std::string text, cls;
    };
    std::vector<label> labels;
    std::size_t k = 0;
    for (const auto& [domain, changes] : series.clocks) {
        std::vector<std::pair<double, double>> pts;
        for (std::size_t i = 0; i < changes.size(); ++i) {
            const double t1 = i + 1 < changes.size() ? changes[i + 1].at_s : end;
            pts.emplace_back(p.px(changes[i].at_s), p.py(changes[i].mhz));
            pts.emplace_back(p.px(t1), p.py(changes[i].mhz));
        }
        const std::string cls = "clk" + std::to_string(k++ % 6);
        p.polyline(pts, cls);
        labels.push_back({pts.back().second + 4,
                          domain + " " + format_si(changes.back().mhz * 1e6, "Hz") +
                              (changes.size() > 1
                                   ? " (" + std::to_string(changes.size() - 1) + " changes)"
                                   : ""),
                          cls + "-label"});
    }
    std::sort(labels.begin(), labels.end(),
              [](const label& a, const label& b) { return a.y < b.y; });
    for (std::size_t i = 1; i < labels.size(); ++i)
        labels[i].y = std::max(labels[i].y, labels[i - 1].y + 12);
    for (const label& l : labels)
        p.text(p.plot_right() + 6, l.y, l.text, l.cls);
    return p.str();
}

}  // namespace nnvp
