// A clock/voltage domain: the current operating point (frequency, voltage)
// and power state of a group of blocks. Blocks convert cycles to time only
// through their domain, so a DVFS change reaches every block in it. The power
// controller is the only writer.
#pragma once

#include <systemc>

#include <array>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace nnvp {

class energy_meter;

struct operating_point {
    double freq_hz;
    double voltage_v;
};

// Leakage scaling of a domain (subthreshold leakage grows exponentially with
// supply voltage through DIBL and with temperature; e.g. Kim et al., "Leakage
// current: Moore's law meets static power", IEEE Computer 2003):
//   P_leak(V, T) = P_nom * (V / Vnom) * exp(k_v * (V - Vnom)) * exp(k_t * (T - T_ref))
// k_v = k_t = 0 gives the linear-in-V rule of DESIGN.md.
struct leakage_params {
    double k_v_per_v = 0.0;  // 1/V
    double k_t_per_c = 0.0;  // 1/degC
    double t_ref_c = 25.0;   // temperature at which leakage powers are specified
};

enum class power_state : uint8_t { on = 0, idle = 1, retention = 2, off = 3 };
const char* to_string(power_state s);

class clock_domain {
public:
    // `v_nominal` is the voltage at which dynamic energies and leakage powers
    // are specified (DESIGN.md: dynamic scales with (V/Vnom)^2, leakage with V).
    clock_domain(std::string name, std::vector<operating_point> opps, std::size_t initial_opp,
                 double v_nominal);

    const std::string& name() const { return m_name; }
    const std::vector<operating_point>& opps() const { return m_opps; }
    // The operating point the domain is at (or, during a transition, heading to).
    std::size_t opp_index() const { return m_opp; }
    // What the domain runs at right now (during a transition these lag the OPP).
    double freq_hz() const { return m_freq_hz; }
    double voltage() const { return m_voltage; }
    double v_nominal() const { return m_v_nominal; }
    power_state state() const { return m_state; }
    bool clocked() const { return m_state == power_state::on; }

    // --- leakage model and temperature ----------------------------------------
    void set_leakage_params(const leakage_params& p);
    const leakage_params& leakage() const { return m_leak; }
    double temperature_c() const { return m_temp_c; }
    void set_temperature(double celsius);  // settles the meters first
    // The factor the meters multiply their nominal leakage by, now (the
    // power state's own factor excluded).
    double leakage_scale() const;

    // --- activity (utilisation telemetry, hardware auto-idle) -----------------
    // Blocks bracket work with begin_activity()/end_activity() (nesting); a
    // block that only learns about work afterwards reports the span instead.
    void begin_activity();
    void end_activity();
    void add_busy_span(const sc_core::sc_time& from, const sc_core::sc_time& to);
    bool active() const { return m_active > 0; }
    // Cycles of the domain's clock while it ran (ON), and the busy part of
    // them, up to now. The idle part is clocked - busy.
    uint64_t clocked_cycles() const;
    uint64_t busy_cycles() const;
    // Fired on every activity change (begin, end, reported span).
    const sc_core::sc_event& activity_event() const { return m_activity_event; }
    // Optional probe for blocks that know whether they are busy without
    // bracketing (the NN core's busy()); auto-idle consults it.
    void set_busy_probe(std::function<bool()> probe) { m_busy_probe = std::move(probe); }
    bool busy_now() const { return active() || (m_busy_probe && m_busy_probe()); }

    // --- state loss and wake-up -----------------------------------------------
    // Number of times the domain was powered up from OFF: blocks and runtimes
    // compare it with a value they saved to learn that their state (the NN
    // core's local buffers) was lost and must be reloaded.
    uint64_t contexts_lost() const { return m_contexts_lost; }
    // Installed by the power controller when accesses auto-wake a gated
    // domain; wait_until_clocked() calls it before stalling.
    void set_wake_handler(std::function<void()> wake) { m_wake = std::move(wake); }

    // Duration of `n` cycles at the current frequency, rounded once for the
    // whole span (not per cycle) to the simulation time resolution.
    // (Inline: the bus, memories and NN core ask for a few spans millions
    // of times; the memo answers them, cycles_computed() the rest.)
    sc_core::sc_time cycles(uint64_t n) const {
        const cycles_memo& memo = m_cycles_memo[n % m_cycles_memo.size()];
        return memo.n == n && memo.freq_hz == m_freq_hz ? memo.t : cycles_computed(n);
    }
    sc_core::sc_time period() const { return cycles(1); }
    // Whole cycles that fit in `t` at the current frequency.
    uint64_t cycles_in(const sc_core::sc_time& t) const;

    // Writers (the power controller, tests). Each settles the attached energy
    // meters at the current time before the change, then notifies listeners.
    void set_opp(std::size_t index);  // frequency and voltage at once
    void set_opp_index(std::size_t index);  // bookkeeping at the start of a transition
    void set_frequency(double hz);          // after a PLL relock
    void set_voltage(double v);             // during a voltage slew
    void set_state(power_state s);

    // Holds the calling thread (after waiting out `delay`, which it zeroes)
    // while the domain is clock-gated (IDLE or RETENTION; the wake handler, if
    // any, is asked to wake it first); gives up after 1 s of simulated time so
    // a guest that never ungates it cannot hang the simulation. false when
    // the domain is off (or still not clocked).
    bool wait_until_clocked(sc_core::sc_time& delay) const;

    // Fired after every change of frequency, voltage or state.
    const sc_core::sc_event& changed_event() const { return m_changed; }
    void on_change(std::function<void()> listener) { m_listeners.push_back(std::move(listener)); }

    void attach(energy_meter* meter) { m_meters.push_back(meter); }
    const std::vector<energy_meter*>& meters() const { return m_meters; }

private:
    void settle_meters();
    void settle_cycles();
    void notify();

    std::string m_name;
    std::vector<operating_point> m_opps;
    std::size_t m_opp;
    double m_freq_hz;
    double m_voltage;
    double m_v_nominal;
    power_state m_state = power_state::on;
    sc_core::sc_event m_changed;
    std::vector<std::function<void()>> m_listeners;
    std::vector<energy_meter*> m_meters;
    leakage_params m_leak;
    double m_temp_c = 25.0;
    // Cycle accounting, settled on every change of frequency, state or activity.
    unsigned m_active = 0;
    double m_clocked_cycles = 0;
    double m_busy_cycles = 0;
    sc_core::sc_time m_cycles_since = sc_core::SC_ZERO_TIME;
    sc_core::sc_event m_activity_event;
    std::function<bool()> m_busy_probe;
    uint64_t m_contexts_lost = 0;
    std::function<void()> m_wake;
    // The kernel's time resolution in seconds, read once (cycles() runs per
    // bus transfer; the resolution is fixed before any time is made).
    mutable double m_resolution_s = 0;
    // cycles() past the memo: computes the span and remembers it.
    sc_core::sc_time cycles_computed(uint64_t n) const;
    // The last durations computed, by n mod 64, at the frequency they were
    // computed for (a bus transfer asks for the same few spans millions of times).
    struct cycles_memo {
        uint64_t n = UINT64_MAX;
        double freq_hz = 0;
        sc_core::sc_time t;
    };
    mutable std::array<cycles_memo, 64> m_cycles_memo{};
};

}  // namespace nnvp
