// The runtime on the assembled SoC: the test builds the sample network's
// package and stages it in DRAM; the runtime loads (validates) and runs it:
// NN-core steps through the driver and the completion interrupt, softmax
// (and a fully connected layer, when placed there) on the CPU.
#include <algorithm>
#include <random>

#include "firmware/programs/board.h"
#include "firmware/programs/program.h"
#include "firmware/runtime/nn_runtime.h"
#include "platform/soc.h"
#include "arch/nncore/stream.h"
#include "sw/compiler/sample_network.h"
#include "tests/support/sc_harness.h"

using namespace nnvp;
using namespace sc_core;

namespace {

const std::string default_config = std::string(NNVP_SOURCE_DIR) + "/platform/configs/default.json";

platform_config quiet_config() {
    return load_platform_config(default_config, {{"cpu.echo_console", false}});
}

// Board, driver and runtime as firmware sets them up.
struct firmware {
    fw::hal& h;
    fw::board b{h};
    fw::nncore_driver core{h, h.map().at("nncore").base};
    uint64_t load_at = h.map().at("dram").base + 0x1000000;
    uint64_t arena_at = h.map().at("dram").base + 0x2000000;

    explicit firmware(fw::hal& hal) : h(hal) {}
    bool init(fw::nn_runtime& rt) { return b.init() && rt.init() == fw::runtime_status::ok; }

    compiler::built_package stage(const compiler::network& net) {
        compiler::build_options o;
        o.load_address = load_at;
        o.arena_base = arena_at;
        const fw::nncore_info& i = core.info();
        o.buffers = {i.input_kb, i.weight_kb, i.output_kb};
        o.core_precisions = i.precisions;
        o.reuse_arena = false;  // the tests read every intermediate tensor
        compiler::built_package p = compiler::build(net, o);
        h.write_block(load_at, p.image.data(), p.image.size());
        return p;
    }
    std::vector<uint8_t> read(const compiler::tensor_desc& t) {
        std::vector<uint8_t> v(nn::storage_bytes(t.type, t.shape.count()));
        h.read_block(t.address, v.data(), v.size());
        return v;
    }
};

}  // namespace

// The sample network (4 core steps, softmax on the CPU) equals the chained
// reference: int8 tensors bit for bit, the probabilities within 1e-6.
TEST(runtime_soc, sample_network_equals_the_chained_reference) {
    soc chip("soc", quiet_config());
    const compiler::network net = compiler::tiny_classifier(11);
    const nn::tensor input = compiler::random_input(net, 4);
    std::vector<std::vector<uint8_t>> got;
    nn::tensor out;
    fw::run_summary s;
    const run_outcome r = chip.run(
        [&](fw::hal& h) {
            firmware f(h);
            fw::nn_runtime rt(h, f.b.intc, f.core, fw::cpu_cost_model{});
            if (!f.init(rt))
                return 1;
            const compiler::built_package p = f.stage(net);
            if (rt.load(f.load_at) != fw::runtime_status::ok ||
                rt.write_input(input) != fw::runtime_status::ok)
                return 2;
            if (rt.run(s) != fw::runtime_status::ok)
                return 3;
            for (const auto& t : p.tensors)
                got.push_back(f.read(t));
            return rt.read_output(out) == fw::runtime_status::ok ? 0 : 4;
        },
        sc_time(1, SC_SEC));
    ASSERT_TRUE(r.halted);
    ASSERT_EQ(r.exit_code, 0) << s.message;
    EXPECT_EQ(s.core_steps, 4u);
    EXPECT_EQ(s.cpu_steps, 1u);
    EXPECT_EQ(chip.nn_streams().size(), 4u);
    ASSERT_EQ(s.steps.size(), 5u);
    EXPECT_EQ(s.steps[4].cpu_cycles, 600u);  // 10 x 40 + 200
    for (std::size_t i = 1; i < 5; ++i)
        EXPECT_GE(s.steps[i].start_ns, s.steps[i - 1].end_ns);
    EXPECT_LE(s.core_ns + s.cpu_ns, s.total_ns);
    const std::vector<nn::tensor> ref = compiler::reference_run(net, input);
    for (std::size_t i = 1; i < 5; ++i)
        EXPECT_EQ(got[i], ref[i].bytes()) << "tensor " << i;
    ASSERT_EQ(out.shape(), ref[5].shape());
    for (std::size_t i = 0; i < out.size(); ++i)
        EXPECT_NEAR(out.get_float(i), ref[5].get_float(i), 1e-6) << i;
}

