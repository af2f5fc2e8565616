// One convolution layer on the NN core, end to end through the firmware: the
// layer is quantized and compiled into a tiled, double-buffered command
// stream, staged in DRAM, run by the core (its DMA loads and stores cross the
// bus), and in functional mode its output is checked bit for bit against the
// reference executor. Reports cycles, stalls and achieved MAC rate.
#include <cstdio>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "firmware/drivers/nncore/nncore_driver.h"
#include "firmware/programs/board.h"
#include "firmware/programs/program.h"
#include "sw/compiler/program.h"
#include "nn/ref/ops.h"
#include "nn/ref/quant.h"

namespace nnvp::fw {

namespace {

nn::tensor random_tensor(std::mt19937& rng, nn::dtype t, nn::shape4 s) {
    nn::tensor x(t, s);
    for (std::size_t i = 0; i < x.size(); ++i) {
        if (nn::is_float(t))
            x.set_float(i, std::uniform_real_distribution<float>(-1.0f, 1.0f)(rng));
        else if (t == nn::dtype::binary)
            x.set_int(i, (rng() & 1u) ? 1 : -1);
        else
            x.set_int(i, std::uniform_int_distribution<int64_t>(
                             std::max<int64_t>(-20, nn::min_of(t)),
                             std::min<int64_t>(20, nn::max_of(t)))(rng));
    }
    return x;
}

// Zeroes exactly pct % of the elements (rounded down), chosen by a seeded
// Fisher-Yates shuffle, so a scenario's sparsity is deterministic.
void zero_share(nn::tensor& w, int pct, uint32_t seed) {
    std::vector<std::size_t> idx(w.size());
    for (std::size_t i = 0; i < idx.size(); ++i)
        idx[i] = i;
    std::mt19937 rng(seed ^ 0x5eedu);
    for (std::size_t i = idx.size(); i > 1; --i)
        std::swap(idx[i - 1], idx[rng() % i]);
    const std::size_t n = w.size() * static_cast<std::size_t>(pct) / 100;
    for (std::size_t i = 0; i < n; ++i) {
        if (nn::is_float(w.type()))
            w.set_float(idx[i], 0.0f);
        else if (w.type() != nn::dtype::binary)  // binary has no zero
            w.set_int(idx[i], 0);
    }
}

// A 3x3, stride 1, pad 1 convolution with ReLU and a plausible quantization
// (asymmetric activations, per-channel weight scales).
ref::layer conv_layer(ref::precision p, int filters) {
    ref::layer l;
    l.name = "conv3x3";
    l.op = ref::op_kind::conv2d;
    l.prec = p;
    l.geo.kernel_h = l.geo.kernel_w = 3;
    l.geo.pad_top = l.geo.pad_bottom = l.geo.pad_left = l.geo.pad_right = 1;
    l.out_channels = filters;
    l.has_bias = true;
    l.act.kind = ref::act_kind::relu;
    l.in_q = {0.05f, 3};
    l.out_q = {0.1f, -1};
    for (int c = 0; c < filters; ++c)
        l.w_scales.push_back(0.01f + 0.0005f * static_cast<float>(c));
    if (p == ref::precision::binary)
        for (int c = 0; c < filters; ++c)
            l.bin_alpha.push_back(0.05f + 0.01f * static_cast<float>(c));
    ref::lower_quantization(l);
    return l;
}

std::string fmt(const char* f, double a, double b = 0, double c = 0, double d = 0) {
    char buf[200];
    std::snprintf(buf, sizeof buf, f, a, b, c, d);
    return buf;
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
    const bool timing = args.get("timing") != 0;
    nncore_settings settings;
    settings.mode = timing ? nncore_run_mode::timing : nncore_run_mode::functional;
    settings.sparsity = static_cast<nncore_sparsity>(args.get("sparsity"));
    // Timing mode has no operands to measure: the densities the program knows
    // (binary weights have no zero).
    const int64_t zero_pct = args.get("precision") == 5 ? 0 : args.get("weight_zero_pct");
    settings.weight_density =
        static_cast<uint32_t>((100 - zero_pct) * nncore_settings::density_one / 100);
    settings.act_density =
        static_cast<uint32_t>(args.get("act_density_pct") * nncore_settings::density_one / 100);
    if (core.configure(settings) != nncore_result::ok)
        return 13;

    const auto prec = static_cast<ref::precision>(args.get("precision"));
    const int c = static_cast<int>(args.get("channels")), k = static_cast<int>(args.get("filters"));
    const int size = static_cast<int>(args.get("size"));
    const ref::layer l = conv_layer(prec, k);
    std::mt19937 rng(static_cast<uint32_t>(args.get("seed")));
    const nn::tensor in = random_tensor(rng, ref::input_type(l), {1, size, size, c});
    nn::tensor w = random_tensor(rng, ref::weight_type(l), {k, 3, 3, c});
    zero_share(w, static_cast<int>(args.get("weight_zero_pct")),
               static_cast<uint32_t>(args.get("seed")));
    nn::tensor bias(ref::bias_type(l), {1, 1, 1, k});
    for (int i = 0; i < k; ++i) {
        if (nn::is_float(bias.type()))
            bias.set_float(static_cast<std::size_t>(i), 0.1f * static_cast<float>(i % 5));
        else
            bias.set_int(static_cast<std::size_t>(i), (i % 7) * 10 - 30);
    }

    const nncore_info& info = core.info();
    compiler::program_options opt;
    opt.dram_base = h.map().at("dram").base + 0x1000000;  // 16 MiB in
    opt.weight_format = static_cast<cost::weight_format>(args.get("weight_format"));
    compiler::program prog;
    try {
        prog = compiler::single_layer_program(l, in, &w, &bias,
                                            {info.input_kb, info.weight_kb, info.output_kb}, opt);
    } catch (const std::exception& e) {
        b.say(std::string("cannot compile the layer: ") + e.what());
        return 14;
    }
    if (h.write_block(opt.dram_base, prog.image.data(), prog.image.size()) != bus_status::ok)
        return 15;
    b.say(fmt("conv3x3 %.0fx%.0fx%.0f -> %.0f filters, ", size, size, c, k) + ref::to_string(prec) +
          (timing ? ", timing mode" : ", functional mode") + ": " +
          std::to_string(prog.tiles.size()) + " tiles, " +
          std::to_string(prog.stream.size() / 128) + " commands, weights " +
          cost::to_string(prog.weight_format) + " (" + std::to_string(prog.dram.weight_bytes) +
          " of " + std::to_string(prog.dram.weight_dense_bytes) + " bytes in DRAM)");

    const uint64_t t0 = b.now_ns();
    if (core.submit(prog.dram.stream, static_cast<uint32_t>(prog.dram.stream_bytes)) !=
            nncore_result::ok ||
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

    if (timing)
        return 0;
    std::vector<uint8_t> out(prog.dram.output_bytes);
    if (h.read_block(prog.dram.output, out.data(), out.size()) != bus_status::ok)
        return 17;
    const nn::tensor want = ref::execute(l, in, &w, &bias);
    if (out != want.bytes()) {
        b.say("output differs from the reference executor");
        return 18;
    }
    b.say("output equals the reference executor bit for bit");
    return 0;
}

}  // namespace

extern const program nn_layer_demo_program = {
    "nn_layer_demo",
    "a 3x3 convolution compiled to a tiled command stream, run on the NN core, checked "
    "against the reference executor",
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
      "timing mode: non-zero share of the input activations (functional mode measures it)"}},
    nn_layer_demo};

}  // namespace nnvp::fw
