// A whole (small) network from a compiled package: the host compiled it (conv
// 3x3 INT8 ReLU -> conv 3x3 stride 2 -> global average pool -> fully
// connected -> softmax, the softmax an op the NN core lacks) and staged the
// package, an input and the golden tensors of the chained reference executor
// in DRAM (app/stage_package_demo.cpp). The firmware shows that a corrupted
// package is rejected (one flipped byte: checksum error, nothing runs), then
// loads the good one and runs it with the runtime: core steps on the NN core,
// softmax (and the fully connected layer with fc_on_cpu=1) on the CPU with
// its cycles annotated. In functional mode every tensor is checked against
// the golden ones (integer tensors bit for bit, probabilities within 1e-6).
#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

#include "firmware/programs/board.h"
#include "firmware/programs/program.h"
#include "firmware/runtime/nn_runtime.h"
#include "nn/tensor/tensor_pack.h"

namespace nnvp::fw {

namespace {

uint64_t align64(uint64_t v) {
    return (v + 63) / 64 * 64;
}

// The package header as it lies in DRAM; false when it does not read back.
bool read_header(hal& h, uint64_t at, package::header& hdr) {
    std::vector<uint8_t> bytes(package::header_bytes);
    return h.read_block(at, bytes.data(), bytes.size()) == bus_status::ok &&
           package::check_header(bytes.data(), bytes.size(), &hdr).ok();
}

// Flips one byte in the middle of the staged package, expects the runtime to
// reject it with a checksum error, and puts the byte back.
bool corrupted_copy_is_rejected(board& b, hal& h, nn_runtime& rt, uint64_t at, uint32_t size) {
    const uint64_t mid = at + size / 2;
    uint8_t byte = 0;
    if (h.read_block(mid, &byte, 1) != bus_status::ok)
        return false;
    const uint8_t flipped = byte ^ 0x01;
    if (h.write_block(mid, &flipped, 1) != bus_status::ok)
        return false;
    const bool rejected = rt.load(at) == runtime_status::invalid_package &&
                          rt.load_error().error == package::package_error::checksum;
    if (h.write_block(mid, &byte, 1) != bus_status::ok)
        return false;
    if (!rejected)
        b.say("the corrupted package was not rejected with a checksum error");
    else
        b.say("corrupted copy rejected as expected");
    return rejected;
}

// The input the host staged, as the package's input tensor.
runtime_status write_staged_input(hal& h, nn_runtime& rt, uint64_t at) {
    const package::tensor_record& r = rt.view().tensors[rt.view().hdr.input_tensor];
    std::vector<uint8_t> bytes(r.bytes());
    if (h.read_block(at, bytes.data(), bytes.size()) != bus_status::ok)
        return runtime_status::bus_error;
    return rt.write_input(nn::unpack(r.dtype(), r.shape, bytes.data(), bytes.size()));
}

// Every step's output against the golden tensors staged at `golden` (one
// after the other, 64-byte aligned): integer tensors bit for bit, the
// network output (probabilities) within 1e-6.
int check_tensors(board& b, hal& h, nn_runtime& rt, uint64_t golden) {
    const package::package_view& v = rt.view();
    const std::size_t last = v.steps.size();  // tensor i + 1 is step i's output
    for (std::size_t i = 1; i <= last; ++i) {
        const package::tensor_record& r = v.tensors[i];
        const std::size_t n = r.bytes();
        std::vector<uint8_t> got(n), want(n);
        if (h.read_block(r.address, got.data(), n) != bus_status::ok ||
            h.read_block(golden, want.data(), n) != bus_status::ok)
            return 19;
        golden += align64(n);
        if (i < last && got != want) {
            b.say("tensor " + std::to_string(i) + " differs from the reference executor");
            return 20;
        }
        if (i < last)
            continue;
        const nn::tensor out = nn::unpack(r.dtype(), r.shape, got.data(), n);
        const nn::tensor ref = nn::unpack(r.dtype(), r.shape, want.data(), n);
        double max_err = 0;
        std::size_t top = 0;
        for (std::size_t k = 0; k < out.size(); ++k) {
            max_err = std::max(max_err, std::fabs(double(out.get_float(k)) - ref.get_float(k)));
            if (out.get_float(k) > out.get_float(top))
                top = k;
        }
        char line[160];
        std::snprintf(line, sizeof line,
                      "output equals the chained reference (integer tensors bit for bit, "
                      "softmax max error %.2g); top class %zu (p = %.4f)",
                      max_err, top, double(out.get_float(top)));
        b.say(line);
        return max_err <= 1e-6 ? 0 : 22;
    }
    return 21;
}

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

    const auto at = static_cast<uint64_t>(args.get("package"));
    package::header hdr;
    if (at == 0 || !read_header(h, at, hdr)) {
        b.say("no package staged (the host stages it before boot)");
        return 12;
    }
    b.say("package '" + hdr.name + "': " + std::to_string(hdr.total_size) + " bytes, " +
          std::to_string(hdr.step_count) + " steps, arena " + std::to_string(hdr.arena_size) +
          " bytes");
    if (!corrupted_copy_is_rejected(b, h, rt, at, hdr.total_size))
        return 14;
    if (rt.load(at) != runtime_status::ok)
        return 16;
    if (write_staged_input(h, rt, static_cast<uint64_t>(args.get("input"))) != runtime_status::ok)
        return 17;
    run_summary s;
    if (rt.run(s) != runtime_status::ok)
        return 18;
    if (timing)
        return 0;
    return check_tensors(b, h, rt, static_cast<uint64_t>(args.get("expected")));
}

}  // namespace

extern const program nn_package_demo_program = {
    "nn_package_demo",
    "a small network (conv, conv, pool, fc, softmax) the host compiled into a package, "
    "validated (a corrupted copy rejected) and run by the runtime: core steps on the NN core, "
    "softmax on the CPU",
    {{"size", 16, 3, 64, "input height and width"},
     {"channels", 8, 1, 64, "input channels"},
     {"classes", 10, 2, 1000, "classes (fully connected outputs, softmax width)"},
     {"seed", 1, 0, 1 << 30, "seed of weights and input"},
     {"fc_on_cpu", 0, 0, 1, "1: run the fully connected layer on the CPU too"},
     {"cpu_int8_mac_mc", 2000, 0, 1000000, "CPU cost: 1/1000 cycles per int8 MAC"},
     {"cpu_element_mc", 3000, 0, 1000000, "CPU cost: 1/1000 cycles per element op"},
     {"cpu_softmax_mc", 40000, 0, 10000000, "CPU cost: 1/1000 cycles per softmax element"},
     {"cpu_step_cycles", 200, 0, 1000000, "CPU cost: cycles per CPU step"},
     {"timing", 0, 0, 1, "1: timing mode (no arithmetic); set from the scenario's mode"},
     // Set by the host when it stages the package (app/stage_package_demo.cpp).
     {"package", 0, 0, INT64_MAX, "host: address of the package"},
     {"input", 0, 0, INT64_MAX, "host: address of the input tensor's bytes"},
     {"expected", 0, 0, INT64_MAX,
      "host: address of the golden tensors, one per step, 64-byte aligned (functional mode)"}},
    nn_package_demo};

}  // namespace nnvp::fw
