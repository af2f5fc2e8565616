// The progress line of `nnvp run` while the simulation goes. soc::run calls
// hook() between slices of simulated time; the line shows the simulated
// time and, for network workloads, the share of NN-core steps done and the
// inference. The firmware's console lines would land in the middle of the
// line, so while the line is drawn they are printed from here, above it,
// with the same "[fw TIME]" prefix the CPU gives them.
#pragma once

#include <cstddef>
#include <ostream>
#include <string>
#include <utility>
#include <vector>

#include "app/summary.h"
#include "platform/platform_config.h"
#include "platform/soc.h"

namespace nnvp {

class network_run;

class run_progress {
public:
    // `network` may be null (bring-up programs: no percentage).
    run_progress(std::ostream& os, bool enabled, const network_run* network);

    bool enabled() const { return m_line.enabled(); }
    // Before the SoC is built: takes the console echo over when enabled.
    void adopt_console(platform_config& cfg);
    // Once the SoC is built: collects the firmware's console lines to print.
    void watch(soc& chip);
    // For soc::run (empty when disabled: the run then goes in one piece).
    soc::progress_fn hook();
    // After the run: the console lines of the last slice, the line drawn
    // where the run ended, and a newline.
    void finish(const soc& chip);

private:
    void print_console();
    void draw(const soc& chip);

    std::ostream& m_os;
    progress_line m_line;
    const network_run* m_network;
    bool m_echo = false;           // print the firmware's console lines
    std::vector<std::pair<std::string, sc_core::sc_time>> m_console;  // not printed yet
};

}  // namespace nnvp
