// Packages: the builder's image, the relocated core streams (run on the host
// stream interpreter), the validator's verdict on every kind of corruption,
// and seeded random corruption that must never crash it.
#include <gtest/gtest.h>

#include <random>

#include "sw/compiler/interpreter.h"
#include "arch/nncore/layer_codec.h"
#include "arch/nncore/stream.h"
#include "sw/compiler/builder.h"
#include "sw/compiler/sample_network.h"
#include "arch/package/validator.h"

using namespace nnvp;
using namespace nnvp::package;
using namespace nnvp::compiler;

namespace {

constexpr uint64_t dram_base = 0x80000000, dram_size = 1ull << 30;
constexpr uint64_t load_at = dram_base + 0x1000000, arena_at = dram_base + 0x2000000;
const memory_window dram{dram_base, dram_size};

build_options options() {
    build_options o;
    o.load_address = load_at;
    o.arena_base = arena_at;
    o.buffers = {128, 128, 64};
    return o;
}

built_package sample(placement fc_where = placement::automatic) {
    network net = tiny_classifier(7);
    net.ops[3].where = fc_where;
    return build(net, options());
}

template <class Bytes>
validation check(const Bytes& img, uint64_t at = load_at) {
    return validate(img.data(), img.size(), at, dram);
}

template <class Bytes>
std::size_t section_offset(const Bytes& img, section_kind k) {
    return decode_section(img.data() + header_bytes +
                          (static_cast<std::size_t>(k) - 1) * section_entry_bytes)
        .offset;
}

template <class Bytes>
std::size_t step_at(const Bytes& img, std::size_t i) {
    return section_offset(img, section_kind::steps) + i * step_record_bytes;
}

// Expects `error` with `text` in the message.
void expect_error(const validation& v, package_error error, const std::string& text) {
    EXPECT_EQ(v.error, error) << to_string(v.error) << ": " << v.message;
    EXPECT_NE(v.message.find(text), std::string::npos) << v.message;
}

}  // namespace

TEST(package, sample_network_round_trip) {
    const network net = tiny_classifier(7);
    const built_package p = build(net, options());
    package_view v;
    const validation r = validate(p.image.data(), p.image.size(), load_at, dram, &v);
    ASSERT_TRUE(r.ok()) << r.message;
    EXPECT_EQ(v.hdr.magic, magic);
    EXPECT_EQ(v.hdr.version, 2);
    EXPECT_EQ(v.hdr.total_size, p.image.size());
    EXPECT_EQ(v.hdr.load_address, load_at);
    EXPECT_EQ(v.hdr.arena_base, arena_at);
    EXPECT_EQ(v.hdr.arena_size, p.arena_size);
    EXPECT_EQ(v.hdr.name, "tiny_classifier");
    EXPECT_EQ(v.hdr.input_tensor, 0);
    EXPECT_EQ(v.hdr.output_tensor, 5);
    ASSERT_EQ(v.steps.size(), 5u);
    const step_kind want[] = {step_kind::core, step_kind::core, step_kind::core, step_kind::core,
                              step_kind::cpu_op};
    const char* names[] = {"conv1", "conv2", "gap", "fc", "softmax"};
    for (std::size_t i = 0; i < 5; ++i) {
        EXPECT_EQ(v.steps[i].kind, static_cast<uint8_t>(want[i])) << i;
        EXPECT_EQ(v.steps[i].name, names[i]);
        EXPECT_EQ(v.steps[i].input, i);
        EXPECT_EQ(v.steps[i].output, i + 1);
        EXPECT_EQ(p.kinds[i], want[i]);
    }
    // Tensors: shapes and types of the reference, 64-byte aligned; the arena
    // reuses a buffer once its last reader has run. Sizes: input 16x16x8 =
    // 2048, conv1 16x16x16 = 4096, conv2 8x8x32 = 2048, gap 32 -> 64, fc 10
    // -> 64, softmax 40 -> 64 bytes. Live: input and softmax output pinned;
    // conv1 [0,1], conv2 [1,2], gap [2,3], fc [3,4]. Largest first: conv1 at
    // 0, input 4096, conv2 6144 (meets conv1 at step 1), softmax 8192, gap
    // at 0 (conv1 is dead by step 2), fc at 64 (gap still live at step 3).
    const std::vector<nn::tensor> ref = reference_run(net, random_input(net, 1));
    ASSERT_EQ(v.tensors.size(), 6u);
    const uint64_t want_at[] = {4096, 0, 6144, 0, 64, 8192};
    for (std::size_t i = 0; i < 6; ++i) {
        EXPECT_EQ(v.tensors[i].address, arena_at + want_at[i]) << i;
        EXPECT_EQ(v.tensors[i].shape, ref[i].shape()) << i;
        EXPECT_EQ(v.tensors[i].dtype(), ref[i].type()) << i;
    }
    EXPECT_EQ(p.arena_size, 8256u);
    EXPECT_EQ(v.tensors[0].role, tensor_role::input);
    EXPECT_EQ(v.tensors[5].role, tensor_role::activation);
    EXPECT_EQ(v.tensors[0].scale, 0.05f);
    EXPECT_EQ(v.tensors[0].zero_point, 3);
    EXPECT_EQ(v.tensors[4].scale, 0.2f);  // fc logits: out_q
    // Records decode and re-encode to the same bytes.
    for (std::size_t i = 0; i < 5; ++i) {
        uint8_t buf[step_record_bytes];
        encode(decode_step(p.image.data() + step_at(p.image, i)), buf);
        EXPECT_TRUE(std::equal(buf, buf + step_record_bytes, p.image.data() + step_at(p.image, i)));
    }
    header h = decode_header(p.image.data());
    uint8_t hb[header_bytes];
    encode(h, hb);
    EXPECT_TRUE(std::equal(hb, hb + header_bytes, p.image.data()));
    // Sealing a sealed package changes nothing.
    std::vector<uint8_t> again = compiler::to_vector(p.image);
    seal(again);
    EXPECT_EQ(again, compiler::to_vector(p.image));
}

