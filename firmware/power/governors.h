// The governors (governor.h explains the interface; formulas are in
// docs/power.md).
#pragma once

#include <vector>

#include "firmware/power/governor.h"

namespace nnvp::fw::pm {

class performance_governor : public governor {
public:
    const char* name() const override { return "performance"; }
    unsigned decide(const gov_sample& s, const opp_table& t) override;
};

class powersave_governor : public governor {
public:
    const char* name() const override { return "powersave"; }
    unsigned decide(const gov_sample& s, const opp_table& t) override;
};

class userspace_governor : public governor {
public:
    explicit userspace_governor(unsigned opp) : m_opp(opp) {}
    const char* name() const override { return "userspace"; }
    unsigned decide(const gov_sample& s, const opp_table& t) override;
    void set(unsigned opp) { m_opp = opp; }

private:
    unsigned m_opp;
};

// Linux ondemand: util > up_threshold -> f_max; else the OPP closest to
// f_min + util x (f_max - f_min) (CPUFREQ_RELATION_C, ties to the lower).
class ondemand_governor : public governor {
public:
    explicit ondemand_governor(double up_threshold) : m_up(up_threshold) {}
    const char* name() const override { return "ondemand"; }
    unsigned decide(const gov_sample& s, const opp_table& t) override;

private:
    double m_up;
};

// Linux conservative: a target frequency moved by freq_step x f_max when
// util leaves [down_threshold, up_threshold].
class conservative_governor : public governor {
public:
    conservative_governor(double step, double up, double down)
        : m_step(step), m_up(up), m_down(down) {}
    const char* name() const override { return "conservative"; }
    unsigned decide(const gov_sample& s, const opp_table& t) override;

private:
    double m_step, m_up, m_down;
    double m_target_hz = -1;  // the governor's own requested frequency
};

// schedutil-like: f_next = headroom x f_cur x util (util measured at f_cur),
// the lowest OPP at or above it; changes at most once per rate limit.
class schedutil_governor : public governor {
public:
    schedutil_governor(double headroom, double rate_limit_us)
        : m_headroom(headroom), m_rate_limit_ns(rate_limit_us * 1e3) {}
    const char* name() const override { return "schedutil"; }
    unsigned decide(const gov_sample& s, const opp_table& t) override;

private:
    double m_headroom;
    double m_rate_limit_ns;
    bool m_changed_once = false;
    uint64_t m_last_change_ns = 0;
};

// devfreq simple_ondemand: util > up -> f_max; util > up - down_diff -> keep;
// else f_cur x util / (up - down_diff / 2), rounded up to an OPP.
class simple_ondemand_governor : public governor {
public:
    simple_ondemand_governor(unsigned up_pct, unsigned down_diff_pct)
        : m_up(up_pct), m_diff(down_diff_pct) {}
    const char* name() const override { return "simple_ondemand"; }
    unsigned decide(const gov_sample& s, const opp_table& t) override;

private:
    unsigned m_up, m_diff;
};

// Race-to-idle: the fastest OPP while there is work (a job is active or the
// domain was busy); otherwise keep the OPP (the idle policy gates the domain).
class race_to_idle_governor : public governor {
public:
    const char* name() const override { return "race_to_idle"; }
    unsigned decide(const gov_sample& s, const opp_table& t) override;
    void on_job(const job_hint& h) override { m_job = h; }

private:
    job_hint m_job;
};

// Pace-to-deadline: the lowest OPP whose frequency finishes the predicted
// remaining cycles before the deadline shortened by the margin and the
// transition time: f >= cycles / ((deadline - now - transition) x (1 - margin)).
// No job: the slowest OPP. Deadline out of reach: the fastest allowed.
class pace_to_deadline_governor : public governor {
public:
    pace_to_deadline_governor(double margin, double transition_us)
        : m_margin(margin), m_transition_ns(transition_us * 1e3) {}
    const char* name() const override { return "pace_to_deadline"; }
    unsigned decide(const gov_sample& s, const opp_table& t) override;
    void on_job(const job_hint& h) override { m_job = h; }
    // The frequency decide() asks for (for reports and tests).
    double required_hz(uint64_t now_ns) const;

private:
    double m_margin;
    double m_transition_ns;
    job_hint m_job;
};

// Per-layer scaling: compute-bound layers run at the compute OPP; a
// memory-bound layer (compute time at the compute OPP below its memory time)
// runs at the lowest frequency that still hides its compute under the memory
// time, only among the OPPs at the compute OPP's voltage when frequency_only
// (a relock, no voltage slew), among all otherwise.
class per_layer_governor : public governor {
public:
    per_layer_governor(unsigned compute_opp, bool frequency_only)
        : m_compute_opp(compute_opp), m_frequency_only(frequency_only) {}
    const char* name() const override { return "per_layer"; }
    unsigned decide(const gov_sample& s, const opp_table& t) override;
    void on_layer(const layer_hint& h) override { m_layer = h; }

private:
    unsigned m_compute_opp;
    bool m_frequency_only;
    layer_hint m_layer;
};

// Phase-aware (LLM serving): the prompt's pass is compute-bound, decoding a
// token streams every weight from DRAM and barely uses the PE array, so
// each phase gets its own OPP: prefill_opp while the prompt runs,
// decode_opp while tokens are generated and when idle; the top OPP when the
// runtime names no phase. It decides at the phase boundaries the runtime
// reports (on_phase) and on every sample.
class phase_aware_governor : public governor {
public:
    phase_aware_governor(unsigned prefill_opp, unsigned decode_opp)
        : m_prefill(prefill_opp), m_decode(decode_opp) {}
    const char* name() const override { return "phase_aware"; }
    unsigned decide(const gov_sample& s, const opp_table& t) override;
    void on_phase(phase p) override { m_phase = p; }

private:
    unsigned m_prefill, m_decode;
    phase m_phase = phase::none;
};

// Power cap: the fastest OPP whose domain power, averaged over a sliding
// window of the samples, stays under cap_w. Above the cap it steps one OPP
// down; it steps one up only when the window's power scaled to that OPP
// (dynamic power ~ f V^2) would stay under the cap. Samples without a
// period (boundary steps) keep the OPP.
class power_cap_governor : public governor {
public:
    power_cap_governor(double cap_w, double window_us)
        : m_cap_w(cap_w), m_window_ns(window_us * 1e3) {}
    const char* name() const override { return "power_cap"; }
    unsigned decide(const gov_sample& s, const opp_table& t) override;
    double window_power_w() const;  // over the samples kept, 0 without any

private:
    struct window_sample {
        double energy_j;
        uint64_t period_ns;
    };
    double m_cap_w, m_window_ns;
    std::vector<window_sample> m_window;  // newest last, about window_ns long
};

}  // namespace nnvp::fw::pm
