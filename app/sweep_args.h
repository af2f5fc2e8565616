// The arguments of `nnvp sweep`, for both backends, read strictly: an option
// that does not fit the backend or the mode is refused, not ignored.
#pragma once

#include <iosfwd>
#include <string>

namespace nnvp {

struct sweep_args {
    std::string file;               // SWEEP.json (empty with --collect)
    std::string out;                // --out DIR (empty: runs/sweep-<name>)
    unsigned jobs = 0;              // -j N (0: the number of cores)
    std::string backend = "local";  // "local" or "slurm"
    bool wait = true;               // false with --no-wait
    std::string partition;          // --partition P
    unsigned max_array = 0;         // --max-array N: array tasks running at once (0: no limit)
    std::string collect;            // --collect DIR
    bool resubmit = false;          // --resubmit (with --collect)
    bool help = false;
};

// Parses argv[2..]; false after printing `nnvp sweep: <what is wrong>` and the
// usage to `err`.
bool parse_sweep_args(int argc, char* argv[], sweep_args& a, std::ostream& err);

void sweep_usage(std::ostream& os);

}  // namespace nnvp
