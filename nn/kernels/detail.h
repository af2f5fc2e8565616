// Internals shared by the kernels: operand unpacking from packed tensor
// storage, output packing, the integer epilogue (a branch-light copy of
// ref::finish_int / ref::finish_pooled) and the worker-thread split.
#pragma once

#include "nn/kernels/kernels.h"
#include "nn/ref/layer.h"
#include "nn/tensor/tensor.h"

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <vector>

namespace nnvp::kernels::detail {

// Element values of an integer or binary (+-1) tensor minus `zero_point`.
// int16_t holds every int8 / int4 / binary value minus a zero point of the
// same type (|q - zp| <= 255); int32_t holds int16 ones.
std::vector<int16_t> unpack_i16(const nn::tensor& t, int32_t zero_point);
std::vector<int32_t> unpack_i32(const nn::tensor& t, int32_t zero_point);
// The same into an existing vector, reusing its capacity (large layers
// otherwise pay fresh pages on every call).
void unpack_into(const nn::tensor& t, int32_t zero_point, std::vector<int16_t>& v);
void unpack_into(const nn::tensor& t, int32_t zero_point, std::vector<int32_t>& v);
void unpack_into(const nn::tensor& t, int32_t zero_point, std::vector<float>& v);
// fp32 / fp16 elements as floats (exact).
std::vector<float> unpack_f32(const nn::tensor& t);
// Integer / bias values as int64 (int64 / int32 / int16 / int8 / int4 / binary).
std::vector<int64_t> unpack_i64(const nn::tensor& t);

// Store staged values into `out` (its type decides the packing). Integer
// values must lie in the type's range (binary: +-1); fp16 rounds to nearest
// even (values the epilogue already rounded stay unchanged).
void pack_ints(nn::tensor& out, const std::vector<int32_t>& v);
void pack_floats(nn::tensor& out, const std::vector<float>& v);

// Writes output elements straight into the tensor's storage where elements
// are whole bytes (threads then touch disjoint bytes), and stages int4 /
// binary elements, which share bytes, for one serial pack in finish().
class out_writer {
public:
    explicit out_writer(nn::tensor& out);
    void put_float(std::size_t i, float v);  // fp32, fp16 (rounded to nearest even)
    void put_int(std::size_t i, int32_t v);  // in the type's range; binary: +-1
    void put_wide(std::size_t i, int64_t v);  // int32 (wrapped) or int64: partial sums
    void finish();

private:
    nn::tensor* m_out;
    uint8_t* m_bytes;
    nn::dtype m_type;
    std::vector<int32_t> m_staged;
};

// round_half_away(acc * m.multiplier / 2^m.shift), exact, saturated to int64:
// ref::requantize (docs/numerics.md "Requantization").
inline int64_t requantize(int64_t acc, ref::fixed_multiplier m)
{
    const __int128 prod = static_cast<__int128>(acc) * m.multiplier;
    const int shift = std::clamp(m.shift, 0, 126);
    __int128 r = prod;
    if (shift > 0) {
        const __int128 half = static_cast<__int128>(1) << (shift - 1);
        r = prod >= 0 ? (prod + half) >> shift : -((-prod + half) >> shift);
    }
    if (r > INT64_MAX)
        return INT64_MAX;
    if (r < INT64_MIN)
        return INT64_MIN;
    return static_cast<int64_t>(r);
}

inline int64_t sat(int64_t v, int64_t lo, int64_t hi) { return std::min(std::max(v, lo), hi); }

// The integer epilogue of one layer with its fields resolved once.
// Preconditions (checked by the callers, else they defer to the reference):
// a table activation has a table covering the type's range; act_min/act_max
// lie in the type's range when the output is stored as an integer.
struct int_epilogue {
    const ref::layer* l = nullptr;
    nn::dtype t = nn::dtype::int8;
    bool table = false;
    int64_t lo = 0, hi = 0;  // type range
    int64_t zp = 0;          // act_q zero point (table) or out_q zero point

    int_epilogue(const ref::layer& lay, nn::dtype type);

    // ref::finish_int(l, acc, ch, t)
    int64_t finish(int64_t acc, ref::fixed_multiplier m) const
    {
        const int64_t v = sat(requantize(acc, m), INT32_MIN, INT32_MAX) + zp;
        return table ? lookup(v) : clamp_act(sat(v, lo, hi));
    }
    // ref::finish_pooled for pools (q in the input's domain).
    int64_t finish_pool(int64_t q) const { return table ? lookup(q) : clamp_act(sat(q, lo, hi)); }

    int64_t lookup(int64_t q) const
    {
        return sat(l->act_lut[static_cast<std::size_t>(sat(q, lo, hi) - lo)], lo, hi);
    }
    int64_t clamp_act(int64_t q) const
    {
        return std::min(std::max(q, static_cast<int64_t>(l->act_min)),
                        static_cast<int64_t>(l->act_max));
    }
};

// Whether the integer epilogue of `l` at type t can run without the checks
// the reference performs lazily (table size, clamp bounds in range).
bool int_epilogue_ok(const ref::layer& l, nn::dtype t, bool stores_int);

// Calls body(begin, end) on `threads` contiguous slices of [0, n) (the calling
// thread takes the first). Slices never depend on timing, only on n and the
// thread count, and every element is computed by exactly one call.
void parallel_for(unsigned threads, int64_t n, const std::function<void(int64_t, int64_t)>& body);
// The same over opt.threads, calling body on chunks of each slice and asking
// opt.stop before each; throws interrupted once it said stop. Without
// opt.stop, exactly the call above.
void parallel_for(const options& opt, int64_t n,
                  const std::function<void(int64_t, int64_t)>& body);

}  // namespace nnvp::kernels::detail
