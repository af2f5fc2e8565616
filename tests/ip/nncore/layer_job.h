// One layer end to end on the bench: operands staged in DRAM, a stream that
// LOADs them into the local memory, runs the compute command, STOREs the
// output and ENDs; the output read back from DRAM. Plus seeded random tensors.
#pragma once

#include <random>

#include "nn/ref/ops.h"
#include "tests/ip/nncore/nncore_bench.h"

namespace nnvp::test {

constexpr uint64_t data_addr = dram_base + 0x100000u;  // operands staged from here

inline uint32_t align64(uint64_t v) {
    return static_cast<uint32_t>((v + 63) & ~uint64_t{63});
}

inline nn::tensor random_tensor(std::mt19937& rng, nn::dtype t, nn::shape4 s,
                                int64_t int_limit = 0) {
    nn::tensor x(t, s);
    for (std::size_t i = 0; i < x.size(); ++i) {
        if (nn::is_float(t)) {
            x.set_float(i, std::uniform_real_distribution<float>(-1.0f, 1.0f)(rng));
        } else if (t == nn::dtype::binary) {
            x.set_int(i, (rng() & 1) ? 1 : -1);
        } else {
            const int64_t lo = int_limit ? -int_limit : nn::min_of(t);
            const int64_t hi = int_limit ? int_limit : nn::max_of(t);
            x.set_int(i, std::uniform_int_distribution<int64_t>(lo, hi)(rng));
        }
    }
    return x;
}

struct job_result {
    uint32_t status = 0;
    nn::tensor out;
    nncore::core::command_record rec;  // the compute command's record
};

// Local layout: input (and second input) in the input buffer, weights, bias
// and table in the weight buffer, output in the output buffer.
inline job_result run_job(nncore_bench& b, const ref::layer& l, const nn::tensor& in,
                          const nn::tensor* second, const nn::tensor* bias,
                          cost::dataflow df = cost::dataflow::output_stationary,
                          uint32_t mode = 0) {
    const auto& cc = b.core.config().core;
    const bool weights = has_weights(l);
    placement at;
    at.in = 0;
    at.in2 = align64(in.bytes().size());
    uint64_t w = uint64_t{cc.input_kb} * 1024;
    at.weights = static_cast<uint32_t>(w);
    if (weights && second)
        w += align64(second->bytes().size());
    at.bias = static_cast<uint32_t>(w);
    if (bias)
        w += align64(bias->bytes().size());
    at.table = static_cast<uint32_t>(w);
    at.out = (cc.input_kb + cc.weight_kb) * 1024;
    const nncore_cmd::encoded_layer e =
        compute_command(l, in.shape(), second ? second->shape() : nn::shape4{}, at, df);
    const command& c = e.cmd;
    const std::vector<uint8_t>& table = e.table;

    stream s;
    uint64_t d = data_addr;
    const auto stage = [&](const std::vector<uint8_t>& bytes, uint32_t local, uint8_t tag) {
        if (bytes.empty())
            return;
        b.put(d, bytes);
        s.load(d, local, static_cast<uint32_t>(bytes.size()), tag);
        d += align64(bytes.size());
    };
    stage(in.bytes(), at.in, 0);
    if (second)
        stage(second->bytes(), weights ? at.weights : at.in2, 1);
    if (bias)
        stage(bias->bytes(), at.bias, 2);
    stage(table, at.table, 3);
    s.barrier();
    s.add(c);
    const nn::shape4 os = ref::output_shape(l, in.shape());
    nn::tensor out(ref::output_type(l), os);
    const uint64_t out_addr = d;
    s.store(at.out, out_addr, static_cast<uint32_t>(out.bytes().size()), 4);
    s.end();

    job_result r;
    const std::size_t before = b.records.size();
    r.status = b.run(s, mode);
    const std::vector<uint8_t> got = b.get(out_addr, out.bytes().size());
    out.bytes() = got;
    r.out = out;
    for (std::size_t i = before; i < b.records.size(); ++i)
        if (nncore_cmd::is_compute(b.records[i].op))
            r.rec = b.records[i];
    return r;
}

struct case_counts {
    int cases = 0;
    int constant = 0;  // reference output is a single repeated value
};
inline case_counts& case_stats() {
    static case_counts c;
    return c;
}

// Output equals the reference: bit for bit, FP32 within docs/numerics.md's
// summation bound (taken generously as 1e-5 relative: the kernels keep the
// reference's order, so in practice it is exact).
inline void expect_matches(const nn::tensor& got, const nn::tensor& want, const std::string& what) {
    ASSERT_EQ(got.type(), want.type()) << what;
    // Count cases whose reference output is one repeated value (a clamp
    // everywhere): tests check that few are.
    ++case_stats().cases;
    bool varied = want.size() < 8;
    for (std::size_t i = 1; i < want.size() && !varied; ++i)
        varied = want.get_float(i) != want.get_float(0);
    case_stats().constant += !varied;
    ASSERT_EQ(got.shape(), want.shape()) << what;
    if (want.type() == nn::dtype::fp32) {
        for (std::size_t i = 0; i < want.size(); ++i) {
            if (std::isnan(want.get_float(i)) && std::isnan(got.get_float(i)))
                continue;  // rsqrt / log of a negative value
            ASSERT_NEAR(got.get_float(i), want.get_float(i),
                        1e-5f * (1.0f + std::abs(want.get_float(i))))
                << what << " element " << i;
        }
        return;
    }
    EXPECT_EQ(got.bytes(), want.bytes()) << what;
}

}  // namespace nnvp::test
