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

void run_progress::watch(soc& chip) {
    if (m_echo)
        chip.core().on_log([this](const std::string& line, const sc_core::sc_time& at) {
            m_console.emplace_back(line, at);
        });
}

soc::progress_fn run_progress::hook() {
    if (!enabled())
        return {};
    return [this](const soc& chip) {
        print_console();
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

void run_progress::print_console() {
    if (m_console.empty())
        return;
    m_os << "\r\033[K";  // the progress line goes; the next update redraws it
    for (const auto& [line, at] : m_console)
        m_os << console_line(line, at) << "\n";
    m_console.clear();
    m_line.redraw_next();
}

void run_progress::finish(const soc& chip) {
    if (!enabled())
        return;
    print_console();
    draw(chip);  // where the run ended
    m_line.finish();
}

}  // namespace nnvp
