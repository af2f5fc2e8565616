#include "platform/timeline.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <array>
#include <cmath>

namespace nnvp {

uint32_t timeline::id_of(const std::string& text) {
    const auto [it, added] = m_ids.emplace(text, static_cast<uint32_t>(m_strings.size()));
    if (added) {
        m_strings.push_back(text);
        m_last.push_back(0);
        m_has_last.push_back(0);
    }
    return it->second;
}

bool timeline::keep(double at_s) {
    if (m_max_events == 0 || m_events < m_max_events) {
        ++m_events;
        return true;
    }
    if (m_dropped++ == 0)
        m_cut_s = at_s;
    return false;
}

void timeline::add_span(const span& s) {
    if (!keep(s.end_s))
        return;
    const auto first = static_cast<uint32_t>(m_args.size());
    for (const auto& [key, value] : s.args)
        m_args.push_back({id_of(key), value});
    m_spans.push_back({id_of(s.track), id_of(s.name), s.start_s, s.end_s, first,
                       static_cast<uint32_t>(s.args.size())});
}

void timeline::add_instant(const instant& i) {
    if (keep(i.at_s))
        m_instants.push_back({id_of(i.track), id_of(i.name), i.at_s});
}

void timeline::set(const std::string& signal, double at_s, double value) {
    const uint32_t id = id_of(signal);
    if (m_has_last[id] && m_last[id] == value)
        return;
    if (!keep(at_s))
        return;
    m_last[id] = value;
    m_has_last[id] = 1;
    m_samples.push_back({id, at_s, value});
}

std::vector<timeline::span> timeline::spans() const {
    std::vector<span> out;
    for (const stored_span& s : m_spans) {
        span v{m_strings[s.track], m_strings[s.name], s.start_s, s.end_s, {}};
        for (uint32_t a = s.first_arg; a < s.first_arg + s.args; ++a)
            v.args[m_strings[m_args[a].key]] = m_args[a].value;
        out.push_back(std::move(v));
    }
    return out;
}

timeline::instant timeline::instant_at(std::size_t k) const {
    const stored_instant& i = m_instants.at(k);
    return {m_strings[i.track], m_strings[i.name], i.at_s};
}

void timeline::for_each_sample(
    const std::function<void(const std::string&, double, double)>& f) const {
    for (const stored_sample& s : m_samples)
        f(m_strings[s.signal], s.at_s, s.value);
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

// A number as nlohmann::json dumps a double (its Grisu2 shortest digits;
// NaN and infinities as null), without a json value and a string per number:
// trace.json holds millions of them.
void put_number(std::ostream& os, double v) {
    if (!std::isfinite(v)) {
        os << "null";
        return;
    }
    std::array<char, 64> buf;
    const char* end = nlohmann::detail::to_chars(buf.data(), buf.data() + buf.size(), v);
    os.write(buf.data(), end - buf.data());
}

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
    // sorted order, strings through the same serializer, numbers through
    // its conversion).
    track_ids tracks;
    // Quoted once per string, tracks numbered once: names repeat over
    // millions of events.
    std::vector<std::string> quoted(m_strings.size());
    const auto q = [&](uint32_t id) -> const std::string& {
        if (quoted[id].empty())
            quoted[id] = nlohmann::json(m_strings[id]).dump();
        return quoted[id];
    };
    std::vector<int> tid(m_strings.size(), 0);
    const auto track = [&](uint32_t id) {
        if (tid[id] == 0)
            tid[id] = tracks.of(m_strings[id]);
        return tid[id];
    };
    for (const stored_span& s : m_spans) {
        next();
        os << '{';
        if (s.args > 0) {  // stored in key order (from a std::map), as a JSON object dumps
            const char* sep = "\"args\":{";
            for (uint32_t a = s.first_arg; a < s.first_arg + s.args; ++a) {
                os << sep << q(m_args[a].key) << ':';
                put_number(os, m_args[a].value);
                sep = ",";
            }
            os << "},";
        }
        os << "\"dur\":";
        put_number(os, us(s.end_s - s.start_s));
        os << ",\"name\":" << q(s.name) << ",\"ph\":\"X\",\"pid\":1,\"tid\":" << track(s.track)
           << ",\"ts\":";
        put_number(os, us(s.start_s));
        os << '}';
    }
    for (const stored_instant& i : m_instants)
        put({{"name", m_strings[i.name]}, {"ph", "i"}, {"s", "t"}, {"ts", us(i.at_s)},
             {"pid", 1}, {"tid", track(i.track)}});
    for (const stored_sample& c : m_samples) {
        next();
        os << "{\"args\":{\"value\":";
        put_number(os, c.value);
        os << "},\"name\":" << q(c.signal) << ",\"ph\":\"C\",\"pid\":1,\"ts\":";
        put_number(os, us(c.at_s));
        os << '}';
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

void timeline::write_vcd(std::ostream& os, double end_s) const {
    // One identifier per signal, printable ASCII from '!' on, in order of
    // first appearance; looked up by string id below.
    std::map<std::string, std::string> ids;
    std::vector<const std::string*> id_by_signal(m_strings.size(), nullptr);
    std::vector<vcd_kind> kind_by_signal(m_strings.size(), vcd_kind::real);
    for (const stored_sample& s : m_samples)
        if (!id_by_signal[s.signal]) {
            std::string id;
            std::size_t n = ids.size();
            do {
                id += static_cast<char>('!' + n % 94);
                n /= 94;
            } while (n > 0);
            id_by_signal[s.signal] = &ids.emplace(m_strings[s.signal], id).first->second;
            kind_by_signal[s.signal] = vcd_kind_of(m_strings[s.signal]);
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
    // In time order (recording order nearly always is: sorted only when not).
    const auto earlier = [](const stored_sample& a, const stored_sample& b) {
        return a.at_s < b.at_s;
    };
    std::vector<stored_sample> sorted;
    const std::vector<stored_sample>* ordered = &m_samples;
    if (!std::is_sorted(m_samples.begin(), m_samples.end(), earlier)) {
        sorted = m_samples;
        std::stable_sort(sorted.begin(), sorted.end(), earlier);
        ordered = &sorted;
    }
    long long current = -1;
    for (const stored_sample& s : *ordered) {
        const long long t = std::llround(s.at_s * 1e12);
        if (t != current) {
            os << "#" << t << "\n";
            current = t;
        }
        const std::string& id = *id_by_signal[s.signal];
        switch (kind_by_signal[s.signal]) {
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
