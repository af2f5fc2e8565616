// The generation contract (firmware/runtime/generation.h) on hand-made
// package views: the tensors found by order and shape, every broken part of
// the contract named, the KV cache's type conversion and the greedy pick.
#include <gtest/gtest.h>

#include "firmware/runtime/generation.h"

using namespace nnvp;
using namespace nnvp::fw;

namespace {

package::tensor_record record(nn::shape4 s, nn::dtype t, package::tensor_role role, bool output = false) {
    package::tensor_record r;
    r.shape = s;
    r.type = static_cast<uint8_t>(t);
    r.role = role;
    r.flags = output ? package::tensor_flag_output : 0;
    return r;
}

constexpr auto in = package::tensor_role::input;
constexpr auto act = package::tensor_role::activation;

// A one-layer decoder, batch 1, prompt 4, 2 KV heads of 8, capacity 6, vocabulary 10.
struct views {
    package::package_view prefill, step;
    views() {
        prefill.tensors = {record({1, 1, 1, 4}, nn::dtype::int32, in),
                           record({1, 2, 4, 8}, nn::dtype::fp32, act, true),
                           record({1, 2, 4, 8}, nn::dtype::fp32, act, true),
                           record({1, 1, 1, 10}, nn::dtype::fp32, act, true)};
        prefill.hdr.output_tensor = 1;  // the package's first output need not be the logits
        step.tensors = {record({1, 1, 1, 1}, nn::dtype::int32, in),
                        record({1, 2, 1, 8}, nn::dtype::fp32, act, true),
                        record({1, 2, 1, 8}, nn::dtype::fp32, act, true),
                        record({1, 1, 1, 10}, nn::dtype::fp32, act, true),
                        record({1, 1, 1, 1}, nn::dtype::int32, in),
                        record({1, 1, 1, 7}, nn::dtype::int32, in),
                        record({1, 2, 6, 8}, nn::dtype::fp32, in),
                        record({1, 2, 6, 8}, nn::dtype::fp32, in)};
        step.hdr.output_tensor = 3;
    }
};

}  // namespace

TEST(generation_contract, finds_every_tensor) {
    views v;
    generation_tensors g;
    ASSERT_EQ(find_generation_tensors(v.prefill, v.step, g), "");
    EXPECT_EQ(g.prompt_ids, 0);
    EXPECT_EQ(g.present, (std::vector<uint16_t>{1, 2}));
    EXPECT_EQ(g.prefill_logits, 3);
    EXPECT_EQ(g.step_ids, 0);
    EXPECT_EQ(g.position, 4);
    EXPECT_EQ(g.mask, 5);
    EXPECT_EQ(g.cache, (std::vector<uint16_t>{6, 7}));
    EXPECT_EQ(g.update, (std::vector<uint16_t>{1, 2}));
    EXPECT_EQ(g.step_logits, 3);
    EXPECT_EQ(g.batch, 1u);
    EXPECT_EQ(g.prompt, 4u);
    EXPECT_EQ(g.capacity, 6u);
    EXPECT_EQ(g.kv_heads, 2u);
    EXPECT_EQ(g.head_dim, 8u);
}

TEST(generation_contract, names_what_breaks_it) {
    generation_tensors g;
    auto problem = [&g](const views& v) { return find_generation_tensors(v.prefill, v.step, g); };
    views mask;
    mask.step.tensors[5].shape = {1, 1, 1, 6};
    EXPECT_NE(problem(mask).find("attention_mask) holds 6 elements, expected capacity + 1 = 7"),
              std::string::npos)
        << problem(mask);
    views inputs;
    inputs.prefill.tensors[3].role = in;
    inputs.prefill.tensors[3].flags = 0;
    EXPECT_NE(problem(inputs).find("prefill package: 2 inputs, expected 1"), std::string::npos)
        << problem(inputs);
    views heads;
    heads.step.tensors[7].shape = {1, 1, 6, 8};
    EXPECT_NE(problem(heads).find("step cache input 1 is 1x1x6x8, expected 1x2x6x8"),
              std::string::npos)
        << problem(heads);
    views small;
    small.step.tensors[6].shape = small.step.tensors[7].shape = {1, 2, 3, 8};
    EXPECT_NE(problem(small).find("cannot hold the prompt's 4 tokens"), std::string::npos)
        << problem(small);
    views vocab;
    vocab.step.tensors[3].shape = {1, 1, 1, 12};
    EXPECT_NE(problem(vocab).find("the logits hold 12 values"), std::string::npos) << problem(vocab);
}

TEST(generation_contract, cache_rows_convert_only_when_types_differ) {
    package::tensor_record a = record({1, 1, 1, 3}, nn::dtype::int8, act);
    a.scale = 0.1f;
    nn::tensor rows(nn::dtype::int8, {1, 1, 1, 3});
    rows.set_int(0, 10);
    rows.set_int(1, -8);
    rows.set_int(2, 126);
    cpuops::work w;
    EXPECT_EQ(to_cache_type(rows, a, a, w).bytes(), rows.bytes());
    EXPECT_EQ(w.elements + w.bytes, 0u);
    package::tensor_record b = a;
    b.scale = 0.2f;  // 1.0 -> 5, -0.8 -> -4, 12.6 -> 63
    const nn::tensor c = to_cache_type(rows, a, b, w);
    EXPECT_EQ(c.get_int(0), 5);
    EXPECT_EQ(c.get_int(1), -4);
    EXPECT_EQ(c.get_int(2), 63);
    EXPECT_GT(w.elements + w.bytes, 0u);  // the conversion is charged
    package::tensor_record f = record({1, 1, 1, 3}, nn::dtype::fp32, act);
    const nn::tensor real = to_cache_type(rows, a, f, w);
    EXPECT_FLOAT_EQ(real.get_float(0), 1.0f);
    EXPECT_FLOAT_EQ(real.get_float(2), 12.6f);
}

TEST(generation_contract, greedy_pick_takes_the_first_of_equal_logits) {
    nn::tensor l(nn::dtype::fp32, {1, 2, 1, 4});
    const float v[] = {1, 3, 3, 2, 5, 0, 5, -1};
    for (std::size_t i = 0; i < 8; ++i)
        l.set_float(i, v[i]);
    EXPECT_EQ(greedy_tokens(l), (std::vector<int64_t>{1, 0}));
}
