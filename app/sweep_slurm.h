// The Slurm backend of nnvp sweep (docs/slurm.md). The sweep folder DIR holds
// everything a cluster node needs, at absolute paths on a shared filesystem:
//   DIR/slurm.json       the sweep (its document, the scenario made absolute),
//                        the nnvp binary and every job array submitted
//   DIR/points/pNNNN.args  point NNNN's `nnvp run` arguments, one per line
//   DIR/sweep.sbatch     the array task: runs the point whose number is
//                        SLURM_ARRAY_TASK_ID into DIR/pNNNN (log.txt), writes
//                        its exit code to DIR/pNNNN/exit_code and exits with it
//   DIR/slurm/           Slurm's own output per task (%A_%a.out), sbatch's reply
// One array is submitted per sweep (`sbatch --array=0-(N-1)[%max]`); collecting
// reads the point folders into the local backend's results (app/sweep_results.h).
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "app/sweep_args.h"
#include "app/sweep_results.h"
#include "app/sweep_spec.h"

namespace nnvp {

// The job-array task script for sweep folder `dir` (absolute), run by `nnvp`.
std::string sbatch_script(const std::string& dir, const std::string& nnvp,
                          const std::string& job_name);

// sbatch's --array value: "0-3", "1,4-6" for those task ids, "%N" appended
// when max_array limits the tasks running at once.
std::string array_spec(const std::vector<std::size_t>& tasks, unsigned max_array);

// sbatch's arguments (without "sbatch") to submit `tasks` of folder `dir`.
std::vector<std::string> sbatch_arguments(const std::string& dir,
                                          const std::vector<std::size_t>& tasks,
                                          const std::string& partition, unsigned max_array);

// Writes the sweep folder `dir` (made absolute) for `spec`, read from
// `sweep_doc` (the sweep file's JSON, at `sweep_file`): slurm.json,
// points/pNNNN.args, sweep.sbatch, slurm/. Returns the absolute folder.
std::string write_slurm_folder(const std::string& dir, const std::string& sweep_file,
                               const nlohmann::json& sweep_doc, const std::string& nnvp);

// A sweep folder read back: its spec and the points' results so far. A
// point with no exit code is "missing" (exit code -1, the reason from
// Slurm's task output). config_error when `dir` is not a sweep folder.
struct slurm_sweep {
    std::string dir;
    sweep_spec spec;
    std::vector<sweep_result> results;
};
slurm_sweep read_slurm_sweep(const std::string& dir);

// Submits `tasks` of folder `dir`; the job id. std::runtime_error when sbatch
// is not on PATH, rejects the job or prints no job id. Records the job in
// DIR/slurm.json.
std::string submit_array(const std::string& dir, const std::vector<std::size_t>& tasks,
                         const sweep_args& a);

// Waits until job `job_id` has no task queued or running (polls squeue).
void wait_for_job(const std::string& dir, const std::string& job_id);

// `nnvp sweep SWEEP.json --backend slurm`: writes the folder, submits, waits
// and collects (0/1), or returns 0 at once with --no-wait.
int run_slurm_sweep(const sweep_spec& spec, const std::string& out, const sweep_args& a);

// `nnvp sweep --collect DIR [--resubmit]`: 0 when every point is ok, else 1.
int collect_slurm_sweep(const sweep_args& a);

}  // namespace nnvp
