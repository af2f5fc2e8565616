// Runs a compiled network (a package the host staged in DRAM, as a boot
// loader would) for a number of inferences with a chosen arrival pattern:
// back to back, periodic (frames at a fixed rate) or Poisson (bursty
// requests, seeded). For each inference the firmware waits for the arrival
// with the CPU asleep, copies the input from its staging slot into the
// package's input tensor(s), runs the package with the runtime (NN-core
// steps sleep on the completion interrupt, CPU steps run here), copies the
// output into the results area and records arrival, start and end times in
// the results table (arch/package/results_table.h) that the host reads back. The NN
// core's power is managed by a DVFS governor and an idle policy chosen by
// the pm_* arguments (network_power.h).
#include <cmath>
#include <random>
#include <string>
#include <vector>

#include "arch/package/results_table.h"
#include "firmware/programs/board.h"
#include "firmware/programs/network_power.h"
#include "firmware/programs/program.h"
#include "firmware/runtime/nn_runtime.h"

namespace nnvp::fw {

namespace {

enum class arrival : int64_t { back_to_back = 0, periodic = 1, poisson = 2 };

// Moves `bytes` from `from` to `to` with the CPU (DMI bulk copy), charging
// the copy loop's cycles.
bool copy(hal& h, uint64_t from, uint64_t to, std::size_t bytes, const cpu_cost_model& cost,
          std::vector<uint8_t>& buf) {
    buf.resize(bytes);
    if (h.read_block(from, buf.data(), bytes) != bus_status::ok ||
        h.write_block(to, buf.data(), bytes) != bus_status::ok)
        return false;
    h.consume_cycles(copy_cycles(cost, bytes));
    return true;
}

nncore_settings settings_from(const program_args& args) {
    nncore_settings s;
    s.mode = args.get("timing") != 0 ? nncore_run_mode::timing : nncore_run_mode::functional;
    s.sparsity = static_cast<nncore_sparsity>(args.get("sparsity"));
    s.weight_density = static_cast<uint32_t>(args.get("weight_density"));
    s.act_density = static_cast<uint32_t>(args.get("act_density"));
    return s;
}

// Where the host staged the package and its inputs, where the results go,
// and how the inferences arrive.
struct network_args {
    uint64_t package, staging, slots, slot_bytes, results, stats, inferences;
    arrival pattern;
    uint64_t period_ns, seed;
};

network_args network_args_from(const program_args& args) {
    network_args a;
    a.package = static_cast<uint64_t>(args.get("package"));
    a.staging = static_cast<uint64_t>(args.get("inputs"));
    a.slots = static_cast<uint64_t>(args.get("input_slots"));
    a.slot_bytes = static_cast<uint64_t>(args.get("input_slot_bytes"));
    a.results = static_cast<uint64_t>(args.get("results"));
    a.stats = static_cast<uint64_t>(args.get("stats"));
    a.inferences = static_cast<uint64_t>(args.get("inferences"));
    a.pattern = static_cast<arrival>(args.get("arrival"));
    a.period_ns = static_cast<uint64_t>(args.get("period_ns"));
    a.seed = static_cast<uint64_t>(args.get("seed"));
    return a;
}

// Energy counters (nJ) at one instant: the whole SoC, the transitions, the NN core.
struct energy_marks {
    uint64_t soc, transition, nncore;
};

// The inferences of one loaded package, then the results table's header and
// per-step totals.
class inference_loop {
public:
    inference_loop(hal& h, board& b, nn_runtime& rt, network_power& pm, const cpu_cost_model& cost,
                   const network_args& a)
        : m_h(h),
          m_b(b),
          m_rt(rt),
          m_pm(pm),
          m_cost(cost),
          m_a(a),
          m_v(rt.view()),
          m_inputs(rt.inputs()),
          m_outputs(package::network_outputs(m_v)),
          m_rng(a.seed),
          m_gap(a.period_ns ? 1.0 / static_cast<double>(a.period_ns) : 1.0),
          m_step_ns(m_v.steps.size(), 0),
          m_step_cycles(m_v.steps.size(), 0) {}

