// What happened when: spans (DMA runs, layers), instants (interrupts,
// firmware messages) and counter samples (power, operating points, power
// states), recorded as the simulation runs and written out as a Chrome /
// Perfetto trace (trace.json) and a VCD (power.vcd). Recording cost grows
// with events, never with cycles.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <ostream>
#include <string>
#include <vector>

namespace nnvp {

class timeline {
public:
    struct span {
        std::string track;
        std::string name;
        double start_s;
        double end_s;
        std::map<std::string, double> args;
    };
    struct instant {
        std::string track;
        std::string name;
        double at_s;
    };
    struct sample {
        std::string signal;  // e.g. "nncore.freq_mhz", "power_w", "irq.dma"
        double at_s;
        double value;
    };

    void add_span(span s) { m_spans.push_back(std::move(s)); }
    void add_instant(instant i) { m_instants.push_back(std::move(i)); }
    // Renames the spans of `track`: name(k, old name) for its k-th span in
    // recording order (the platform names NN-core commands "conv2d#6"; the
    // host that compiled them knows their layers).
    void rename_spans(const std::string& track,
                      const std::function<std::string(std::size_t, const std::string&)>& name);
    // Records a value only when it differs from the signal's last value.
    void set(const std::string& signal, double at_s, double value);

    const std::vector<span>& spans() const { return m_spans; }
    const std::vector<instant>& instants() const { return m_instants; }
    const std::vector<sample>& samples() const { return m_samples; }

    // Chrome trace-event JSON: one track (thread) per block, "X" spans,
    // "i" instants, "C" counters; timestamps in microseconds.
    void write_trace_json(std::ostream& os) const;
    // Value change dump of every sampled signal, time in ps: interrupt lines
    // (irq.*) as 1-bit wires, power states and OPP indices (*.state, *.opp)
    // as integers, the rest as reals.
    void write_vcd(std::ostream& os, double end_s) const;

private:
    std::vector<span> m_spans;
    std::vector<instant> m_instants;
    std::vector<sample> m_samples;
    std::map<std::string, double> m_last;
};

}  // namespace nnvp
