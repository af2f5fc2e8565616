// What a run prints on stdout: a compact table of the headline numbers,
// energy by component and the busiest layers (built from report.json), and a
// progress line for long runs when stdout is a terminal.
#pragma once

#include <nlohmann/json.hpp>
#include <ostream>
#include <string>

namespace nnvp {

// The summary table; every section is optional (bring-up runs have no layers).
// At most `max_layers` layer rows, the ones with the most cycles, in run order.
void print_summary_table(std::ostream& os, const nlohmann::json& report,
                         std::size_t max_layers = 12);

// "\r[ 42%] 4.20 ms simulated, inference 3 of 8" rewritten in place.
// Silent unless `enabled` (by default: stdout is a terminal), so logs and
// test output stay clean; finish() ends the line.
class progress_line {
public:
    explicit progress_line(std::ostream& os);
    progress_line(std::ostream& os, bool enabled);

    bool enabled() const { return m_enabled; }
    // `fraction` of the work done, in [0, 1]; negative when unknown (no
    // percentage). `detail` is appended. Redraws at most once per percent (or
    // per doubling of simulated time when the fraction is unknown), so calling
    // it per slice of the run is cheap.
    void update(double simulated_s, double fraction, const std::string& detail = "");
    void finish();
    // The line was wiped (other output went above it): draw at the next update.
    void redraw_next();

private:
    std::ostream& m_os;
    bool m_enabled;
    int m_last_percent = -1;
    double m_next_s = 0;
    bool m_drawn = false;
};

// The text update() draws, without the carriage return (for tests).
std::string progress_text(double simulated_s, double fraction, const std::string& detail);

}  // namespace nnvp
