#include "app/sweep_html.h"

#include <algorithm>
#include <cmath>
#include <optional>
#include <sstream>

#include "app/format.h"
#include "app/headline.h"
#include "app/svg_plot.h"

namespace nnvp {

namespace {

using json = nlohmann::json;

const char* const css = R"(
body { font-family: sans-serif; margin: 24px; color: #222; max-width: 1100px; }
div.wide { overflow-x: auto; }
table { font-size: 12px; }
td, th { padding: 2px 8px; border-bottom: 1px solid #ddd; text-align: right; white-space: nowrap; }
td.text, th.text { text-align: left; } tr.failed td { color: #c0392b; }
tr.front td { background: #fdf2e9; }
.pt { fill: #2980b9; fill-opacity: 0.6; } .front { fill: #e67e22; stroke: #a04000; }
.front-line { fill: none; stroke: #e67e22; stroke-width: 1.5; }
.front-label { fill: #a04000; font-size: 10px; }
)";

std::string esc(const std::string& s) { return xml_escape(s); }

std::string unit_of(const std::string& metric) {
    for (const headline_metric& m : headline_metrics())
        if (m.name == metric)
            return m.unit;
    return "";
}

std::optional<double> metric(const sweep_result& r, const std::string& name) {
    if (r.status != "ok" || r.report.is_null())
        return std::nullopt;
    return headline_value(r.report, name);
}

// Values are plotted in a unit that keeps the ticks short: fractions in
// percent, SI units with the prefix of the largest value (seconds in ms...).
struct display_unit {
    double factor = 1;
    std::string text;
};

display_unit display_unit_of(const std::string& unit, const std::vector<double>& values) {
    if (unit == "%")
        return {100, "%"};
    double top = 0;
    for (double v : values)
        top = std::max(top, std::fabs(v));
    if (unit.empty() || top == 0)
        return {1, unit};
    static const char* const prefixes[] = {"p", "n", "u", "m", "", "k", "M", "G", "T"};
    const int e = std::clamp(static_cast<int>(std::floor(std::log10(top) / 3)), -4, 4);
    return {std::pow(10.0, -3.0 * e), prefixes[e + 4] + unit};
}

std::string axis_label(const pareto_axis& a, const display_unit& u) {
    return a.metric + (u.text.empty() ? "" : " (" + u.text + ")") +
           (a.maximize ? ", higher is better" : ", lower is better");
}

// An axis over `values`: log when they are positive and span more than two
// decades, else linear with a margin.
axis axis_over(const std::vector<double>& values, const std::string& label) {
    const auto [lo_it, hi_it] = std::minmax_element(values.begin(), values.end());
    double lo = *lo_it, hi = *hi_it;
    if (lo > 0 && hi / lo > 100)
        return {std::pow(10.0, std::floor(std::log10(lo))), std::pow(10.0, std::ceil(std::log10(hi))),
                true, label};
    const double span = hi > lo ? hi - lo : std::max(std::fabs(hi), 1e-30);
    return {lo - 0.08 * span, hi + 0.08 * span, false, label};
}

std::string scatter(const sweep_spec& spec, const std::vector<sweep_result>& results,
                    const pareto_axis& a, const pareto_axis& b, const std::string& id) {
    const std::vector<bool> front = pareto_flags(results, a, b);
    std::vector<std::size_t> shown;
    std::vector<double> xs, ys;
    for (std::size_t i = 0; i < results.size(); ++i) {
        const auto x = metric(results[i], a.metric), y = metric(results[i], b.metric);
        if (!x || !y)
            continue;
        shown.push_back(i);
        xs.push_back(*x);
        ys.push_back(*y);
    }
    if (shown.empty())
        return "<p class=\"missing\">No successful point has both " + esc(a.metric) + " and " +
               esc(b.metric) + ".</p>\n";
    const display_unit ux = display_unit_of(unit_of(a.metric), xs),
                       uy = display_unit_of(unit_of(b.metric), ys);
    std::vector<double> sx, sy;
    for (std::size_t k = 0; k < shown.size(); ++k) {
        sx.push_back(xs[k] * ux.factor);
        sy.push_back(ys[k] * uy.factor);
    }
    svg_plot p(id, b.metric + " against " + a.metric, 1000, 520);
    p.set_margins(80, 30, 30, 50);
    p.draw_axes(axis_over(sx, axis_label(a, ux)), axis_over(sy, axis_label(b, uy)));
    std::vector<std::pair<double, double>> line;
    for (std::size_t k = 0; k < shown.size(); ++k) {
        const std::size_t i = shown[k];
        const double x = p.px(sx[k]), y = p.py(sy[k]);
        const std::string tip = "#" + std::to_string(i) + ": " + point_label(spec, i) + "; " +
                                a.metric + " " + format_metric(xs[k], unit_of(a.metric)) + ", " +
                                b.metric + " " + format_metric(ys[k], unit_of(b.metric));
        p.circle(x, y, front[i] ? 5 : 4, front[i] ? "front" : "pt", tip);
        p.text(x + 6, y - 4, std::to_string(i), "idx");
        if (front[i]) {
            line.emplace_back(x, y);
            p.text(x + 6, y + 10, point_label(spec, i), "front-label");
        }
    }
    std::sort(line.begin(), line.end());
    if (line.size() > 1)
        p.polyline(line, "front-line");
    return p.str();
}

// The headline metrics some successful point has, in headline order.
std::vector<const headline_metric*> table_metrics(const std::vector<sweep_result>& results) {
    std::vector<const headline_metric*> out;
    for (const headline_metric& m : headline_metrics())
        if (std::any_of(results.begin(), results.end(),
                        [&](const sweep_result& r) { return metric(r, m.name).has_value(); }))
            out.push_back(&m);
    return out;
}

std::string points_table(const sweep_spec& spec, const std::vector<sweep_result>& results,
                         const std::vector<std::vector<bool>>& fronts) {
    const std::vector<const headline_metric*> metrics = table_metrics(results);
    std::ostringstream os;
    os << "<div class=\"wide\"><table>\n<tr><th>#</th><th class=\"text\">status</th>";
    for (const std::string& p : spec.parameters)
        os << "<th class=\"text\">" << esc(p) << "</th>";
    for (const headline_metric* m : metrics)
        os << "<th>" << esc(m->name) << "</th>";
    for (std::size_t f = 0; f < fronts.size(); ++f)
        os << "<th>front " << f + 1 << "</th>";
    os << "<th class=\"text\">error</th></tr>\n";
    for (std::size_t i = 0; i < results.size(); ++i) {
        const sweep_result& r = results[i];
        const bool on_front = std::any_of(fronts.begin(), fronts.end(),
                                          [&](const std::vector<bool>& f) { return f[i]; });
        os << "<tr" << (r.status != "ok" ? " class=\"failed\"" : on_front ? " class=\"front\"" : "")
           << "><td>" << i << "</td><td class=\"text\">" << esc(r.status) << "</td>";
        for (const std::string& p : spec.parameters) {
            std::string v;
            for (const auto& [key, value] : spec.points[i])
                if (key == p)
                    v = parameter_text(value);
            os << "<td class=\"text\">" << esc(v) << "</td>";
        }
        for (const headline_metric* m : metrics) {
            const auto v = metric(r, m->name);
            os << "<td>" << (v ? esc(format_metric(*v, m->unit)) : "") << "</td>";
        }
        for (const std::vector<bool>& f : fronts)
            os << "<td>" << (f[i] ? "yes" : "") << "</td>";
        os << "<td class=\"text\">" << esc(r.error) << "</td></tr>\n";
    }
    os << "</table></div>\n";
    return os.str();
}

}  // namespace

std::string point_label(const sweep_spec& spec, std::size_t i) {
    std::string s;
    for (const auto& [key, value] : spec.points.at(i)) {
        const std::size_t dot = key.rfind('.');
        s += (s.empty() ? "" : ", ") + (dot == std::string::npos ? key : key.substr(dot + 1)) +
             "=" + parameter_text(value);
    }
    return s;
}

std::string make_sweep_html(const sweep_spec& spec, const std::vector<sweep_result>& results) {
    std::vector<std::pair<pareto_axis, pareto_axis>> pairs = {
        {{"latency_s", false}, {"energy_j", false}}};
    if (spec.pareto.size() == 2)
        pairs.emplace_back(spec.pareto[0], spec.pareto[1]);
    std::size_t ok = 0;
    for (const sweep_result& r : results)
        ok += r.status == "ok";
    std::ostringstream os;
    os << "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\">\n<title>nnvp sweep: "
       << esc(spec.file) << "</title>\n<style>" << plot_page_css << css
       << "</style>\n</head>\n<body>\n"
       << "<h1>Sweep " << esc(spec.file) << "</h1>\n<p class=\"meta\">scenario "
       << esc(spec.scenario) << "; " << results.size() << " points, " << ok << " ok, "
       << results.size() - ok << " failed"
       << (spec.description.empty() ? "" : "<br>" + esc(spec.description)) << "</p>\n";
    std::vector<std::vector<bool>> fronts;
    for (std::size_t k = 0; k < pairs.size(); ++k) {
        const auto& [a, b] = pairs[k];
        fronts.push_back(pareto_flags(results, a, b));
        os << "<h2>Front " << k + 1 << ": " << esc(b.metric) << " against " << esc(a.metric)
           << "</h2>\n<p class=\"meta\">Orange: Pareto-optimal points (no other point is as good "
              "in both and better in one), with their parameters; every point is numbered as in "
              "the table, its parameters in its tooltip.</p>\n"
           << scatter(spec, results, a, b, "front" + std::to_string(k + 1));
    }
    os << "<h2>Points</h2>\n" << points_table(spec, results, fronts) << "</body></html>\n";
    return os.str();
}

}  // namespace nnvp
