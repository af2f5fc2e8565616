// Input-channel passes on the bench (real DMA, bus and DRAM): a compiled
// program whose partial sums stay in the output buffer gives the reference's
// output bit for bit; a pass that starts from partial sums reads them (one
// accumulator per output more than the first pass), and the last pass alone
// requantizes and stores. Timing mode runs the same commands in the same
// simulated time.
#include "nn/ref/quant.h"
#include "tests/ip/nncore/program_job.h"

using namespace nnvp;
using namespace nnvp::test;
using nncore_cmd::opcode;

namespace {

ref::layer wide_conv() {
    ref::layer l;
    l.name = "wide_conv";
    l.op = ref::op_kind::conv2d;
    l.prec = ref::precision::int8;
    l.out_channels = 16;
    l.geo.kernel_h = l.geo.kernel_w = 3;
    l.geo.pad_top = l.geo.pad_bottom = l.geo.pad_left = l.geo.pad_right = 1;
    l.has_bias = true;
    l.act.kind = ref::act_kind::relu;
    l.in_q = {0.05f, 3};
    l.out_q = {0.4f, -1};
    for (int c = 0; c < 16; ++c)
        l.w_scales.push_back(0.01f + 0.001f * static_cast<float>(c));
    ref::lower_quantization(l);
    return l;
}

}  // namespace

TEST(nncore_channel_split, passes_match_the_reference_and_read_their_partial_sums) {
    nncore_bench b;
    const auto& cc = b.core.config().core;
    const ref::layer l = wide_conv();
    std::mt19937 rng(9);
    // 384 input channels: the weights (55 KiB) pass the weight buffer.
    const nn::tensor x = random_tensor(rng, nn::dtype::int8, {1, 6, 7, 384}, 40);
    const nn::tensor w = random_tensor(rng, nn::dtype::int8, {16, 3, 3, 384}, 20);
    const nn::tensor bias = random_tensor(rng, nn::dtype::int32, {1, 1, 1, 16}, 500);
    compiler::program_options opt;
    opt.dram_base = data_addr;
    opt.channel_split = true;
    const compiler::buffer_sizes buf{cc.input_kb, 32, cc.output_kb};
    ASSERT_LT(uint64_t{32} * 1024, w.byte_size());
    const compiler::program p = compiler::single_layer_program(l, x, &w, &bias, buf, opt);
    const compiler::tiling_candidate& m = p.mapping.candidates[p.mapping.chosen];
    ASSERT_GT(m.passes, 1);

    test::run_thread([&] {
        const program_result f = run_program(b, p, 0);
        ASSERT_EQ(f.status, nncore_regs::STATUS_DONE.make(1));
        expect_matches(f.out, ref::execute(l, x, &w, &bias), l.name);
        std::vector<nncore::core::command_record> passes;
        for (const auto& r : f.recs)
            if (r.op == opcode::conv2d)
                passes.push_back(r);
        ASSERT_EQ(passes.size(), p.tiles.size() * std::size_t(m.passes));
        // Tile 0: pass 1 reads pass 0's sums (int32, one per output) on top of
        // the same operands when both passes have the same channel count.
        const uint64_t outputs = uint64_t(p.tiles[0].out_rows) * 7 * 16;
        if (m.passes > 2 || 384 % m.in_channels == 0) {
            EXPECT_EQ(passes[1].sram_read_bytes, passes[0].sram_read_bytes + outputs * 4);
        }
        EXPECT_EQ(passes[0].macs, outputs * 9 * uint64_t(m.in_channels));
        uint64_t stores = 0;
        for (const auto& r : f.recs)
            stores += r.op == opcode::store;
        EXPECT_EQ(stores, p.tiles.size());

        const program_result t = run_program(b, p, 1);  // timing mode
        ASSERT_EQ(t.status, nncore_regs::STATUS_DONE.make(1));
        EXPECT_EQ(t.duration, f.duration);
    });
}
