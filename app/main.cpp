// nnvp: the command line of the virtual platform.
//   nnvp run SCENARIO.json [--out DIR] [--set key.path=value ...] [--firmware LIB] [--progress]
//   nnvp programs [--firmware LIB]  lists the firmware programs a scenario can boot
//   nnvp info NETWORK [--json]  layer table of a network (app/info.h)
// Exit codes: 0 success, 1 a check failed (firmware failed, hung, or hit the
// time limit), 2 bad input.
#include "app/compare.h"
#include "app/html_report.h"
#include "app/check.h"
#include "app/firmware_library.h"
#include "app/firmware_staging.h"
#include "app/info.h"
#include "app/network_run.h"
#include "app/layers_csv.h"
#include "app/memory_budget.h"
#include "app/output_dir.h"
#include "app/report.h"
#include "app/run_progress.h"
#include "app/time_budget.h"
#include "app/summary.h"
#include "app/warning_log.h"
#include "app/sweep.h"
#include "app/scenario.h"
#include "firmware/programs/registry.h"

#include <systemc>

#include <cstdlib>
#include <filesystem>
#include <malloc.h>
#include <fstream>
#include <memory>
#include <optional>
#include <iostream>
#include <unistd.h>

namespace {

void usage(std::ostream& os) {
    os << "usage:\n"
          "  nnvp run SCENARIO.json [--out DIR] [--set key.path=value ...] [--firmware LIB]\n"
          "           [--progress] [--break-on-warning] [--max-memory GB] [--max-hours H]\n"
          "           [--outputs all|report] [--package-cache CACHE_DIR]\n"
          "      Runs a scenario; writes DIR/report.json (default DIR: runs/<scenario name>).\n"
          "      --outputs report writes report.json and layers.csv only (no trace.json,\n"
          "      power.vcd, report.html). --package-cache reuses the compiled package of an\n"
          "      earlier run with the same build inputs from CACHE_DIR (docs/outputs.md).\n"
          "      --set platform.<block>.<param>=V overrides the platform config,\n"
          "      any other key the scenario (e.g. firmware.args.tile=32 with\n"
          "      scenarios/bringup/dma_tensor_demo.json).\n"
          "      --firmware LIB loads the firmware library LIB (built with the SDK's\n"
          "      nnvp_add_firmware, docs/bringup.md) instead of the scenario's\n"
          "      firmware.library; firmware.program then names one of its programs.\n"
          "      A progress line is drawn while it runs when stdout is a terminal\n"
          "      (--progress: always). --break-on-warning stops the run at the first\n"
          "      warning (platform.break_on_warning; traps when a debugger is attached).\n"
          "      --max-memory GB raises the memory a run may be estimated to need\n"
          "      (max_memory_gb, default 8; docs/bad_input.md); --max-hours H the\n"
          "      wall-clock time (max_estimated_hours, default 24).\n"
          "  nnvp programs [--firmware LIB]\n"
          "      Lists the built-in firmware programs (or LIB's) and their arguments.\n"
          "  nnvp info NETWORK|MODEL.onnx [--json] [--input-shape NAME=D,D,...]\n"
          "      Layer table of a zoo network or model: shapes, MACs, weights, activations,\n"
          "      totals split into CONV and FC (nnvp info --help lists the networks); a\n"
          "      model: its steps as nnvp check and run import them, where each runs,\n"
          "      with what was fused.\n"
          "  nnvp check CASE_DIR [--platform FILE] [--mode functional]\n"
          "      Runs an ONNX backend test case (model.onnx, test_data_set_*) and compares\n"
          "      the outputs: exit 0 match, 1 mismatch, 2 unsupported or bad input.\n"
          "  nnvp sweep SWEEP.json [-j N] [--out DIR]\n"
          "      Runs a grid or list of --set variants of a scenario, N in parallel;\n"
          "      writes DIR/sweep.csv and DIR/sweep.html (docs/outputs.md).\n"
          "  nnvp sweep SWEEP.json --backend slurm [--out DIR] [--no-wait] [--partition P]\n"
          "             [--max-array N]\n"
          "      Submits the points as one Slurm job array (one nnvp run per task) and\n"
          "      waits for it; --no-wait prints the job id and returns (docs/slurm.md).\n"
          "  nnvp sweep --collect DIR [--resubmit]\n"
          "      Writes DIR/sweep.csv and sweep.html from the tasks that finished, lists\n"
          "      the failed or missing ones; --resubmit runs those again as a new array.\n"
          "  nnvp compare REPORT_A REPORT_B\n"
          "      Headline and per-layer metrics of two runs side by side, with ratios.\n";
}

int list_programs(int argc, char* argv[]) {
    std::vector<const nnvp::fw::program*> list;
    if (argc == 4 && std::string(argv[2]) == "--firmware") {
        list = nnvp::load_firmware_library(argv[3], "--firmware").programs;
    } else if (argc == 2) {
        for (const auto& p : nnvp::fw::programs())
            list.push_back(&p);
    } else {
        usage(std::cerr);
        return 2;
    }
    for (const nnvp::fw::program* prog : list) {
        const nnvp::fw::program& p = *prog;
        std::cout << p.name << ": " << p.summary << "\n";
        for (const auto& a : p.args)
            std::cout << "    " << a.name << " (default " << a.default_value << ", " << a.min
                      << ".." << a.max << "): " << a.help << "\n";
    }
    return 0;
}

// report.json, trace.json, layers.csv, power.vcd and report.html in
// `out_dir` (report.json and layers.csv alone with `report_only`: sweeps
// read nothing else), and the summary on stdout.
void write_outputs(const std::string& out_dir, const nlohmann::json& report, nnvp::soc& chip,
                   const nnvp::run_outcome& outcome, bool report_only) {
    {
        std::ofstream json(out_dir + "/report.json");
        json << report.dump(2) << "\n";
        nnvp::finish_output_file(json, out_dir + "/report.json");
        std::ofstream csv(out_dir + "/layers.csv");
        nnvp::write_layers_csv(csv, report);
        nnvp::finish_output_file(csv, out_dir + "/layers.csv");
    }
    if (report_only) {
        // An earlier run's files would no longer belong to this report.
        std::error_code ec;
        for (const char* stale : {"/trace.json", "/power.vcd", "/report.html"})
            std::filesystem::remove(out_dir + stale, ec);
        nnvp::print_summary_table(std::cout, report);
        std::cout << "\nreport: " << out_dir
                  << "/report.json (layers.csv beside it; --outputs report: no trace.json, "
                     "power.vcd or report.html)\n";
        return;
    }
    {
        std::ofstream trace(out_dir + "/trace.json");
        chip.trace().write_trace_json(trace);
        nnvp::finish_output_file(trace, out_dir + "/trace.json");
        std::ofstream vcd(out_dir + "/power.vcd");
        chip.trace().write_vcd(vcd, outcome.simulated.to_seconds());
        nnvp::finish_output_file(vcd, out_dir + "/power.vcd");
    }
    // The power counters trace.json holds, without reading the file back.
    nnvp::power_series counters;
    chip.trace().for_each_sample([&counters](const std::string& signal, double at_s, double value) {
        nnvp::add_counter(counters, signal, at_s * 1e6, value);
    });
    nnvp::sort_by_time(counters);
    nnvp::write_html_report(out_dir, report, &counters);
    nnvp::print_summary_table(std::cout, report);
    std::cout << "\nreport: " << out_dir
              << "/report.json (report.html, layers.csv, trace.json, power.vcd beside it)\n";
}

struct run_args {
    std::string scenario_path, out_dir, firmware;
    std::string package_cache;  // --package-cache DIR (app/package_cache.h)
    std::vector<std::pair<std::string, nlohmann::json>> overrides;
    bool force_progress = false;
    bool report_only = false;  // --outputs report
};

// `nnvp run`'s arguments; false (after a message) when they are wrong.
bool parse_run_args(int argc, char* argv[], run_args& r) {
    for (int i = 2; i < argc; ++i) {
        const std::string a = argv[i];
        if (a == "--progress") {
            r.force_progress = true;
        } else if (a == "--max-memory" && i + 1 < argc) {
            r.overrides.emplace_back("max_memory_gb", nnvp::parse_override_value(argv[++i]));
        } else if (a == "--max-hours" && i + 1 < argc) {
            r.overrides.emplace_back("max_estimated_hours", nnvp::parse_override_value(argv[++i]));
        } else if (a == "--break-on-warning") {
            r.overrides.emplace_back("platform.break_on_warning", true);
        } else if (a == "--firmware" && i + 1 < argc) {
            r.firmware = argv[++i];
        } else if (a == "--out" && i + 1 < argc) {
            r.out_dir = argv[++i];
        } else if (a == "--package-cache" && i + 1 < argc) {
            r.package_cache = argv[++i];
        } else if (a == "--outputs" && i + 1 < argc) {
            const std::string which = argv[++i];
            if (which != "all" && which != "report") {
                std::cerr << "nnvp: --outputs " << which << ": expected all or report\n";
                return false;
            }
            r.report_only = which == "report";
        } else if (a == "--set" && i + 1 < argc) {
            const std::string kv = argv[++i];
            const auto eq = kv.find('=');
            if (eq == std::string::npos || eq == 0) {
                std::cerr << "nnvp: --set " << kv << ": expected key.path=value\n";
                return false;
            }
            r.overrides.emplace_back(kv.substr(0, eq),
                                     nnvp::parse_override_value(kv.substr(eq + 1)));
        } else if (r.scenario_path.empty() && a.rfind("--", 0) != 0) {
            r.scenario_path = a;
        } else {
            std::cerr << "nnvp: unexpected argument \"" << a << "\"\n";
            usage(std::cerr);
            return false;
        }
    }
    if (r.scenario_path.empty()) {
        usage(std::cerr);
        return false;
    }
    return true;
}

// The exit code of a finished run, with a line on stderr saying why it ended
// when it did not halt cleanly.
int end_status(const nnvp::run_outcome& outcome, const nnvp::scenario& sc, bool network_ok) {
    if (!outcome.stopped_by.empty()) {
        std::cerr << "nnvp: the run stopped at " << outcome.simulated.to_seconds()
                  << " s simulated: " << outcome.stopped_by << "\n";
        return 1;
    }
    if (!outcome.warning_break.empty()) {
        std::cerr << "nnvp: stopped at the first warning (break_on_warning) at "
                  << outcome.simulated.to_seconds() << " s simulated: " << outcome.warning_break
                  << "\n";
        return 1;
    }
    // What the CPU was blocked on, and the blocks still busy.
    std::string busy;
    for (const std::string& b : outcome.busy)
        busy += (busy.empty() ? "" : ", ") + b;
    const std::string stuck = "\nnnvp: the CPU was " + outcome.blocked_on + "; busy: " +
                              (busy.empty() ? "nothing" : busy) + "\n";
    if (outcome.wall_limit) {
        std::cerr << "nnvp: the run reached max_wall_s = " << sc.max_wall_s
                  << " s of wall-clock time at " << outcome.simulated.to_seconds()
                  << " s simulated" << stuck;
        return 1;
    }
    if (outcome.starved) {
        std::cerr << "nnvp: the firmware stopped making progress (nothing left to happen)"
                  << stuck;
        return 1;
    }
    if (outcome.time_limit) {
        std::cerr << "nnvp: the firmware did not finish within max_simulated_s = "
                  << sc.max_simulated_s << " s" << stuck;
        return 1;
    }
    return outcome.exit_code == 0 && network_ok ? 0 : 1;
}

int run(int argc, char* argv[]) {
    run_args ra;
    if (!parse_run_args(argc, argv, ra))
        return 2;
    std::string out_dir = ra.out_dir;
    nnvp::scenario sc;
    try {
        sc = nnvp::load_scenario(ra.scenario_path, ra.overrides, ra.firmware);
        sc.package_cache = ra.package_cache;
        nnvp::check_memory_budget(sc);
        nnvp::check_time_budget(sc);
    } catch (const nnvp::config_error& e) {
        std::cerr << "nnvp: " << e.what() << "\n";
        return 2;
    }
    if (out_dir.empty())
        out_dir = "runs/" + sc.name;
    try {
        nnvp::prepare_output_dir(out_dir, "--out");
    } catch (const nnvp::config_error& e) {
        std::cerr << "nnvp: " << e.what() << "\n";
        return 2;
    }

    std::unique_ptr<nnvp::network_run> network;
    if (sc.workload)
        network = std::make_unique<nnvp::network_run>(sc);  // compiles; sets the program's args
    // What the host stages in DRAM for the program (the NN-core demos).
    std::optional<nnvp::firmware_staging> staging;
    try {
        // Only the built-in NN-core demos get data staged by the host.
        if (sc.library.empty())
            staging = nnvp::stage_firmware(*sc.program, sc.args, sc.platform);
        if (staging)
            sc.args = nnvp::with_staging(*sc.program, sc.args, *staging);
    } catch (const nnvp::config_error& e) {
        std::cerr << "nnvp: " << sc.file << ": " << e.what() << "\n";
        return 2;
    }

    // On a terminal (or with --progress) a progress line is drawn between
    // slices of the run; the same events either way.
    nnvp::run_progress progress(std::cout, ra.force_progress || isatty(STDOUT_FILENO) != 0,
                                network.get());
    progress.adopt_console(sc.platform);
    nnvp::soc* chip_ptr = nullptr;
    nnvp::install_warning_log([&chip_ptr](const std::string& text) {
        if (chip_ptr)
            chip_ptr->on_warning(text);
    });
    nnvp::soc chip("soc", sc.platform);
    chip_ptr = &chip;
    progress.watch(chip);
    chip.set_wall_limit(sc.max_wall_s);
    if (network)
        network->preload(chip);
    if (staging)
        nnvp::preload(*staging, chip);
    const nnvp::fw::program* program = sc.program;
    const nnvp::fw::program_args args = sc.args;
    std::cout << "nnvp: running " << sc.name << " (" << program->name << ") on "
              << sc.platform.name << "\n";
    const nnvp::run_outcome outcome = chip.run(
        [program, args](nnvp::fw::hal& hal) { return program->entry(hal, args); },
        sc_core::sc_time(sc.max_simulated_s, sc_core::SC_SEC), progress.hook());
    progress.finish(chip);

    nlohmann::json report = nnvp::make_report(sc, chip, outcome, nnvp::warning_count());
    nnvp::add_warning_log(report, chip.trace());
    const bool network_ok = !network || network->finish(chip, outcome, report);
    try {
        write_outputs(out_dir, report, chip, outcome, ra.report_only);
    } catch (const std::runtime_error& e) {  // the disk filled, or the folder went away
        std::cerr << "nnvp: the outputs could not be written: " << e.what() << "\n";
        return 2;
    }
    return end_status(outcome, sc, network_ok);
}

}  // namespace