    // 0, or the program's exit code for a bus error (a failed inference
    // ends the loop with its status recorded).
    int run() {
        m_t0 = m_h.now_ns();
        uint64_t next = m_t0;
        for (uint64_t i = 0; i < m_a.inferences; ++i) {
            const uint64_t arrival_ns =
                m_a.pattern == arrival::back_to_back ? std::max(next, m_h.now_ns()) : next;
            while (m_h.now_ns() < arrival_ns)  // asleep until the request arrives
                m_h.wait_irq(arrival_ns - m_h.now_ns());
            const uint64_t start = m_h.now_ns();
            const energy_marks before = energy(0);
            uint64_t wake_ns = 0;
            m_pm.begin_inference(arrival_ns, wake_ns);
            if (!stage_inputs(i))
                return 13;
            if (!run_package(i))
                break;
            if (!copy_outputs(i))
                return 14;
            const uint64_t end = m_h.now_ns();
            const energy_marks after = energy(before.nncore);
            uint32_t opp = 0;
            m_b.power.current_opp(m_pm.domain(), opp);
            namespace ns = results_table;
            if (!m_b.put_fields(ns::inference_at(m_a.stats, i),
                            {{ns::f_arrival, arrival_ns},
                             {ns::f_start, start},
                             {ns::f_end, end},
                             {ns::f_energy, after.soc - before.soc},
                             {ns::f_nncore_energy, after.nncore - before.nncore},
                             {ns::f_transition, after.transition - before.transition},
                             {ns::f_wake, wake_ns},
                             {ns::f_opp, opp}}))
                return 15;
            ++m_done;
            next = next_arrival(i, arrival_ns, end);
            const uint64_t now = m_h.now_ns();
            m_pm.end_inference(i + 1 < m_a.inferences && next > now ? next - now : 0);
        }
        return 0;
    }

    // The per-step totals and the header of the results table; the exit code.
    int finish() {
        namespace ns = results_table;
        const uint64_t n = m_a.inferences;
        for (std::size_t k = 0; k < m_v.steps.size(); ++k)
            if (!m_b.put_fields(ns::step_at(m_a.stats, n, k),
                            {{0, m_step_ns[k]}, {8, m_step_cycles[k]}}))
                return 15;
        const network_power_counts pc = m_pm.counts();
        if (!m_b.put_fields(m_a.stats,
                        {{0, ns::magic},
                         {8, m_done},
                         {16, m_v.steps.size()},
                         {24, m_status},
                         {32, m_failed_step},
                         {ns::h_opp_requests, pc.opp_requests},
                         {ns::h_idle_entries, pc.idle_entries},
                         {ns::h_reinits, m_rt.reinits()}}))
            return 15;
        m_b.say("network '" + m_v.hdr.name + "': " + std::to_string(m_done) + " of " +
                std::to_string(n) + " inferences in " +
                std::to_string((m_h.now_ns() - m_t0) / 1000) + " us");
        return m_status == 0 ? 0 : 16;
    }

private:
    static uint64_t aligned64(uint64_t bytes) { return (bytes + 63) / 64 * 64; }

    // `nncore` stands when the NN core's domain cannot be read.
    energy_marks energy(uint64_t nncore) {
        energy_marks m;
        m.soc = m_b.energy_nj();
        m.transition = m_b.transition_nj();
        m.nncore = nncore;
        m_b.power.energy_nj(m_pm.domain(), m.nncore);
        return m;
    }

    // Inference i's input set from its staging slot into the package's inputs.
    bool stage_inputs(uint64_t i) {
        uint64_t at = m_a.staging + (i % m_a.slots) * m_a.slot_bytes;
        for (uint16_t t : m_inputs) {
            const std::size_t bytes = m_v.tensors[t].bytes();
            if (!copy(m_h, at, m_v.tensors[t].address, bytes, m_cost, m_buf))
                return false;
            at += aligned64(bytes);
        }
        return true;
    }

    // Runs the package once, adding its steps' times; false (the failure
    // recorded) when it failed.
    bool run_package(uint64_t i) {
        run_summary s;
        const runtime_status r = m_rt.run(s);
        for (const step_result& st : s.steps) {
            m_step_ns[st.index] += st.ns();
            m_step_cycles[st.index] += st.cpu_cycles;
        }
        if (r == runtime_status::ok)
            return true;
        m_b.say("inference " + std::to_string(i) + " failed: " + s.message);
        m_status = static_cast<uint64_t>(r);
        m_failed_step = static_cast<uint64_t>(s.failed_step);
        return false;
    }

    uint64_t next_arrival(uint64_t i, uint64_t arrival_ns, uint64_t end) {
        if (m_a.pattern == arrival::periodic)
            return m_t0 + (i + 1) * m_a.period_ns;
        if (m_a.pattern == arrival::poisson)
            return arrival_ns + static_cast<uint64_t>(std::llround(m_gap(m_rng)));
        return end;
    }