// The relocated streams address the package and the arena: run them on the
// host interpreter over a DRAM image and compare every core output with the
// chained reference, bit for bit.
TEST(package, relocated_core_streams_compute_the_reference) {
    const network net = tiny_classifier(7);
    const built_package p = build(net, options());
    package_view v;
    ASSERT_TRUE(validate(p.image.data(), p.image.size(), load_at, dram, &v).ok());
    const nn::tensor input = random_input(net, 3);
    const std::vector<nn::tensor> ref = reference_run(net, input);
    std::vector<uint8_t> mem(arena_at + p.arena_size - load_at, 0xcd);
    std::copy(p.image.begin(), p.image.end(), mem.begin());
    std::copy(input.bytes().begin(), input.bytes().end(),
              mem.begin() + static_cast<long>(v.tensors[0].address - load_at));
    compiler::stream_interpreter interp(mem, load_at,
                                      compiler::buffer_sizes{128, 128, 64}.local_bytes());
    for (std::size_t i = 0; i < 4; ++i) {
        const step_record& s = v.steps[i];
        ASSERT_NO_THROW(interp.run(p.image.data() + s.code_offset, s.code_bytes)) << i;
        const tensor_record& t = v.tensors[s.output];
        const auto out = mem.begin() + static_cast<long>(t.address - load_at);
        EXPECT_TRUE(std::equal(out, out + static_cast<long>(t.bytes()), ref[i + 1].bytes().begin()))
            << "step " << i;
    }
    // Nothing wrote the package.
    EXPECT_TRUE(std::equal(p.image.begin(), p.image.end(), mem.begin()));
}