// A flipped byte: the package is rejected with a checksum error, nothing
// reaches the core; the repaired package then loads and runs.
TEST(runtime_soc, corrupt_package_is_rejected_and_nothing_runs) {
    soc chip("soc", quiet_config());
    const compiler::network net = compiler::tiny_classifier(11);
    fw::runtime_status bad_load{}, bad_run{}, good_run{};
    package::validation why;
    std::size_t streams_after_reject = 99;
    chip.run(
        [&](fw::hal& h) {
            firmware f(h);
            fw::nn_runtime rt(h, f.b.intc, f.core, fw::cpu_cost_model{});
            if (!f.init(rt))
                return 1;
            const compiler::built_package p = f.stage(net);
            const uint64_t victim = f.load_at + p.image.size() / 2;
            uint8_t byte = static_cast<uint8_t>(p.image[p.image.size() / 2] ^ 0x80);
            h.write_block(victim, &byte, 1);
            bad_load = rt.load(f.load_at);
            why = rt.load_error();
            fw::run_summary s;
            bad_run = rt.run(s);
            streams_after_reject = chip.nn_streams().size();
            h.write_block(victim, &p.image[p.image.size() / 2], 1);
            if (rt.load(f.load_at) != fw::runtime_status::ok)
                return 2;
            rt.write_input(compiler::random_input(net, 1));
            good_run = rt.run(s);
            return 0;
        },
        sc_time(1, SC_SEC));
    EXPECT_EQ(bad_load, fw::runtime_status::invalid_package);
    EXPECT_EQ(why.error, package::package_error::checksum) << why.message;
    EXPECT_NE(why.message.find("section"), std::string::npos);
    EXPECT_EQ(bad_run, fw::runtime_status::not_loaded);
    EXPECT_EQ(streams_after_reject, 0u);
    EXPECT_EQ(good_run, fw::runtime_status::ok);
    EXPECT_EQ(chip.nn_streams().size(), 4u);
    bool logged = false;
    for (const std::string& line : chip.core().console())
        logged |= line.find("rejected: checksum") != std::string::npos;
    EXPECT_TRUE(logged);
}

namespace {

// Replaces command `k` of step `step`'s stream with an unknown opcode and
// reseals stream and package (the validator leaves compute commands to the core).
void inject_unknown_opcode(std::vector<uint8_t>& img, std::size_t step, std::size_t k) {
    const std::size_t steps = package::decode_section(img.data() + package::header_bytes).offset;
    const package::step_record s =
        package::decode_step(img.data() + steps + step * package::step_record_bytes);
    nncore_cmd::parsed_stream ps = nncore_cmd::parse_stream(img.data() + s.code_offset, s.code_bytes);
    nncore_cmd::stream_writer w;
    for (std::size_t i = 0; i < ps.commands.size(); ++i) {
        nncore_cmd::command c = ps.commands[i];
        if (i == k) {
            c = nncore_cmd::command{};
            c.op = static_cast<nncore_cmd::opcode>(0x7f);
        }
        w.append(c);
    }
    const std::vector<uint8_t> bytes = w.bytes();
    std::copy(bytes.begin(), bytes.end(), img.begin() + s.code_offset);
    package::seal(img);
}

}  // namespace

// An unknown opcode in step 1's stream: the core raises its error interrupt,
// the runtime reports step 1, unknown_opcode and the command index, stops,
// and the next (good) package runs.
TEST(runtime_soc, core_error_is_reported_with_step_and_command) {
    test::allow_warnings(true);
    soc chip("soc", quiet_config());
    const compiler::network net = compiler::tiny_classifier(11);
    fw::run_summary bad, good;
    fw::runtime_status bad_status{}, good_status{};
    const run_outcome r = chip.run(
        [&](fw::hal& h) {
            firmware f(h);
            fw::nn_runtime rt(h, f.b.intc, f.core, fw::cpu_cost_model{});
            if (!f.init(rt))
                return 1;
            compiler::built_package p = f.stage(net);
            std::vector<uint8_t> img = compiler::to_vector(p.image);
            inject_unknown_opcode(img, 1, 3);
            h.write_block(f.load_at, img.data(), img.size());
            if (rt.load(f.load_at) != fw::runtime_status::ok)
                return 2;
            bad_status = rt.run(bad);
            h.write_block(f.load_at, p.image.data(), p.image.size());
            if (rt.load(f.load_at) != fw::runtime_status::ok)
                return 3;
            good_status = rt.run(good);
            return 0;
        },
        sc_time(1, SC_SEC));
    ASSERT_TRUE(r.halted);
    EXPECT_EQ(r.exit_code, 0);
    EXPECT_EQ(bad_status, fw::runtime_status::core_error);
    EXPECT_EQ(bad.status, fw::runtime_status::core_error);
    EXPECT_EQ(bad.failed_step, 1);
    EXPECT_EQ(bad.core_error.code, nncore_regs::error_code::unknown_opcode);
    EXPECT_EQ(bad.core_error.command, 3u);
    EXPECT_EQ(bad.steps.size(), 2u);  // step 0, then the failed step 1
    EXPECT_NE(bad.message.find("step 1 'conv2' (core): NN core error"), std::string::npos)
        << bad.message;
    EXPECT_NE(bad.message.find("at command 3"), std::string::npos) << bad.message;
    EXPECT_EQ(good_status, fw::runtime_status::ok) << good.message;
}

