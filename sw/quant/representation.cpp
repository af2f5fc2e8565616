#include "sw/quant/representation.h"

namespace nnvp::quant {

bool same_repr(const repr& a, const repr& b) {
    return a.type == b.type &&
           (nn::is_float(a.type) || (a.q.scale == b.q.scale && a.q.zero_point == b.q.zero_point));
}

std::string repr_key(const std::string& tensor, const repr& r) {
    return tensor + "|" + nn::to_string(r.type) + "|" + std::to_string(r.q.scale) + "|" +
           std::to_string(r.q.zero_point);
}

nn::tensor as_float_type(const nn::tensor& v, nn::dtype t) {
    if (v.type() == t)
        return v;
    if (!v.has_values())
        return nn::tensor::without_values(t, v.shape());
    nn::tensor r(t, v.shape());
    for (std::size_t i = 0; i < v.size(); ++i)
        r.set_float(i, v.get_float(i));
    return r;
}

compiler::net_op convert_op(const std::string& tensor, int in, const repr& want) {
    compiler::net_op op;
    op.type = compiler::op_type::cpu;
    op.name = tensor + "/to_" + nn::to_string(want.type);
    op.cpu.k = cpuops::kind::convert;
    op.cpu.ints = {static_cast<int32_t>(want.type)};
    if (!nn::is_float(want.type))
        op.cpu.floats = {want.q.scale, static_cast<float>(want.q.zero_point)};
    op.in = {in};
    return op;
}

}  // namespace nnvp::quant