TEST(package, cpu_placement_carries_the_command_and_weights) {
    const network net = tiny_classifier(7);
    const built_package p = sample(placement::cpu);
    package_view v;
    ASSERT_TRUE(validate(p.image.data(), p.image.size(), load_at, dram, &v).ok());
    const step_record& s = v.steps[3];
    ASSERT_EQ(s.kind, static_cast<uint8_t>(step_kind::cpu_layer));
    EXPECT_EQ(s.code_bytes, nncore_cmd::command_bytes);  // per-tensor fc: no table
    const nncore_cmd::decoded_layer d =
        nncore_cmd::decode(nncore_cmd::decode(p.image.data() + s.code_offset), nullptr, 0);
    EXPECT_EQ(d.layer.op, ref::op_kind::fully_connected);
    EXPECT_EQ(d.layer.out_channels, 10);
    EXPECT_EQ(d.layer.out_mult[0].multiplier, net.ops[3].layer.out_mult[0].multiplier);
    EXPECT_EQ(d.plan.in_shape, (nn::shape4{1, 1, 1, 32}));
    const std::vector<uint8_t>& w = net.ops[3].weights->bytes();
    ASSERT_EQ(s.weights_bytes, w.size());
    EXPECT_TRUE(std::equal(w.begin(), w.end(), p.image.begin() + s.weights_offset));
    EXPECT_EQ(s.bias_bytes, 40u);
}

TEST(package, automatic_placement_follows_the_core_precisions) {
    build_options o = options();
    o.core_precisions = 1u << static_cast<unsigned>(ref::precision::fp32);  // no int8
    const built_package p = build(tiny_classifier(7), o);
    for (std::size_t i = 0; i < 4; ++i)
        EXPECT_EQ(p.kinds[i], step_kind::cpu_layer) << i;
    EXPECT_TRUE(check(p.image).ok());
    network net = tiny_classifier(7);
    net.ops[0].where = placement::core;
    EXPECT_THROW(build(net, o), std::invalid_argument);
}

// Every step the CPU runs says why: placed there, precision, op, or shape.
TEST(package, cpu_steps_carry_their_reason) {
    const built_package on_core = sample();
    ASSERT_EQ(on_core.cpu_reasons.size(), 5u);
    for (std::size_t i = 0; i < 4; ++i)
        EXPECT_EQ(on_core.cpu_reasons[i], "") << i;
    EXPECT_EQ(on_core.cpu_reasons[4], "op unsupported: the NN core has no softmax command");
    EXPECT_EQ(sample(placement::cpu).cpu_reasons[3], "placed on the CPU by the network");
    build_options o = options();
    o.core_precisions = 1u << static_cast<unsigned>(ref::precision::fp32);
    EXPECT_EQ(build(tiny_classifier(7), o).cpu_reasons[0],
              "precision int8: the core does not support it");
    o = options();
    o.buffers = {1, 1, 1};  // 1 KiB buffers: one 64x64-channel input row is 4 KiB
    o.channel_split = channel_split_policy::off;
    const built_package tiny = build(tiny_classifier(7, {64, 64, 16, 32, 10}), o);
    EXPECT_EQ(tiny.kinds[0], step_kind::cpu_layer);
    EXPECT_EQ(tiny.cpu_reasons[0].rfind("shape does not fit the core: ", 0), 0u)
        << tiny.cpu_reasons[0];
    // In passes over its input channels the layer fits after all.
    o.channel_split = channel_split_policy::fallback;
    const built_package passes = build(tiny_classifier(7, {64, 64, 16, 32, 10}), o);
    EXPECT_EQ(passes.kinds[0], step_kind::core);
    ASSERT_FALSE(passes.mappings[0].empty());
    const mapping_choice& m = passes.mappings[0][0];
    EXPECT_GT(m.candidates[m.chosen].passes, 1);
}

