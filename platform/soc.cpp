#include "platform/soc.h"

#include <tlm_utils/tlm_quantumkeeper.h>

#include <algorithm>
#include <chrono>

namespace nnvp {

using namespace sc_core;

soc::soc(sc_module_name name, const platform_config& cfg) : sc_module(name), m_cfg(cfg) {
    SC_HAS_PROCESS(soc);
    for (const domain_desc& d : m_cfg.domains)
        m_domains[d.name] = make_clock_domain(d);

    // The platform, never a component, sets the global quantum.
    tlm_utils::tlm_quantumkeeper::set_global_quantum(sc_time(m_cfg.quantum_ns, SC_NS));

    m_bus = std::make_unique<interconnect>("bus", m_cfg.map, domain(block_domains::interconnect),
                                           m_cfg.interconnect);
    m_cpu = std::make_unique<cpu>("cpu", domain(block_domains::cpu), m_cfg.cpu, m_cfg.map);
    m_dram = std::make_unique<memory>("dram", domain(block_domains::dram), m_cfg.dram);
    m_sram = std::make_unique<memory>("sram", domain(block_domains::sram), m_cfg.sram);
    m_intc = std::make_unique<intc>("intc", domain(block_domains::intc), m_cfg.intc);
    m_timer = std::make_unique<timer>("timer", domain(block_domains::timer), m_cfg.timer);
    m_dma = std::make_unique<dma>("dma", domain(block_domains::dma), m_cfg.dma);
    std::vector<clock_domain*> controlled;
    for (const std::string& d : domain_order)
        controlled.push_back(&domain(d));
    m_power = std::make_unique<power_controller>("power", domain(block_domains::power),
                                                 controlled, m_cfg.power);
    m_nncore = std::make_unique<nncore::core>("nncore", domain(block_domains::nncore), m_cfg.nncore,
                                              m_cfg.map.at("dma").base,
                                              m_cfg.map.at("nncore_buf").base);

    // Buses, by region and initiator name.
    m_bus->bind_initiator("cpu", m_cpu->initiator);
    m_bus->bind_initiator("dma", m_dma->initiator);
    m_bus->bind_initiator("nncore", m_nncore->initiator);
    m_bus->bind_target("dram", m_dram->target);
    m_bus->bind_target("sram", m_sram->target);
    m_bus->bind_target("intc", m_intc->target);
    m_bus->bind_target("timer", m_timer->target);
    m_bus->bind_target("dma", m_dma->target);
    m_bus->bind_target("power", m_power->target);
    m_bus->bind_target("nncore", m_nncore->target);
    m_bus->bind_target("nncore_buf", m_nncore->buffer);
    // The NN core drives DMA channels and watches their completion sideband.
    m_nncore->dma_channels.bind(*m_dma);

    // Interrupt lines, by the irq numbers of the memory map.
    const std::map<std::string, sc_out<bool>*> irq_ports = {
        {"timer", &m_timer->irq}, {"dma", &m_dma->irq}, {"power", &m_power->irq},
        {"nncore", &m_nncore->irq}};
    for (const auto& [region_name, port] : irq_ports) {
        auto line = std::make_unique<irq_line>((region_name + "_irq").c_str());
        port->bind(*line);
        m_intc->sources[static_cast<std::size_t>(m_cfg.map.at(region_name).irq)].bind(*line);
        m_irq_lines[region_name] = std::move(line);
    }
    m_intc->cpu_irq.bind(m_cpu_irq);
    m_cpu->irq.bind(m_cpu_irq);

    if (m_cfg.trace_registers)
        for (peripheral* p : std::vector<peripheral*>{m_intc.get(), m_timer.get(), m_dma.get(),
                                                      m_power.get(), m_nncore.get()})
            p->set_access_log(true);

    m_dma->on_run_end([this](const dma::run_record& r) {
        m_dma_runs.push_back({r.channel, r.start.to_seconds(), r.end.to_seconds(), r.bytes,
                              static_cast<unsigned>(r.error)});
        m_timeline.add_span({"dma.ch" + std::to_string(r.channel),
                             r.error == dma_regs::error_code::none ? "transfer" : "transfer (error)",
                             r.start.to_seconds(),
                             r.end.to_seconds(),
                             {{"bytes", static_cast<double>(r.bytes)},
                              {"error", static_cast<double>(r.error)}}});
    });
    // Layer rows are compute commands. The data movement and waiting around
    // them (LOAD, STORE, BARRIER, END) is charged to the compute command that
    // follows, or, at the end of a stream, to the last one.
    m_nncore->on_command([this](const nncore::core::command_record& r) {
        if (!nncore_cmd::is_compute(r.op)) {
            m_nn_pending.stall_cycles += r.stall_cycles;
            m_nn_pending.dram_read_bytes += r.dram_read_bytes;
            m_nn_pending.dram_write_bytes += r.dram_write_bytes;
            m_nn_pending.energy_j += r.energy_j;
            return;
        }
        m_nn_commands.push_back(r);
        m_nn_command_streams.push_back(static_cast<uint32_t>(m_nn_streams.size()));
        auto& row = m_nn_commands.back();
        row.stall_cycles += m_nn_pending.stall_cycles;
        row.dram_read_bytes += m_nn_pending.dram_read_bytes;
        row.dram_write_bytes += m_nn_pending.dram_write_bytes;
        row.energy_j += m_nn_pending.energy_j;
        m_nn_pending = {};
        m_timeline.add_span({"nncore", r.name, r.start.to_seconds(), r.end.to_seconds(),
                             {{"macs", static_cast<double>(r.macs)},
                              {"cycles", static_cast<double>(r.compute_cycles)},
                              {"stall_cycles", static_cast<double>(r.stall_cycles)}}});
    });
    m_nncore->on_stream_end([this](const nncore::core::stream_record& r) {
        if (!m_nn_commands.empty()) {
            auto& last = m_nn_commands.back();
            last.stall_cycles += m_nn_pending.stall_cycles;
            last.dram_read_bytes += m_nn_pending.dram_read_bytes;
            last.dram_write_bytes += m_nn_pending.dram_write_bytes;
            last.energy_j += m_nn_pending.energy_j;
        }
        m_nn_pending = {};
        m_nn_streams.push_back(r);
        m_timeline.add_span({"nncore.streams",
                             r.error == nncore_regs::error_code::none ? "stream" : "stream (error)",
                             r.start.to_seconds(), r.end.to_seconds(),
                             {{"commands", static_cast<double>(r.commands)}}});
    });
    // Utilisation telemetry: the core brackets each stream with its domain's
    // begin/end_activity(); auto-idle also asks busy() (a doorbell rung but
    // not yet taken).
    clock_domain& nn_dom = domain(block_domains::nncore);
    nn_dom.set_busy_probe([this] { return m_nncore->busy(); });
    // DMI copies skip the bus: charge the memory they touch directly.
    m_cpu->on_dmi_access([this](uint64_t addr, uint64_t bytes, bool is_read) {
        const region* r = m_cfg.map.decode(addr);
        memory* mem = !r ? nullptr : r->name == "dram" ? m_dram.get()
                                   : r->name == "sram" ? m_sram.get() : nullptr;
        if (mem)
            mem->account_dmi(is_read ? bytes : 0, is_read ? 0 : bytes);
    });
    m_cpu->on_log([this](const std::string& line, const sc_time& at) {
        m_timeline.add_instant({"cpu", line, at.to_seconds()});
    });
    for (const std::string& d : domain_order) {
        clock_domain& dom = domain(d);
        m_residency.watch(dom);
        record_domain(dom);
        dom.on_change([this, &dom] { record_domain(dom); });
    }
    SC_THREAD(watch_halt);
    SC_METHOD(watch_irqs);
    for (auto& [name, line] : m_irq_lines)
        sensitive << *line;
    sensitive << m_cpu_irq;
    dont_initialize();
    if (m_cfg.trace_power_sample_us > 0)
        SC_THREAD(sample_power);
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

double soc::total_energy_j() const {
    double sum = 0;
    for (const auto& [name, d] : m_domains)
        for (const energy_meter* m : d->meters())
            sum += m->total_j();
    return sum;
}

// Average power over each sampling period: energy difference / time.
void soc::sample_power() {
    // State lives in members: this thread never returns, so its locals are
    // never destroyed.
    const sc_time period(m_cfg.trace_power_sample_us, SC_US);
    for (;;) {
        wait(period);
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

soc::~soc() = default;

clock_domain& soc::domain(const std::string& name) const {
    auto it = m_domains.find(name);
    if (it == m_domains.end())
        throw std::out_of_range("platform has no clock domain \"" + name + "\"");
    return *it->second;
}

void soc::watch_halt() {
    wait(m_cpu->halted_event());
    sc_stop();
}

run_outcome soc::run(cpu::program_fn program, const sc_time& limit, const progress_fn& progress,
                     const sc_time& first_slice) {
    using clock = std::chrono::steady_clock;
    m_cpu->load(std::move(program));
    const auto wall_start = clock::now();
    if (!progress || first_slice == SC_ZERO_TIME) {
        sc_start(limit);
    } else {
        // sc_stop() (the firmware halted) ends the simulation for good; no
        // pending activity means nothing will ever happen again.
        // At most 1 ms of simulated time a slice: a fast phase (boot, idle
        // gaps) must not leave one huge slice for the slow one after it.
        const sc_time max_slice = std::max(first_slice, sc_time(1, SC_MS));
        sc_time slice = first_slice;
        while (sc_get_status() != SC_STOPPED && sc_time_stamp() < limit) {
            const auto t0 = clock::now();
            sc_start(std::min(slice, limit - sc_time_stamp()));
            if (sc_get_status() == SC_STOPPED || !sc_pending_activity())
                break;
            progress(*this);
            const double wall = std::chrono::duration<double>(clock::now() - t0).count();
            if (wall < 0.025 && slice < max_slice)
                slice = slice * 2;
            else if (wall > 0.1 && slice > first_slice)
                slice = slice / 2;
        }
    }
    run_outcome out;
    out.wall_s =
        std::chrono::duration<double>(clock::now() - wall_start).count();
    out.simulated = sc_time_stamp();
    out.halted = m_cpu->halted();
    out.exit_code = m_cpu->exit_code();
    out.time_limit = !out.halted && sc_time_stamp() >= limit;
    out.starved = !out.halted && !out.time_limit;
    return out;
}

}  // namespace nnvp
