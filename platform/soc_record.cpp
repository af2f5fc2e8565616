// The SoC's run recording: DMA runs, the NN core's commands and streams as
// layer rows, and the timeline (spans, instants, counters of interrupt
// lines, clock domains and power) that trace.json is written from.
#include "platform/soc.h"

#include "arch/regs/dma_regs.h"
#include "arch/regs/intc_regs.h"
#include "arch/regs/nncore_regs.h"
#include "arch/regs/power_regs.h"
#include "arch/regs/timer_regs.h"

namespace nnvp {

using namespace sc_core;

void soc::record_runs() {
    m_dma->on_run_end([this](const dma::run_record& r) {
        if (m_dma_run_count++ < kept_records)
            m_dma_runs.push_back({r.channel, r.start.to_seconds(), r.end.to_seconds(), r.bytes,
                                  static_cast<unsigned>(r.error)});
        m_timeline.add_span({"dma.ch" + std::to_string(r.channel),
                             r.error == dma_regs::error_code::none ? "transfer" : "transfer (error)",
                             r.start.to_seconds(),
                             r.end.to_seconds(),
                             {{"bytes", static_cast<double>(r.bytes)},
                              {"error", static_cast<double>(r.error)}}});
    });
    record_nncore();
    m_cpu->on_log([this](const std::string& line, const sc_time& at) {
        m_timeline.add_instant({"cpu", line, at.to_seconds()});
    });
    for (const std::string& d : domain_order) {
        clock_domain& dom = domain(d);
        m_residency.watch(dom);
        record_domain(dom);
        dom.on_change([this, &dom] { record_domain(dom); });
    }
}

namespace {

void add_costs(nncore::core::command_record& row, const nncore::core::command_record& more) {
    row.stall_cycles += more.stall_cycles;
    row.dram_read_bytes += more.dram_read_bytes;
    row.dram_write_bytes += more.dram_write_bytes;
    row.energy_j += more.energy_j;
}

}  // namespace

void soc::flush_open_row() {
    if (m_open_row)
        m_command_sink(m_open_row->first, m_open_row->second);
    m_open_row.reset();
}

void soc::record_nncore() {
    // Layer rows are compute commands. The data movement and waiting around
    // them (LOAD, STORE, BARRIER, END) is charged to the compute command that
    // follows, or, at the end of a stream, to the last one.
    m_nncore->on_command([this](const nncore::core::command_record& r) {
        if (!nncore_cmd::is_compute(r.op)) {
            add_costs(m_nn_pending, r);
            return;
        }
        const auto stream = static_cast<uint32_t>(m_nn_stream_count);
        nncore::core::command_record row = r;
        add_costs(row, m_nn_pending);
        m_nn_pending = {};
        m_timeline.add_span({"nncore", m_command_namer ? m_command_namer(stream, r.name) : r.name,
                             r.start.to_seconds(), r.end.to_seconds(),
                             {{"macs", static_cast<double>(r.macs)},
                              {"cycles", static_cast<double>(r.compute_cycles)},
                              {"stall_cycles", static_cast<double>(r.stall_cycles)}}});
        if (m_command_sink) {
            flush_open_row();
            m_open_row.emplace(std::move(row), stream);
            return;
        }
        m_nn_commands.push_back(std::move(row));
        m_nn_command_streams.push_back(stream);
    });
    m_nncore->on_stream_end([this](const nncore::core::stream_record& r) {
        if (m_open_row)
            add_costs(m_open_row->first, m_nn_pending);
        else if (!m_command_sink && !m_nn_commands.empty())
            add_costs(m_nn_commands.back(), m_nn_pending);
        m_nn_pending = {};  // the row stays open: a stream without compute adds to it
        if (m_nn_stream_count++ < kept_records)
            m_nn_streams.push_back(r);
        m_timeline.add_span({"nncore.streams",
                             r.error == nncore_regs::error_code::none ? "stream" : "stream (error)",
                             r.start.to_seconds(), r.end.to_seconds(),
                             {{"commands", static_cast<double>(r.commands)}}});
    });
}

void soc::record_domain(const clock_domain& d) {
    const double t = sc_time_stamp().to_seconds();
    m_timeline.set(d.name() + ".freq_mhz", t, d.freq_hz() / 1e6);
    m_timeline.set(d.name() + ".voltage_v", t, d.voltage());
    m_timeline.set(d.name() + ".state", t, static_cast<double>(d.state()));
    m_timeline.set(d.name() + ".opp", t, static_cast<double>(d.opp_index()));
}

void soc::watch_irqs() {
    const double t = sc_time_stamp().to_seconds();
    for (const auto& [name, line] : m_irq_lines) {
        const bool level = line->read();
        if (line->event() && level)
            m_timeline.add_instant({"irq", name, t});
        m_timeline.set("irq." + name, t, level ? 1 : 0);
    }
    m_timeline.set("irq.cpu", t, m_cpu_irq.read() ? 1 : 0);
}

// Average power over each sampling period: energy difference / time.
void soc::sample_power() {
    // State lives in members: this thread never returns, so its locals are
    // never destroyed.
    const sc_time period(m_cfg.trace_power_sample_us, SC_US);
    // Bounded: a 1 ps period would otherwise fill the memory (and take
    // forever); trace_notes() says where the samples stop.
    while (m_power_samples < max_power_samples) {
        wait(period);
        ++m_power_samples;
        const double t = sc_time_stamp().to_seconds();
        const double total = total_energy_j();
        m_timeline.set("power_w", t, (total - m_sampled_total) / period.to_seconds());
        m_sampled_total = total;
        for (const auto& [name, d] : m_domains) {
            double e = 0;
            for (const energy_meter* m : d->meters())
                e += m->total_j();
            m_timeline.set(name + ".power_w", t, (e - m_sampled_energy[name]) / period.to_seconds());
            m_sampled_energy[name] = e;
        }
    }
}

}  // namespace nnvp

