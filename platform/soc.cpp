#include "platform/soc.h"

#include <tlm_utils/tlm_quantumkeeper.h>

#include <algorithm>
#include <chrono>
#include <csignal>
#include <fstream>
#include <string>

namespace nnvp {

using namespace sc_core;

namespace {

// A debugger (gdb, strace) is attached when /proc/self/status names a tracer.
bool debugger_attached() {
    std::ifstream status("/proc/self/status");
    std::string line;
    while (std::getline(status, line))
        if (line.rfind("TracerPid:", 0) == 0)
            return std::stoi(line.substr(10)) != 0;
    return false;
}

}  // namespace

soc::soc(sc_module_name name, const platform_config& cfg)
    : sc_module(name), m_cfg(cfg), m_timeline(cfg.trace_max_events) {
    SC_HAS_PROCESS(soc);
    build_blocks();
    wire_buses();
    wire_irqs();
    wire_telemetry();
    record_runs();  // soc_record.cpp
    SC_THREAD(watch_halt);
    SC_METHOD(watch_irqs);
    for (auto& [name, line] : m_irq_lines)
        sensitive << *line;
    sensitive << m_cpu_irq;
    dont_initialize();
    if (m_cfg.trace_power_sample_us > 0)
        SC_THREAD(sample_power);
}

// Clock domains and every block, from the platform configuration.
void soc::build_blocks() {
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
}

// Buses, by region and initiator name; the NN core's DMA sideband.
void soc::wire_buses() {
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
}

// Interrupt lines, by the irq numbers of the memory map.
void soc::wire_irqs() {
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
}

// What the blocks report to each other and to the user beyond buses and
// lines: register access logs, utilisation probes, DMI accounting.
void soc::wire_telemetry() {
    wire_access_traces();

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
}

double soc::total_energy_j() const {
    double sum = 0;
    for (const auto& [name, d] : m_domains)
        for (const energy_meter* m : d->meters())
            sum += m->total_j();
    return sum;
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

void soc::on_warning(const std::string& text) {
    if (!m_cfg.break_on_warning || !m_warning_break.empty())
        return;
    m_warning_break = text;
    sc_stop();
    // Under gdb the trap stops in the thread that raised the warning (the
    // firmware's stack when it made the bad access).
    if (debugger_attached())
        std::raise(SIGTRAP);
}

run_outcome soc::run(cpu::program_fn program, const sc_time& limit, const progress_fn& progress,
                     const sc_time& first_slice) {
    using clock = std::chrono::steady_clock;
    m_cpu->load(std::move(program));
    const auto wall_start = clock::now();
    std::string error;
    try {
        slices(limit, progress, first_slice);
    } catch (const sc_core::sc_report& e) {  // a model's SC_REPORT_ERROR, outside the CPU
        error = std::string("simulator error: ") + e.what();
    }
    flush_open_row();  // a stream the run's end cut short
    run_outcome out;
    out.wall_s =
        std::chrono::duration<double>(clock::now() - wall_start).count();
    out.simulated = sc_time_stamp();
    out.halted = m_cpu->halted();
    out.exit_code = m_cpu->exit_code();
    out.stopped_by = error.empty() ? m_cpu->stopped_by() : error;
    out.warning_break = m_warning_break;
    out.wall_limit = m_wall_limit_hit;
    const bool other_end = !error.empty() || !m_warning_break.empty() || m_wall_limit_hit;
    out.time_limit = !out.halted && !other_end && sc_time_stamp() >= limit;
    out.starved = !out.halted && !other_end && !out.time_limit;
    if (!out.halted) {
        out.blocked_on = blocked_on();
        out.busy = busy_blocks();
    }
    return out;
}

void soc::slices(const sc_time& limit, const progress_fn& progress, const sc_time& first_slice) {
    using clock = std::chrono::steady_clock;
    const bool watch_wall = m_max_wall_s > 0;
    if ((!progress || first_slice == SC_ZERO_TIME) && !watch_wall) {
        sc_start(limit);
        return;
    }
    // sc_stop() (the firmware halted) ends the simulation for good; no
    // pending activity means nothing will ever happen again.
    // At most 1 ms of simulated time a slice: a fast phase (boot, idle
    // gaps) must not leave one huge slice for the slow one after it.
    const sc_time start_slice = first_slice == SC_ZERO_TIME ? sc_time(10, SC_US) : first_slice;
    const sc_time max_slice = std::max(start_slice, sc_time(1, SC_MS));
    sc_time slice = start_slice;
    const auto run_start = clock::now();
    if (watch_wall) {  // one long NN-core command is asked too, between its rows
        const auto deadline =
            run_start + std::chrono::duration_cast<clock::duration>(
                            std::chrono::duration<double>(m_max_wall_s));
        m_nncore->set_stop_check([deadline] { return clock::now() >= deadline; });
    }
    while (sc_get_status() != SC_STOPPED && sc_time_stamp() < limit) {
        const auto t0 = clock::now();
        sc_start(std::min(slice, limit - sc_time_stamp()));
        if (m_nncore->interrupted()) {
            m_wall_limit_hit = true;
            break;
        }
        if (sc_get_status() == SC_STOPPED || !sc_pending_activity())
            break;
        if (progress)
            progress(*this);
        const auto now = clock::now();
        if (watch_wall && std::chrono::duration<double>(now - run_start).count() >= m_max_wall_s) {
            m_wall_limit_hit = true;
            break;
        }
        const double wall = std::chrono::duration<double>(now - t0).count();
        if (wall < 0.025 && slice < max_slice)
            slice = slice * 2;
        else if (wall > 0.1 && slice > start_slice)
            slice = slice / 2;
    }
}

}  // namespace nnvp
