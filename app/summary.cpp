#include "app/summary.h"

#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <iomanip>
#include <numeric>

#include "app/format.h"
#include "app/headline.h"
#include "app/json_lookup.h"

namespace nnvp {

namespace {

using json = nlohmann::json;

// Headline metrics the summary shows (the rest stay in report.json and the page).
bool shown(const std::string& name) {
    static const char* hidden[] = {"wall_s", "firmware_exit_code", "warnings", "layer_energy_j"};
    return std::none_of(std::begin(hidden), std::end(hidden),
                        [&](const char* h) { return name == h; });
}

void print_layers(std::ostream& os, const json& layers, std::size_t max_layers) {
    std::vector<std::size_t> idx(layers.size());
    std::iota(idx.begin(), idx.end(), 0);
    if (idx.size() > max_layers) {
        // Keep the busiest rows, then restore run order.
        std::stable_sort(idx.begin(), idx.end(), [&](std::size_t a, std::size_t b) {
            return json_number(layers[a], "cycles").value_or(0) >
                   json_number(layers[b], "cycles").value_or(0);
        });
        idx.resize(max_layers);
        std::sort(idx.begin(), idx.end());
    }
    os << "\n  " << std::setw(4) << "#"
       << "  " << std::left << std::setw(22) << "layer" << std::setw(7) << "prec" << std::setw(5)
       << "df" << std::right << std::setw(10) << "cycles" << std::setw(8) << "util" << std::setw(10)
       << "DRAM" << std::setw(11) << "energy"
       << "\n";
    for (std::size_t i : idx) {
        const json& l = layers[i];
        const auto n = [&](const char* k) { return json_number(l, k).value_or(0); };
        std::string name = json_text(l, "name");
        if (name.size() > 21)
            name = name.substr(0, 20) + "~";
        os << "  " << std::setw(4) << i << "  " << std::left << std::setw(22) << name
           << std::setw(7) << json_text(l, "precision") << std::setw(5) << json_text(l, "dataflow")
           << std::right << std::setw(10) << format_si(n("cycles"), "") << std::setw(8)
           << format_metric(n("utilization"), "%") << std::setw(10)
           << format_si(n("dram_read_bytes") + n("dram_write_bytes"), "B") << std::setw(11)
           << format_si(n("energy_j"), "J") << "\n";
    }
    if (idx.size() < layers.size())
        os << "  (" << layers.size() - idx.size() << " more rows in layers.csv)\n";
}

// Network steps that ran on the CPU instead of the NN core, busiest first,
// with the compiler's reason: nothing falls back silently.
void print_cpu_steps(std::ostream& os, const json& layers) {
    std::vector<const json*> cpu;
    double time = 0, all = 0;
    for (const json& l : layers) {
        all += json_number(l, "time_s").value_or(0);
        if (json_text(l, "unit") != "cpu")
            continue;
        cpu.push_back(&l);
        time += json_number(l, "time_s").value_or(0);
    }
    if (cpu.empty())
        return;
    std::stable_sort(cpu.begin(), cpu.end(), [](const json* a, const json* b) {
        return json_number(*a, "time_s").value_or(0) > json_number(*b, "time_s").value_or(0);
    });
    os << "\n  on the CPU: " << cpu.size() << " of " << layers.size() << " steps, "
       << format_si(time, "s") << " per inference (" << format_metric(all > 0 ? time / all : 0, "%")
       << " of the steps' time)\n";
    constexpr std::size_t shown_steps = 8;
    for (std::size_t i = 0; i < cpu.size() && i < shown_steps; ++i)
        os << "    " << std::left << std::setw(24) << json_text(*cpu[i], "name") << std::right
           << std::setw(10) << format_si(json_number(*cpu[i], "time_s").value_or(0), "s") << "  "
           << json_text(*cpu[i], "cpu_reason") << "\n";
    if (cpu.size() > shown_steps)
        os << "    (" << cpu.size() - shown_steps << " more in layers.csv)\n";
}

}  // namespace

void print_summary_table(std::ostream& os, const json& r, std::size_t max_layers) {
    os << "\n== " << json_text(r, "scenario.name", "run") << " ==  ("
       << json_text(r, "scenario.mode", "?") << ", " << json_text(r, "platform.name", "?") << ")\n";
    if (const json* fw = json_find(r, "firmware"); fw && fw->is_object())
        os << "firmware " << json_text(*fw, "program", "?") << ", exit code "
           << json_number(*fw, "exit_code").value_or(-1) << " (" << json_text(r, "sim.end", "?")
           << ")\n";
    os << "\n  " << std::left << std::setw(20) << "metric"
       << "value\n";
    for (const auto& row : headline_rows(r))
        if (shown(row.metric->name))
            os << "  " << std::setw(20) << row.metric->name
               << format_metric(row.value, row.metric->unit) << "\n";
    if (auto wall = json_number(r, "sim.wall_s"))
        os << "  " << std::setw(20) << "wall_s" << format_si(*wall, "s") << "\n";

    const json* by = json_find(r, "power.by_component");
    const double total = json_number(r, "power.energy_j").value_or(0);
    if (by && by->is_object() && total > 0) {
        // Shares under 0.1% are noise in a summary; report.html lists them all.
        os << "\n  energy by component:";
        double rest = 0;
        for (const auto& [name, c] : by->items()) {
            const double e = json_number(c, "energy_j").value_or(0);
            if (e >= 0.001 * total)
                os << " " << name << " " << format_metric(e / total, "%");
            else
                rest += e;
        }
        if (rest > 0)
            os << " others " << format_metric(rest / total, "%");
        os << "\n";
    }
    os << std::right;
    const json& layers = json_array(r, "layers");
    if (!layers.empty()) {
        print_layers(os, layers, max_layers);
        print_cpu_steps(os, layers);
    }
    if (auto dma = json_find(r, "dma.runs"); dma && dma->is_array())
        os << "\n  dma: "
           << static_cast<uint64_t>(
                  json_number(r, "dma.runs_total").value_or(static_cast<double>(dma->size())))
           << " runs, "
           << format_si(json_number(r, "dma.bytes_moved").value_or(0), "B")
           << " moved; cpu: " << json_number(r, "cpu.interrupts_taken").value_or(0)
           << " interrupts, "
           << json_number(r, "cpu.mmio_reads").value_or(0) +
                  json_number(r, "cpu.mmio_writes").value_or(0)
           << " register accesses\n";
    if (const auto w = json_number(r, "sim.warnings"); w && *w > 0)
        os << "  warnings: " << *w << " (see the log above)\n";
    // A trace cut short (report.json trace.*.note) is said where the user looks.
    if (const json* t = json_find(r, "trace"); t && t->is_object())
        for (const auto& [what, n] : t->items())
            if (n.is_object() && n.contains("note"))
                os << "  trace (" << what << "): " << json_text(n, "note", "") << "\n";
}

std::string progress_text(double simulated_s, double fraction, const std::string& detail) {
    std::string text;
    if (fraction >= 0) {
        char pct[16];
        std::snprintf(pct, sizeof pct, "[%3d%%] ",
                      static_cast<int>(std::clamp(100 * fraction, 0.0, 100.0)));
        text = pct;
    }
    text += format_si(simulated_s, "s") + " simulated";
    if (!detail.empty())
        text += ", " + detail;
    return text;
}

progress_line::progress_line(std::ostream& os) : progress_line(os, isatty(STDOUT_FILENO) != 0) {}

progress_line::progress_line(std::ostream& os, bool enabled) : m_os(os), m_enabled(enabled) {}

void progress_line::update(double simulated_s, double fraction, const std::string& detail) {
    if (!m_enabled)
        return;
    if (fraction >= 0) {
        const int pct = static_cast<int>(100 * std::min(fraction, 1.0));
        if (pct == m_last_percent)
            return;
        m_last_percent = pct;
    } else {
        if (simulated_s < m_next_s)
            return;
        m_next_s = simulated_s > 0 ? simulated_s * 2 : 1e-9;
    }
    // Pad so a shorter line fully covers the previous one.
    std::string text = progress_text(simulated_s, fraction, detail);
    text.resize(std::max<std::size_t>(text.size(), 72), ' ');
    m_os << "\r" << text << std::flush;
    m_drawn = true;
}

void progress_line::redraw_next() {
    m_last_percent = -1;
    m_next_s = 0;
    m_drawn = false;
}

void progress_line::finish() {
    if (m_enabled && m_drawn)
        m_os << "\n" << std::flush;
    m_drawn = false;
}

}  // namespace nnvp
