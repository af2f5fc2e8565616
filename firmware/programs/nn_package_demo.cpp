// A whole (small) network from a compiled package: the firmware builds the
// package as the host compiler would (conv 3x3 INT8 ReLU -> conv 3x3 stride 2
// -> global average pool -> fully connected -> softmax, the softmax an op the
// NN core lacks), stages it in DRAM, shows that a corrupted copy is rejected
// (a flipped byte: checksum error, nothing runs), then loads the good one and
// runs it with the runtime: core steps on the NN core, softmax (and the fully
// connected layer with fc_on_cpu=1) on the CPU with its cycles annotated. In
// functional mode the result is checked against the chained reference
// executor (integer tensors bit for bit, probabilities within 1e-6).
#include <cmath>
#include <cstdio>
#include <string>

#include "firmware/programs/board.h"
#include "firmware/programs/program.h"
#include "firmware/runtime/nn_runtime.h"
#include "sw/compiler/sample_network.h"

namespace nnvp::fw {

namespace {

int nn_package_demo(hal& h, const program_args& args) {
    board b(h);
    if (!b.init())
        return 10;
    nncore_driver core(h, h.map().at("nncore").base);
    cpu_cost_model cost;
    cost.mac_millicycles[static_cast<std::size_t>(ref::precision::int8)] =
        static_cast<uint32_t>(args.get("cpu_int8_mac_mc"));
    cost.element_millicycles = static_cast<uint32_t>(args.get("cpu_element_mc"));
    cost.softmax_millicycles = static_cast<uint32_t>(args.get("cpu_softmax_mc"));
    cost.step_cycles = static_cast<uint32_t>(args.get("cpu_step_cycles"));
    nn_runtime rt(h, b.intc, core, cost);
    const bool timing = args.get("timing") != 0;
    nncore_settings settings;
    settings.mode = timing ? nncore_run_mode::timing : nncore_run_mode::functional;
    if (rt.init(settings) != runtime_status::ok)
        return 11;

    // "Host compiler": the network and its package, built for where it will lie.
    compiler::sample_shape shape;
    shape.size = static_cast<int>(args.get("size"));
    shape.channels = static_cast<int>(args.get("channels"));
    shape.classes = static_cast<int>(args.get("classes"));
    compiler::network net = compiler::tiny_classifier(static_cast<uint32_t>(args.get("seed")), shape);
    if (args.get("fc_on_cpu") != 0)
        net.ops[3].where = compiler::placement::cpu;
    const uint64_t dram = h.map().at("dram").base;
    compiler::build_options opt;
    opt.load_address = dram + 0x1000000;  // 16 MiB in
    opt.arena_base = dram + 0x2000000;    // 32 MiB in
    opt.reuse_arena = false;              // every intermediate survives, for checking
    const nncore_info& info = core.info();
    opt.buffers = {info.input_kb, info.weight_kb, info.output_kb};
    opt.core_precisions = info.precisions;
    compiler::built_package pkg;
    try {
        pkg = compiler::build(net, opt);
    } catch (const std::exception& e) {
        b.say(std::string("cannot build the package: ") + e.what());
        return 12;
    }
    b.say("package '" + net.name + "': " + std::to_string(pkg.image.size()) + " bytes, " +
          std::to_string(net.ops.size()) + " steps, arena " + std::to_string(pkg.arena_size) +
          " bytes");

    // A corrupted copy first: one flipped byte in the middle of the package.
    std::vector<uint8_t> bad = pkg.image;
    bad[bad.size() / 2] ^= 0x01;
    if (h.write_block(opt.load_address, bad.data(), bad.size()) != bus_status::ok)
        return 13;
    if (rt.load(opt.load_address) != runtime_status::invalid_package ||
        rt.load_error().error != package::package_error::checksum) {
        b.say("the corrupted package was not rejected with a checksum error");
        return 14;
    }
    b.say("corrupted copy rejected as expected");

    if (h.write_block(opt.load_address, pkg.image.data(), pkg.image.size()) != bus_status::ok)
        return 15;
    if (rt.load(opt.load_address) != runtime_status::ok)
        return 16;
    const nn::tensor input = compiler::random_input(net, static_cast<uint32_t>(args.get("seed")));
    if (rt.write_input(input) != runtime_status::ok)
        return 17;
    run_summary s;
    if (rt.run(s) != runtime_status::ok)
        return 18;
    if (timing)
        return 0;

    const std::vector<nn::tensor> ref = compiler::reference_run(net, input);
    for (std::size_t i = 1; i + 1 < ref.size(); ++i) {
        const compiler::tensor_desc& t = pkg.tensors[i];
        std::vector<uint8_t> got(ref[i].bytes().size());
        if (h.read_block(t.address, got.data(), got.size()) != bus_status::ok)
            return 19;
        if (got != ref[i].bytes()) {
            b.say("tensor " + std::to_string(i) + " differs from the reference executor");
            return 20;
        }
    }
    nn::tensor out;
    if (rt.read_output(out) != runtime_status::ok || out.shape() != ref.back().shape())
        return 21;
    double max_err = 0;
    std::size_t top = 0;
    for (std::size_t i = 0; i < out.size(); ++i) {
        max_err = std::max(max_err, std::fabs(double(out.get_float(i)) - ref.back().get_float(i)));
        if (out.get_float(i) > out.get_float(top))
            top = i;
    }
    char line[160];
    std::snprintf(line, sizeof line,
                  "output equals the chained reference (integer tensors bit for bit, "
                  "softmax max error %.2g); top class %zu (p = %.4f)",
                  max_err, top, double(out.get_float(top)));
    b.say(line);
    return max_err <= 1e-6 ? 0 : 22;
}

}  // namespace

extern const program nn_package_demo_program = {
    "nn_package_demo",
    "a small network (conv, conv, pool, fc, softmax) compiled into a package, validated "
    "(a corrupted copy rejected) and run by the runtime: core steps on the NN core, softmax "
    "on the CPU",
    {{"size", 16, 3, 64, "input height and width"},
     {"channels", 8, 1, 64, "input channels"},
     {"classes", 10, 2, 1000, "classes (fully connected outputs, softmax width)"},
     {"seed", 1, 0, 1 << 30, "seed of weights and input"},
     {"fc_on_cpu", 0, 0, 1, "1: run the fully connected layer on the CPU too"},
     {"cpu_int8_mac_mc", 2000, 0, 1000000, "CPU cost: 1/1000 cycles per int8 MAC"},
     {"cpu_element_mc", 3000, 0, 1000000, "CPU cost: 1/1000 cycles per element op"},
     {"cpu_softmax_mc", 40000, 0, 10000000, "CPU cost: 1/1000 cycles per softmax element"},
     {"cpu_step_cycles", 200, 0, 1000000, "CPU cost: cycles per CPU step"},
     {"timing", 0, 0, 1, "1: timing mode (no arithmetic); set from the scenario's mode"}},
    nn_package_demo};

}  // namespace nnvp::fw
