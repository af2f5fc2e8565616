#include "nn/kernels/detail.h"

#include "nn/tensor/endian.h"
#include "nn/tensor/fp16.h"

#include <atomic>
#include <cstring>
#include <stdexcept>
#include <thread>
#include <type_traits>

namespace nnvp::kernels::detail {

using nn::dtype;

namespace {

using nn::load_le;
using nn::store_le;

// Raw integer value of element i (binary: +-1).
template <typename Out>
void unpack_int(const nn::tensor& t, int32_t zp, std::vector<Out>& v)
{
    const uint8_t* b = t.bytes().data();
    const std::size_t n = t.size();
    v.resize(n);
    switch (t.type()) {
    case dtype::int64:
        for (std::size_t i = 0; i < n; ++i)
            v[i] = static_cast<Out>(load_le<int64_t>(b + 8 * i) - zp);
        break;
    case dtype::int32:
        for (std::size_t i = 0; i < n; ++i)
            v[i] = static_cast<Out>(int64_t{load_le<int32_t>(b + 4 * i)} - zp);
        break;
    case dtype::int16:
        for (std::size_t i = 0; i < n; ++i)
            v[i] = static_cast<Out>(load_le<int16_t>(b + 2 * i) - zp);
        break;
    case dtype::int8:
        for (std::size_t i = 0; i < n; ++i)
            v[i] = static_cast<Out>(static_cast<int8_t>(b[i]) - zp);
        break;
    case dtype::int4:
        for (std::size_t i = 0; i < n; ++i) {
            const int nib = (i % 2 == 0) ? (b[i / 2] & 0xf) : (b[i / 2] >> 4);
            v[i] = static_cast<Out>((nib >= 8 ? nib - 16 : nib) - zp);
        }
        break;
    case dtype::binary:
        for (std::size_t i = 0; i < n; ++i)
            v[i] = static_cast<Out>((((b[i / 8] >> (i % 8)) & 1) ? 1 : -1) - zp);
        break;
    default: throw std::invalid_argument("kernels: integer unpack of a float tensor");
    }
}

}  // namespace

std::vector<int16_t> unpack_i16(const nn::tensor& t, int32_t zero_point)
{
    std::vector<int16_t> v;
    unpack_int(t, zero_point, v);
    return v;
}

std::vector<int32_t> unpack_i32(const nn::tensor& t, int32_t zero_point)
{
    std::vector<int32_t> v;
    unpack_int(t, zero_point, v);
    return v;
}

std::vector<int64_t> unpack_i64(const nn::tensor& t)
{
    std::vector<int64_t> v;
    unpack_int(t, 0, v);
    return v;
}

void unpack_into(const nn::tensor& t, int32_t zero_point, std::vector<int16_t>& v)
{
    unpack_int(t, zero_point, v);
}

void unpack_into(const nn::tensor& t, int32_t zero_point, std::vector<int32_t>& v)
{
    unpack_int(t, zero_point, v);
}

std::vector<float> unpack_f32(const nn::tensor& t)
{
    std::vector<float> v;
    unpack_into(t, 0, v);
    return v;
}

void unpack_into(const nn::tensor& t, int32_t, std::vector<float>& v)
{
    const uint8_t* b = t.bytes().data();
    v.resize(t.size());
    if (t.type() == dtype::fp32) {
        for (std::size_t i = 0; i < v.size(); ++i) {
            const uint32_t u = load_le<uint32_t>(b + 4 * i);
            std::memcpy(&v[i], &u, sizeof u);
        }
    } else if (t.type() == dtype::fp16) {
        for (std::size_t i = 0; i < v.size(); ++i)
            v[i] = nn::half_to_float(load_le<uint16_t>(b + 2 * i));
    } else {
        throw std::invalid_argument("kernels: float unpack of an integer tensor");
    }
}

void pack_ints(nn::tensor& out, const std::vector<int32_t>& v)
{
    uint8_t* b = out.bytes().data();
    const std::size_t n = out.size();
    switch (out.type()) {
    case dtype::int32:
        for (std::size_t i = 0; i < n; ++i)
            store_le<int32_t>(b + 4 * i, v[i]);
        break;
    case dtype::int16:
        for (std::size_t i = 0; i < n; ++i)
            store_le<int16_t>(b + 2 * i, static_cast<int16_t>(v[i]));
        break;
    case dtype::int8:
        for (std::size_t i = 0; i < n; ++i)
            b[i] = static_cast<uint8_t>(static_cast<int8_t>(v[i]));
        break;
    case dtype::int4:
        for (std::size_t i = 0; i < n; i += 2) {
            const unsigned lo = static_cast<unsigned>(v[i]) & 0xfu;
            const unsigned hi = i + 1 < n ? static_cast<unsigned>(v[i + 1]) & 0xfu : 0u;
            b[i / 2] = static_cast<uint8_t>(lo | (hi << 4));
        }
        break;
    case dtype::binary:
        for (std::size_t i = 0; i < n; i += 8) {
            unsigned byte = 0;
            for (std::size_t j = 0; j < 8 && i + j < n; ++j)
                byte |= (v[i + j] > 0 ? 1u : 0u) << j;
            b[i / 8] = static_cast<uint8_t>(byte);
        }
        break;
    default: throw std::invalid_argument("kernels: integer pack into a float tensor");
    }
}

void pack_floats(nn::tensor& out, const std::vector<float>& v)
{
    uint8_t* b = out.bytes().data();
    if (out.type() == dtype::fp32) {
        for (std::size_t i = 0; i < out.size(); ++i) {
            uint32_t u;
            std::memcpy(&u, &v[i], sizeof u);
            store_le<uint32_t>(b + 4 * i, u);
        }
    } else if (out.type() == dtype::fp16) {
        for (std::size_t i = 0; i < out.size(); ++i)
            store_le<uint16_t>(b + 2 * i, nn::float_to_half(v[i]));
    } else {
        throw std::invalid_argument("kernels: float pack into an integer tensor");
    }
}

out_writer::out_writer(nn::tensor& out)
    : m_out(&out), m_bytes(out.bytes().data()), m_type(out.type())
{
    if (m_type == dtype::int4 || m_type == dtype::binary)
        m_staged.resize(out.size());
}

void out_writer::put_float(std::size_t i, float v)
{
    if (m_type == dtype::fp16) {
        store_le<uint16_t>(m_bytes + 2 * i, nn::float_to_half(v));
    } else {
        uint32_t u;
        std::memcpy(&u, &v, sizeof u);
        store_le<uint32_t>(m_bytes + 4 * i, u);
    }
}

void out_writer::put_int(std::size_t i, int32_t v)
{
    switch (m_type) {
    case dtype::int8: m_bytes[i] = static_cast<uint8_t>(static_cast<int8_t>(v)); break;
    case dtype::int16: store_le<int16_t>(m_bytes + 2 * i, static_cast<int16_t>(v)); break;
    case dtype::int32: store_le<int32_t>(m_bytes + 4 * i, v); break;
    default: m_staged[i] = v; break;
    }
}

void out_writer::put_wide(std::size_t i, int64_t v)
{
    if (m_type == dtype::int64)
        store_le<int64_t>(m_bytes + 8 * i, v);
    else
        store_le<int32_t>(m_bytes + 4 * i, static_cast<int32_t>(static_cast<uint32_t>(v)));
}

void out_writer::finish()
{
    if (!m_staged.empty())
        pack_ints(*m_out, m_staged);
}

int_epilogue::int_epilogue(const ref::layer& lay, nn::dtype type)
    : l(&lay), t(type), table(ref::uses_table(lay.act.kind)), lo(nn::min_of(type)),
      hi(nn::max_of(type)), zp(table ? lay.act_q.zero_point : lay.out_q.zero_point)
{
}

bool int_epilogue_ok(const ref::layer& l, nn::dtype t, bool stores_int)
{
    const int64_t lo = nn::min_of(t), hi = nn::max_of(t);
    if (ref::uses_table(l.act.kind))
        return l.act_lut.size() >= static_cast<std::size_t>(hi - lo + 1);
    if (!stores_int)
        return true;
    return l.act_min >= lo && l.act_min <= hi && l.act_max >= lo && l.act_max <= hi;
}

void parallel_for(unsigned threads, int64_t n, const std::function<void(int64_t, int64_t)>& body)
{
    if (n <= 0)
        return;
    const int64_t parts = std::clamp<int64_t>(threads, 1, n);
    const auto slice = [&](int64_t p) { return n * p / parts; };
    std::vector<std::thread> workers;
    workers.reserve(static_cast<std::size_t>(parts - 1));
    for (int64_t p = 1; p < parts; ++p)
        workers.emplace_back([&, p] { body(slice(p), slice(p + 1)); });
    body(0, slice(1));
    for (std::thread& w : workers)
        w.join();
}

void parallel_for(const options& opt, int64_t n,
                  const std::function<void(int64_t, int64_t)>& body)
{
    if (!opt.stop) {
        parallel_for(opt.threads, n, body);
        return;
    }
    // Rows are independent, so chunking a slice changes no result.
    constexpr int64_t chunks_per_slice = 64;
    std::atomic<bool> stopped{false};
    parallel_for(opt.threads, n, [&](int64_t b, int64_t e) {
        const int64_t step = std::max<int64_t>(1, (e - b) / chunks_per_slice);
        for (int64_t lo = b; lo < e; lo += step) {
            if (stopped.load(std::memory_order_relaxed) || opt.stop()) {
                stopped = true;
                return;
            }
            body(lo, std::min(e, lo + step));
        }
    });
    if (stopped)
        throw interrupted();
}

}  // namespace nnvp::kernels::detail
