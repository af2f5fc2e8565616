// DVFS governors as pure decision functions: each takes a sample (the
// utilisation over the last period, the current OPP, the thermal cap, the
// time) and the OPP table, and returns the OPP to request. No hardware
// access, no timing: unit tests drive them with synthetic traces, and
// dvfs_loop (dvfs_loop.h) feeds them telemetry on every timer tick.
//
// The load-based governors follow the Linux kernel's (drivers/cpufreq/
// cpufreq_ondemand.c, cpufreq_conservative.c, kernel/sched/cpufreq_schedutil.c,
// drivers/devfreq/governor_simpleondemand.c); the deadline-aware ones use
// hints the runtime gives (job_hint, layer_hint).
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "firmware/power/opp_select.h"

namespace nnvp::fw::pm {

struct gov_sample {
    double util = 0;         // busy / clocked cycles over the last period, 0..1
    unsigned cur = 0;        // the current OPP
    unsigned opp_max = ~0u;  // the fastest OPP allowed (thermal cap)
    uint64_t now_ns = 0;
    // The domain's energy (its ENERGY_NJ counter) over the last period of
    // period_ns; period 0 when unknown (a step at a job or phase boundary
    // right after another).
    double energy_j = 0;
    uint64_t period_ns = 0;
};

// The phase of the work the runtime runs (LLM serving: the prompt's pass,
// token-by-token decoding, nothing); `none` when the runtime does not say.
enum class phase : uint8_t { none, idle, prefill, decode };
const char* to_string(phase p);

// What the runtime knows about the inference in flight.
struct job_hint {
    bool active = false;
    double remaining_cycles = 0;  // predicted, at the domain's clock
    uint64_t deadline_ns = 0;     // absolute
};

// What the runtime knows about the layer about to run.
struct layer_hint {
    double compute_cycles = 0;  // cycles of the PE array
    double memory_s = 0;        // time its DRAM traffic needs
};

// Every governor's parameters in one struct (a scenario fills it).
struct governor_params {
    std::string name = "performance";
    unsigned userspace_opp = 0;
    // ondemand: above up_threshold go to the top, else proportional.
    double up_threshold = 0.80;
    double sampling_period_ms = 10;  // the tick of dvfs_loop
    // conservative: step of freq_step x f_max, up above up_threshold,
    // down below down_threshold.
    double freq_step = 0.05;
    double cons_up_threshold = 0.80;
    double cons_down_threshold = 0.20;
    // schedutil: f = headroom x f_cur x util, at most one change per rate limit.
    double headroom = 1.25;
    double rate_limit_us = 1000;
    // devfreq simple_ondemand (percent).
    unsigned so_upthreshold = 90;
    unsigned so_downdifferential = 5;
    // pace-to-deadline: the deadline shortened by this fraction and by the
    // worst transition time.
    double margin = 0.10;
    double transition_us = 100;
    // per-layer: the OPP of compute-bound layers; memory-bound layers may
    // only lower the frequency at that OPP's voltage when frequency_only.
    unsigned layer_compute_opp = ~0u;
    bool frequency_only = true;
    // phase_aware: the OPP of each phase (~0u: the top); idle takes decode's.
    unsigned prefill_opp = ~0u;
    unsigned decode_opp = 0;
    // power_cap: the domain's average power over the window stays under cap_w.
    double cap_w = 0;
    double cap_window_us = 10000;
};

class governor {
public:
    virtual ~governor() = default;
    virtual const char* name() const = 0;
    virtual unsigned decide(const gov_sample& s, const opp_table& t) = 0;
    // Hints (ignored by the governors that do not use them).
    virtual void on_job(const job_hint&) {}
    virtual void on_layer(const layer_hint&) {}
    virtual void on_phase(phase) {}
};

// nullptr for an unknown name (valid names: governor_names()).
std::unique_ptr<governor> make_governor(const governor_params& p);
const char* governor_names();  // "performance, powersave, ..." for messages

}  // namespace nnvp::fw::pm
