// `nnvp sweep --backend slurm` and `--collect` as users run them, with fake
// sbatch and squeue scripts first on PATH: what nnvp submits, how it reports
// a missing or refusing sbatch and a folder that is not a sweep, resubmitting
// only what failed, and a whole sweep through a stand-in scheduler that runs
// the array's tasks, compared row by row with the local backend.
#include <gtest/gtest.h>

#include <map>
#include <nlohmann/json.hpp>

#include "tests/app/sweep_slurm_helpers.h"

namespace {

using namespace nnvp::test::slurm;
using json = nlohmann::json;
using nnvp::test::command_result;

const std::string demo = std::string(NNVP_SOURCE_DIR) + "/scenarios/bringup/dma_tensor_demo.json";

// A sweep file of three quick points, the second one bad (its tile fits no buffer).
std::string write_sweep(const fs::path& dir) {
    write(dir / "sweep.json", R"({
      "scenario": ")" + demo + R"(",
      "set": {"firmware.args.channels": 4, "firmware.args.height": 16, "firmware.args.width": 16},
      "list": [{"firmware.args.tile": 8}, {"firmware.args.tile": 100000},
               {"firmware.args.tile": 16}]
    })");
    return (dir / "sweep.json").string();
}

// A fake sbatch in dir/bin that records its arguments (one line per call) in
// dir/sbatch_calls and prints a job id as --parsable does.
std::string fake_accepting_sbatch(const fs::path& dir) {
    write_executable(
        dir / "bin", "sbatch",
        "echo \"$*\" >> '" + (dir / "sbatch_calls").string() + "'\necho '4242;cluster'\n");
    return (dir / "bin").string() + ":/usr/bin:/bin";
}

TEST(sweep_slurm_cli, no_sbatch_on_path_is_bad_input_and_writes_nothing) {
    const fs::path dir = scratch("cli_no_sbatch");
    const command_result r = nnvp_with_path(
        (dir / "empty").string(),
        "sweep " + write_sweep(dir) + " --backend slurm --out " + (dir / "out").string());
    EXPECT_EQ(r.exit_code, 2) << r.output;
    EXPECT_NE(r.output.find("nnvp sweep: --backend slurm: sbatch is not on PATH"),
              std::string::npos)
        << r.output;
    EXPECT_FALSE(fs::exists(dir / "out"));
}

TEST(sweep_slurm_cli, a_job_that_sbatch_rejects_is_bad_input_with_sbatchs_reason) {
    const fs::path dir = scratch("cli_rejected");
    write_executable(dir / "bin", "sbatch",
                     "echo 'sbatch: error: Batch job submission failed: Invalid partition name "
                     "specified' >&2\nexit 1\n");
    const command_result r =
        nnvp_with_path((dir / "bin").string() + ":/usr/bin:/bin",
                       "sweep " + write_sweep(dir) + " --backend slurm --partition nope --out " +
                           (dir / "out").string());
    EXPECT_EQ(r.exit_code, 2) << r.output;
    EXPECT_NE(r.output.find("nnvp sweep: sbatch rejected the job array (exit code 1): sbatch: "
                            "error: Batch job submission failed: Invalid partition name"),
              std::string::npos)
        << r.output;

    write_executable(dir / "bin", "sbatch", "echo 'this is not a job id'\n");
    const command_result garbled = nnvp_with_path(
        (dir / "bin").string() + ":/usr/bin:/bin",
        "sweep " + write_sweep(dir) + " --backend slurm --out " + (dir / "out").string());
    EXPECT_EQ(garbled.exit_code, 2) << garbled.output;
    EXPECT_NE(garbled.output.find("sbatch printed no job id"), std::string::npos);
}

TEST(sweep_slurm_cli, no_wait_submits_one_array_and_collect_resubmits_only_what_failed) {
    const fs::path dir = scratch("cli_submit");
    const std::string path = fake_accepting_sbatch(dir);
    const fs::path out = fs::absolute(dir / "out");
    const command_result r =
        nnvp_with_path(path, "sweep " + write_sweep(dir) + " --backend slurm --no-wait " +
                                 "--partition long --max-array 2 --out " + out.string());
    ASSERT_EQ(r.exit_code, 0) << r.output;
    EXPECT_NE(r.output.find("3 points submitted as Slurm job array 4242"), std::string::npos)
        << r.output;
    EXPECT_NE(r.output.find("nnvp sweep --collect " + out.string()), std::string::npos);
    EXPECT_EQ(lines(read(dir / "sbatch_calls")),
              std::vector<std::string>{"--parsable --array=0-2%2 --partition=long " + out.string() +
                                       "/sweep.sbatch"});
    EXPECT_EQ(json::parse(read(out / "slurm.json"))["jobs"][0]["job_id"], "4242");

    // Nothing ran yet: every point is missing, listed, and the rows say so.
    const command_result early = nnvp_with_path(path, "sweep --collect " + out.string());
    EXPECT_EQ(early.exit_code, 1) << early.output;
    EXPECT_NE(early.output.find("p0002 missing: no exit code"), std::string::npos) << early.output;
    EXPECT_NE(early.output.find("--collect " + out.string() + " --resubmit"), std::string::npos);
    EXPECT_EQ(lines(read(out / "sweep.csv")).size(), 4u);

    // Point 0 finished ok, point 1 failed: only 1 and 2 go again.
    write(out / "p0000" / "exit_code", "0\n");
    write(out / "p0000" / "report.json", "{}");
    write(out / "p0001" / "exit_code", "2\n");
    const command_result again =
        nnvp_with_path(path, "sweep --collect " + out.string() + " --resubmit --no-wait");
    EXPECT_EQ(again.exit_code, 0) << again.output;
    EXPECT_NE(again.output.find("2 points (1-2) resubmitted as Slurm job array 4242"),
              std::string::npos)
        << again.output;
    EXPECT_EQ(lines(read(dir / "sbatch_calls")).back(),
              "--parsable --array=1-2 " + out.string() + "/sweep.sbatch");
    EXPECT_FALSE(fs::exists(out / "p0001" / "exit_code"));  // missing until it runs again
    EXPECT_TRUE(fs::exists(out / "p0000" / "exit_code"));
    EXPECT_EQ(json::parse(read(out / "slurm.json"))["jobs"].size(), 2u);
}