// A reshape keeps the bytes: in the middle of a network it is free (its
// output an alias of its input); as the network's output it is a CPU step.
TEST(package, a_reshape_is_free_unless_it_is_the_output) {
    network net = tiny_classifier(7);
    net.ops.insert(net.ops.begin() + 3, reshape_op({1, 1, 1, 32}, "flatten"));
    built_package p = build(net, options());
    package_view v;
    ASSERT_TRUE(validate(p.image.data(), p.image.size(), load_at, dram, &v).ok());
    EXPECT_EQ(p.kinds[3], step_kind::none);
    ASSERT_EQ(v.steps.size(), net.ops.size() - 1);
    EXPECT_EQ(v.steps[3].name, "fc");
    EXPECT_EQ(v.steps[3].input, 4);  // the alias
    EXPECT_EQ(v.tensors[4].role, tensor_role::activation);
    EXPECT_EQ(v.tensors[4].address, v.tensors[3].address);

    net.ops.push_back(reshape_op({1, 1, 2, 5}, "unflatten"));
    p = build(net, options());
    ASSERT_TRUE(validate(p.image.data(), p.image.size(), load_at, dram, &v).ok());
    EXPECT_EQ(p.kinds.back(), step_kind::cpu_op);
    const step_record& last = v.steps.back();
    EXPECT_EQ(last.name, "unflatten");
    const cpuops::encoded e = cpuops::decode(p.image.data() + last.code_offset, last.code_bytes);
    EXPECT_EQ(e.o.k, cpuops::kind::reshape);
    EXPECT_EQ(e.inputs, (std::vector<uint16_t>{static_cast<uint16_t>(net.ops.size() - 1)}));
}

TEST(package, builder_names_the_bad_op) {
    network net = tiny_classifier(7);
    net.input_type = nn::dtype::fp32;
    try {
        build(net, options());
        FAIL() << "expected an error";
    } catch (const std::invalid_argument& e) {
        EXPECT_NE(std::string(e.what()).find("network 'tiny_classifier': op 0 'conv1': input is "
                                             "fp32: expected int8"),
                  std::string::npos)
            << e.what();
    }
    build_options o = options();
    o.load_address += 4;
    EXPECT_THROW(build(tiny_classifier(7), o), std::invalid_argument);
    net = tiny_classifier(7);
    net.ops[2].in2 = 0;  // a pool has no second operand
    EXPECT_THROW(build(net, options()), std::invalid_argument);
}

// --- the validator's verdict on each corruption -------------------------------

TEST(package_validator, truncated_magic_version_size) {
    const std::vector<uint8_t> good = compiler::to_vector(sample().image);
    expect_error(validate(good.data(), 40, load_at, dram), package_error::truncated, "40 bytes");
    std::vector<uint8_t> img = good;
    img[0] = 'X';
    expect_error(check(img), package_error::bad_magic, "header.magic");
    img = good;
    img[offset::version] = 1;
    expect_error(check(img), package_error::bad_version, "header.version 1: expected 2");
    img = good;
    img.push_back(0);
    expect_error(check(img), package_error::bad_size, "header.total_size");
    img = good;
    img[offset::total_size] ^= 0x40;
    seal(img);
    expect_error(check(img), package_error::bad_size, "header.total_size");
}

TEST(package_validator, header_checksum_and_load_address) {
    const std::vector<uint8_t> good = compiler::to_vector(sample().image);
    std::vector<uint8_t> img = good;
    img[header_bytes + 2 * section_entry_bytes + 8] ^= 1;  // constants.size, not resealed
    expect_error(check(img), package_error::header_checksum, "header.header_checksum");
    expect_error(check(good, load_at + 0x1000), package_error::load_address,
                 "header.load_address 0x81000000: the package lies at 0x81001000");
}

TEST(package_validator, section_out_of_bounds_and_out_of_order) {
    const std::vector<uint8_t> good = compiler::to_vector(sample().image);
    std::vector<uint8_t> img = good;
    uint8_t* e = img.data() + header_bytes + 2 * section_entry_bytes;  // constants
    section_entry s = decode_section(e);
    s.size = static_cast<uint32_t>(img.size());
    encode(s, e);
    seal(img);
    expect_error(check(img), package_error::section_bounds, "section 2 (constants)");
    img = good;
    e = img.data() + header_bytes + 3 * section_entry_bytes;  // streams
    s = decode_section(e);
    s.offset += 8;  // misaligned
    encode(s, e);
    seal(img);
    expect_error(check(img), package_error::section_bounds, "section 3 (streams)");
    img = good;
    e = img.data() + header_bytes + 4 * section_entry_bytes;
    s = decode_section(e);
    s.kind = 9;
    encode(s, e);
    seal(img);
    expect_error(check(img), package_error::bad_section, "section 4 (cpu_code): kind 9");
}

