// What a run that did not halt was stuck on: the CPU's activity (WFI with
// the interrupts that could wake it, a poll loop on which register, a delay)
// and the blocks still busy. Bring-up users read it in report.json
// (sim.blocked_on, sim.busy) and on the console.
#include <iomanip>
#include <sstream>

#include "platform/soc.h"

namespace nnvp {

std::string hex_text(uint64_t v) {
    std::ostringstream os;
    os << "0x" << std::hex << v;
    return os.str();
}

namespace {

std::string at_time(const sc_core::sc_time& t) {
    std::ostringstream os;
    os << std::setprecision(6) << t.to_seconds() * 1e3 << " ms";
    return os.str();
}

}  // namespace

std::vector<std::pair<const char*, peripheral*>> soc::register_blocks() const {
    return {{"intc", m_intc.get()},   {"timer", m_timer.get()}, {"dma", m_dma.get()},
            {"power", m_power.get()}, {"nncore", m_nncore.get()}};
}

std::string soc::blocked_on() const {
    const cpu::activity a = m_cpu->activity_now();
    using kind = cpu::activity::kind;
    switch (a.what) {
        case kind::halted:
            return "";
        case kind::running:
            return "running (not blocked on a wait, a delay or a poll loop)";
        case kind::sleeping:
            return "sleeping in a delay since " + at_time(a.since);
        case kind::polling: {
            std::string reg = hex_text(a.addr);
            if (const region* r = m_cfg.map.decode(a.addr)) {
                reg = r->name;
                const peripheral* p = nullptr;
                for (const auto& [name, block] : register_blocks())
                    if (r->name == name)
                        p = block;
                reg += p ? std::string(".") + p->register_name(static_cast<uint32_t>(a.addr - r->base))
                         : " at " + hex_text(a.addr);
            }
            return "polling " + reg + " (" + std::to_string(a.reads) + " reads in a row since " +
                   at_time(a.since) + ")";
        }
        case kind::waiting_irq:
            break;
    }
    // WFI: which interrupt sources could wake it.
    std::string enabled;
    for (const region& r : m_cfg.map.regions)
        if (r.irq > 0 && m_intc->enabled(static_cast<unsigned>(r.irq)))
            enabled += (enabled.empty() ? "" : ", ") + r.name + " (irq " + std::to_string(r.irq) + ")";
    std::string s = "waiting for an interrupt (WFI) since " + at_time(a.since) + "; ";
    if (!a.irq_enabled)
        s += "the CPU has interrupts disabled; ";
    return s + (enabled.empty() ? "no interrupt source is enabled at the interrupt controller"
                                : "enabled at the interrupt controller: " + enabled);
}

std::vector<std::string> soc::busy_blocks() const {
    std::vector<std::string> busy;
    for (unsigned ch = 0; ch < m_dma->channel_count(); ++ch)
        if (m_dma->channel_busy(ch))
            busy.push_back("dma channel " + std::to_string(ch));
    if (m_nncore->interrupted())
        busy.push_back("nncore (a compute command, abandoned at the wall-clock limit)");
    else if (m_nncore->busy())
        busy.push_back("nncore (a command stream is running)");
    return busy;
}

}  // namespace nnvp
