// Power management of the NN core while nn_network runs a compiled network:
// a DVFS governor (firmware/power/governor.h) stepped from a periodic timer
// channel and at job / layer boundaries, and an idle policy
// (firmware/power/idle_policy.h) applied between inferences. Everything is
// set by nn_network's integer program arguments (power_arg_specs()); the
// host maps a scenario's names to them (app/network_job.cpp).
//
// Prediction for the deadline-aware governors: the firmware measures the
// first inference itself (at the fastest OPP: pace-to-deadline has nothing
// to pace on yet, per-layer runs every layer at its compute OPP) and keeps,
// per step, the NN core's busy cycles (its BUSY counter, which scales with
// the clock), the rest of the step's time (stalls on data movement,
// interrupts: time that does not scale with the core's clock) and the CPU
// steps' time. Pace-to-deadline then gets the busy cycles still to run and
// the deadline shortened by the time that does not scale; per-layer gets
// each step's busy cycles and, for a step that stalled, its measured time
// as the memory time.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "firmware/drivers/nncore/nncore_driver.h"
#include "firmware/power/dvfs_loop.h"
#include "firmware/power/idle_manager.h"
#include "firmware/programs/board.h"
#include "firmware/programs/program.h"
#include "firmware/runtime/nn_runtime.h"

namespace nnvp::fw {

// Governor and idle-policy codes of the program arguments, by name (index =
// code). Code 0 of the governors is "none": the OPP stays as booted.
const std::vector<std::string>& pm_governor_codes();
const std::vector<std::string>& pm_idle_codes();  // none, always, fixed_timeout, residency_aware
// -1 when unknown.
int pm_code(const std::vector<std::string>& codes, const std::string& name);

// The arguments nn_network accepts for power management (pm_*).
std::vector<arg_spec> power_arg_specs();

struct network_power_config {
    bool governor = false;
    pm::governor_params gov;
    uint64_t sampling_ns = 0;  // 0: the governor runs only at job / layer boundaries
    bool idle = false;
    pm::idle_params idle_policy;
    bool gap_ewma = false;     // predict idle gaps (EWMA) instead of using the known next arrival
    uint64_t deadline_ns = 0;  // relative to the arrival, 0: none
};
network_power_config power_config_from(const program_args& a);

// Counters the program leaves in the results table.
struct network_power_counts {
    uint64_t governor_steps = 0;
    uint64_t opp_requests = 0;
    uint64_t idle_entries = 0;
};

class network_power {
public:
    network_power(board& b, nncore_driver& core, const network_power_config& cfg);

    // Finds the nncore domain, reads its OPP table, makes the first governor
    // decision and starts the sampling timer. False on a driver error.
    bool init();
    unsigned domain() const { return m_domain; }

    // Before the inference's first access to the core: brings the domain back
    // ON (wake_ns: how long that took) and gives the governor the job.
    void begin_inference(uint64_t arrival_ns, uint64_t& wake_ns);
    // nn_runtime's step hook: per-layer hints and measurements.
    void on_step(const step_event& e);
    // The phase of the work (llm_generate: prefill, decode, idle), told to
    // the governor, which decides at once.
    void set_phase(pm::phase p);
    // After the inference: the job is over; the domain may sleep for the
    // gap until the next arrival (gap_ns, known to the program).
    void end_inference(uint64_t gap_ns);

    network_power_counts counts() const;

private:
    struct step_profile {
        bool core = false;
        double busy_cycles = 0;  // scale with the clock
        double fixed_ns = 0;     // does not (stalls, interrupts, CPU steps)
        double memory_s = 0;     // per-layer: the step's time when it stalled, else 0
    };
    void hint_job(unsigned from_step);
    void step_governor();
    void settle();  // waits for a running transition (hardware sequencing)
    double current_hz();

    board& m_b;
    nncore_driver& m_core;
    network_power_config m_cfg;
    unsigned m_domain = 0;
    std::unique_ptr<pm::governor> m_gov;
    std::unique_ptr<pm::dvfs_loop> m_loop;
    std::unique_ptr<pm::idle_policy> m_policy;
    std::unique_ptr<pm::idle_manager> m_idle;
    pm::gap_predictor m_gaps;
    std::vector<step_profile> m_profile;  // filled by the first inference
    bool m_calibrating = true;
    bool m_deadline_aware = false, m_per_layer = false, m_boundary_steps = true;
    uint64_t m_deadline_abs = 0;
    uint64_t m_last_end_ns = 0;
    bool m_seen_end = false;
    // Measurement of the running step.
    uint64_t m_step_t0 = 0, m_busy0 = 0, m_stall0 = 0;
    double m_step_hz = 0;
};

}  // namespace nnvp::fw
