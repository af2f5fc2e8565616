#include "platform/timeline.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>

namespace nnvp {

void timeline::set(const std::string& signal, double at_s, double value) {
    auto it = m_last.find(signal);
    if (it != m_last.end() && it->second == value)
        return;
    m_last[signal] = value;
    m_samples.push_back({signal, at_s, value});
}

namespace {

// Tracks become threads of one process, numbered in order of appearance.
struct track_ids {
    std::map<std::string, int> ids;
    int of(const std::string& track) {
        auto it = ids.find(track);
        if (it != ids.end())
            return it->second;
        const int id = static_cast<int>(ids.size()) + 1;
        ids.emplace(track, id);
        return id;
    }
};

double us(double s) { return s * 1e6; }

}  // namespace

void timeline::write_trace_json(std::ostream& os) const {
    // Streamed one event per line: a long run has millions of events, and a
    // document built in memory first would take gigabytes.
    os << "{\"displayTimeUnit\": \"ns\", \"traceEvents\": [\n";
    bool first = true;
    const auto next = [&] {  // the separator before every event but the first
        os << (first ? "" : ",\n");
        first = false;
    };
    auto put = [&](const nlohmann::json& e) {
        next();
        os << e.dump();
    };
    // Spans and counters are nearly all the events: they are written without
    // building a JSON object each, in the bytes dumping one gives (keys in
    // sorted order, numbers and strings through the same serializer).
    nlohmann::json scalar;
    const auto text = [&](const auto& v) {
        scalar = v;
        return scalar.dump();
    };
    track_ids tracks;
    for (const span& s : m_spans) {
        next();
        os << '{';
        if (!s.args.empty()) {
            const char* sep = "\"args\":{";
            for (const auto& [key, value] : s.args) {
                os << sep << text(key) << ':' << text(value);
                sep = ",";
            }
            os << "},";
        }
        os << "\"dur\":" << text(us(s.end_s - s.start_s)) << ",\"name\":" << text(s.name)
           << ",\"ph\":\"X\",\"pid\":1,\"tid\":" << tracks.of(s.track)
           << ",\"ts\":" << text(us(s.start_s)) << '}';
    }
    for (const instant& i : m_instants)
        put({{"name", i.name}, {"ph", "i"}, {"s", "t"}, {"ts", us(i.at_s)}, {"pid", 1},
             {"tid", tracks.of(i.track)}});
    std::map<std::string, std::string> quoted;  // signal -> its JSON string (few signals)
    for (const sample& c : m_samples) {
        auto q = quoted.find(c.signal);
        if (q == quoted.end())
            q = quoted.emplace(c.signal, text(c.signal)).first;
        next();
        os << "{\"args\":{\"value\":" << text(c.value) << "},\"name\":" << q->second
           << ",\"ph\":\"C\",\"pid\":1,\"ts\":" << text(us(c.at_s)) << '}';
    }
    put({{"name", "process_name"}, {"ph", "M"}, {"pid", 1}, {"args", {{"name", "soc"}}}});
    for (const auto& [name, id] : tracks.ids)
        put({{"name", "thread_name"}, {"ph", "M"}, {"pid", 1}, {"tid", id}, {"args", {{"name", name}}}});
    os << "\n]}\n";
}

namespace {

// VCD types: interrupt lines are 1-bit wires, power states and OPP indices
// integers, the rest (power, frequency, voltage) reals.
enum class vcd_kind { wire, integer, real };

bool ends_with(const std::string& s, const std::string& tail) {
    return s.size() >= tail.size() && s.compare(s.size() - tail.size(), tail.size(), tail) == 0;
}

vcd_kind vcd_kind_of(const std::string& signal) {
    if (signal.rfind("irq.", 0) == 0)
        return vcd_kind::wire;
    if (ends_with(signal, ".state") || ends_with(signal, ".opp"))
        return vcd_kind::integer;
    return vcd_kind::real;
}

std::string binary(long long v) {
    if (v <= 0)
        return "0";
    std::string b;
    for (; v > 0; v /= 2)
        b.insert(b.begin(), static_cast<char>('0' + v % 2));
    return b;
}

}  // namespace

void timeline::rename_spans(const std::string& track,
                            const std::function<std::string(std::size_t, const std::string&)>& name) {
    std::size_t k = 0;
    for (span& s : m_spans)
        if (s.track == track)
            s.name = name(k++, s.name);
}

void timeline::write_vcd(std::ostream& os, double end_s) const {
    // One identifier per signal, printable ASCII from '!' on.
    std::map<std::string, std::string> ids;
    for (const sample& s : m_samples)
        if (!ids.count(s.signal)) {
            std::string id;
            std::size_t n = ids.size();
            do {
                id += static_cast<char>('!' + n % 94);
                n /= 94;
            } while (n > 0);
            ids.emplace(s.signal, id);
        }
    os << "$date nnvp $end\n$version nnvp power trace $end\n$timescale 1ps $end\n";
    os << "$scope module soc $end\n";
    for (const auto& [signal, id] : ids) {
        std::string name = signal;
        std::replace(name.begin(), name.end(), '.', '_');
        const vcd_kind k = vcd_kind_of(signal);
        os << "$var " << (k == vcd_kind::wire ? "wire 1 " : k == vcd_kind::integer ? "integer 32 " : "real 64 ")
           << id << " " << name << " $end\n";
    }
    os << "$upscope $end\n$enddefinitions $end\n";
    std::vector<sample> ordered = m_samples;
    std::stable_sort(ordered.begin(), ordered.end(),
                     [](const sample& a, const sample& b) { return a.at_s < b.at_s; });
    long long current = -1;
    for (const sample& s : ordered) {
        const long long t = std::llround(s.at_s * 1e12);
        if (t != current) {
            os << "#" << t << "\n";
            current = t;
        }
        const std::string& id = ids[s.signal];
        switch (vcd_kind_of(s.signal)) {
            case vcd_kind::wire:
                os << (s.value != 0 ? '1' : '0') << id << "\n";
                break;
            case vcd_kind::integer:
                os << "b" << binary(std::llround(s.value)) << " " << id << "\n";
                break;
            case vcd_kind::real:
                os << "r" << s.value << " " << id << "\n";
                break;
        }
    }
    const long long end = std::llround(end_s * 1e12);
    if (end > current)
        os << "#" << end << "\n";
}

}  // namespace nnvp
