// The SoC's statistics as report.json sections: CPU, bus, DMA, power and
// energy, the NN core's layer rows and counters.
#include "platform/soc.h"

#include "platform/power_stats.h"

namespace nnvp {

nlohmann::json soc::cpu_stats() const {
    const nnvp::cpu_stats& s = m_cpu->stats();
    return {{"mmio_reads", s.mmio_reads},
            {"mmio_writes", s.mmio_writes},
            {"bulk_bytes_dmi", s.bulk_bytes_dmi},
            {"bulk_bytes_bus", s.bulk_bytes_bus},
            {"bus_errors", s.bus_errors},
            {"interrupts_taken", s.interrupts_taken},
            {"wfi_count", s.wfi_count},
            {"wfi_s", s.wfi_time.to_seconds()},
            {"consumed_cycles", s.consumed_cycles}};
}

nlohmann::json soc::dma_stats() const {
    // The first runs only (kept_records): a long run has hundreds of
    // thousands (the NN core's every tile).
    nlohmann::json runs = nlohmann::json::array();
    for (std::size_t i = 0; i < m_dma_runs.size(); ++i) {
        const dma_run& r = m_dma_runs[i];
        runs.push_back({{"channel", r.channel},
                        {"start_s", r.start_s},
                        {"end_s", r.end_s},
                        {"bytes", r.bytes},
                        {"error", r.error},
                        {"bytes_per_s", r.end_s > r.start_s ? r.bytes / (r.end_s - r.start_s) : 0.0}});
    }
    const uint32_t train = m_dma->config().train_bytes;
    nlohmann::json d = {{"model", train > m_dma->config().burst_bytes
                                      ? "burst trains of up to " + std::to_string(train) +
                                            " bytes (docs/dma_trains.md)"
                                      : std::string("bursts")},
                        {"bytes_moved", m_dma->bytes_moved()},
                        {"bursts", m_dma->bursts()},
                        {"descriptors_fetched", m_dma->descriptors_fetched()},
                        {"runs_total", m_dma_run_count},
                        {"runs", runs}};
    if (m_dma_run_count > m_dma_runs.size())
        d["runs_note"] = "runs lists the first " + std::to_string(m_dma_runs.size()) + " of " +
                         std::to_string(m_dma_run_count) + " runs";
    return d;
}


nlohmann::json soc::power_stats() const {
    nlohmann::json by_component = nlohmann::json::object();
    nlohmann::json by_domain = nlohmann::json::object();
    nlohmann::json transitions = nlohmann::json::object();
    double total = 0, dynamic = 0, leakage = 0, fixed = 0;
    for (std::size_t i = 0; i < domain_order.size(); ++i) {
        const clock_domain& d = domain(domain_order[i]);
        double domain_j = 0;
        for (const energy_meter* m : d.meters()) {
            by_component[m->component()] = {{"domain", d.name()},
                                            {"dynamic_j", m->dynamic_j()},
                                            {"leakage_j", m->leakage_j()},
                                            {"transition_j", m->fixed_j()},
                                            {"energy_j", m->total_j()}};
            domain_j += m->total_j();
            dynamic += m->dynamic_j();
            leakage += m->leakage_j();
            fixed += m->fixed_j();
        }
        total += domain_j;
        by_domain[d.name()] = {{"energy_j", domain_j},
                               {"freq_hz", d.freq_hz()},
                               {"voltage_v", d.voltage()},
                               {"opp", d.opp_index()}};
        transitions[d.name()] = m_power->transitions(i);
    }
    const double t = sc_core::sc_time_stamp().to_seconds();
    return {{"energy_j", total},
            {"dynamic_j", dynamic},
            {"leakage_j", leakage},
            {"transition_j", fixed},
            {"avg_power_w", t > 0 ? total / t : 0.0},
            {"by_component", by_component},
            {"by_domain", by_domain},
            {"states", m_residency.state_residency()},
            {"opp_residency", m_residency.opp_residency()},
            {"transitions", transitions},
            {"power_states", power_state_stats(*this)},
            {"nncore_by_action", nncore_energy_by_action()},
            {"energy_model", power_energy_model(*this)}};
}


nlohmann::json soc::dram_stats() const {
    const dram_banks* b = m_dram->banks();
    if (!b)
        return {{"model", "fixed"}};
    const dram_banks::stats& s = b->get_stats();
    const uint64_t accesses = s.hits + s.empties + s.misses;
    return {{"model", "banks"},
            {"row_hits", s.hits},
            {"row_empty", s.empties},
            {"row_misses", s.misses},
            {"row_hit_rate", accesses ? double(s.hits) / double(accesses) : 0.0},
            {"activates", s.activates()},
            {"refresh_waits", s.refresh_waits},
            {"refresh_wait_s", s.refresh_wait_ns * 1e-9},
            {"turnarounds", s.turnarounds},
            {"turnaround_wait_s", s.turnaround_ns * 1e-9},
            {"bank_wait_s", s.bank_wait_ns * 1e-9}};
}

nlohmann::json soc::bus_stats() const {
    const interconnect::stats st = m_bus->get_stats();
    auto port = [](const interconnect::port_stats& p) {
        return nlohmann::json{{"transactions", p.transactions},
                              {"bytes_read", p.bytes_read},
                              {"bytes_written", p.bytes_written},
                              {"errors", p.errors},
                              {"busy_s", p.busy.to_seconds()},
                              {"utilization", p.utilization}};
    };
    nlohmann::json initiators = nlohmann::json::object();
    nlohmann::json targets = nlohmann::json::object();
    for (const auto& p : st.initiators)
        initiators[p.name] = port(p);
    for (const auto& p : st.targets)
        targets[p.name] = port(p);
    return {{"initiators", initiators}, {"targets", targets}, {"energy_j", st.energy_j}};
}


nlohmann::json soc::layer_rows() const {
    nlohmann::json rows = nlohmann::json::array();
    for (const auto& r : m_nn_commands) {
        rows.push_back({{"name", r.name},
                        {"type", nncore_cmd::to_string(r.op)},
                        {"precision", ref::to_string(r.prec)},
                        {"dataflow", cost::to_string(r.flow)},
                        {"macs", r.macs},
                        {"cycles", r.compute_cycles + r.stall_cycles},
                        {"compute_cycles", r.compute_cycles},
                        {"stall_cycles", r.stall_cycles},
                        {"utilization", r.utilization},
                        {"dram_read_bytes", r.dram_read_bytes},
                        {"dram_write_bytes", r.dram_write_bytes},
                        {"sram_read_bytes", r.sram_read_bytes},
                        {"sram_write_bytes", r.sram_write_bytes},
                        {"energy_j", r.energy_j},
                        {"zero_skipped_macs", r.zero_skipped_macs},
                        {"start_s", r.start.to_seconds()},
                        {"end_s", r.end.to_seconds()}});
    }
    return rows;
}

nlohmann::json soc::nncore_stats() const {
    using nncore_regs::counter;
    nlohmann::json counters = nlohmann::json::object();
    const std::pair<const char*, counter> names[] = {
        {"busy_cycles", counter::busy_cycles},   {"stall_cycles", counter::stall_cycles},
        {"macs", counter::macs},                 {"macs_skipped", counter::macs_skipped},
        {"bytes_read", counter::bytes_read},     {"bytes_written", counter::bytes_written},
        {"decompress_cycles", counter::decompress_cycles}};
    for (const auto& [name, c] : names)
        counters[name] = m_nncore->counter(c);
    nlohmann::json streams = nlohmann::json::array();
    for (const auto& s : m_nn_streams)
        streams.push_back({{"start_s", s.start.to_seconds()},
                           {"end_s", s.end.to_seconds()},
                           {"commands", s.commands},
                           {"error", static_cast<unsigned>(s.error)},
                           {"error_cmd", s.error_cmd}});
    nlohmann::json n = {{"counters", counters}, {"streams", streams},
                        {"streams_total", m_nn_stream_count}};
    if (m_nn_stream_count > m_nn_streams.size())
        n["streams_note"] = "streams lists the first " + std::to_string(m_nn_streams.size()) +
                            " of " + std::to_string(m_nn_stream_count) + " streams";
    return n;
}

nlohmann::json soc::nncore_energy_by_action() const {
    using nncore_regs::counter;
    const cost::energy_split& a = m_nncore->energy_by_action();
    const energy_meter& m = m_nncore->energy();
    const cost::core_params& p = m_cfg.nncore.core;
    const uint64_t macs =
        m_nncore->counter(counter::macs) + m_nncore->counter(counter::macs_skipped);
    return {{"mac_j", a.mac_j},
            {"vector_j", a.vector_j},
            {"scratchpad_j", a.spad_j},
            {"buffers", {{"input_j", a.input_buffer_j},
                         {"weight_j", a.weight_buffer_j},
                         {"output_j", a.output_buffer_j}}},
            {"noc_j", a.noc_j},
            {"clock_j", a.clock_j},
            {"decompress_j", m_nncore->decompress_energy_j()},
            {"leakage_j", m.leakage_j()},
            {"transition_j", m.fixed_j()},
            {"energy_j", m.total_j()},
            {"macs", macs},
            {"pj_per_mac", macs > 0 ? m.total_j() / static_cast<double>(macs) * 1e12 : 0.0},
            {"technology_nm", p.technology_nm},
            {"energy_scale", p.energy_scale()},
            {"leakage_mw_at_vnom", p.core_leakage_mw()},
            {"zero_gating", p.zero_gating}};
}

}  // namespace nnvp