    // The network's outputs, in order, into inference i's result slot (each
    // 64-byte aligned; a slot holds all of them).
    bool copy_outputs(uint64_t i) {
        uint64_t slot = 0;
        for (uint16_t t : m_outputs)
            slot += aligned64(m_v.tensors[t].bytes());
        uint64_t at = m_a.results + i * slot;
        for (uint16_t t : m_outputs) {
            const package::tensor_record& out = m_v.tensors[t];
            if (!copy(m_h, out.address, at, out.bytes(), m_cost, m_buf))
                return false;
            at += aligned64(out.bytes());
        }
        return true;
    }

    hal& m_h;
    board& m_b;
    nn_runtime& m_rt;
    network_power& m_pm;
    const cpu_cost_model& m_cost;
    const network_args m_a;
    const package::package_view& m_v;
    const std::vector<uint16_t> m_inputs;
    const std::vector<uint16_t> m_outputs;
    std::mt19937_64 m_rng;
    std::exponential_distribution<double> m_gap;
    std::vector<uint64_t> m_step_ns, m_step_cycles;
    std::vector<uint8_t> m_buf;  // copy buffer
    uint64_t m_t0 = 0, m_done = 0, m_status = 0, m_failed_step = ~uint64_t{0};
};

int nn_network(hal& h, const program_args& args) {
    board b(h);
    if (!b.init())
        return 10;
    nncore_driver core(h, h.map().at("nncore").base);
    const cpu_cost_model cost;
    runtime_options opt;
    opt.log_steps = args.get("log_steps") != 0;
    opt.core_timeout_ns = static_cast<uint64_t>(args.get("core_timeout_ms")) * 1'000'000u;
    nn_runtime rt(h, b.intc, core, cost, opt);
    if (rt.init(settings_from(args)) != runtime_status::ok)
        return 11;
    const network_args a = network_args_from(args);
    if (rt.load(a.package) != runtime_status::ok) {
        b.say("the package at the given address was rejected: " + rt.load_error().message);
        return 12;
    }
    network_power pm(b, core, power_config_from(args));
    if (!pm.init())
        return 17;
    rt.on_step([&pm](const step_event& e) { pm.on_step(e); });
    rt.watch_power_loss(b.power, pm.domain());
    inference_loop loop(h, b, rt, pm, cost, a);
    if (const int rc = loop.run())
        return rc;
    return loop.finish();
}

std::vector<arg_spec> nn_network_args() {
    std::vector<arg_spec> a = {
        {"package", 0, 0, INT64_MAX, "address of the package"},
        {"inputs", 0, 0, INT64_MAX, "address of the input staging slots"},
        {"input_slots", 1, 1, 1 << 30, "number of staged input sets (inference i uses i % slots)"},
        {"input_slot_bytes", 64, 0, INT64_MAX, "bytes per staged input set"},
        {"results", 0, 0, INT64_MAX,
         "address of the output area (a slot per inference: every output, each 64-byte aligned)"},
        {"stats", 0, 0, INT64_MAX, "address of the results table (arch/package/results_table.h)"},
        {"inferences", 1, 1, 1 << 30, "number of inferences"},
        {"arrival", 0, 0, 2, "0 back to back, 1 periodic, 2 Poisson"},
        {"period_ns", 0, 0, INT64_MAX, "periodic: the period; Poisson: the mean gap"},
        {"seed", 1, 0, INT64_MAX, "seed of the Poisson arrivals"},
        {"timing", 0, 0, 1, "1: timing mode (no arithmetic); set from the scenario's mode"},
        {"log_steps", 0, 0, 1,
         "1: a console line per network step and per inference (the results table has the "
         "steps either way)"},
        {"core_timeout_ms", 1000, 0, 1'000'000'000,
         "bound on one NN-core step (simulated ms; 0: none): a longer step is a core timeout; "
         "nnvp sets it from the compiler's estimate of the slowest step"},
        {"sparsity", 0, 0, 2, "the NN core's zero handling: 0 none, 1 gate, 2 skip"},
        {"weight_density", 65536, 0, 65536,
         "timing mode: non-zero share of the weights, in 1/65536 (functional mode measures it)"},
        {"act_density", 65536, 0, 65536,
         "timing mode: non-zero share of the layer inputs, in 1/65536"}};
    for (arg_spec& s : power_arg_specs())
        a.push_back(std::move(s));
    return a;
}

}  // namespace

extern const program nn_network_program = {
    "nn_network",
    "runs a compiled network package that the host staged in DRAM (nnvp run with a workload "
    "sets every argument): inferences arrive back to back, periodically or as a Poisson "
    "process; inputs come from staging slots, outputs and timings go to DRAM for the host",
    nn_network_args(), nn_network};

}  // namespace nnvp::fw
