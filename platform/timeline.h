// What happened when: spans (DMA runs, layers), instants (interrupts,
// firmware messages) and counter samples (power, operating points, power
// states), recorded as the simulation runs and written out as a Chrome /
// Perfetto trace (trace.json) and a VCD (power.vcd). Recording cost grows
// with events, never with cycles, and stops at a bound (max_events).
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <ostream>
#include <string>
#include <unordered_map>
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

    // Events past `max_events` (spans, instants and samples together) are
    // counted, not kept: trace.json and power.vcd then hold the run up to
    // the cut (cut_s()). 0: no limit.
    explicit timeline(uint64_t max_events = 0) : m_max_events(max_events) {}

    void add_span(const span& s);
    void add_instant(const instant& i);
    // Records a value only when it differs from the signal's last value.
    void set(const std::string& signal, double at_s, double value);

    // Read back (copies: for tests and small runs).
    std::vector<span> spans() const;
    std::size_t instant_count() const { return m_instants.size(); }
    instant instant_at(std::size_t k) const;
    // Every sample in recording order, without copying the signal's name.
    void for_each_sample(
        const std::function<void(const std::string& signal, double at_s, double value)>& f) const;

    uint64_t max_events() const { return m_max_events; }
    uint64_t dropped() const { return m_dropped; }  // events past max_events
    double cut_s() const { return m_cut_s; }         // time of the first dropped event

    // Chrome trace-event JSON: one track (thread) per block, "X" spans,
    // "i" instants, "C" counters; timestamps in microseconds.
    void write_trace_json(std::ostream& os) const;
    // Value change dump of every sampled signal, time in ps: interrupt lines
    // (irq.*) as 1-bit wires, power states and OPP indices (*.state, *.opp)
    // as integers, the rest as reals.
    void write_vcd(std::ostream& os, double end_s) const;

private:
    // Compact storage: a long run records millions of events, and most
    // repeat a few names (tracks, layers, signals, argument keys), kept once.
    struct stored_span {
        uint32_t track, name;
        double start_s, end_s;
        uint32_t first_arg, args;
    };
    struct stored_arg {
        uint32_t key;
        double value;
    };
    struct stored_instant {
        uint32_t track, name;
        double at_s;
    };
    struct stored_sample {
        uint32_t signal;
        double at_s, value;
    };
    uint32_t id_of(const std::string& text);
    bool keep(double at_s);  // false past max_events (counts the drop)

    uint64_t m_max_events;
    uint64_t m_events = 0, m_dropped = 0;
    double m_cut_s = 0;
    std::vector<std::string> m_strings;
    std::unordered_map<std::string, uint32_t> m_ids;
    std::vector<stored_span> m_spans;
    std::vector<stored_arg> m_args;
    std::vector<stored_instant> m_instants;
    std::vector<stored_sample> m_samples;
    std::vector<double> m_last;     // per string id: the signal's last value
    std::vector<uint8_t> m_has_last;
};

}  // namespace nnvp