TEST(sweep_slurm_cli, wrong_arguments_and_folders_are_bad_input) {
    const fs::path dir = scratch("cli_args");
    const std::string sweep = write_sweep(dir);
    const std::string path = fake_accepting_sbatch(dir);
    const std::map<std::string, std::string> cases = {
        {"sweep " + sweep + " --no-wait", "need --backend slurm"},
        {"sweep " + sweep + " --backend pbs", "--backend pbs: expected local or slurm"},
        {"sweep " + sweep + " --backend slurm --max-array 0", "--max-array 0: expected"},
        {"sweep " + sweep + " --backend slurm -j 2", "-j is the local backend's"},
        {"sweep --collect " + dir.string() + " " + sweep, "--collect DIR takes no sweep file"},
        {"sweep --collect " + dir.string() + " --partition p", "go with --resubmit"},
        {"sweep " + sweep + " --resubmit", "--resubmit goes with --collect DIR"},
        {"sweep --collect " + dir.string(), "not a Slurm sweep folder"},
        {"sweep --collect " + (dir / "absent").string(), "no such folder"},
    };
    for (const auto& [args, message] : cases) {
        const command_result r = nnvp_with_path(path, args);
        EXPECT_EQ(r.exit_code, 2) << args << "\n" << r.output;
        EXPECT_NE(r.output.find("nnvp sweep: "), std::string::npos) << args << "\n" << r.output;
        EXPECT_NE(r.output.find(message), std::string::npos) << args << "\n" << r.output;
    }
    EXPECT_FALSE(fs::exists(dir / "sbatch_calls"));  // nothing was submitted
}

// The columns that differ between two runs of the same points: host wall
// time and the folder the points ran in.
std::vector<std::string> without_wall_clock(const std::string& csv) {
    std::vector<std::string> rows = lines(csv), out;
    const std::vector<std::string> header = split_csv(rows.at(0));
    for (const std::string& row : rows) {
        const std::vector<std::string> fields = split_csv(row);
        std::string kept;
        for (std::size_t i = 0; i < fields.size(); ++i)
            if (header[i] != "wall_s" && header[i] != "dir")
                kept += fields[i] + "|";
        out.push_back(kept);
    }
    return out;
}

TEST(sweep_slurm_cli, a_sweep_through_a_stand_in_scheduler_gives_the_local_rows) {
    const fs::path dir = scratch("cli_whole");
    // sbatch that runs the array's tasks (ranges "a-b" and single ids) at
    // once, one after another.
    write_executable(dir / "bin", "sbatch",
                     "for a in \"$@\"; do case \"$a\" in --array=*) spec=${a#--array=};; esac; "
                     "script=$a; done\nspec=${spec%%%*}\n"
                     "for part in $(echo \"$spec\" | tr ',' ' '); do i=${part%-*}; "
                     "while [ \"$i\" -le \"${part#*-}\" ]; do SLURM_ARRAY_TASK_ID=$i sh "
                     "\"$script\" >/dev/null 2>&1; i=$((i+1)); done; done\necho 7\n");
    // squeue: one task still running at the first look, none at the second.
    write_executable(dir / "bin", "squeue",
                     "echo \"$*\" >> '" + (dir / "squeue_calls").string() + "'\n[ -e '" +
                         (dir / "seen").string() + "' ] && exit 0\ntouch '" +
                         (dir / "seen").string() + "'\necho '7_2 RUNNING'\n");
    const std::string path = (dir / "bin").string() + ":/usr/bin:/bin";
    const std::string sweep = write_sweep(dir);
    const command_result slurm = nnvp_with_path(
        path, "sweep " + sweep + " --backend slurm --out " + (dir / "slurm").string());
    EXPECT_EQ(slurm.exit_code, 1) << slurm.output;  // the bad point
    EXPECT_NE(slurm.output.find("2 of 3 points ok"), std::string::npos) << slurm.output;
    EXPECT_NE(slurm.output.find("p0001 error (exit code 2): nnvp"), std::string::npos)
        << slurm.output;
    EXPECT_NE(slurm.output.find("job 7: 7_2 RUNNING"), std::string::npos) << slurm.output;
    const std::string squeue_call =
        "-h --jobs=7 --states=PD,CF,R,CG,RD,RF,RH,RQ,RS,SI,SO,ST,S -o %i %T";
    EXPECT_EQ(lines(read(dir / "squeue_calls")),
              (std::vector<std::string>{squeue_call, squeue_call}));
    const command_result local =
        nnvp_with_path(path, "sweep " + sweep + " -j 2 --out " + (dir / "local").string());
    EXPECT_EQ(local.exit_code, 1) << local.output;
    const std::string slurm_csv = read(dir / "slurm" / "sweep.csv");
    EXPECT_EQ(without_wall_clock(slurm_csv), without_wall_clock(read(dir / "local" / "sweep.csv")));
    EXPECT_NE(slurm_csv.find(",ok,0,8,"), std::string::npos) << slurm_csv;
}

}  // namespace
