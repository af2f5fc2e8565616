// Timing mode builds a zoo network's weights without values (transformers:
// model_writer, onnx_import::mark_without_values; CNNs:
// net::materialize_weight_sizes): the package it compiles
// has the layout, records and DRAM transfers of the package the values give;
// it leaves out the constants' values (zeros, unchecked), and the weights'
// scales are the unit ones timing mode gives activations too.
#include <gtest/gtest.h>

#include <cstring>
#include <stdexcept>

#include "arch/nncore/stream.h"
#include "arch/package/validator.h"
#include "sw/compiler/builder.h"
#include "sw/net/weights.h"
#include "sw/net/zoo.h"
#include "sw/onnx/check_importer.h"
#include "sw/onnx/model.h"
#include "sw/onnx/tensor_pb.h"
#include "sw/quant/network_quantizer.h"
#include "sw/quant/quantizer.h"
#include "sw/transformers/transformer_zoo.h"

namespace {

using namespace nnvp;

constexpr uint64_t load_at = 0x1000'0000, arena_at = 0x4000'0000;

std::vector<uint8_t> package_of(const compiler::network& net) {
    compiler::build_options o;
    o.load_address = load_at;
    o.arena_base = arena_at;
    return compiler::to_vector(compiler::build(net, o).image);
}

// The INT8 package of `name` as a timing run compiles it (unit ranges).
std::vector<uint8_t> timing_package(const std::string& name, transformers::transformer_shape s,
                                    bool values) {
    const transformers::transformer_config& c = *transformers::find_transformer(name);
    const onnx::ModelProto m = transformers::build_transformer(c, s, 1, values);
    std::map<std::string, onnx_import::onnx_tensor> bound;
    for (const onnx_import::graph_input& in : onnx_import::runtime_inputs(m, c.name, {}, "", ""))
        bound[in.name] = onnx_import::zero_value(in.elem_type, in.dims, in.name);
    return package_of(quant::quantize_network(onnx_import::import_for_check(m, bound, c.name).net,
                                              quant::quant_options{}, {}));
}

// The same for a CNN of the zoo (sw/net): weights generated or sizes only.
std::vector<uint8_t> timing_package(const std::string& name, bool values) {
    net::graph g = net::build_zoo(name);
    if (values)
        net::materialize_weights(g, 1);
    else
        net::materialize_weight_sizes(g, 1);
    return package_of(quant::quantize(g, quant::quant_options{}, quant::calibration{}));
}

uint32_t u32(const std::vector<uint8_t>& b, std::size_t at) {
    return uint32_t{b[at]} | uint32_t{b[at + 1]} << 8 | uint32_t{b[at + 2]} << 16 |
           uint32_t{b[at + 3]} << 24;
}

package::package_view view_of(const std::vector<uint8_t>& p) {
    package::package_view v;
    const package::validation r =
        package::validate(p.data(), p.size(), load_at, {load_at, 0x8000'0000}, &v);
    EXPECT_TRUE(r.ok()) << r.message;
    return v;
}

// The DRAM transfers of every core step, in order: what timing depends on.
std::vector<nncore_cmd::move_cmd> transfers(const std::vector<uint8_t>& p,
                                            const package::package_view& v) {
    std::vector<nncore_cmd::move_cmd> moves;
    for (const package::step_record& s : v.steps)
        if (s.kind == static_cast<uint8_t>(package::step_kind::core))
            for (const nncore_cmd::command& c :
                 nncore_cmd::parse_stream(p.data() + s.code_offset, s.code_bytes).commands)
                if (const nncore_cmd::move_cmd* m = package::dram_move(c))
                    moves.push_back(*m);
    return moves;
}

// Same layout, records and transfers; only the constants' values and what
// the weights' scales set (requantization fields) may differ.
void expect_same_but_the_values(const std::vector<uint8_t>& with, const std::vector<uint8_t>& without) {
    ASSERT_EQ(with.size(), without.size());
    const package::byte_range skip = package::constants_without_values(without.data(), without.size());
    ASSERT_GT(skip.size, 0u) << "the timing build has no constants without values";
    EXPECT_EQ(package::constants_without_values(with.data(), with.size()).size, 0u);
    EXPECT_EQ(without[package::offset::flags], package::header_flag_without_values);
    const std::size_t constants_entry =
        package::header_bytes + (static_cast<std::size_t>(package::section_kind::constants) - 1) *
                                    package::section_entry_bytes;
    EXPECT_EQ(u32(without, constants_entry + 12), 0u) << "constants checksum";
    const package::package_view a = view_of(with), b = view_of(without);
    for (std::size_t k = 0; k < package::section_count; ++k) {
        EXPECT_EQ(a.sections[k].offset, b.sections[k].offset) << "section " << k;
        EXPECT_EQ(a.sections[k].size, b.sections[k].size) << "section " << k;
    }
    ASSERT_EQ(a.tensors.size(), b.tensors.size());
    for (std::size_t t = 0; t < a.tensors.size(); ++t) {
        EXPECT_EQ(a.tensors[t].address, b.tensors[t].address) << "tensor " << t;
        EXPECT_EQ(a.tensors[t].shape, b.tensors[t].shape) << "tensor " << t;
        EXPECT_EQ(a.tensors[t].type, b.tensors[t].type) << "tensor " << t;
    }
    ASSERT_EQ(a.steps.size(), b.steps.size());
    for (std::size_t i = 0; i < a.steps.size(); ++i) {
        const package::step_record &x = a.steps[i], &y = b.steps[i];
        EXPECT_TRUE(x.kind == y.kind && x.input == y.input && x.in2 == y.in2 &&
                    x.output == y.output && x.code_offset == y.code_offset &&
                    x.code_bytes == y.code_bytes && x.weights_offset == y.weights_offset &&
                    x.weights_bytes == y.weights_bytes && x.name == y.name)
            << "step " << i << " '" << x.name << "'";
    }
    const std::vector<nncore_cmd::move_cmd> ma = transfers(with, a), mb = transfers(without, b);
    ASSERT_EQ(ma.size(), mb.size());
    std::size_t differing = 0;
    for (std::size_t k = 0; k < ma.size(); ++k)
        differing += std::memcmp(&ma[k], &mb[k], sizeof ma[k]) != 0;
    EXPECT_EQ(differing, 0u) << "of " << ma.size() << " DRAM transfers";
}

TEST(timing_build, a_decoder_package_differs_only_in_the_values_left_out) {
    expect_same_but_the_values(timing_package("llama_small", {1, 4, 0, 0}, true),
                               timing_package("llama_small", {1, 4, 0, 0}, false));
}

TEST(timing_build, a_vision_transformer_package_differs_only_in_the_values_left_out) {
    // The patch embedding is a convolution: its weights are relaid out (OIHW
    // to OHWI) and the position table is folded, both without values.
    expect_same_but_the_values(timing_package("vit_b16", {}, true),
                               timing_package("vit_b16", {}, false));
}

TEST(timing_build, a_cnn_package_differs_only_in_the_values_left_out) {
    // MobileNet v1: depthwise and pointwise convs, a fully connected head.
    expect_same_but_the_values(timing_package("mobilenet_v1", true),
                               timing_package("mobilenet_v1", false));
}

TEST(timing_build, a_package_without_values_still_protects_its_code) {
    std::vector<uint8_t> p = timing_package("llama_small", {1, 2, 0, 0}, false);
    const package::byte_range skip = package::constants_without_values(p.data(), p.size());
    const package::memory_window dram{load_at, 0x8000'0000};
    std::vector<uint8_t> in_constants = p;
    in_constants[skip.offset + skip.size / 2] ^= 0x5a;  // no values to protect there
    EXPECT_TRUE(package::validate(in_constants.data(), p.size(), load_at, dram).ok());
    std::vector<uint8_t> after = p;
    after[skip.offset + skip.size + 8] ^= 0x5a;  // the streams that follow
    EXPECT_EQ(package::validate(after.data(), p.size(), load_at, dram).error,
              package::package_error::checksum);
    std::vector<uint8_t> unknown_flag = p;
    unknown_flag[package::offset::flags] |= 0x80;
    package::seal(unknown_flag);
    const package::validation v = package::validate(unknown_flag.data(), p.size(), load_at, dram);
    EXPECT_EQ(v.error, package::package_error::bad_header);
    EXPECT_NE(v.message.find("header.flags"), std::string::npos) << v.message;
}

TEST(timing_build, weights_without_values_refuse_to_be_read) {
    const nn::tensor w = nn::tensor::without_values(nn::dtype::int8, {64, 1, 1, 32});
    EXPECT_FALSE(w.has_values());
    EXPECT_EQ(w.byte_size(), 64u * 32u);
    EXPECT_FALSE(w.reshaped({32, 1, 1, 64}).has_values());
    EXPECT_THROW(w.get_int(0), nn::no_values_error);
    EXPECT_THROW(w.bytes(), nn::no_values_error);
    const nn::tensor f = nn::tensor::without_values(nn::dtype::fp32, {2, 1, 1, 2});
    EXPECT_THROW(f.get_float(1), nn::no_values_error);

    // In ONNX: external data at nnvp's own location, which reads no file.
    onnx::TensorProto t;
    t.set_name("w");
    t.set_data_type(onnx::TensorProto::FLOAT);
    t.add_dims(3);
    t.add_dims(5);
    onnx_import::mark_without_values(t);
    const onnx_import::onnx_tensor v = onnx_import::from_proto(t, "test");
    EXPECT_FALSE(v.data.has_values());
    EXPECT_EQ(v.data.size(), 15u);
    t.mutable_external_data(0)->set_value("weights.bin");  // real external data: still refused
    EXPECT_THROW(onnx_import::from_proto(t, "test"), onnx_import::onnx_error);
}

}  // namespace
