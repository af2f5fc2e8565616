// Seeded, bounded fuzzing of the model's inputs (this library has no register
// window: its guest-facing input is the layer description the core decodes
// from a command, plus the platform's parameters). Any value must give either
// a cost or std::invalid_argument from cost(): never a crash, hang, other
// exception or nonsense result.
#include <gtest/gtest.h>

#include <random>
#include <stdexcept>

#include "nn/cost/layer_cost.h"

using namespace nnvp;
using namespace nnvp::cost;

namespace {

int any_int(std::mt19937_64& rng) {
    switch (rng() % 4) {
        case 0:
            return static_cast<int>(rng() % 5) - 1;  // -1 .. 3
        case 1:
            return static_cast<int>(rng() % 40);
        case 2:
            return static_cast<int>(rng() % 300);
        default:
            return static_cast<int>(static_cast<int32_t>(rng()));  // anything
    }
}

}  // namespace

TEST(timing_fuzz, random_layers_and_params_never_crash) {
    std::mt19937_64 rng(0x5eed);
    int costed = 0, rejected = 0;
    for (int i = 0; i < 4000; ++i) {
        core_params p;
        p.rows = 1 + static_cast<unsigned>(rng() % 64);
        p.cols = 1 + static_cast<unsigned>(rng() % 64);
        p.weight_kb = 1 + static_cast<unsigned>(rng() % 256);
        p.input_kb = 1 + static_cast<unsigned>(rng() % 256);
        p.output_kb = 1 + static_cast<unsigned>(rng() % 256);
        p.vector_lanes = 1 + static_cast<unsigned>(rng() % 64);
        ref::layer l;
        l.name = "fuzz";
        l.op = static_cast<ref::op_kind>(rng() % 9);
        l.prec = static_cast<ref::precision>(rng() % 6);
        l.binary_input = rng() % 2 == 0;
        l.geo.kernel_h = any_int(rng);
        l.geo.kernel_w = any_int(rng);
        l.geo.stride_h = any_int(rng);
        l.geo.stride_w = any_int(rng);
        l.geo.pad_top = any_int(rng) % 4;
        l.geo.pad_bottom = any_int(rng) % 4;
        l.geo.pad_left = any_int(rng) % 4;
        l.geo.pad_right = any_int(rng) % 4;
        l.geo.dilation_h = 1 + static_cast<int>(rng() % 2);
        l.geo.dilation_w = 1 + static_cast<int>(rng() % 2);
        l.geo.groups = any_int(rng) % 9;
        l.out_channels = any_int(rng) % 512;
        const nn::shape4 in{any_int(rng) % 3, any_int(rng) % 64, any_int(rng) % 64,
                            any_int(rng) % 128};
        sparsity sp;
        sp.kind = static_cast<sparsity::mode>(rng() % 3);
        sp.weight_density = static_cast<double>(static_cast<int>(rng() % 300) - 100) / 100.0;
        sp.activation_density = static_cast<double>(static_cast<int>(rng() % 300) - 100) / 100.0;
        const dataflow d = static_cast<dataflow>(rng() % 4);
        try {
            const layer_cost c = of_layer(l, in, d, p, sp);
            ++costed;
            EXPECT_NE(c.flow, dataflow::automatic);
            EXPECT_LE(c.utilization, 1.0);
            EXPECT_GE(c.energy.total_j(), 0.0);
        } catch (const std::invalid_argument&) {
            ++rejected;
        }
    }
    // The generator reaches both outcomes.
    EXPECT_GT(costed, 100);
    EXPECT_GT(rejected, 100);
}
