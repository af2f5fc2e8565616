#include "app/network_job.h"

#include "app/layer_rows.h"
#include "app/workload.h"
#include "firmware/programs/registry.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <map>
#include <memory>
#include <numeric>

#include "arch/package/results_table.h"
#include "nn/tensor/tensor_pack.h"
#include "arch/package/validator.h"
#include "nn/tensor/endian.h"

namespace nnvp {

namespace {

constexpr uint64_t MiB = 1u << 20;

uint64_t align_up(uint64_t v, uint64_t a) {
    return (v + a - 1) / a * a;
}

// The firmware's bound on one NN-core step: ten times the mapper's estimate
// of the slowest step at the core's slowest operating point (a governor may
// hold it there), and never under the runtime's default 1 s.
int64_t core_timeout_ms(const compiler::built_package& pkg, const platform_config& cfg) {
    const domain_desc* nn = find_domain(cfg, "nncore");
    const double slowest_mhz = nn && !nn->opps.empty() ? nn->opps.front().freq_mhz : 0;
    uint64_t worst = 0;
    for (const std::vector<compiler::mapping_choice>& programs : pkg.mappings) {
        uint64_t cycles = 0;
        for (const compiler::mapping_choice& m : programs)
            cycles += m.candidates[m.chosen].est_cycles;
        worst = std::max(worst, cycles);
    }
    if (slowest_mhz <= 0)
        return 1000;
    const double ms = 10.0 * static_cast<double>(worst) / (slowest_mhz * 1e3);
    return std::max<int64_t>(1000, static_cast<int64_t>(std::ceil(ms)));
}

}  // namespace

compiler::build_options core_build_options(const platform_config& cfg, cost::dataflow df,
                                           cost::weight_format format,
                                           compiler::channel_split_policy split) {
    compiler::build_options o;
    o.channel_split = split;
    o.buffers = {cfg.nncore.core.input_kb, cfg.nncore.core.weight_kb, cfg.nncore.core.output_kb};
    o.core_precisions = (1u << cost::num_precisions) - 1;  // the core runs every precision
    o.df = df;
    o.weight_format = format;
    // The mapper's view of the chip at its initial operating points.
    o.core = cfg.nncore.core;
    const domain_desc* dram = find_domain(cfg, "dram");
    const domain_desc* core = find_domain(cfg, "nncore");
    const double dram_mhz = dram ? dram->opps[dram->initial].freq_mhz : 0;
    const double core_mhz = core ? core->opps[core->initial].freq_mhz : 0;
    if (dram_mhz > 0 && core_mhz > 0) {
        o.dram_bytes_per_cycle = cfg.dram.bytes_per_cycle * dram_mhz / core_mhz;
        // A burst waits out the DRAM's latency; max_outstanding of them overlap.
        o.dram_burst_bytes = cfg.dma.burst_bytes;
        o.dram_burst_cycles = double(cfg.dram.latency_cycles) * core_mhz / dram_mhz /
                              std::max<uint32_t>(cfg.dma.max_outstanding, 1);
    }
    o.dram_pj_per_byte = (cfg.dram.read_pj_per_byte + cfg.dram.write_pj_per_byte) / 2;
    return o;
}

uint64_t arena_bound(const compiler::network& net) {
    uint64_t bytes = 0;
    for (const compiler::tensor_desc& t : compiler::plan_tensors(net))
        bytes += align_up(nn::storage_bytes(t.type, t.shape.count()), 64);
    return bytes;
}

void place_arena(compiler::build_options& o, const platform_config& cfg, const std::string& arena,
                 uint64_t dram_arena, const std::string& file) {
    o.arena_base = dram_arena;
    if (arena == "dram")
        return;
    const region* sram = cfg.map.find("sram");
    if (!sram)
        throw config_error(file + ": workload.arena: \"" + arena +
                           "\" needs an \"sram\" region in the platform's memory map");
    o.arena_base = sram->base;
    if (arena == "auto") {
        o.arena_capacity = sram->size;
        o.overflow_arena_base = dram_arena;
    }
}

void check_arena(const compiler::built_package& pkg, const platform_config& cfg,
                 const std::string& arena, const std::string& file) {
    const region* sram = cfg.map.find("sram");
    if (arena == "sram" && sram && pkg.arena_size > sram->size)
        throw config_error(file + ": workload.arena: the activations need " +
                           std::to_string(pkg.arena_size) + " bytes; expected at most the " +
                           std::to_string(sram->size) + " bytes of SRAM (or \"auto\" / \"dram\")");
}

network_session::network_session(network_job job, const platform_config& cfg)
    : m_job(std::move(job)) {
    const auto t0 = std::chrono::steady_clock::now();
    const region& dram = cfg.map.at("dram");
    if (m_job.input_sets.empty())
        throw config_error("workload: expected at least one input set");
    m_dram_base = dram.base;
    // The arena comes first, the package after it: the arena never needs
    // more than every tensor of the network side by side (no reuse), which
    // plan_tensors() tells without compiling, so one build suffices.
    compiler::build_options o = core_build_options(cfg, m_job.df, m_job.weight_format, m_job.channel_split);
    const uint64_t dram_arena = dram.base + 64 * MiB;
    place_arena(o, cfg, m_job.arena, dram_arena, m_job.file);
    m_package_at = align_up(dram_arena + arena_bound(m_job.net), MiB);
    o.load_address = m_package_at;
    m_pkg = m_job.package_cache.empty() || m_job.package_identity.is_null()
                ? compiler::build(m_job.net, o)
                : build_with_cache(m_job.net, o, cfg, m_job.package_cache,
                                   m_job.package_identity, m_cache_use);
    check_arena(m_pkg, cfg, m_job.arena, m_job.file);
    m_core_timeout_ms = core_timeout_ms(m_pkg, cfg);
    m_staging_at = align_up(m_package_at + m_pkg.image.size(), MiB);
    m_slot_bytes = 0;
    for (const nn::tensor& t : m_job.input_sets[0])
        m_slot_bytes += align_up(t.bytes().size(), 64);
    m_results_at = align_up(m_staging_at + m_slot_bytes * m_job.input_sets.size(), MiB);
    m_result_bytes = 0;  // a slot per inference: every output, each 64-byte aligned
    for (int o : m_job.net.output_indices()) {
        const compiler::tensor_desc& out = m_pkg.tensors[static_cast<std::size_t>(o)];
        m_result_bytes += align_up(nn::storage_bytes(out.type, out.shape.count()), 64);
    }
    m_stats_at = align_up(m_results_at + m_result_bytes * m_job.inferences, MiB);
    const uint64_t end =
        m_stats_at + results_table::table_bytes(m_job.inferences, m_job.net.ops.size());
    if (end > dram.base + dram.size)
        throw config_error("workload: the package (" + std::to_string(m_pkg.image.size()) +
                           " bytes), arena, inputs and results need " +
                           std::to_string(end - dram.base) + " bytes of DRAM: expected at most " +
                           std::to_string(dram.size) +
                           " (the platform's DRAM: raise it with --set platform.dram.size_bytes=2G)");
    power_program_args(m_job.power, cfg, m_job.deadline_s, m_job.file, m_pm_args);
    m_compile_wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

const fw::program& network_session::program() const {
    return *fw::find_program("nn_network");
}

namespace {

// A share in [0, 1] as the NN core's density registers take it (1/65536).
int64_t density_arg(double share) {
    return std::llround(std::clamp(share, 0.0, 1.0) * 65536.0);
}

}  // namespace

fw::program_args network_session::args() const {
    const int64_t pattern = arrival_code(m_job.arrival);
    std::map<std::string, int64_t> v = {
        {"package", static_cast<int64_t>(m_package_at)},
        {"inputs", static_cast<int64_t>(m_staging_at)},
        {"input_slots", static_cast<int64_t>(m_job.input_sets.size())},
        {"input_slot_bytes", static_cast<int64_t>(m_slot_bytes)},
        {"results", static_cast<int64_t>(m_results_at)},
        {"stats", static_cast<int64_t>(m_stats_at)},
        {"inferences", m_job.inferences},
        {"arrival", pattern},
        {"period_ns", static_cast<int64_t>(std::llround(m_job.period_s * 1e9))},
        {"seed", static_cast<int64_t>(m_job.seed)},
        {"timing", m_job.timing ? 1 : 0},
        {"log_steps", m_job.log_steps ? 1 : 0},
        {"core_timeout_ms", m_core_timeout_ms},
        {"sparsity", m_job.sparsity},
        {"weight_density", density_arg(m_job.weight_density)},
        {"act_density", density_arg(m_job.act_density)}};
    v.insert(m_pm_args.begin(), m_pm_args.end());
    const std::string problem = program().resolve(v);
    if (!problem.empty())
        throw config_error("workload: " + problem);
    return fw::program_args(v);
}

void network_session::preload(soc& chip) {
    // Streams run one per core step per inference, in order.
    const std::vector<std::string> names = core_step_names(m_job.net, m_pkg);
    m_core_sums.assign(names.size(), command_sums{});
    if (!names.empty()) {
        chip.sink_commands([this](const nncore::core::command_record& r, uint32_t stream) {
            m_core_sums[stream % m_core_sums.size()].add(r);
        });
        chip.name_commands([names](uint32_t stream, const std::string&) {
            return names[stream % names.size()];
        });
    }
    stage_package(chip, m_package_at - m_dram_base, m_pkg.image);
    uint64_t at = m_staging_at;
    for (const std::vector<nn::tensor>& set : m_job.input_sets) {
        uint64_t slot = at;
        for (const nn::tensor& t : set) {
            chip.dram().load(slot - m_dram_base, t.bytes().data(), t.bytes().size());
            slot += align_up(t.bytes().size(), 64);
        }
        at += m_slot_bytes;
    }
    // An empty results table, so a run that dies early is recognisable.
    const std::vector<uint8_t> zero(results_table::header_bytes, 0);
    chip.dram().load(m_stats_at - m_dram_base, zero.data(), zero.size());
}

nlohmann::json percentiles_json(std::vector<double> v) {
    if (v.empty())
        return nlohmann::json::object();
    std::sort(v.begin(), v.end());
    auto pct = [&](double p) {  // nearest rank
        const auto k = static_cast<std::size_t>(std::ceil(p / 100 * static_cast<double>(v.size())));
        return v[std::min(v.size() - 1, k == 0 ? 0 : k - 1)];
    };
    return {{"p50", pct(50)}, {"p95", pct(95)}, {"p99", pct(99)}, {"max", v.back()},
            {"mean", std::accumulate(v.begin(), v.end(), 0.0) / static_cast<double>(v.size())}};
}

stream_progress progress_of(std::size_t streams_done, std::size_t per_job, std::size_t jobs,
                            const std::string& noun) {
    stream_progress p;
    if (per_job == 0 || jobs == 0)
        return p;
    const std::size_t total = per_job * jobs;
    const std::size_t done = std::min(streams_done, total);
    p.fraction = static_cast<double>(done) / static_cast<double>(total);
    const std::size_t current = std::min(done / per_job + 1, jobs);
    p.detail = noun + " " + std::to_string(current) + " of " + std::to_string(jobs);
    return p;
}

uint64_t dram_u64(soc& chip, uint64_t addr) {
    uint8_t b[8];
    chip.dram().dump(addr - chip.config().map.at("dram").base, b, 8);
    return nn::load_le<uint64_t>(b);
}

void stage_package(soc& chip, uint64_t offset, const compiler::package_image& image) {
    const package::byte_range skip = package::constants_without_values(image.data(), image.size());
    const uint64_t head = skip.size ? skip.offset : image.size();
    chip.dram().load(offset, image.data(), head);
    if (skip.size)
        chip.dram().load(offset + skip.offset + skip.size, image.data() + skip.offset + skip.size,
                         image.size() - skip.offset - skip.size);
}

network_session::run_progress network_session::progress(const soc& chip) const {
    const auto core_steps = static_cast<std::size_t>(
        std::count(m_pkg.kinds.begin(), m_pkg.kinds.end(), package::step_kind::core));
    return progress_of(chip.nn_stream_count(), core_steps, m_job.inferences, "inference");
}

bool network_session::collect(soc& chip) {
    namespace ns = results_table;
    auto get = [&](uint64_t addr) { return dram_u64(chip, addr); };
    if (get(m_stats_at) != ns::magic)
        return false;
    const uint64_t done = get(m_stats_at + 8), steps = get(m_stats_at + 16);
    m_status = get(m_stats_at + 24);
    m_pm = {get(m_stats_at + ns::h_opp_requests), get(m_stats_at + ns::h_idle_entries),
            get(m_stats_at + ns::h_reinits)};
    m_records.clear();
    for (uint64_t i = 0; i < done; ++i) {
        const uint64_t at = ns::inference_at(m_stats_at, i);
        auto seconds = [&](uint64_t field) { return static_cast<double>(get(at + field)) * 1e-9; };
        inference_record r;
        r.arrival_s = seconds(ns::f_arrival);
        r.start_s = seconds(ns::f_start);
        r.end_s = seconds(ns::f_end);
        r.energy_j = seconds(ns::f_energy);  // nJ -> J: the same factor
        r.nncore_energy_j = seconds(ns::f_nncore_energy);
        r.transition_energy_j = seconds(ns::f_transition);
        r.wake_s = seconds(ns::f_wake);
        r.opp = static_cast<unsigned>(get(at + ns::f_opp));
        m_records.push_back(r);
    }
    m_step_ns.assign(steps, 0);
    m_step_cycles.assign(steps, 0);
    for (uint64_t s = 0; s < steps; ++s) {
        m_step_ns[s] = get(ns::step_at(m_stats_at, m_job.inferences, s));
        m_step_cycles[s] = get(ns::step_at(m_stats_at, m_job.inferences, s) + 8);
    }
    m_outputs.clear();
    m_extra_outputs.clear();
    for (uint64_t i = 0; i < done; ++i) {
        uint64_t at = m_results_at + i * m_result_bytes;
        std::vector<nn::tensor> extras;
        for (int o : m_job.net.output_indices()) {
            const compiler::tensor_desc& out = m_pkg.tensors[static_cast<std::size_t>(o)];
            std::vector<uint8_t> bytes(nn::storage_bytes(out.type, out.shape.count()));
            chip.dram().dump(at - m_dram_base, bytes.data(), bytes.size());
            nn::tensor t = nn::unpack(out.type, out.shape, bytes.data(), bytes.size());
            if (o == m_job.net.output_index())
                m_outputs.push_back(std::move(t));
            else
                extras.push_back(std::move(t));
            at += align_up(bytes.size(), 64);
        }
        m_extra_outputs.push_back(std::move(extras));
    }
    return true;
}

nlohmann::json network_session::inferences_json() const {
    nlohmann::json a = nlohmann::json::array();
    for (std::size_t i = 0; i < m_records.size(); ++i) {
        const inference_record& r = m_records[i];
        const double latency = r.end_s - r.arrival_s;
        nlohmann::json row = {{"index", i},
                              {"arrival_s", r.arrival_s},
                              {"start_s", r.start_s},
                              {"end_s", r.end_s},
                              {"latency_s", latency},
                              {"service_s", r.end_s - r.start_s},
                              {"energy_j", r.energy_j},
                              {"nncore_energy_j", r.nncore_energy_j},
                              {"transition_energy_j", r.transition_energy_j},
                              {"wake_s", r.wake_s},
                              {"nncore_opp", r.opp}};
        row["deadline_met"] = m_job.deadline_s <= 0 || latency <= m_job.deadline_s;
        if (m_job.deadline_s > 0)
            row["lateness_s"] = std::max(0.0, latency - m_job.deadline_s);
        a.push_back(row);
    }
    return a;
}

nlohmann::json network_session::throughput_json(uint64_t macs, double energy_j) const {
    nlohmann::json t = {{"inferences", m_records.size()},
                        {"batch", m_job.input_sets[0][0].shape().n}};
    if (m_records.empty())
        return t;
    const double span = m_records.back().end_s - m_records.front().start_s;
    std::vector<double> lat;
    unsigned misses = 0;
    double worst_lateness = 0;
    for (const inference_record& r : m_records) {
        lat.push_back(r.end_s - r.arrival_s);
        misses += m_job.deadline_s > 0 && r.end_s - r.arrival_s > m_job.deadline_s;
        if (m_job.deadline_s > 0)
            worst_lateness = std::max(worst_lateness, r.end_s - r.arrival_s - m_job.deadline_s);
    }
    double busy_energy = 0, busy_s = 0;
    for (const inference_record& r : m_records) {
        busy_energy += r.energy_j;
        busy_s += r.end_s - r.start_s;
    }
    const double ops = 2.0 * static_cast<double>(macs) * static_cast<double>(m_records.size());
    const double gops = span > 0 ? ops / span / 1e9 : 0;
    // Efficiency while inferring (the literature's GOPS/W): the inferences'
    // own energy over their own time; idle gaps and boot are not in it.
    const double busy_w = busy_s > 0 ? busy_energy / busy_s : 0;
    t["span_s"] = span;
    t["inferences_per_s"] = span > 0 ? m_records.size() / span : 0;
    // An inference runs the whole batch: images (samples) are what a user
    // compares across batch sizes.
    const double images = static_cast<double>(m_records.size()) *
                          static_cast<double>(m_job.input_sets[0][0].shape().n);
    t["images_per_s"] = span > 0 ? images / span : 0;
    t["images_per_j"] = busy_energy > 0 ? images / busy_energy : 0;
    t["energy_per_image_j"] = busy_energy / images;
    t["gops"] = gops;
    t["busy_power_w"] = busy_w;
    t["gops_per_w"] = busy_w > 0 ? (busy_s > 0 ? ops / busy_s / 1e9 : 0) / busy_w : 0;
    t["inferences_per_j"] = busy_energy > 0 ? m_records.size() / busy_energy : 0;
    // Energy of the inferences themselves (start to end, from the power
    // controller's counters); the run's total also has boot, package
    // validation and idle gaps between arrivals.
    t["energy_per_inference_j"] = busy_energy / static_cast<double>(m_records.size());
    t["run_energy_per_inference_j"] = energy_j / static_cast<double>(m_records.size());
    t["latency_s"] = percentiles_json(std::move(lat));
    t["deadline_s"] = m_job.deadline_s;
    t["deadline_misses"] = misses;
    t["worst_lateness_s"] = worst_lateness;
    return t;
}

nlohmann::json network_session::power_management_json() const {
    double wake = 0;
    for (const inference_record& r : m_records)
        wake += r.wake_s;
    return power_management_json_of(m_job.power, m_pm_args, m_pm, wake);
}

nlohmann::json power_management_json_of(const power_spec& power,
                                        const std::map<std::string, int64_t>& pm_args,
                                        const power_management_counts& counts, double wake_s) {
    auto arg = [&](const char* k) { return pm_args.count(k) ? pm_args.at(k) : 0; };
    nlohmann::json g = {{"name", power.governor}, {"sampling_ms", power.sampling_ms}};
    for (const auto& [k, v] : power.params)
        g[k] = v;
    nlohmann::json idle = {{"policy", power.idle}};
    if (power.idle == "always" || power.idle == "fixed_timeout")
        idle["state"] = power.idle_state;
    if (power.idle == "fixed_timeout")
        idle["timeout_us"] = power.timeout_us;
    if (power.idle == "residency_aware")
        idle["max_exit_us"] = power.max_exit_us;
    if (power.idle != "none") {
        idle["gap_prediction"] = power.gap_prediction;
        idle["on_idle_w"] = static_cast<double>(arg("pm_on_idle_uw")) * 1e-6;
    }
    return {{"domain", "nncore"},
            {"governor", g},
            {"idle", idle},
            {"opp_requests", counts.opp_requests},
            {"idle_entries", counts.idle_entries},
            {"core_reinits_after_power_loss", counts.reinits},
            {"wake_s_total", wake_s}};
}

nlohmann::json network_session::layers_json() const {
    layer_rows_input in;
    in.net = &m_job.net;
    in.pkg = &m_pkg;
    in.runs = m_records.empty() ? 1.0 : static_cast<double>(m_records.size());
    in.step_ns = m_step_ns;
    in.step_cycles = m_step_cycles;
    return layer_rows(in, m_core_sums);
}

network_job_result run_network_job(const network_job& job, const platform_config& cfg,
                                   double limit_s) {
    network_job_result r;
    std::unique_ptr<network_session> session;
    try {
        session = std::make_unique<network_session>(job, cfg);
    } catch (const std::exception& e) {
        r.error = e.what();
        return r;
    }
    r.kinds = session->package().kinds;
    soc chip("soc", cfg);
    session->preload(chip);
    const fw::program& p = session->program();
    const fw::program_args args = session->args();
    const run_outcome out = chip.run([&p, args](fw::hal& h) { return p.entry(h, args); },
                                     sc_core::sc_time(limit_s, sc_core::SC_SEC));
    r.simulated_s = out.simulated.to_seconds();
    const bool table = session->collect(chip);
    r.outputs = session->outputs();
    r.extra_outputs = session->extra_outputs();
    if (out.time_limit)
        r.error = "the run did not finish within " + std::to_string(limit_s) + " simulated s";
    else if (!table || out.exit_code != 0)
        r.error = "the firmware failed (exit code " + std::to_string(out.exit_code) +
                  ", runtime status " + std::to_string(session->runtime_status()) + ")";
    r.ok = r.error.empty();
    return r;
}

}  // namespace nnvp
