#include "ip/intc/intc.h"

#include <stdexcept>
#include <string>

namespace nnvp {

using namespace sc_core;
namespace r = intc_regs;

intc::intc(sc_module_name name, clock_domain& clk, const intc_config& cfg)
    : peripheral(name, clk, r::window_bytes, cfg.access_cycles),
      sources("sources", cfg.sources), cpu_irq("cpu_irq"), m_cfg(cfg),
      m_energy(basename(), clk, cfg.leakage_mw * 1e-3) {
    charge_accesses(m_energy, cfg.access_pj * 1e-12);
    // The parser range-checks; a model built by hand is clamped, not trusted.
    if (m_cfg.sources < r::min_sources || m_cfg.sources > r::max_sources)
        throw std::invalid_argument(std::string(this->name()) + ": sources must be " +
                                    std::to_string(r::min_sources) + ".." +
                                    std::to_string(r::max_sources));
    for (unsigned id = 1; id < m_cfg.sources; ++id)
        m_valid[r::word_of(id)] |= r::bit_of(id);

    add_registers();

    // Pending, enabled and above the threshold: what cpu_irq announces; the
    // source lines change it too.
    irq_output::inputs lines;
    for (auto& s : sources)
        lines.push_back(&s);
    add_irq(
        cpu_irq,
        [this] {
            bool any = false;
            for (unsigned id = 1; id < m_cfg.sources && !any; ++id)
                any = eligible(id);
            return any;
        },
        lines);
}

// The bank is the register lists of intc_regs.h; only behaviour is added here.
void intc::add_registers() {
    m_regs.add_all(r::global_regs);
    for (unsigned id = 1; id < m_cfg.sources; ++id)
        m_regs.add_all(r::source_regs, r::source_offset(id));
    const uint32_t id_value = r::ID_SOURCES.make(m_cfg.sources) |
                              r::ID_MAX_PRIORITY.make(r::max_priority) |
                              r::ID_VERSION.make(r::version);
    const auto changed = [this](uint32_t, uint32_t) { update_irq(); };
    m_regs.on_read(r::ID, [id_value] { return id_value; });
    m_regs.on_write(r::THRESHOLD, changed);
    m_regs.on_read(r::CLAIM, [this] { return claim(); });
    m_regs.on_write(r::COMPLETE, [this](uint32_t id, uint32_t) { complete(id); });
    for (unsigned w = 0; w < r::words; ++w) {
        m_regs.on_read(r::LEVEL[w], [this, w] { return bank_word(w, true); });
        m_regs.on_read(r::PENDING[w], [this, w] { return bank_word(w, false); });
        m_regs.on_read(r::IN_SERVICE[w], [this, w] { return m_in_service[w]; });
        // Bits of ids that do not exist stay 0 whatever is written.
        m_regs.restrict_writes(r::ENABLE[w], m_valid[w]);
        m_regs.on_write(r::ENABLE[w], changed);
    }
    for (unsigned id = 1; id < m_cfg.sources; ++id)
        m_regs.on_write(r::priority_reg(id), changed);
}

void intc::reset() {
    peripheral::reset();
    m_in_service.fill(0);
    update_irq();
}

bool intc::level(unsigned id) const {
    if (id == 0 || id >= m_cfg.sources || sources[id].size() == 0)
        return false;
    return sources[id]->read();
}

bool intc::in_service(unsigned id) const {
    return id < r::max_sources && (m_in_service[r::word_of(id)] & r::bit_of(id)) != 0;
}

uint32_t intc::bank_word(unsigned w, bool levels_only) const {
    uint32_t v = 0;
    for (unsigned b = 0; b < 32; ++b) {
        const unsigned id = 32 * w + b;
        if (levels_only ? level(id) : pending(id))
            v |= 1u << b;
    }
    return v;
}

// Pending, enabled and above the threshold: what cpu_irq announces.
bool intc::enabled(unsigned id) const {
    return id < m_cfg.sources && (m_regs.get(r::ENABLE[r::word_of(id)]) & r::bit_of(id)) != 0 &&
           r::PRIORITY_VALUE.get(m_regs.get(r::priority_reg(id))) >
               r::THRESHOLD_VALUE.get(m_regs.get(r::THRESHOLD));
}

bool intc::eligible(unsigned id) const { return pending(id) && enabled(id); }

uint32_t intc::claim() {
    unsigned best = 0;
    uint32_t best_prio = 0;
    for (unsigned id = 1; id < m_cfg.sources; ++id) {
        if (!eligible(id))
            continue;
        const uint32_t prio = r::PRIORITY_VALUE.get(m_regs.get(r::priority_reg(id)));
        if (prio > best_prio) {  // strict: ties go to the lowest id
            best = id;
            best_prio = prio;
        }
    }
    if (best != 0) {
        m_in_service[r::word_of(best)] |= r::bit_of(best);
        ++m_claims;
        update_irq();
    }
    return best;
}

void intc::complete(uint32_t id) {
    if (id == 0 || id >= m_cfg.sources || !in_service(id)) {
        warn("COMPLETE of source " + std::to_string(id) + " which is not in service");
        m_regs.set(r::STATUS, m_regs.get(r::STATUS) | r::STATUS_BAD_COMPLETE.mask());
        return;
    }
    // A level source still high is pending again from here on.
    m_in_service[r::word_of(id)] &= ~r::bit_of(id);
    update_irq();
}

}  // namespace nnvp
