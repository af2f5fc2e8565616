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

#include "firmware/programs/board.h"
#include "firmware/programs/network_power.h"
#include "arch/package/results_table.h"
#include "firmware/programs/program.h"
#include "firmware/runtime/nn_runtime.h"

namespace nnvp::fw {

namespace {

enum class arrival : int64_t { back_to_back = 0, periodic = 1, poisson = 2 };

bool put64(hal& h, uint64_t addr, uint64_t v) {
    return h.write64(addr, v) == bus_status::ok;
}

// Sum over every power domain of one of the power controller's counters
// (nJ), read by `read(domain, value)`; unreadable domains count 0.
template <typename T, typename Read>
uint64_t sum_domains(board& b, Read read) {
    uint32_t domains = 0;
    if (b.power.domain_count(domains) != power_status::ok)
        return 0;
    uint64_t sum = 0;
    for (unsigned d = 0; d < domains; ++d) {
        T nj = 0;
        if (read(d, nj) == power_status::ok)
            sum += nj;
    }
    return sum;
}

// Energy of every power domain so far.
uint64_t energy_nj(board& b) {
    return sum_domains<uint64_t>(b, [&](unsigned d, uint64_t& nj) { return b.power.energy_nj(d, nj); });
}

// Every domain's relock and state-transition energy so far.
uint64_t transition_nj(board& b) {
    return sum_domains<uint32_t>(
        b, [&](unsigned d, uint32_t& nj) { return b.power.transition_energy_nj(d, nj); });
}

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

int nn_network(hal& h, const program_args& args) {
    board b(h);
    if (!b.init())
        return 10;
    nncore_driver core(h, h.map().at("nncore").base);
    const cpu_cost_model cost;
    nn_runtime rt(h, b.intc, core, cost);
    nncore_settings settings;
    settings.mode = args.get("timing") != 0 ? nncore_run_mode::timing : nncore_run_mode::functional;
    settings.sparsity = static_cast<nncore_sparsity>(args.get("sparsity"));
    settings.weight_density = static_cast<uint32_t>(args.get("weight_density"));
    settings.act_density = static_cast<uint32_t>(args.get("act_density"));
    if (rt.init(settings) != runtime_status::ok)
        return 11;
    const auto package = static_cast<uint64_t>(args.get("package"));
    if (rt.load(package) != runtime_status::ok) {
        b.say("the package at the given address was rejected: " + rt.load_error().message);
        return 12;
    }
    const package::package_view& v = rt.view();
    const std::vector<uint16_t> inputs = rt.inputs();
    const auto staging = static_cast<uint64_t>(args.get("inputs"));
    const auto slots = static_cast<uint64_t>(args.get("input_slots"));
    const auto slot_bytes = static_cast<uint64_t>(args.get("input_slot_bytes"));
    const auto results = static_cast<uint64_t>(args.get("results"));
    const auto stats = static_cast<uint64_t>(args.get("stats"));
    const auto n = static_cast<uint64_t>(args.get("inferences"));
    const auto pattern = static_cast<arrival>(args.get("arrival"));
    const auto period = static_cast<uint64_t>(args.get("period_ns"));
    network_power pm(b, core, power_config_from(args));
    if (!pm.init())
        return 17;
    rt.on_step([&pm](const step_event& e) { pm.on_step(e); });
    rt.watch_power_loss(b.power, pm.domain());
    const package::tensor_record& out = v.tensors[v.hdr.output_tensor];
    const std::size_t out_bytes = out.bytes();

    std::mt19937_64 rng(static_cast<uint64_t>(args.get("seed")));
    std::exponential_distribution<double> gap(period ? 1.0 / static_cast<double>(period) : 1.0);
    std::vector<uint64_t> step_ns(v.steps.size(), 0), step_cycles(v.steps.size(), 0);
    std::vector<uint8_t> buf;
    const uint64_t t0 = h.now_ns();
    uint64_t next = t0, done = 0, status = 0, failed_step = ~uint64_t{0};
    for (uint64_t i = 0; i < n; ++i) {
        const uint64_t arrival_ns =
            pattern == arrival::back_to_back ? std::max(next, h.now_ns()) : next;
        while (h.now_ns() < arrival_ns)  // asleep until the request arrives
            h.wait_irq(arrival_ns - h.now_ns());
        const uint64_t start = h.now_ns();
        const uint64_t e0 = energy_nj(b), t0_nj = transition_nj(b);
        uint64_t nn0 = 0;
        b.power.energy_nj(pm.domain(), nn0);
        uint64_t wake_ns = 0;
        pm.begin_inference(arrival_ns, wake_ns);
        uint64_t at = staging + (i % slots) * slot_bytes;
        for (uint16_t t : inputs) {
            const std::size_t bytes = v.tensors[t].bytes();
            if (!copy(h, at, v.tensors[t].address, bytes, cost, buf))
                return 13;
            at += (bytes + 63) / 64 * 64;
        }
        run_summary s;
        const runtime_status r = rt.run(s);
        for (const step_result& st : s.steps) {
            step_ns[st.index] += st.ns();
            step_cycles[st.index] += st.cpu_cycles;
        }
        if (r != runtime_status::ok) {
            b.say("inference " + std::to_string(i) + " failed: " + s.message);
            status = static_cast<uint64_t>(r);
            failed_step = static_cast<uint64_t>(s.failed_step);
            break;
        }
        if (!copy(h, out.address, results + i * ((out_bytes + 63) / 64 * 64), out_bytes, cost, buf))
            return 14;
        const uint64_t end = h.now_ns();
        const uint64_t e1 = energy_nj(b), t1_nj = transition_nj(b);
        uint64_t nn1 = nn0;
        b.power.energy_nj(pm.domain(), nn1);
        uint32_t opp = 0;
        b.power.current_opp(pm.domain(), opp);
        namespace ns = network_stats;
        const uint64_t rec = ns::inference_at(stats, i);
        if (!put64(h, rec + ns::f_arrival, arrival_ns) || !put64(h, rec + ns::f_start, start) ||
            !put64(h, rec + ns::f_end, end) || !put64(h, rec + ns::f_energy, e1 - e0) ||
            !put64(h, rec + ns::f_nncore_energy, nn1 - nn0) ||
            !put64(h, rec + ns::f_transition, t1_nj - t0_nj) ||
            !put64(h, rec + ns::f_wake, wake_ns) || !put64(h, rec + ns::f_opp, opp))
            return 15;
        ++done;
        if (pattern == arrival::periodic)
            next = t0 + (i + 1) * period;
        else if (pattern == arrival::poisson)
            next = arrival_ns + static_cast<uint64_t>(std::llround(gap(rng)));
        else
            next = end;
        const uint64_t now = h.now_ns();
        pm.end_inference(i + 1 < n && next > now ? next - now : 0);
    }
    for (std::size_t k = 0; k < v.steps.size(); ++k)
        if (!put64(h, network_stats::step_at(stats, n, k), step_ns[k]) ||
            !put64(h, network_stats::step_at(stats, n, k) + 8, step_cycles[k]))
            return 15;
    if (!put64(h, stats, network_stats::magic) || !put64(h, stats + 8, done) ||
        !put64(h, stats + 16, v.steps.size()) || !put64(h, stats + 24, status) ||
        !put64(h, stats + 32, failed_step))
        return 15;
    const network_power_counts pc = pm.counts();
    if (!put64(h, stats + network_stats::h_opp_requests, pc.opp_requests) ||
        !put64(h, stats + network_stats::h_idle_entries, pc.idle_entries) ||
        !put64(h, stats + network_stats::h_reinits, rt.reinits()))
        return 15;
    b.say("network '" + v.hdr.name + "': " + std::to_string(done) + " of " + std::to_string(n) +
          " inferences in " + std::to_string((h.now_ns() - t0) / 1000) + " us");
    return status == 0 ? 0 : 16;
}

std::vector<arg_spec> nn_network_args() {
    std::vector<arg_spec> a = {
        {"package", 0, 0, INT64_MAX, "address of the package"},
        {"inputs", 0, 0, INT64_MAX, "address of the input staging slots"},
        {"input_slots", 1, 1, 1 << 30, "number of staged input sets (inference i uses i % slots)"},
        {"input_slot_bytes", 64, 0, INT64_MAX, "bytes per staged input set"},
        {"results", 0, 0, INT64_MAX, "address of the output area (one 64-byte aligned slot each)"},
        {"stats", 0, 0, INT64_MAX, "address of the results table (arch/package/results_table.h)"},
        {"inferences", 1, 1, 1 << 30, "number of inferences"},
        {"arrival", 0, 0, 2, "0 back to back, 1 periodic, 2 Poisson"},
        {"period_ns", 0, 0, INT64_MAX, "periodic: the period; Poisson: the mean gap"},
        {"seed", 1, 0, INT64_MAX, "seed of the Poisson arrivals"},
        {"timing", 0, 0, 1, "1: timing mode (no arithmetic); set from the scenario's mode"},
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
