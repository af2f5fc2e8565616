// One interrupt output of a block: the one place where its line is driven.
//
// Timing rule (every block): the line takes the level `level()` gives, at the
// time of the change that caused it, one delta cycle later:
//   - a change made by a register access happens at the access time,
//     sc_time_stamp() plus the initiator's temporal-decoupling offset
//     (peripheral::access_time(), which peripheral::update_irq() passes);
//   - any other change (a block's own thread or method, an input line) now.
// A line is an sc_signal, which takes one writer, while register callbacks
// run in the initiator's thread and the blocks' work in their own processes:
// so update() only schedules, and one method of this module writes the port.
// The level is computed when the method runs, from the state at that time.
#pragma once

#include <systemc>

#include <functional>
#include <vector>

namespace nnvp {

class irq_output : public sc_core::sc_module {
public:
    using level_fn = std::function<bool()>;
    // Input lines the level also depends on (an interrupt controller's
    // sources): the output follows them at once.
    using inputs = std::vector<const sc_core::sc_port_base*>;

    // Drives `line` with `level()`, from the start of the simulation on.
    irq_output(sc_core::sc_module_name name, sc_core::sc_out<bool>& line, level_fn level,
               const inputs& follow = {});

    // The state `level()` reads changed `offset` after sc_time_stamp().
    void update(const sc_core::sc_time& offset = sc_core::SC_ZERO_TIME);

private:
    void drive();

    sc_core::sc_out<bool>& m_line;
    level_fn m_level;
    sc_core::sc_event m_changed;
};

}  // namespace nnvp