int sc_main(int argc, char* argv[]) {
    // The host side (weights, quantizer, compiler) allocates and frees many
    // large short-lived tensors. glibc would serve each from fresh mmap'ed
    // pages, and faulting those in cost more than the work itself (perf on
    // bench/compile_bench: a third of ResNet-50's preparation). Keep freed
    // blocks up to the largest mmap threshold glibc allows in the heap.
    mallopt(M_MMAP_THRESHOLD, 32 * 1024 * 1024);
    mallopt(M_TRIM_THRESHOLD, 512 * 1024 * 1024);
    const std::string cmd = argc > 1 ? argv[1] : "";
    try {
        if (cmd == "run")
            return run(argc, argv);
        if (cmd == "programs")
            return list_programs(argc, argv);
        if (cmd == "info")
            return nnvp::run_info(argc, argv);
        if (cmd == "check")
            return nnvp::run_check(argc, argv);
        if (cmd == "sweep")
            return nnvp::run_sweep(argc, argv);
        if (cmd == "compare")
            return nnvp::run_compare(argc, argv);
        if (cmd == "help" || cmd == "--help" || cmd == "-h") {
            usage(std::cout);
            return 0;
        }
    } catch (const nnvp::config_error& e) {
        std::cerr << "nnvp: " << e.what() << "\n";
        return 2;
    } catch (const std::exception& e) {
        std::cerr << "nnvp: internal error: " << e.what() << "\n";
        return 3;
    }
    usage(std::cerr);
    return 2;
}

// Our own main (instead of the library's) so that the kernel's banner, which
// would clutter every run's output, is switched off before the kernel starts.
int main(int argc, char* argv[]) {
    setenv("SYSTEMC_DISABLE_COPYRIGHT_MESSAGE", "1", 1);
    return sc_core::sc_elab_and_sim(argc, argv);
}
