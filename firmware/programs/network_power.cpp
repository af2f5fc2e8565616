#include "firmware/programs/network_power.h"

#include <limits>

namespace nnvp::fw {

namespace {
constexpr unsigned sampling_channel = 0;  // timer channel of the governor's tick
constexpr unsigned idle_channel = 1;      // timer channel of the idle re-checks
constexpr uint64_t settle_poll_ns = 1000;
constexpr uint64_t settle_timeout_ns = 10'000'000;
// No measured prediction yet: ask for the fastest OPP.
constexpr double unknown_cycles = 1e30;
}  // namespace

const std::vector<std::string>& pm_governor_codes() {
    static const std::vector<std::string> codes = {
        "none",         "performance",      "powersave", "userspace",
        "ondemand",     "conservative",     "schedutil", "simple_ondemand",
        "race_to_idle", "pace_to_deadline", "per_layer", "phase_aware", "power_cap"};
    return codes;
}

const std::vector<std::string>& pm_idle_codes() {
    static const std::vector<std::string> codes = {"none", "always", "fixed_timeout",
                                                   "residency_aware"};
    return codes;
}

int pm_code(const std::vector<std::string>& codes, const std::string& name) {
    for (std::size_t i = 0; i < codes.size(); ++i)
        if (codes[i] == name)
            return static_cast<int>(i);
    return -1;
}

std::vector<arg_spec> power_arg_specs() {
    constexpr int64_t big = INT64_MAX;
    return {
        {"deadline_ns", 0, 0, big, "deadline after each arrival (0: none)"},
        {"pm_governor", 0, 0, 12,
         "NN-core DVFS governor: 0 none, 1 performance, 2 powersave, "
         "3 userspace, 4 ondemand, 5 conservative, 6 schedutil, "
         "7 simple_ondemand, 8 race_to_idle, 9 pace_to_deadline, 10 per_layer, "
         "11 phase_aware, 12 power_cap"},
        {"pm_sampling_us", 0, 0, 1'000'000'000,
         "governor sampling period (0: job/layer boundaries only)"},
        {"pm_userspace_opp", 0, 0, 255, "userspace: the OPP"},
        {"pm_up_pct", 80, 1, 100, "ondemand: up_threshold (%)"},
        {"pm_freq_step_pct", 5, 1, 100, "conservative: freq_step (% of f_max)"},
        {"pm_cons_up_pct", 80, 1, 100, "conservative: up_threshold (%)"},
        {"pm_cons_down_pct", 20, 0, 99, "conservative: down_threshold (%)"},
        {"pm_headroom_pct", 125, 100, 1000, "schedutil: headroom (%)"},
        {"pm_rate_limit_us", 1000, 0, 1'000'000'000, "schedutil: rate limit (us)"},
        {"pm_so_up_pct", 90, 1, 100, "simple_ondemand: upthreshold (%)"},
        {"pm_so_down_pct", 5, 0, 99, "simple_ondemand: downdifferential (%)"},
        {"pm_margin_pct", 10, 0, 99, "pace_to_deadline: margin (% of the time left)"},
        {"pm_transition_us", 100, 0, 1'000'000, "pace_to_deadline: worst OPP transition (us)"},
        {"pm_compute_opp", -1, -1, 255, "per_layer: OPP of compute-bound layers (-1: the top)"},
        {"pm_frequency_only", 1, 0, 1, "per_layer: memory-bound layers keep the voltage"},
        {"pm_prefill_opp", -1, -1, 255, "phase_aware: OPP of the prefill phase (-1: the top)"},
        {"pm_decode_opp", 0, 0, 255, "phase_aware: OPP of the decode phase and of idle"},
        {"pm_cap_mw", 1000, 1, big, "power_cap: the NN core's average power cap (mW)"},
        {"pm_cap_window_us", 10000, 1, big, "power_cap: the window the average is over (us)"},
        {"pm_idle", 0, 0, 3, "idle policy: 0 none, 1 always, 2 fixed_timeout, 3 residency_aware"},
        {"pm_idle_state", 3, 1, 3, "always / fixed_timeout: 1 idle, 2 retention, 3 off"},
        {"pm_timeout_us", 1000, 0, 1'000'000'000, "fixed_timeout: idle time before entering"},
        {"pm_max_exit_us", -1, -1, 1'000'000'000,
         "residency_aware: tolerated exit latency (-1 any)"},
        {"pm_gap_ewma", 0, 0, 1, "1: predict idle gaps (EWMA) instead of the known next arrival"},
        {"pm_on_idle_uw", 0, 0, big, "the domain's power ON and idle (uW)"},
        {"pm_ret_entry_ns", 0, 0, big, "retention entry latency"},
        {"pm_ret_exit_ns", 0, 0, big, "retention exit latency"},
        {"pm_ret_entry_nj", 0, 0, big, "retention entry energy"},
        {"pm_ret_exit_nj", 0, 0, big, "retention exit energy"},
        {"pm_ret_uw", 0, 0, big, "the domain's power in retention (uW)"},
        {"pm_off_entry_ns", 0, 0, big, "off entry latency"},
        {"pm_off_exit_ns", 0, 0, big, "off exit latency"},
        {"pm_off_entry_nj", 0, 0, big, "off entry energy"},
        {"pm_off_exit_nj", 0, 0, big, "off exit energy"},
    };
}

network_power_config power_config_from(const program_args& a) {
    network_power_config c;
    const int64_t g = a.get("pm_governor");
    c.governor = g > 0;
    if (c.governor)
        c.gov.name = pm_governor_codes()[static_cast<std::size_t>(g)];
    c.sampling_ns = static_cast<uint64_t>(a.get("pm_sampling_us")) * 1000;
    c.gov.sampling_period_ms = static_cast<double>(a.get("pm_sampling_us")) / 1e3;
    c.gov.userspace_opp = static_cast<unsigned>(a.get("pm_userspace_opp"));
    c.gov.up_threshold = static_cast<double>(a.get("pm_up_pct")) / 100;
    c.gov.freq_step = static_cast<double>(a.get("pm_freq_step_pct")) / 100;
    c.gov.cons_up_threshold = static_cast<double>(a.get("pm_cons_up_pct")) / 100;
    c.gov.cons_down_threshold = static_cast<double>(a.get("pm_cons_down_pct")) / 100;
    c.gov.headroom = static_cast<double>(a.get("pm_headroom_pct")) / 100;
    c.gov.rate_limit_us = static_cast<double>(a.get("pm_rate_limit_us"));
    c.gov.so_upthreshold = static_cast<unsigned>(a.get("pm_so_up_pct"));
    c.gov.so_downdifferential = static_cast<unsigned>(a.get("pm_so_down_pct"));
    c.gov.margin = static_cast<double>(a.get("pm_margin_pct")) / 100;
    c.gov.transition_us = static_cast<double>(a.get("pm_transition_us"));
    const int64_t compute = a.get("pm_compute_opp");
    c.gov.layer_compute_opp = compute < 0 ? ~0u : static_cast<unsigned>(compute);
    c.gov.frequency_only = a.get("pm_frequency_only") != 0;
    const int64_t prefill = a.get("pm_prefill_opp");
    c.gov.prefill_opp = prefill < 0 ? ~0u : static_cast<unsigned>(prefill);
    c.gov.decode_opp = static_cast<unsigned>(a.get("pm_decode_opp"));
    c.gov.cap_w = static_cast<double>(a.get("pm_cap_mw")) * 1e-3;
    c.gov.cap_window_us = static_cast<double>(a.get("pm_cap_window_us"));
    const int64_t i = a.get("pm_idle");
    c.idle = i > 0;
    pm::idle_params& p = c.idle_policy;
    p.name = pm_idle_codes()[static_cast<std::size_t>(i)];
    const auto state = static_cast<pstate>(a.get("pm_idle_state"));
    p.always_state = state;
    p.timeout_state = state;
    p.timeout_us = static_cast<double>(a.get("pm_timeout_us"));
    const int64_t max_exit = a.get("pm_max_exit_us");
    p.max_exit_us = max_exit < 0 ? 1e18 : static_cast<double>(max_exit);
    p.on_idle_mw = static_cast<double>(a.get("pm_on_idle_uw")) / 1e3;
    auto low = [&a](pstate s, const std::string& k, double power_uw) {
        pm::low_state l;
        l.state = s;
        l.entry_us = static_cast<double>(a.get("pm_" + k + "_entry_ns")) / 1e3;
        l.exit_us = static_cast<double>(a.get("pm_" + k + "_exit_ns")) / 1e3;
        l.entry_uj = static_cast<double>(a.get("pm_" + k + "_entry_nj")) / 1e3;
        l.exit_uj = static_cast<double>(a.get("pm_" + k + "_exit_nj")) / 1e3;
        l.power_mw = power_uw / 1e3;
        return l;
    };
    p.states = {low(pstate::retention, "ret", static_cast<double>(a.get("pm_ret_uw"))),
                low(pstate::off, "off", 0)};
    c.gap_ewma = a.get("pm_gap_ewma") != 0;
    c.deadline_ns = static_cast<uint64_t>(a.get("deadline_ns"));
    return c;
}

network_power::network_power(board& b, nncore_driver& core, const network_power_config& cfg)
    : m_b(b), m_core(core), m_cfg(cfg) {}

bool network_power::init() {
    if (m_b.power.find_domain("nncore", m_domain) != power_status::ok) {
        m_b.say("power: no nncore domain in the power controller");
        return false;
    }
    if (m_cfg.governor) {
        m_gov = pm::make_governor(m_cfg.gov);
        if (!m_gov)
            return false;
        m_loop = std::make_unique<pm::dvfs_loop>(m_b.io, m_b.power, m_domain, *m_gov);
        if (m_loop->init() != power_status::ok) {
            m_b.say("power: cannot read the nncore OPP table");
            return false;
        }
        m_deadline_aware = m_cfg.gov.name == "pace_to_deadline";
        m_per_layer = m_cfg.gov.name == "per_layer";
        // Load-based governors decide on their own tick only: a step at a
        // job boundary would measure a window of pure work (or pure idle).
        const std::string& g = m_cfg.gov.name;
        m_boundary_steps = m_cfg.sampling_ns == 0 ||
                           !(g == "ondemand" || g == "conservative" || g == "schedutil" ||
                             g == "simple_ondemand" || g == "power_cap");
        step_governor();
        if (m_cfg.sampling_ns > 0 &&
            m_loop->attach(m_b.timer, sampling_channel, m_cfg.sampling_ns) != timer_status::ok) {
            m_b.say("power: cannot start the governor's sampling timer");
            return false;
        }
    }
    if (m_cfg.idle) {
        m_policy = pm::make_idle_policy(m_cfg.idle_policy);
        if (!m_policy)
            return false;
        m_idle = std::make_unique<pm::idle_manager>(m_b.io, m_b.power, m_domain, *m_policy);
        m_idle->use_timer(m_b.timer, idle_channel);
    }
    return true;
}

void network_power::step_governor() {
    if (m_loop)
        m_loop->step();
}

void network_power::settle() {
    const uint64_t t0 = m_b.io.now_ns();
    for (;;) {
        bool busy = false;
        if (m_b.power.is_busy(m_domain, busy) != power_status::ok || !busy)
            return;
        if (m_b.io.now_ns() - t0 > settle_timeout_ns)
            return;
        m_b.io.delay_ns(settle_poll_ns);
    }
}

double network_power::current_hz() {
    uint32_t mhz = 0, mv = 0;
    if (m_b.power.current_point(m_domain, mhz, mv) != power_status::ok)
        return 0;
    return mhz * 1e6;
}

// The job from step `from_step` on: busy cycles still to run, and the
// deadline shortened by the measured time that does not scale with the clock.
void network_power::hint_job(unsigned from_step) {
    pm::job_hint h;
    h.active = true;
    h.deadline_ns = m_deadline_abs;
    if (m_calibrating || m_profile.empty()) {
        h.remaining_cycles = unknown_cycles;
    } else {
        double fixed_ns = 0;
        for (std::size_t k = from_step; k < m_profile.size(); ++k) {
            h.remaining_cycles += m_profile[k].busy_cycles;
            fixed_ns += m_profile[k].fixed_ns;
        }
        const auto fixed = static_cast<uint64_t>(fixed_ns);
        h.deadline_ns = m_deadline_abs > fixed ? m_deadline_abs - fixed : 0;
        if (h.remaining_cycles <= 0)
            h.remaining_cycles = 1;  // only fixed time left: the slowest OPP will do
    }
    m_gov->on_job(h);
}

void network_power::begin_inference(uint64_t arrival_ns, uint64_t& wake_ns) {
    wake_ns = 0;
    if (m_seen_end)
        m_gaps.observe(
            static_cast<double>(arrival_ns > m_last_end_ns ? arrival_ns - m_last_end_ns : 0) *
            1e-3);
    if (m_idle)
        m_idle->on_work(wake_ns);
    m_deadline_abs = m_cfg.deadline_ns ? arrival_ns + m_cfg.deadline_ns
                                       : std::numeric_limits<uint64_t>::max() / 2;
    if (m_gov) {
        hint_job(0);
        if (m_boundary_steps)
            step_governor();
    }
}

void network_power::on_step(const step_event& e) {
    if (e.index >= m_profile.size())
        m_profile.resize(e.index + 1);
    step_profile& p = m_profile[e.index];
    if (e.before) {
        if (m_gov && !m_calibrating && e.on_core()) {
            if (m_per_layer) {
                m_gov->on_layer({p.busy_cycles, p.memory_s});
                step_governor();
            } else if (m_deadline_aware && e.index > 0) {
                hint_job(e.index);  // re-plan with the slack so far
                step_governor();
            }
        }
        m_step_t0 = m_b.io.now_ns();
        if (m_calibrating && e.on_core()) {
            m_core.read_counter(nncore_regs::counter::busy_cycles, m_busy0);
            m_core.read_counter(nncore_regs::counter::stall_cycles, m_stall0);
            m_step_hz = current_hz();
        }
        return;
    }
    if (!m_calibrating)
        return;
    const double ns = static_cast<double>(m_b.io.now_ns() - m_step_t0);
    p.core = e.on_core();
    if (!p.core) {
        p.fixed_ns = ns;
        return;
    }
    uint64_t busy = m_busy0, stall = m_stall0;
    m_core.read_counter(nncore_regs::counter::busy_cycles, busy);
    m_core.read_counter(nncore_regs::counter::stall_cycles, stall);
    p.busy_cycles = static_cast<double>(busy - m_busy0);
    const double busy_ns = m_step_hz > 0 ? p.busy_cycles / m_step_hz * 1e9 : 0;
    p.fixed_ns = ns > busy_ns ? ns - busy_ns : 0;
    p.memory_s = stall > m_stall0 ? ns * 1e-9 : 0;
}

void network_power::set_phase(pm::phase p) {
    if (!m_gov)
        return;
    m_gov->on_phase(p);
    if (m_boundary_steps)
        step_governor();  // the phase boundary is a decision point
}

void network_power::end_inference(uint64_t gap_ns) {
    m_calibrating = false;
    m_last_end_ns = m_b.io.now_ns();
    m_seen_end = true;
    if (m_gov) {
        m_gov->on_job({});
        if (m_boundary_steps)
            step_governor();
    }
    if (!m_idle || gap_ns == 0)
        return;
    // A state request while an OPP transition runs is refused (err_busy):
    // let the governor's transition finish first.
    settle();
    const double predicted_us = m_cfg.gap_ewma ? (m_gaps.ready() ? m_gaps.predict() : 0)
                                               : static_cast<double>(gap_ns) * 1e-3;
    m_idle->on_idle(predicted_us);
}

network_power_counts network_power::counts() const {
    network_power_counts c;
    if (m_loop) {
        c.governor_steps = m_loop->steps();
        c.opp_requests = m_loop->requests();
    }
    if (m_idle)
        c.idle_entries = m_idle->entries();
    return c;
}

}  // namespace nnvp::fw
