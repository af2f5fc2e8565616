// The Slurm backend's parts that need no cluster, in process: the sweep
// folder (argument files, task script), the --array value, and collecting a
// hand-made folder of point results with ok, failed and missing points.
#include "app/sweep_slurm.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "app/sweep.h"
#include "tests/app/sweep_slurm_helpers.h"

namespace {

using namespace nnvp::test::slurm;
using json = nlohmann::json;

// A sweep of `n` points over workload.name (values with a space and quotes,
// which the task must hand to nnvp run unchanged) of a stand-in scenario.
json sweep_doc(const fs::path& dir, int n) {
    write(dir / "scenario.json", "{}\n");
    json names = json::array();
    for (int i = 0; i < n; ++i)
        names.push_back("net " + std::to_string(i) + " 'q' \"d\"");
    return {{"scenario", "scenario.json"},
            {"set", {{"mode", "timing"}}},
            {"grid", {{"workload.name", names}}}};
}

std::string make_folder(const fs::path& dir, int n, const std::string& nnvp) {
    const json doc = sweep_doc(dir, n);
    write(dir / "sweep.json", doc.dump());
    return nnvp::write_slurm_folder((dir / "out").string(), (dir / "sweep.json").string(), doc,
                                    nnvp);
}

TEST(sweep_slurm, the_array_value_lists_ranges_and_the_limit) {
    EXPECT_EQ(nnvp::array_spec({0, 1, 2, 3}, 0), "0-3");
    EXPECT_EQ(nnvp::array_spec({0, 1, 2, 3}, 2), "0-3%2");
    EXPECT_EQ(nnvp::array_spec({7}, 0), "7");
    EXPECT_EQ(nnvp::array_spec({1, 4, 5, 6, 9}, 3), "1,4-6,9%3");
    const auto args = nnvp::sbatch_arguments("/s/d", {0, 1, 2}, "long", 4);
    EXPECT_EQ(args, (std::vector<std::string>{"--parsable", "--array=0-2%4", "--partition=long",
                                              "/s/d/sweep.sbatch"}));
    EXPECT_EQ(nnvp::sbatch_arguments("/s/d", {2, 5}, "", 0),
              (std::vector<std::string>{"--parsable", "--array=2,5", "/s/d/sweep.sbatch"}));
}

TEST(sweep_slurm, the_folder_holds_each_points_run_arguments_and_the_task_script) {
    const fs::path dir = scratch("folder");
    const std::string out = make_folder(dir, 3, "/opt/nn vp/nnvp");
    EXPECT_TRUE(fs::path(out).is_absolute());
    const nnvp::sweep_spec spec = nnvp::load_sweep((dir / "sweep.json").string());
    for (std::size_t i = 0; i < 3; ++i) {
        std::vector<std::string> expected =
            nnvp::point_arguments(spec, i, out + "/" + nnvp::point_name(i));
        expected[1] = fs::absolute(expected[1]).lexically_normal().string();  // the scenario
        EXPECT_EQ(lines(read(fs::path(out) / "points" / (nnvp::point_name(i) + ".args"))),
                  expected);
    }
    const std::string script = read(fs::path(out) / "sweep.sbatch");
    EXPECT_NE(script.find("#SBATCH --output=" + out + "/slurm/%A_%a.out\n"), std::string::npos);
    EXPECT_NE(script.find("#SBATCH --job-name=nnvp-sweep\n"), std::string::npos);
    EXPECT_NE(script.find("nnvp='/opt/nn vp/nnvp'\n"), std::string::npos) << script;
    EXPECT_TRUE(fs::is_directory(fs::path(out) / "slurm"));
    const json manifest = json::parse(read(fs::path(out) / "slurm.json"));
    EXPECT_EQ(manifest["points"], 3);
    EXPECT_EQ(manifest["jobs"], json::array());
}

TEST(sweep_slurm, a_task_runs_its_point_with_the_arguments_unchanged_and_keeps_the_exit_code) {
    const fs::path dir = scratch("task");
    // A stand-in nnvp: prints each argument in brackets, writes a report, exits 3.
    write_executable(dir, "fake_nnvp",
                     "for a in \"$@\"; do printf '[%s]\\n' \"$a\"; done\n"
                     "echo '{}' > \"$4/report.json\"\nexit 3\n");
    const std::string out = make_folder(dir, 3, (dir / "fake_nnvp").string());
    const auto r = nnvp::test::run_command("SLURM_ARRAY_TASK_ID=1 sh " + out + "/sweep.sbatch");
    EXPECT_EQ(r.exit_code, 3) << r.output;
    EXPECT_EQ(read(fs::path(out) / "p0001" / "exit_code"), "3\n");
    std::string expected;
    for (const std::string& a : lines(read(fs::path(out) / "points" / "p0001.args")))
        expected += "[" + a + "]\n";
    EXPECT_EQ(read(fs::path(out) / "p0001" / "log.txt"), expected);
    EXPECT_NE(expected.find("[--set]\n[workload.name=\"net 1 'q' \\\"d\\\"\"]\n"),
              std::string::npos)
        << expected;
    EXPECT_FALSE(fs::exists(fs::path(out) / "p0000"));  // only its own point

    // A task number with no point fails as bad input, touching nothing.
    const auto bad =
        nnvp::test::run_command("SLURM_ARRAY_TASK_ID=9 sh " + out + "/sweep.sbatch 2>&1");
    EXPECT_EQ(bad.exit_code, 2);
    EXPECT_NE(bad.output.find("p0009.args: no such point"), std::string::npos) << bad.output;
}

// A report with the headline metrics the sweep rows read.
std::string report(double energy, double latency) {
    return json{{"sim", {{"simulated_s", latency}, {"wall_s", 0.25}}},
                {"power", {{"energy_j", energy}}},
                {"inferences",
                 {{{"index", 0},
                   {"start_s", 0},
                   {"end_s", latency},
                   {"latency_s", latency},
                   {"deadline_met", true}}}}}
        .dump();
}

TEST(sweep_slurm, collecting_reads_ok_failed_and_missing_points) {
    const fs::path dir = scratch("collect");
    const fs::path out = make_folder(dir, 4, "/bin/false");
    write(out / "p0000" / "exit_code", "0\n");
    write(out / "p0000" / "report.json", report(2e-3, 1e-3));
    write(out / "p0001" / "exit_code", "0\n");
    write(out / "p0001" / "report.json", report(1e-3, 3e-3));
    write(out / "p0002" / "exit_code", "2\n");
    write(out / "p0002" / "log.txt", "loading\nnvnp? no\nnnvp: scenario.json: bad thing\nbye\n");
    write(out / "slurm" / "55_3.out",
          "slurmstepd: error: *** JOB 58 ON vm CANCELLED AT 2026-12-07T20:00:00 DUE TO TIME "
          "LIMIT ***\n");

    const nnvp::slurm_sweep sw = nnvp::read_slurm_sweep(out.string());
    ASSERT_EQ(sw.results.size(), 4u);
    EXPECT_EQ(sw.results[0].status, "ok");
    EXPECT_EQ(sw.results[1].status, "ok");
    EXPECT_EQ(sw.results[2].status, "error");
    EXPECT_EQ(sw.results[2].exit_code, 2);
    EXPECT_EQ(sw.results[2].error, "nnvp: scenario.json: bad thing");
    EXPECT_EQ(sw.results[3].status, "missing");
    EXPECT_EQ(sw.results[3].exit_code, -1);
    EXPECT_NE(sw.results[3].error.find("55_3.out: slurmstepd: error: *** JOB 58"),
              std::string::npos)
        << sw.results[3].error;
    EXPECT_EQ(sw.results[0].dir, (out / "p0000").string());
    // Collected points are recorded as the local backend records them.
    const json point = json::parse(read(out / "p0002" / "point.json"));
    EXPECT_EQ(point["exit_code"], 2);
    EXPECT_EQ(point["arguments"], json(lines(read(out / "points" / "p0002.args"))));

    // Rows exactly as the local backend writes them for the same results.
    EXPECT_EQ(nnvp::write_sweep_outputs(out.string(), sw.spec, sw.results), 1);
    std::ostringstream local;
    nnvp::write_sweep_csv(local, sw.spec, sw.results);
    const auto rows = lines(read(out / "sweep.csv"));
    EXPECT_EQ(rows, lines(local.str()));
    ASSERT_EQ(rows.size(), 5u);
    const auto header = split_csv(rows[0]);
    std::map<std::string, std::size_t> col;
    for (std::size_t i = 0; i < header.size(); ++i)
        col[header[i]] = i;
    EXPECT_EQ(split_csv(rows[1])[col["energy_j"]], "0.002");
    EXPECT_EQ(split_csv(rows[1])[col["pareto_energy_j_latency_s"]], "1");
    EXPECT_EQ(split_csv(rows[2])[col["pareto_energy_j_latency_s"]], "1");
    EXPECT_EQ(split_csv(rows[3])[col["status"]], "error");
    EXPECT_EQ(split_csv(rows[4])[col["status"]], "missing");
    EXPECT_EQ(split_csv(rows[4])[col["exit_code"]], "-1");
    EXPECT_EQ(split_csv(rows[4])[col["energy_j"]], "");
    EXPECT_NE(read(out / "sweep.html").find("4 points, 2 ok, 2 failed"), std::string::npos);
}

TEST(sweep_slurm, a_folder_that_is_not_a_sweep_is_refused) {
    const fs::path dir = scratch("not_a_sweep");
    EXPECT_THROW(nnvp::read_slurm_sweep((dir / "absent").string()), std::runtime_error);
    EXPECT_THROW(nnvp::read_slurm_sweep(dir.string()), std::runtime_error);
    write(dir / "slurm.json", "{\"nnvp_sweep\": \"local\"}");
    EXPECT_THROW(nnvp::read_slurm_sweep(dir.string()), std::runtime_error);
    // A folder whose point files were removed is not complete.
    const std::string out = make_folder(dir, 2, "/bin/false");
    fs::remove(fs::path(out) / "points" / "p0001.args");
    try {
        nnvp::read_slurm_sweep(out);
        ADD_FAILURE() << "accepted";
    } catch (const std::exception& e) {
        EXPECT_NE(std::string(e.what()).find("p0001.args is missing"), std::string::npos)
            << e.what();
    }
}

}  // namespace
