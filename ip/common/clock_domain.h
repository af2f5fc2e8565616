// A clock/voltage domain: the current operating point (frequency, voltage)
// and power state of a group of blocks. Blocks convert cycles to time only
// through their domain, so a DVFS change reaches every block in it. The power
// controller is the only writer.
#pragma once

#include <systemc>

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

    // Duration of `n` cycles at the current frequency, rounded once for the
    // whole span (not per cycle) to the simulation time resolution.
    sc_core::sc_time cycles(uint64_t n) const;
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
    // while the domain is clock-gated; gives up after 1 s of simulated time so
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
};

}  // namespace nnvp
