#include "app/warning_log.h"

#include "platform/timeline.h"

#include <systemc>

#include <iostream>
#include <vector>

namespace nnvp {

namespace {

int g_warnings = 0;

// Every warning (the first max_warning_log of them: a guest can raise millions).
struct warning_record {
    double t_s;
    std::string block, text;
};
std::vector<warning_record> g_warning_log;
constexpr std::size_t max_warning_log = 10000;
std::function<void(const std::string&)> g_on_warning;

// Warnings go to stderr and are kept for the report; errors keep the
// default behaviour (an exception out of sc_start).
void report_handler(const sc_core::sc_report& rep, const sc_core::sc_actions& actions) {
    if (rep.get_severity() == sc_core::SC_WARNING) {
        ++g_warnings;
        std::cerr << "warning: " << rep.get_msg_type() << " @ " << sc_core::sc_time_stamp()
                  << ": " << rep.get_msg() << "\n";
        std::string block = rep.get_msg_type();
        if (block.rfind("nnvp/", 0) == 0)
            block = block.substr(5);
        if (g_warning_log.size() < max_warning_log)
            g_warning_log.push_back({sc_core::sc_time_stamp().to_seconds(), block, rep.get_msg()});
        if (g_on_warning)
            g_on_warning(block + ": " + rep.get_msg());
        return;
    }
    if (rep.get_severity() == sc_core::SC_INFO) {
        // Our own information (register-access traces); the kernel's chatter
        // ("simulation stopped by user") is not news.
        if (std::string(rep.get_msg_type()).rfind("nnvp/", 0) == 0)
            std::cout << "info: " << rep.get_msg_type() << ": " << rep.get_msg() << "\n";
        return;
    }
    sc_core::sc_report_handler::default_handler(rep, actions);
}

}  // namespace

void install_warning_log(std::function<void(const std::string&)> on_warning) {
    g_on_warning = std::move(on_warning);
    sc_core::sc_report_handler::set_handler(report_handler);
}

int warning_count() { return g_warnings; }

void add_warning_log(nlohmann::json& report, timeline& trace) {
    nlohmann::json log = nlohmann::json::array();
    for (const warning_record& w : g_warning_log) {
        log.push_back({{"t_s", w.t_s}, {"block", w.block}, {"text", w.text}});
        trace.add_instant({"warnings", w.block + ": " + w.text, w.t_s});
    }
    report["sim"]["warning_log"] = std::move(log);
    if (g_warnings > static_cast<int>(g_warning_log.size()))
        report["sim"]["warning_log_note"] = "the first " + std::to_string(g_warning_log.size()) +
                                            " of " + std::to_string(g_warnings) + " warnings";
}

}  // namespace nnvp
