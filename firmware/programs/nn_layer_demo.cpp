// One convolution layer on the NN core, end to end through the firmware: the
// host compiled the layer into a tiled, double-buffered command stream and
// staged it in DRAM with its operands (app/stage_layer_demo.cpp, as a boot
// loader or test harness would); the firmware configures the core, runs the
// stream (its DMA loads and stores cross the bus) and, in functional mode,
// checks the output bit for bit against the golden output the host computed
// with the reference executor. Reports cycles, stalls and achieved MAC rate.
#include <cstdio>
#include <string>
#include <vector>

#include "firmware/drivers/nncore/nncore_driver.h"
#include "firmware/programs/board.h"
#include "firmware/programs/program.h"
#include "nn/cost/mapping.h"
#include "nn/ref/layer.h"

namespace nnvp::fw {

namespace {

std::string fmt(const char* f, double a, double b = 0, double c = 0, double d = 0) {
    char buf[200];
    std::snprintf(buf, sizeof buf, f, a, b, c, d);
    return buf;
}

// The core's zero handling and the densities timing mode assumes.
nncore_settings settings_of(const program_args& args) {
    nncore_settings s;
    s.mode = args.get("timing") != 0 ? nncore_run_mode::timing : nncore_run_mode::functional;
    s.sparsity = static_cast<nncore_sparsity>(args.get("sparsity"));
    // Timing mode has no operands to measure: the densities the program knows
    // (binary weights have no zero).
    const int64_t zero_pct = args.get("precision") == 5 ? 0 : args.get("weight_zero_pct");
    s.weight_density = static_cast<uint32_t>((100 - zero_pct) * nncore_settings::density_one / 100);
    s.act_density =
        static_cast<uint32_t>(args.get("act_density_pct") * nncore_settings::density_one / 100);
    return s;
}

std::string describe(const program_args& args) {
    const auto prec = static_cast<ref::precision>(args.get("precision"));
    const auto stored = static_cast<cost::weight_format>(args.get("weights_stored"));
    return fmt("conv3x3 %.0fx%.0fx%.0f -> %.0f filters, ", double(args.get("size")),
               double(args.get("size")), double(args.get("channels")),
               double(args.get("filters"))) +
           ref::to_string(prec) + (args.get("timing") != 0 ? ", timing mode" : ", functional mode") +
           ": " + std::to_string(args.get("tiles")) + " tiles, " +
           std::to_string(args.get("stream_bytes") / 128) + " commands, weights " +
           cost::to_string(stored) + " (" + std::to_string(args.get("weight_bytes")) + " of " +
           std::to_string(args.get("weight_dense_bytes")) + " bytes in DRAM)";
}

// The output against the golden copy the host staged beside it.
int check_output(board& b, hal& h, const program_args& args) {
    const auto bytes = static_cast<std::size_t>(args.get("output_bytes"));
    std::vector<uint8_t> out(bytes), want(bytes);
    if (h.read_block(static_cast<uint64_t>(args.get("output")), out.data(), bytes) !=
            bus_status::ok ||
        h.read_block(static_cast<uint64_t>(args.get("expected")), want.data(), bytes) !=
            bus_status::ok)
        return 17;
    if (out != want) {
        b.say("output differs from the reference executor");
        return 18;
    }
    b.say("output equals the reference executor bit for bit");
    return 0;
}

int nn_layer_demo(hal& h, const program_args& args) {
    board b(h);
    if (!b.init())
        return 10;
    const region& nn = h.map().at("nncore");
    nncore_driver core(h, nn.base);
    if (core.probe() != nncore_result::ok) {
        b.say("nncore: no NN core answers");
        return 11;
    }
    const unsigned irq = static_cast<unsigned>(nn.irq);
    if (b.intc.attach(irq, [&core] { core.on_irq(); }) != intc_status::ok ||
        b.intc.enable(irq) != intc_status::ok)
        return 12;
    if (core.configure(settings_of(args)) != nncore_result::ok)
        return 13;
    if (args.get("stream") == 0) {
        b.say("no command stream staged (the host stages it before boot)");
        return 14;
    }
    b.say(describe(args));

    const uint64_t t0 = b.now_ns();
    if (core.submit(static_cast<uint64_t>(args.get("stream")),
                    static_cast<uint32_t>(args.get("stream_bytes"))) != nncore_result::ok ||
        core.wait(1'000'000'000) != nncore_result::ok) {
        b.say(std::string("NN core stream failed: ") + to_string(core.error().code));
        return 16;
    }
    const uint64_t ns = b.now_ns() - t0;
    nncore_driver::counter_values cnt{};
    core.read_counters(cnt);
    const auto at = [&cnt](nncore_regs::counter x) {
        return static_cast<double>(cnt[static_cast<std::size_t>(x)]);
    };
    const double macs = at(nncore_regs::counter::macs);
    b.say(fmt("done in %.1f us: %.3g MACs, %.0f busy + %.0f stall cycles", ns / 1e3, macs,
              at(nncore_regs::counter::busy_cycles), at(nncore_regs::counter::stall_cycles)) +
          fmt(", %.1f GMAC/s", macs / static_cast<double>(ns)));
    return args.get("timing") != 0 ? 0 : check_output(b, h, args);
}

}  // namespace

extern const program nn_layer_demo_program = {
    "nn_layer_demo",
    "a 3x3 convolution the host compiled to a tiled command stream, run on the NN core, "
    "checked against the reference executor's output",
    {{"precision", 3, 0, 5, "0 fp32, 1 fp16, 2 int16, 3 int8, 4 int4, 5 binary"},
     {"channels", 64, 1, 1024, "input channels"},
     {"filters", 64, 1, 1024, "output channels"},
     {"size", 28, 1, 512, "input height and width"},
     {"seed", 1, 0, 1 << 30, "seed of the random tensors"},
     {"timing", 0, 0, 1, "1: timing mode (no arithmetic); set from the scenario's mode"},
     {"weight_format", 0, 0, 3,
      "weights in DRAM: 0 dense, 1 bitmap, 2 csr, 3 automatic (smallest; 8/16/32-bit only)"},
     {"weight_zero_pct", 0, 0, 100, "share of the weights set to zero (deterministic)"},
     {"sparsity", 0, 0, 2, "the NN core's zero handling: 0 none, 1 gate, 2 skip"},
     {"act_density_pct", 100, 0, 100,
      "timing mode: non-zero share of the input activations (functional mode measures it)"},
     // Set by the host when it stages the layer (app/stage_layer_demo.cpp).
     {"stream", 0, 0, INT64_MAX, "host: address of the command stream"},
     {"stream_bytes", 0, 0, UINT32_MAX, "host: bytes of the command stream, header included"},
     {"output", 0, 0, INT64_MAX, "host: address of the output tensor"},
     {"output_bytes", 0, 0, UINT32_MAX, "host: bytes of the output tensor"},
     {"expected", 0, 0, INT64_MAX, "host: address of the golden output (functional mode)"},
     {"tiles", 0, 0, UINT32_MAX, "host: tiles of the compiled layer"},
     {"weights_stored", 0, 0, 2, "host: how the weights lie in DRAM (0 dense, 1 bitmap, 2 csr)"},
     {"weight_bytes", 0, 0, UINT32_MAX, "host: weight bytes in DRAM"},
     {"weight_dense_bytes", 0, 0, UINT32_MAX, "host: weight bytes when dense"}},
    nn_layer_demo};

}  // namespace nnvp::fw