// CPU fallback time is the cost model's cycles through the CPU clock: the
// same package run with a second cost model (+1 cycle per int8 MAC, +10
// cycles per softmax element) takes 320 + 100 CPU cycles longer in the fc
// (10 x 32 MACs) and softmax (10 elements) steps; the CPU's consumed-cycle
// counter grows by exactly the annotated cycles.
TEST(runtime_soc, cpu_fallback_time_follows_the_cost_model) {
    soc chip("soc", quiet_config());
    compiler::network net = compiler::tiny_classifier(11);
    net.ops[3].where = compiler::placement::cpu;
    fw::run_summary a, b;
    uint64_t consumed_a = 0, consumed_b = 0, validation = 0;
    chip.run(
        [&](fw::hal& h) {
            firmware f(h);
            fw::cpu_cost_model slow;
            slow.mac_millicycles[static_cast<std::size_t>(ref::precision::int8)] += 1000;
            slow.softmax_millicycles += 10000;
            fw::nn_runtime rt_a(h, f.b.intc, f.core, fw::cpu_cost_model{});
            fw::nn_runtime rt_b(h, f.b.intc, f.core, slow);
            if (!f.init(rt_a))
                return 1;
            f.stage(net);
            const nn::tensor in = compiler::random_input(net, 2);
            for (auto [rt, s, consumed] :
                 {std::tuple{&rt_a, &a, &consumed_a}, std::tuple{&rt_b, &b, &consumed_b}}) {
                if (rt->load(f.load_at) != fw::runtime_status::ok)
                    return 2;
                validation = rt->validation_cycles();
                rt->write_input(in);
                const uint64_t c0 = chip.core().stats().consumed_cycles;
                if (rt->run(*s) != fw::runtime_status::ok)
                    return 3;
                *consumed = chip.core().stats().consumed_cycles - c0;
            }
            return 0;
        },
        sc_time(1, SC_SEC));
    ASSERT_EQ(a.steps.size(), 5u);
    ASSERT_EQ(b.steps.size(), 5u);
    EXPECT_GT(validation, 0u);
    // fc: 320 MACs x 2 + 10 x 3 + 200 = 870; softmax 10 x 40 + 200 = 600.
    EXPECT_EQ(a.steps[3].cpu_cycles, 870u);
    EXPECT_EQ(b.steps[3].cpu_cycles, 870u + 320u);
    EXPECT_EQ(a.steps[4].cpu_cycles, 600u);
    EXPECT_EQ(b.steps[4].cpu_cycles, 700u);
    EXPECT_EQ(consumed_a, 870u + 600u);
    EXPECT_EQ(consumed_b, 1190u + 700u);
    EXPECT_EQ(a.cpu_steps, 2u);
    EXPECT_EQ(a.core_steps, 3u);
    const double cycle_ns = chip.domain("cpu").cycles(1).to_seconds() * 1e9;
    // now_ns() has a 1 ns resolution: each difference is exact to +-1 ns.
    EXPECT_NEAR(double(b.steps[3].ns()) - double(a.steps[3].ns()), 320 * cycle_ns, 1.0);
    EXPECT_NEAR(double(b.steps[4].ns()) - double(a.steps[4].ns()), 100 * cycle_ns, 1.0);
    // And a step is at least its cycles long (the rest is its bus traffic).
    EXPECT_GE(double(a.steps[3].ns()) + 1.0, 870 * cycle_ns);
}

