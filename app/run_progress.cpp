#include "app/run_progress.h"

#include "app/network_run.h"

namespace nnvp {

run_progress::run_progress(std::ostream& os, bool enabled, const network_run* network)
    : m_os(os), m_line(os, enabled), m_network(network) {}

void run_progress::adopt_console(platform_config& cfg) {
    if (!enabled() || !cfg.cpu.echo_console)
        return;
    cfg.cpu.echo_console = false;
    m_echo = true;
}

soc::progress_fn run_progress::hook() {
    if (!enabled())
        return {};
    return [this](const soc& chip) {
        print_console(chip);
        draw(chip);
    };
}

void run_progress::draw(const soc& chip) {
    const double now = sc_core::sc_time_stamp().to_seconds();
    if (!m_network)
        return m_line.update(now, -1);
    const auto p = m_network->progress(chip);
    m_line.update(now, p.fraction, p.detail);
}

void run_progress::print_console(const soc& chip) {
    if (!m_echo)
        return;
    const auto& instants = chip.trace().instants();
    bool cleared = false;
    for (; m_instants < instants.size(); ++m_instants) {
        const timeline::instant& i = instants[m_instants];
        if (i.track != "cpu")
            continue;
        if (!cleared)
            m_os << "\r\033[K";  // the progress line goes; the next update redraws it
        cleared = true;
        m_os << console_line(i.name, sc_core::sc_time(i.at_s, sc_core::SC_SEC)) << "\n";
    }
    if (cleared)
        m_line.redraw_next();
}

void run_progress::finish(const soc& chip) {
    if (!enabled())
        return;
    print_console(chip);
    draw(chip);  // where the run ended
    m_line.finish();
}

}  // namespace nnvp