namespace nnvp {


namespace {

// " (START=1 IRQ_DONE=1)": the named fields set in a value of `reg` of
// `block` (arch/regs/field_names.h), or nothing.
std::string field_text(const std::string& block, const char* reg, uint32_t value) {
    std::string f;
    if (block == "dma")
        f = regs::decode_fields(dma_regs::field_names, reg, value);
    else if (block == "intc")
        f = regs::decode_fields(intc_regs::field_names, reg, value);
    else if (block == "timer")
        f = regs::decode_fields(timer_regs::field_names, reg, value);
    else if (block == "nncore")
        f = regs::decode_fields(nncore_regs::field_names, reg, value);
    else if (block == "power")
        f = regs::decode_fields(power_regs::field_names, reg, value);
    return f.empty() ? f : " (" + f + ")";
}

}  // namespace

// Register accesses as instants on "regs.<block>" (DMA channel registers
// named ch<k>.<REG>), bus transactions as spans on "bus.<initiator>", each
// up to its limit; trace_notes() counts what was left out.
void soc::wire_access_traces() {
    if (m_cfg.trace_registers) {
        for (const auto& [name, block] : register_blocks()) {
            const std::string track = std::string("regs.") + name;
            const bool dma_block = block == m_dma.get();
            const std::string block_name = name;
            block->on_access([this, track, dma_block,
                              block_name](const peripheral::register_access& a) {
                if (++m_register_events > m_cfg.trace_event_limit)
                    return;
                std::string reg = a.reg;
                if (dma_block && a.offset >= dma_regs::channel_base)
                    reg = "ch" + std::to_string((a.offset - dma_regs::channel_base) /
                                                dma_regs::channel_stride) +
                          "." + reg;
                m_timeline.add_instant({track, std::string(a.write ? "write " : "read ") + reg +
                                                   " = " + hex_text(a.value) +
                                                   field_text(block_name, a.reg, a.value),
                                        a.at.to_seconds()});
            });
        }
    }
    if (m_cfg.trace_transactions)
        m_bus->on_transaction([this](const interconnect::transaction& t) {
            if (++m_transactions > m_cfg.trace_event_limit)
                return;
            m_timeline.add_span({"bus." + *t.initiator,
                                 std::string(t.write ? "write " : "read ") + *t.target +
                                     (t.ok ? "" : " (error)"),
                                 t.start.to_seconds(), t.end.to_seconds(),
                                 {{"address", static_cast<double>(t.addr)},
                                  {"bytes", static_cast<double>(t.bytes)}}});
        });
}

nlohmann::json soc::trace_notes() const {
    nlohmann::json n = nlohmann::json::object();
    const auto note = [&](const char* what, bool on, uint64_t seen, uint64_t limit) {
        if (!on)
            return;
        n[what] = {{"seen", seen}, {"recorded", std::min(seen, limit)}};
        if (seen > limit)
            n[what]["note"] = "trace.json holds the first " + std::to_string(limit) + " of " +
                              std::to_string(seen);
    };
    note("register_accesses", m_cfg.trace_registers, m_register_events, m_cfg.trace_event_limit);
    note("transactions", m_cfg.trace_transactions, m_transactions, m_cfg.trace_event_limit);
    if (m_timeline.dropped() > 0)
        n["events"] = {
            {"recorded", m_timeline.max_events()},
            {"dropped", m_timeline.dropped()},
            {"note", "trace.json and power.vcd stop at " + std::to_string(m_timeline.cut_s()) +
                         " s simulated: they hold the first " +
                         std::to_string(m_timeline.max_events()) +
                         " events (platform.trace_max_events); " +
                         std::to_string(m_timeline.dropped()) + " later events were left out"}};
    if (m_power_samples >= max_power_samples)
        n["power_samples"] = {
            {"recorded", m_power_samples},
            {"note", "power sampling (platform.trace_power_sample_us) stopped after " +
                         std::to_string(max_power_samples) + " samples, at " +
                         std::to_string(static_cast<double>(max_power_samples) *
                                        m_cfg.trace_power_sample_us * 1e-6) +
                         " s simulated"}};
    return n;
}

}  // namespace nnvp
