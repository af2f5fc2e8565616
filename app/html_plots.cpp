#include "app/html_plots.h"

#include <algorithm>
#include <cmath>
#include <functional>
#include <set>

#include "app/format.h"
#include "app/json_lookup.h"
#include "app/svg_plot.h"

namespace nnvp {

namespace {

using json = nlohmann::json;

const std::size_t max_bars = 200;  // beyond this a bar chart is unreadable anyway

double max_opp_mhz(const json& report, const std::string& domain) {
    double best = 0;
    for (const json& opp : json_array(report, "platform.domains." + domain + ".opps"))
        best = std::max(best, json_number(opp, "mhz").value_or(0));
    return best;
}

// Seconds a layer row took: its time_s (network runs: per inference, loads
// included) or its span when the report has one, else cycles at the NN
// core's fastest clock.
std::optional<double> layer_seconds(const json& report, const json& layer) {
    if (const auto t = json_number(layer, "time_s"))
        return *t;
    const auto start = json_number(layer, "start_s"), end = json_number(layer, "end_s");
    if (start && end && *end >= *start)
        return *end - *start;
    const auto cycles = json_number(layer, "cycles");
    const double mhz = max_opp_mhz(report, "nncore");
    if (cycles && mhz > 0)
        return *cycles / (mhz * 1e6);
    return std::nullopt;
}

std::vector<std::string> layer_labels(const json& layers, std::size_t n) {
    std::vector<std::string> labels;
    for (std::size_t i = 0; i < n; ++i)
        labels.push_back(std::to_string(i) + " " + json_text(layers[i], "name", "?"));
    return labels;
}

// A bar chart over the first `n` layer rows, one band each: axes from 0 to
// the largest `value` (5% headroom). The caller draws the bars.
svg_plot layer_bars(const std::string& id, const std::string& title, const std::string& axis,
                    const json& layers, std::size_t n,
                    const std::function<double(const json&)>& value) {
    double top = 0;
    for (std::size_t i = 0; i < n; ++i)
        top = std::max(top, value(layers[i]));
    svg_plot p(id, title, 900, static_cast<int>(75 + 16 * n));
    p.set_margins(200, 20, 20, 55);
    p.draw_category_axes({0, top > 0 ? top * 1.05 : 1, false, axis}, layer_labels(layers, n));
    return p;
}

std::string state_class(const std::string& state) {
    static const std::set<std::string> known = {"on", "idle", "retention", "off"};
    return known.count(state) ? "st-" + state : "st-other";
}

}  // namespace

std::optional<platform_peaks> peaks_of(const json& report, const std::string& precision) {
    const auto rows = json_number(report, "platform.nncore.rows");
    const auto cols = json_number(report, "platform.nncore.cols");
    const auto per_pe = json_number(report, "platform.nncore.macs_per_pe." + precision);
    const auto bpc = json_number(report, "platform.dram.bytes_per_cycle");
    const double nn_mhz = max_opp_mhz(report, "nncore"), dram_mhz = max_opp_mhz(report, "dram");
    if (!rows || !cols || !per_pe || !bpc || nn_mhz <= 0 || dram_mhz <= 0)
        return std::nullopt;
    return platform_peaks{*rows * *cols * *per_pe * 2 * nn_mhz * 1e6, *bpc * dram_mhz * 1e6};
}

std::string power_plot(const json& report, const power_series& series) {
    if (series.power.empty())
        return "";
    const double end =
        std::max(json_number(report, "sim.simulated_s").value_or(0), series.power.back().end_s);
    // One or two windows far above all others would flatten the plot (bursts
    // of many windows are the signal and stay): when the peak is more than
    // 3x the third-highest window, the range ends at 1.5x that window, and
    // the windows above are drawn at the top edge and named.
    std::vector<double> watts;
    for (const auto& w : series.power)
        watts.push_back(w.watts);
    std::sort(watts.begin(), watts.end());
    const double peak = watts.back();
    const double third = watts.size() >= 3 ? watts[watts.size() - 3] : peak;
    const bool clip = watts.size() >= 100 && third > 0 && peak > 3 * third;
    const double top = clip ? 1.5 * third : peak * 1.1;
    const int band_h = 14;
    // Generation runs: a band of phases (prefill, decode) under the states.
    const json& requests = json_array(report, "inferences");
    const bool phases = !requests.empty() && json_find(requests[0], "prefill_end_s");
    const int bands = static_cast<int>(series.states.size()) + (phases ? 1 : 0);
    svg_plot p("plot-power", "Power over time, with power-state bands per domain", 900,
               230 + bands * (band_h + 2));
    p.set_margins(90, 20, 20, 60 + bands * (band_h + 2));
    p.draw_axes({0, end > 0 ? end : 1, false, "simulated time (s)"},
                {0, top > 0 ? top : 1, false, "average power (W)"});
    std::vector<std::pair<double, double>> pts;
    double prev = 0, peak_at = 0;
    std::size_t above = 0;
    for (const auto& w : series.power) {
        const double shown = std::min(w.watts, top);
        above += w.watts > top;
        if (w.watts == peak)
            peak_at = w.end_s;
        pts.emplace_back(p.px(prev), p.py(shown));
        pts.emplace_back(p.px(w.end_s), p.py(shown));
        prev = w.end_s;
    }
    p.polyline(pts, "power");
    if (clip)
        p.text(p.plot_left() + 6, p.plot_top() + 12,
               std::to_string(above) + (above == 1 ? " window" : " windows") +
                   " above the range, cut at the top edge (peak " + format_si(peak, "W") +
                   " in the window ending at " + format_si(peak_at, "s") + ")",
               "deadline-label");
    if (auto avg = json_number(report, "power.avg_power_w")) {
        p.line(p.plot_left(), p.py(*avg), p.plot_right(), p.py(*avg), "avg");
        p.text(p.plot_right() - 4, p.py(*avg) - 4, "average " + format_si(*avg, "W"), "tick",
               "end");
    }
    // State bands under the time axis, aligned with it.
    double y = p.plot_bottom() + 22;
    for (const auto& [domain, changes] : series.states) {
        p.text(p.plot_left() - 4, y + band_h - 3, domain, "tick", "end");
        for (std::size_t i = 0; i < changes.size(); ++i) {
            const double t0 = changes[i].at_s;
            const double t1 = i + 1 < changes.size() ? changes[i + 1].at_s : end;
            p.rect(p.px(t0), y, p.px(t1) - p.px(t0), band_h, state_class(changes[i].state),
                   domain + ": " + changes[i].state + " from " + format_si(t0, "s") + " to " +
                       format_si(t1, "s"));
        }
        y += band_h + 2;
    }
    if (phases) {
        p.text(p.plot_left() - 4, y + band_h - 3, "phase", "tick", "end");
        for (const json& r : requests) {
            const double t0 = json_number(r, "start_s").value_or(0);
            const double t1 = json_number(r, "prefill_end_s").value_or(t0);
            const double t2 = json_number(r, "end_s").value_or(t1);
            p.rect(p.px(t0), y, p.px(t1) - p.px(t0), band_h, "ph-prefill",
                   "prefill from " + format_si(t0, "s") + " to " + format_si(t1, "s"));
            p.rect(p.px(t1), y, p.px(t2) - p.px(t1), band_h, "ph-decode",
                   "decode from " + format_si(t1, "s") + " to " + format_si(t2, "s"));
        }
    }
    return p.str();
}

std::string layer_latency_plot(const json& report) {
    const json& layers = json_array(report, "layers");
    if (layers.empty())
        return "";
    const std::size_t n = std::min(layers.size(), max_bars);
    auto seconds = [&report](const json& l) { return layer_seconds(report, l).value_or(0); };
    svg_plot p = layer_bars("plot-layer-latency", "Latency per layer: compute and stall",
                            "latency (s); orange: stall share", layers, n, seconds);
    for (std::size_t i = 0; i < n; ++i) {
        const double s = seconds(layers[i]);
        const double cycles = json_number(layers[i], "cycles").value_or(0);
        const double stall = json_number(layers[i], "stall_cycles").value_or(0);
        const double stall_share = cycles > 0 ? std::clamp(stall / cycles, 0.0, 1.0) : 0.0;
        const auto [y, h] = p.band(i);
        const double x0 = p.px(0), w = p.px(s) - x0;
        const std::string tip = json_text(layers[i], "name") + ": " + format_si(s, "s") + ", " +
                                format_metric(cycles, "cycles") + " (" +
                                format_metric(stall, "cycles") + " stall)";
        p.rect(x0, y + 2, w * (1 - stall_share), h - 4, "bar", tip);
        p.rect(x0 + w * (1 - stall_share), y + 2, w * stall_share, h - 4, "bar-stall", tip);
    }
    return p.str();
}

std::string layer_energy_plot(const json& report) {
    const json& layers = json_array(report, "layers");
    if (layers.empty())
        return "";
    const std::size_t n = std::min(layers.size(), max_bars);
    auto joules = [](const json& l) { return json_number(l, "energy_j").value_or(0); };
    svg_plot p = layer_bars("plot-layer-energy", "Energy per layer", "energy (J)", layers, n, joules);
    for (std::size_t i = 0; i < n; ++i) {
        const double e = joules(layers[i]);
        const auto [y, h] = p.band(i);
        p.rect(p.px(0), y + 2, p.px(e) - p.px(0), h - 4, "bar-energy",
               json_text(layers[i], "name") + ": " + format_si(e, "J"));
    }
    return p.str();
}

std::string roofline_plot(const json& report) {
    struct point {
        double intensity, ops_per_s, seconds;
        std::string label, name;
        std::size_t row;
    };
    std::vector<point> points;
    std::set<std::string> precisions;
    const json& layers = json_array(report, "layers");
    for (std::size_t row = 0; row < layers.size(); ++row) {
        const json& l = layers[row];
        const double ops = 2 * json_number(l, "macs").value_or(0);
        const double bytes = json_number(l, "dram_read_bytes").value_or(0) +
                             json_number(l, "dram_write_bytes").value_or(0);
        const auto s = layer_seconds(report, l);
        if (ops <= 0 || bytes <= 0 || !s || *s <= 0)
            continue;  // no compute or no DRAM traffic: no place on a log-log roofline
        points.push_back({ops / bytes, ops / *s, *s,
                          json_text(l, "name") + " (" + json_text(l, "precision") + ")",
                          json_text(l, "name"), row});
        precisions.insert(json_text(l, "precision", "int8"));
    }
    if (points.empty())
        return "";
    std::vector<std::pair<std::string, platform_peaks>> roofs;
    for (const auto& prec : precisions)
        if (auto pk = peaks_of(report, prec))
            roofs.emplace_back(prec, *pk);
    if (roofs.empty())
        return "";
    // Axes span the points and every roof's ridge, in whole decades.
    double x_lo = 1e300, x_hi = 0, y_lo = 1e300, y_hi = 0;
    for (const auto& pt : points) {
        x_lo = std::min(x_lo, pt.intensity);
        x_hi = std::max(x_hi, pt.intensity);
        y_lo = std::min(y_lo, pt.ops_per_s);
        y_hi = std::max(y_hi, pt.ops_per_s);
    }
    for (const auto& [prec, pk] : roofs) {
        const double ridge = pk.ops_per_s / pk.dram_bytes_per_s;
        x_lo = std::min(x_lo, ridge);
        x_hi = std::max(x_hi, ridge);
        y_hi = std::max(y_hi, pk.ops_per_s);
    }
    const auto decade_below = [](double v) { return std::pow(10.0, std::floor(std::log10(v))); };
    const auto decade_above = [](double v) { return std::pow(10.0, std::ceil(std::log10(v))); };
    const axis x{decade_below(x_lo) / 10, decade_above(x_hi) * 10, true,
                 "arithmetic intensity (ops per DRAM byte)"};
    const axis y{decade_below(y_lo), decade_above(y_hi * 1.01), true, "achieved ops/s"};
    svg_plot p("plot-roofline", "Roofline: layers against peak compute and DRAM bandwidth", 900,
               420);
    p.set_margins(90, 20, 20, 45);
    p.draw_axes(x, y);
    for (const auto& [prec, pk] : roofs) {
        const double ridge = pk.ops_per_s / pk.dram_bytes_per_s;
        // The bandwidth slope starts where it enters the plot (y = y.lo).
        const double x0 = std::max(x.lo, y.lo / pk.dram_bytes_per_s);
        p.polyline({{p.px(x0), p.py(x0 * pk.dram_bytes_per_s)},
                    {p.px(ridge), p.py(pk.ops_per_s)},
                    {p.px(x.hi), p.py(pk.ops_per_s)}},
                   "roof");
        p.text(p.px(x.hi) - 4, p.py(pk.ops_per_s) - 4,
               prec + " peak " + format_si(pk.ops_per_s, "op/s") + ", DRAM " +
                   format_si(pk.dram_bytes_per_s, "B/s"),
               "tick", "end");
    }
    // Every point carries its layer's row number (as in the table below);
    // the ten slowest also their names.
    std::vector<std::size_t> by_time(points.size());
    for (std::size_t i = 0; i < points.size(); ++i)
        by_time[i] = i;
    std::sort(by_time.begin(), by_time.end(),
              [&](std::size_t a, std::size_t b) { return points[a].seconds > points[b].seconds; });
    by_time.resize(std::min<std::size_t>(by_time.size(), 10));
    for (std::size_t i = 0; i < points.size(); ++i) {
        const point& pt = points[i];
        const double x = p.px(pt.intensity), y = p.py(pt.ops_per_s);
        p.circle(x, y, 4, "layer-pt",
                 "#" + std::to_string(pt.row) + " " + pt.label + ": " +
                     format_si(pt.intensity, "op/B") + ", " + format_si(pt.ops_per_s, "op/s"));
        const bool named = std::find(by_time.begin(), by_time.end(), i) != by_time.end();
        p.text(x + 5, y - 3, named ? "#" + std::to_string(pt.row) + " " + pt.name
                                   : std::to_string(pt.row), "idx");
    }
    return p.str();
}

std::string residency_plot(const json& report) {
    const json* states = json_find(report, "power.states");
    if (!states || !states->is_object() || states->empty())
        return "";
    std::vector<std::string> domains;
    for (const auto& [domain, v] : states->items())
        domains.push_back(domain);
    svg_plot p("plot-residency", "Power-state residency per domain", 900,
               static_cast<int>(95 + 22 * domains.size()));
    p.set_margins(90, 20, 40, 45);
    p.draw_category_axes({0, 100, false, "share of simulated time (%)"}, domains);
    // Legend above the plot.
    double lx = p.plot_left();
    for (const std::string st : {"on", "idle", "retention", "off"}) {
        p.rect(lx, 12, 12, 12, state_class(st));
        p.text(lx + 16, 22, st, "tick");
        lx += 90;
    }
    for (std::size_t i = 0; i < domains.size(); ++i) {
        const json& per_state = (*states)[domains[i]];
        double total = 0;
        for (const auto& [st, s] : per_state.items())
            total += s.is_number() ? s.get<double>() : 0;
        if (total <= 0)
            continue;
        const auto [y, h] = p.band(i);
        double acc = 0;
        for (const auto& [st, s] : per_state.items()) {
            const double seconds = s.is_number() ? s.get<double>() : 0;
            const double share = 100 * seconds / total;
            p.rect(p.px(acc), y + 3, p.px(acc + share) - p.px(acc), h - 6, state_class(st),
                   domains[i] + " " + st + ": " + format_si(seconds, "s") + " (" +
                       format_metric(share / 100, "%") + ")");
            acc += share;
        }
    }
    return p.str();
}

std::string generation_latency_plot(const json& report) {
    const json& requests = json_array(report, "generation.requests_detail");
    if (requests.empty())
        return "";
    double top = 0, end = 0, start = -1;  // x from the first arrival: boot is not shown
    for (const json& r : requests) {
        top = std::max(top, json_number(r, "ttft_s").value_or(0));
        const json& first = json_array(r, "token_end_s");
        if (!first.empty()) {
            const double arrival = first[0].get<double>() - json_number(r, "ttft_s").value_or(0);
            start = start < 0 ? arrival : std::min(start, arrival);
        }
        for (const json& t : json_array(r, "tpot_s"))
            top = std::max(top, t.get<double>());
        for (const json& t : json_array(r, "token_end_s"))
            end = std::max(end, t.get<double>());
    }
    svg_plot p("plot-generation-latency",
               "Time to first token (orange) and time per output token (blue) over the run", 900,
               300);
    start = std::max(start, 0.0);
    p.draw_axes({start, end > start ? end + (end - start) * 0.02 : start + 1, false,
                 "simulated time (s): when the token was picked"},
                {0, top > 0 ? top * 1.1 : 1, false, "latency (s)"});
    for (const json& r : requests) {
        const json& ends = json_array(r, "token_end_s");
        const json& gaps = json_array(r, "tpot_s");
        const std::string req = "request " + std::to_string(json_number(r, "index").value_or(0));
        if (!ends.empty()) {
            const double ttft = json_number(r, "ttft_s").value_or(0);
            p.circle(p.px(ends[0].get<double>()), p.py(ttft), 4, "ttft",
                     req + ": first token after " + format_si(ttft, "s"));
        }
        for (std::size_t g = 0; g < gaps.size() && g + 1 < ends.size(); ++g)
            p.circle(p.px(ends[g + 1].get<double>()), p.py(gaps[g].get<double>()), 2.5, "tpot",
                     req + ", token " + std::to_string(g + 1) + ": " +
                         format_si(gaps[g].get<double>(), "s"));
    }
    return p.str();
}

std::string token_energy_plot(const json& report) {
    const json& requests = json_array(report, "generation.requests_detail");
    if (requests.empty())
        return "";
    double top = 0;
    std::size_t tokens = 0;
    for (const json& r : requests) {
        const json& e = json_array(r, "token_energy_j");
        tokens = std::max(tokens, e.size());
        for (const json& v : e)
            top = std::max(top, v.get<double>());
    }
    svg_plot p("plot-token-energy",
               "Energy per generated token (token 0: the prompt's prefill), every request", 900, 300);
    p.draw_axes({0, std::max<double>(1, static_cast<double>(tokens) - 1), false,
                 "token of the request"},
                {0, top > 0 ? top * 1.1 : 1, false, "energy (J), whole SoC"});
    for (const json& r : requests) {
        const json& e = json_array(r, "token_energy_j");
        for (std::size_t g = 0; g < e.size(); ++g)
            p.circle(p.px(static_cast<double>(g)), p.py(e[g].get<double>()), 3,
                     g == 0 ? "ttft" : "tpot",
                     "token " + std::to_string(g) + ": " + format_si(e[g].get<double>(), "J"));
    }
    return p.str();
}

std::string inference_plot(const json& report) {
    const json& inferences = json_array(report, "inferences");
    if (inferences.empty())
        return "";
    const double deadline = json_number(report, "throughput.deadline_s").value_or(0);
    double top = deadline;
    for (const json& inf : inferences)
        top = std::max(top, json_number(inf, "latency_s").value_or(0));
    svg_plot p("plot-inferences", "Latency per inference (red: deadline missed)", 900, 300);
    p.draw_axes({0, std::max<double>(1, inferences.size() - 1.0), false, "inference"},
                {0, top > 0 ? top * 1.1 : 1, false, "latency (s)"});
    if (deadline > 0) {
        p.line(p.plot_left(), p.py(deadline), p.plot_right(), p.py(deadline), "deadline");
        p.text(p.plot_right() - 4, p.py(deadline) - 4, "deadline " + format_si(deadline, "s"),
               "deadline-label", "end");
    }
    for (std::size_t i = 0; i < inferences.size(); ++i) {
        const double lat = json_number(inferences[i], "latency_s").value_or(0);
        const json* met = json_find(inferences[i], "deadline_met");
        const bool missed = met && met->is_boolean() && !met->get<bool>();
        p.circle(p.px(static_cast<double>(i)), p.py(lat), 3, missed ? "miss" : "hit",
                 "inference " + std::to_string(i) + ": " + format_si(lat, "s"));
    }
    return p.str();
}

}  // namespace nnvp