TEST(package_validator, section_checksum_names_the_section) {
    std::vector<uint8_t> img = compiler::to_vector(sample().image);
    img[section_offset(img, section_kind::constants) + 5] ^= 0x10;  // a weight byte
    expect_error(check(img), package_error::checksum, "section 2 (constants): checksum");
}

TEST(package_validator, padding_bytes_are_covered_too) {
    std::vector<uint8_t> img = compiler::to_vector(sample().image);
    img[header_bytes + section_count * section_entry_bytes + 3] = 1;  // before the first section
    expect_error(check(img), package_error::checksum, "header.body_checksum");
}

TEST(package_validator, bad_step_kind_names_the_step) {
    std::vector<uint8_t> img = compiler::to_vector(sample().image);
    img[step_at(img, 2) + offset::step_kind] = 9;
    seal(img);
    expect_error(check(img), package_error::bad_step_kind,
                 "step 2 'gap': kind 9: expected core (1), cpu_layer (2), softmax (3), copy (4) or "
                 "cpu_op (5)");
}

TEST(package_validator, bad_step_operands) {
    std::vector<uint8_t> img = compiler::to_vector(sample().image);
    step_record s = decode_step(img.data() + step_at(img, 4));
    s.output = 77;
    encode(s, img.data() + step_at(img, 4));
    seal(img);
    expect_error(check(img), package_error::bad_step, "step 4 'softmax': output tensor 77");
    // A CPU layer whose input tensor does not match its command.
    img = compiler::to_vector(sample(placement::cpu).image);
    s = decode_step(img.data() + step_at(img, 3));
    s.input = 2;
    encode(s, img.data() + step_at(img, 3));
    seal(img);
    expect_error(check(img), package_error::bad_step, "step 3 'fc': input tensor 2");
    // A CPU layer that would be one pass over some input channels: the
    // runtime computes whole layers only.
    img = compiler::to_vector(sample(placement::cpu).image);
    s = decode_step(img.data() + step_at(img, 3));
    nncore_cmd::command c = nncore_cmd::decode(img.data() + s.code_offset);
    c.flags |= nncore_cmd::flag::partial_in;
    const tensor_record out = decode_tensor(img.data() + section_offset(img, section_kind::tensors) +
                                            s.output * tensor_record_bytes);
    c.compute.in2 = {0, static_cast<uint16_t>(out.shape.n), static_cast<uint16_t>(out.shape.h),
                     static_cast<uint16_t>(out.shape.w), static_cast<uint16_t>(out.shape.c)};
    nncore_cmd::encode(c, img.data() + s.code_offset);
    seal(img);
    expect_error(check(img), package_error::bad_step, "step 3 'fc': partial_in / partial_out");
}

TEST(package_validator, addresses_outside_dram_or_arena) {
    const std::vector<uint8_t> good = compiler::to_vector(sample().image);
    std::vector<uint8_t> img = good;
    const std::size_t t3 = section_offset(img, section_kind::tensors) + 3 * tensor_record_bytes;
    tensor_record t = decode_tensor(img.data() + t3);
    t.address = 0x10;
    encode(t, img.data() + t3);
    seal(img);
    expect_error(check(img), package_error::address_outside_dram, "tensor 3 at 0x10");
    // The package itself outside DRAM.
    expect_error(validate(good.data(), good.size(), load_at, {0, 0x1000000}),
                 package_error::address_outside_dram, "package at 0x81000000");
    // A STORE of a core stream aimed at the package: rebuild the stream.
    img = good;
    const step_record s = decode_step(img.data() + step_at(img, 1));
    nncore_cmd::parsed_stream ps = nncore_cmd::parse_stream(img.data() + s.code_offset, s.code_bytes);
    nncore_cmd::stream_writer w;
    std::size_t victim = 0;
    for (std::size_t k = 0; k < ps.commands.size(); ++k) {
        nncore_cmd::command c = ps.commands[k];
        if (c.op == nncore_cmd::opcode::store && victim == 0) {
            c.move.dram_addr = load_at;
            victim = k;
        }
        w.append(c);
    }
    const std::vector<uint8_t> stream = w.bytes();
    std::copy(stream.begin(), stream.end(), img.begin() + s.code_offset);
    seal(img);
    expect_error(check(img), package_error::address_outside_dram,
                 "step 1 'conv2': command " + std::to_string(victim) + " (store) 0x81000000");
}

