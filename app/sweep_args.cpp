#include "app/sweep_args.h"

#include <cstdint>
#include <ostream>

#include "ip/common/config_reader.h"

namespace nnvp {

void sweep_usage(std::ostream& os) {
    os << "usage: nnvp sweep SWEEP.json [-j N] [--out DIR]\n"
          "       nnvp sweep SWEEP.json --backend slurm [--out DIR] [--no-wait]\n"
          "                  [--partition P] [--max-array N]\n"
          "       nnvp sweep --collect DIR [--resubmit [--no-wait] [--partition P]\n"
          "                  [--max-array N]]\n"
          "  Runs every point of SWEEP.json (docs/outputs.md) as its own nnvp run, N at a time\n"
          "  (default: the number of cores); writes DIR/sweep.csv, DIR/sweep.html and one run\n"
          "  folder per point (default DIR: runs/sweep-<name of SWEEP.json>). Finished points\n"
          "  are not run again.\n"
          "  --backend slurm submits one Slurm job array instead, one task per point\n"
          "  (docs/slurm.md), waits for it (--no-wait: prints the job id and returns) and\n"
          "  collects; --max-array N runs at most N tasks at once. --collect DIR writes\n"
          "  sweep.csv and sweep.html from the tasks that finished and lists the others;\n"
          "  --resubmit submits those again as a new array.\n";
}

namespace {

// `--max-array N` / `-j N`: a whole number 1..1024 (0 after a message).
unsigned count_option(const std::string& name, const char* text, std::ostream& err) {
    uint64_t n = 0;
    if (!parse_uint(text, n) || n < 1 || n > 1024) {
        err << "nnvp sweep: " << name << " " << text << ": expected a whole number 1..1024\n";
        return 0;
    }
    return static_cast<unsigned>(n);
}

// The combination rules, once every argument is read.
bool check_combination(const sweep_args& a, bool slurm_option, std::ostream& err) {
    const auto fail = [&err](const std::string& why) {
        err << "nnvp sweep: " << why << "\n";
        sweep_usage(err);
        return false;
    };
    if (!a.collect.empty()) {
        if (!a.file.empty())
            return fail("--collect DIR takes no sweep file (the folder records its own)");
        if (a.jobs != 0 || a.backend != "local" || !a.out.empty())
            return fail("--collect DIR takes no -j, --backend or --out");
        if (slurm_option && !a.resubmit)
            return fail("--no-wait, --partition and --max-array go with --resubmit");
        return true;
    }
    if (a.resubmit)
        return fail("--resubmit goes with --collect DIR");
    if (a.file.empty())
        return fail("expected a sweep file or --collect DIR");
    if (a.backend == "slurm" && a.jobs != 0)
        return fail("-j is the local backend's; Slurm runs the tasks (--max-array N limits them)");
    if (a.backend == "local" && slurm_option)
        return fail("--no-wait, --partition and --max-array need --backend slurm");
    return true;
}

}  // namespace

bool parse_sweep_args(int argc, char* argv[], sweep_args& a, std::ostream& err) {
    bool slurm_option = false;
    for (int i = 2; i < argc; ++i) {
        const std::string arg = argv[i];
        const bool has_value = i + 1 < argc;
        if (arg == "-j" && has_value) {
            if ((a.jobs = count_option("-j", argv[++i], err)) == 0)
                return false;
        } else if (arg == "--max-array" && has_value) {
            if ((a.max_array = count_option("--max-array", argv[++i], err)) == 0)
                return false;
            slurm_option = true;
        } else if (arg == "--backend" && has_value) {
            a.backend = argv[++i];
            if (a.backend != "local" && a.backend != "slurm") {
                err << "nnvp sweep: --backend " << a.backend << ": expected local or slurm\n";
                return false;
            }
        } else if (arg == "--partition" && has_value && argv[i + 1][0] != '\0') {
            a.partition = argv[++i];
            slurm_option = true;
        } else if (arg == "--out" && has_value) {
            a.out = argv[++i];
        } else if (arg == "--collect" && has_value) {
            a.collect = argv[++i];
        } else if (arg == "--no-wait") {
            a.wait = false;
            slurm_option = true;
        } else if (arg == "--resubmit") {
            a.resubmit = true;
        } else if (arg == "-h" || arg == "--help") {
            a.help = true;
            return true;
        } else if (a.file.empty() && arg.rfind("-", 0) != 0) {
            a.file = arg;
        } else {
            err << "nnvp sweep: unexpected argument \"" << arg << "\"\n";
            sweep_usage(err);
            return false;
        }
    }
    return check_combination(a, slurm_option, err);
}

}  // namespace nnvp