// Seeded, bounded random corruption of the core streams (stream checksum
// fixed up so the core's own validation is reached, package resealed): every
// run returns a status, the simulation never hangs or crashes.
TEST(runtime_soc, random_stream_corruption_never_hangs) {
    test::allow_warnings(true);
    soc chip("soc", quiet_config());
    const compiler::network net = compiler::tiny_classifier(11, {8, 4, 8, 8, 4});
    int runs = 0, failures = 0;
    const run_outcome r = chip.run(
        [&](fw::hal& h) {
            firmware f(h);
            fw::runtime_options opt;
            opt.core_timeout_ns = 5'000'000;
            fw::nn_runtime rt(h, f.b.intc, f.core, fw::cpu_cost_model{}, opt);
            if (!f.init(rt))
                return 1;
            const compiler::built_package p = f.stage(net);
            package::package_view v;
            package::validate(p.image.data(), p.image.size(), f.load_at,
                              {h.map().at("dram").base, h.map().at("dram").size}, &v);
            std::mt19937 rng(99);
            for (int i = 0; i < 24; ++i) {
                std::vector<uint8_t> img = compiler::to_vector(p.image);
                const package::step_record& s = v.steps[rng() % 4];
                for (int k = 0; k < 3; ++k) {
                    const std::size_t at = s.code_offset + nncore_cmd::header_bytes +
                                           rng() % (s.code_bytes - nncore_cmd::header_bytes);
                    img[at] = static_cast<uint8_t>(rng());
                }
                const uint32_t sum =
                    nncore_cmd::checksum(img.data() + s.code_offset + 32, s.code_bytes - 32);
                for (int k = 0; k < 4; ++k)
                    img[s.code_offset + 16 + k] = static_cast<uint8_t>(sum >> (8 * k));
                package::seal(img);
                h.write_block(f.load_at, img.data(), img.size());
                if (rt.load(f.load_at) != fw::runtime_status::ok)
                    continue;  // e.g. a transfer now points outside the arena
                fw::run_summary sum_out;
                ++runs;
                failures += rt.run(sum_out) != fw::runtime_status::ok;
            }
            return 0;
        },
        sc_time(5, SC_SEC));
    ASSERT_TRUE(r.halted);
    EXPECT_EQ(r.exit_code, 0);
    EXPECT_GT(runs, 0);
    EXPECT_GT(failures, 0);
}

// A long run keeps nothing per command: with a sink, every finished layer
// row goes there with its stream (the LOAD/STORE/BARRIER/END costs around
// it included, so the rows still add up to the core's counters), and the
// trace names each command from its stream.
TEST(runtime_soc, a_command_sink_gets_every_row_and_keeps_none) {
    soc chip("soc", quiet_config());
    const compiler::network net = compiler::tiny_classifier(12);
    const nn::tensor input = compiler::random_input(net, 5);
    std::vector<uint32_t> streams;
    uint64_t compute = 0, stall = 0, macs = 0;
    chip.sink_commands([&](const nncore::core::command_record& r, uint32_t stream) {
        streams.push_back(stream);
        compute += r.compute_cycles;
        stall += r.stall_cycles;
        macs += r.macs;
    });
    chip.name_commands([](uint32_t stream, const std::string& name) {
        return "step " + std::to_string(stream % 4) + " " + name;
    });
    const run_outcome r = chip.run(
        [&](fw::hal& h) {
            firmware f(h);
            fw::nn_runtime rt(h, f.b.intc, f.core, fw::cpu_cost_model{});
            if (!f.init(rt))
                return 1;
            f.stage(net);
            if (rt.load(f.load_at) != fw::runtime_status::ok ||
                rt.write_input(input) != fw::runtime_status::ok)
                return 2;
            for (int i = 0; i < 3; ++i) {
                fw::run_summary s;
                if (rt.run(s) != fw::runtime_status::ok)
                    return 3;
            }
            return 0;
        },
        sc_time(1, SC_SEC));
    ASSERT_TRUE(r.halted);
    ASSERT_EQ(r.exit_code, 0);
    EXPECT_TRUE(chip.nn_commands().empty());
    EXPECT_TRUE(chip.nn_command_streams().empty());
    EXPECT_EQ(chip.nn_stream_count(), 12u);
    ASSERT_FALSE(streams.empty());
    EXPECT_EQ(streams.front(), 0u);
    EXPECT_EQ(streams.back(), 11u);
    EXPECT_TRUE(std::is_sorted(streams.begin(), streams.end()));
    nncore::core& core = chip.nn_core();
    EXPECT_EQ(compute, core.counter(nncore_regs::counter::busy_cycles));
    EXPECT_EQ(stall, core.counter(nncore_regs::counter::stall_cycles));
    EXPECT_EQ(macs, core.counter(nncore_regs::counter::macs));
    std::size_t named = 0;
    for (const timeline::span& s : chip.trace().spans())
        if (s.track == "nncore") {
            EXPECT_EQ(s.name.rfind("step ", 0), 0u) << s.name;
            ++named;
        }
    EXPECT_EQ(named, streams.size());
}