// The arena may lie in the on-chip SRAM: the builder puts it at arena_base
// when it fits arena_capacity and at the overflow base otherwise; the
// validator accepts an SRAM arena only when it is given the SRAM window, and
// every tensor and STORE then lies in it.
TEST(package, the_arena_goes_to_sram_when_it_fits) {
    constexpr uint64_t sram_base = 0x10000000;
    const memory_window sram{sram_base, 512 * 1024};
    const network net = tiny_classifier(7);
    build_options o = options();
    o.arena_base = sram_base;
    o.arena_capacity = sram.size;
    o.overflow_arena_base = arena_at;
    const built_package on_chip = build(net, o);
    EXPECT_EQ(on_chip.arena_base, sram_base);
    package_view v;
    ASSERT_TRUE(validate(on_chip.image.data(), on_chip.image.size(), load_at, dram, &v, sram).ok());
    EXPECT_EQ(v.hdr.arena_base, sram_base);
    for (std::size_t t = 0; t < 5; ++t)  // the input and the four step outputs
        EXPECT_TRUE(sram.contains(v.tensors[t].address, v.tensors[t].bytes())) << t;
    expect_error(validate(on_chip.image.data(), on_chip.image.size(), load_at, dram),
                 package_error::address_outside_dram, "expected a non-empty area inside DRAM");
    // The same layout, only moved: the offsets inside the arena are the DRAM build's.
    const built_package in_dram = build(net, options());
    EXPECT_EQ(in_dram.arena_size, on_chip.arena_size);
    for (std::size_t t = 0; t < 5; ++t)
        EXPECT_EQ(on_chip.tensors[t].address - sram_base, in_dram.tensors[t].address - arena_at);
    // Too small an SRAM: the arena overflows to DRAM.
    o.arena_capacity = on_chip.arena_size - 64;
    const built_package overflow = build(net, o);
    EXPECT_EQ(overflow.arena_base, arena_at);
    EXPECT_EQ(overflow.image, in_dram.image);
}

TEST(package_validator, bad_stream_and_bad_tensor) {
    std::vector<uint8_t> img = compiler::to_vector(sample().image);
    const step_record s = decode_step(img.data() + step_at(img, 0));
    img[s.code_offset + nncore_cmd::header_bytes + 3] ^= 1;  // stream checksum now wrong
    seal(img);
    expect_error(check(img), package_error::bad_stream, "step 0 'conv1': command stream");
    img = compiler::to_vector(sample().image);
    img[section_offset(img, section_kind::tensors) + 24] = 42;  // tensor 0 dtype
    seal(img);
    expect_error(check(img), package_error::bad_tensor, "tensor 0: dtype 42");
}

// Any bytes: a verdict, never a crash (seeded, bounded). Half the cases are
// resealed so that the structural checks behind the checksums are reached.
TEST(package_validator, random_corruption_never_crashes) {
    const std::vector<uint8_t> good = compiler::to_vector(sample(placement::cpu).image);
    std::mt19937 rng(1234);
    int rejected = 0;
    for (int i = 0; i < 3000; ++i) {
        std::vector<uint8_t> img = good;
        const int flips = 1 + static_cast<int>(rng() % 4);
        for (int f = 0; f < flips; ++f) {
            // Bias towards the header and the tables, where structure lives.
            const std::size_t lim = (rng() & 1) ? 1024 : img.size();
            img[rng() % std::min(lim, img.size())] ^= static_cast<uint8_t>(1 + rng() % 255);
        }
        if (rng() & 1)
            seal(img);
        if (rng() % 8 == 0)
            img.resize(rng() % img.size());
        const validation v = check(img);
        rejected += !v.ok();
        EXPECT_EQ(v.ok(), v.message.empty());
    }
    EXPECT_GT(rejected, 1500);
}
