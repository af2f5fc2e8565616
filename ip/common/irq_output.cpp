#include "ip/common/irq_output.h"

namespace nnvp {

using namespace sc_core;

irq_output::irq_output(sc_module_name name, sc_out<bool>& line, level_fn level,
                       const inputs& follow)
    : sc_module(name), m_line(line), m_level(std::move(level)) {
    SC_HAS_PROCESS(irq_output);
    // Also runs once at the start, so the line is defined from time 0.
    SC_METHOD(drive);
    sensitive << m_changed;
    for (const sc_port_base* in : follow)
        sensitive << *in;
}

// An event holds one pending notification, the earliest: a later cause
// already covered by an earlier one is drawn when that one runs, since the
// level is read from the state then.
void irq_output::update(const sc_time& offset) { m_changed.notify(offset); }

void irq_output::drive() { m_line.write(m_level()); }

}  // namespace nnvp
