// Host side of nn_layer_demo: the 3x3 convolution its arguments describe,
// with seeded random operands, compiled into a tiled command stream for the
// platform's NN-core buffers and staged 16 MiB into DRAM; in functional mode
// the reference executor's output is staged beside it as the golden copy.
#include <algorithm>
#include <random>
#include <stdexcept>

#include "app/firmware_staging.h"
#include "ip/common/config_reader.h"
#include "nn/ref/ops.h"
#include "nn/ref/quant.h"
#include "sw/compiler/program.h"

namespace nnvp {

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

uint64_t align_up(uint64_t v, uint64_t a) {
    return (v + a - 1) / a * a;
}

}  // namespace

firmware_staging stage_layer_demo(const fw::program_args& args, const platform_config& cfg) {
    const auto prec = static_cast<ref::precision>(args.get("precision"));
    const int c = static_cast<int>(args.get("channels")), k = static_cast<int>(args.get("filters"));
    const int size = static_cast<int>(args.get("size"));
    const auto seed = static_cast<uint32_t>(args.get("seed"));
    const ref::layer l = conv_layer(prec, k);
    std::mt19937 rng(seed);
    const nn::tensor in = random_tensor(rng, ref::input_type(l), {1, size, size, c});
    nn::tensor w = random_tensor(rng, ref::weight_type(l), {k, 3, 3, c});
    zero_share(w, static_cast<int>(args.get("weight_zero_pct")), seed);
    nn::tensor bias(ref::bias_type(l), {1, 1, 1, k});
    for (int i = 0; i < k; ++i) {
        if (nn::is_float(bias.type()))
            bias.set_float(static_cast<std::size_t>(i), 0.1f * static_cast<float>(i % 5));
        else
            bias.set_int(static_cast<std::size_t>(i), (i % 7) * 10 - 30);
    }

    const cost::core_params& core = cfg.nncore.core;
    compiler::program_options opt;
    opt.dram_base = cfg.map.at("dram").base + 0x1000000;  // 16 MiB in
    opt.weight_format = static_cast<cost::weight_format>(args.get("weight_format"));
    compiler::program prog;
    try {
        prog = compiler::single_layer_program(l, in, &w, &bias,
                                              {core.input_kb, core.weight_kb, core.output_kb}, opt);
    } catch (const std::invalid_argument& e) {
        throw config_error("firmware.args: nn_layer_demo cannot compile the layer: " +
                           std::string(e.what()));
    }
    firmware_staging s;
    s.blocks.push_back({opt.dram_base, prog.image});
    s.args = {{"stream", static_cast<int64_t>(prog.dram.stream)},
              {"stream_bytes", static_cast<int64_t>(prog.dram.stream_bytes)},
              {"output", static_cast<int64_t>(prog.dram.output)},
              {"output_bytes", static_cast<int64_t>(prog.dram.output_bytes)},
              {"tiles", static_cast<int64_t>(prog.tiles.size())},
              {"weights_stored", static_cast<int64_t>(prog.weight_format)},
              {"weight_bytes", static_cast<int64_t>(prog.dram.weight_bytes)},
              {"weight_dense_bytes", static_cast<int64_t>(prog.dram.weight_dense_bytes)}};
    if (args.get("timing") == 0) {
        const uint64_t golden = align_up(prog.dram.end, 0x100000);
        s.blocks.push_back({golden, ref::execute(l, in, &w, &bias).bytes()});
        s.args["expected"] = static_cast<int64_t>(golden);
    }
    return s;
}

}  // namespace nnvp
