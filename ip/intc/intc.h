// Interrupt controller: level-sensitive sources, priorities and a threshold,
// claim/complete, one interrupt output to the CPU. The register map and its
// semantics are described in intc_regs.h.
#pragma once

#include "ip/common/config_reader.h"
#include "ip/common/energy_meter.h"
#include "ip/common/peripheral.h"
#include "arch/regs/intc_regs.h"

#include <systemc>

#include <array>
#include <cstdint>

namespace nnvp {

struct intc_config {
    unsigned sources = 32;         // ids including the reserved 0: lines 1..sources-1
    unsigned access_cycles = 1;    // register access latency in the block's clock
    double access_pj = 0.5;        // assumption: one 32-bit register-file access, 45 nm
    double leakage_mw = 0.01;      // assumption: ~2k gates of flops and comparators
};
intc_config parse_intc_config(const config_node& node);

class intc : public peripheral {
public:
    // A source line that may be left unbound (an unused id reads as low).
    using source_port =
        sc_core::sc_port<sc_core::sc_signal_in_if<bool>, 1, sc_core::SC_ZERO_OR_MORE_BOUND>;

    sc_core::sc_vector<source_port> sources;  // index = source id; [0] is reserved
    sc_core::sc_out<bool> cpu_irq;

    intc(sc_core::sc_module_name name, clock_domain& clk, const intc_config& cfg = {});

    void reset() override;

    unsigned num_sources() const { return m_cfg.sources; }
    // Model-side views (tests, trace).
    bool level(unsigned id) const;
    bool pending(unsigned id) const { return level(id) && !in_service(id); }
    // Source `id` can interrupt: enabled, with a priority above THRESHOLD.
    bool enabled(unsigned id) const;
    bool in_service(unsigned id) const;
    uint64_t claims() const { return m_claims; }
    energy_meter& energy() { return m_energy; }

private:
    void add_registers();
    uint32_t bank_word(unsigned w, bool levels_only) const;
    bool eligible(unsigned id) const;
    uint32_t claim();
    void complete(uint32_t id);

    intc_config m_cfg;
    std::array<uint32_t, intc_regs::words> m_in_service{};
    std::array<uint32_t, intc_regs::words> m_valid{};  // ids that exist (not 0)
    uint64_t m_claims = 0;
    energy_meter m_energy;
};

}  // namespace nnvp
