// The op record itself: its name, the work it costs and its bytes inside a
// package. What an op reads and writes is checked in cpu_op_infer.cpp, its
// arithmetic in cpu_op_execute.cpp.
#include "nn/cpuops/cpu_op.h"

#include <cstring>

#include "nn/cpuops/math_ops.h"
#include "nn/cpuops/op_failure.h"
#include "nn/tensor/endian.h"

namespace nnvp::cpuops {

namespace detail {

void fail(const op& o, const std::string& what) {
    throw op_error(std::string("cpu op ") + to_string(o.k) + ": " + what);
}

void need_counts(const op& o, const std::vector<tensor_info>& ins, std::size_t n_in,
                 std::size_t ints_lo, std::size_t ints_hi, std::size_t floats) {
    if (ins.size() != n_in)
        fail(o, std::to_string(ins.size()) + " inputs: expected " + std::to_string(n_in));
    if (o.ints.size() < ints_lo || o.ints.size() > ints_hi)
        fail(o, "ints: " + std::to_string(o.ints.size()) + " values, expected " +
                    std::to_string(ints_lo) +
                    (ints_hi == ints_lo ? "" : ".." + std::to_string(ints_hi)));
    if (o.floats.size() != floats)
        fail(o, "floats: " + std::to_string(o.floats.size()) + " values, expected " +
                    std::to_string(floats));
}

}  // namespace detail

const char* to_string(kind k) {
    switch (k) {
        case kind::softmax:
            return "softmax";
        case kind::reshape:
            return "reshape";
        case kind::concat:
            return "concat";
        case kind::lrn:
            return "lrn";
        case kind::convert:
            return "convert";
        case kind::transpose:
            return "transpose";
        case kind::pad:
            return "pad";
        case kind::matmul:
            return "matmul";
        case kind::unary:
            return "unary";
        case kind::binary:
            return "binary";
        case kind::reduce:
            return "reduce";
        case kind::slice:
            return "slice";
        case kind::gather:
            return "gather";
        case kind::select:
            return "select";
        case kind::expand:
            return "expand";
        case kind::tile:
            return "tile";
        case kind::resize:
            return "resize";
        case kind::spread:
            return "spread";
    }
    return "unknown";
}

work cost(const op& o, const std::vector<tensor_info>& ins, const tensor_info& out) {
    work w;
    const uint64_t n = out.shape.count();
    switch (o.k) {
        case kind::softmax:  // the cost model's softmax rate covers max, exp and division
            w.transcendental = n;
            break;
        case kind::reshape:
            w.bytes = nn::storage_bytes(out.type, n);
            break;
        case kind::concat: {
            bool requant = false;
            for (const tensor_info& i : ins)
                requant |= !nn::is_float(i.type) &&
                           (i.q.scale != out.q.scale || i.q.zero_point != out.q.zero_point);
            if (requant)
                w.elements = n;
            else
                w.bytes = nn::storage_bytes(out.type, n);
            break;
        }
        case kind::lrn:
            w.transcendental = n;
            w.elements = n * static_cast<uint64_t>(o.ints.empty() ? 1 : o.ints[0]);
            break;
        case kind::convert:
            w.elements = n;
            break;
        case kind::transpose:
        case kind::pad:
            w.bytes = nn::storage_bytes(out.type, n);
            break;
        case kind::matmul:
            w.elements = n * static_cast<uint64_t>(ins.empty() ? 1 : ins[0].shape.c);
            break;
        case kind::unary:
        case kind::binary:
        case kind::reduce:
            return detail::cost_math(o, ins, out);
        case kind::slice:
        case kind::gather:
        case kind::select:
        case kind::expand:
        case kind::tile:
        case kind::spread:
            w.bytes = nn::storage_bytes(out.type, n);
            break;
        case kind::resize: {  // linear: two neighbours per resized axis
            uint64_t taps = 1;
            for (std::size_t a = 0; a < o.floats.size() && !o.ints.empty(); ++a)
                if (o.ints[0] == 1 && o.floats[a] != 1.0f)
                    taps *= 2;
            w.elements = n * taps;
            break;
        }
    }
    return w;
}

std::vector<uint8_t> encode(const op& o, const std::vector<uint16_t>& inputs) {
    std::vector<uint8_t> b(8);
    nn::store_le<uint16_t>(b.data(), static_cast<uint16_t>(o.k));
    nn::store_le<uint16_t>(b.data() + 2, static_cast<uint16_t>(inputs.size()));
    nn::store_le<uint16_t>(b.data() + 4, static_cast<uint16_t>(o.ints.size()));
    nn::store_le<uint16_t>(b.data() + 6, static_cast<uint16_t>(o.floats.size()));
    for (uint16_t i : inputs) {
        b.resize(b.size() + 2);
        nn::store_le<uint16_t>(b.data() + b.size() - 2, i);
    }
    b.resize((b.size() + 3) / 4 * 4, 0);
    for (int32_t v : o.ints) {
        b.resize(b.size() + 4);
        nn::store_le<int32_t>(b.data() + b.size() - 4, v);
    }
    for (float f : o.floats) {
        uint32_t u;
        std::memcpy(&u, &f, 4);
        b.resize(b.size() + 4);
        nn::store_le<uint32_t>(b.data() + b.size() - 4, u);
    }
    return b;
}

encoded decode(const uint8_t* data, std::size_t bytes) {
    if (bytes < 8)
        throw op_error("cpu op: " + std::to_string(bytes) + " bytes: expected at least 8");
    encoded e;
    e.o.k = static_cast<kind>(nn::load_le<uint16_t>(data));
    const std::size_t n_in = nn::load_le<uint16_t>(data + 2);
    const std::size_t n_int = nn::load_le<uint16_t>(data + 4);
    const std::size_t n_float = nn::load_le<uint16_t>(data + 6);
    const std::size_t ints_at = (8 + 2 * n_in + 3) / 4 * 4;
    const std::size_t need = ints_at + 4 * (n_int + n_float);
    if (bytes != need)
        throw op_error("cpu op: " + std::to_string(bytes) + " bytes: expected " +
                       std::to_string(need) + " for its counts");
    if (std::string(to_string(e.o.k)) == "unknown")
        throw op_error("cpu op: unknown kind " + std::to_string(static_cast<unsigned>(e.o.k)));
    for (std::size_t i = 0; i < n_in; ++i)
        e.inputs.push_back(nn::load_le<uint16_t>(data + 8 + 2 * i));
    for (std::size_t i = 0; i < n_int; ++i)
        e.o.ints.push_back(nn::load_le<int32_t>(data + ints_at + 4 * i));
    for (std::size_t i = 0; i < n_float; ++i) {
        const uint32_t u = nn::load_le<uint32_t>(data + ints_at + 4 * (n_int + i));
        float f;
        std::memcpy(&f, &u, 4);
        e.o.floats.push_back(f);
    }
    return e;
}

}  // namespace nnvp::cpuops
