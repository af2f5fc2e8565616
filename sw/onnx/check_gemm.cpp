// MatMul of two activations (attention's Q·Kᵀ and P·V) as the NN core's
// product of activations (sw/compiler/activation_gemm.h): B is handed to the
// core transposed, which is free when B itself was a transpose read by
// nothing else (Kᵀ: the two transposes compose into a copy of K).
#include "sw/compiler/activation_gemm.h"
#include "sw/onnx/check_builder.h"

namespace nnvp::onnx_import::detail {

tref check_builder::add_gemm(const ref::layer& l_in, tref a, tref bt, int batch) {
    ref::layer l = l_in;
    if (l.name.empty())
        l.name = op_name();
    cpuops::tensor_info out;
    try {
        compiler::activation_gemm_dims(l, batch, info(a).shape, info(bt).shape);
        out.shape = compiler::activation_gemm_shape(l, info(a).shape);
        out.type = ref::output_type(l);
    } catch (const std::invalid_argument& e) {
        fail(std::string("cannot map onto the core's product of activations: ") + e.what());
    }
    compiler::net_op op;
    op.type = compiler::op_type::layer;
    op.name = l.name;
    op.layer = l;
    op.weights_operand = true;
    op.batch = batch;
    return push_op(std::move(op), {a, bt}, out);
}

void check_builder::retarget_transpose(tref r, const std::array<int, 4>& perm) {
    compiler::net_op& op = m_ops.at(static_cast<std::size_t>(r.index));
    op.cpu.ints = {perm[0], perm[1], perm[2], perm[3]};
    const std::size_t k = static_cast<std::size_t>(r.index);
    m_op_infos[k] = cpuops::infer(op.cpu, {info(m_op_ins[k].at(0))});
}

std::optional<value> core_matmul(check_builder& b, const value& x, const value& y) {
    const std::size_t rank = x.dims.size();
    if (x.known || y.known || x.elem_type != kFloat || y.elem_type != kFloat || rank > 4 ||
        y.dims.size() != rank ||
        !std::equal(x.dims.begin(), x.dims.end() - 2, y.dims.begin()))
        return std::nullopt;
    int64_t batch = 1;
    for (std::size_t i = 0; i + 2 < rank; ++i)
        batch *= x.dims[i];
    const int64_t n = y.dims.back();
    // Bᵀ: the last two axes of B swapped (plain layout: w and c).
    const std::array<int, 4> swap = {0, 1, 3, 2};
    tref bt;
    compiler::net_op* producer = b.op_at(y.r);
    if (y.lay == layout::plain && producer && producer->type == compiler::op_type::cpu &&
        producer->cpu.k == cpuops::kind::transpose && b.uses(b.node().input(1)) == 1) {
        const std::vector<int32_t>& p = producer->cpu.ints;
        b.retarget_transpose(y.r, {p[swap[0]], p[swap[1]], p[swap[2]], p[swap[3]]});
        bt = y.r;
    } else {
        bt = b.add_cpu({cpuops::kind::transpose, {swap[0], swap[1], swap[2], swap[3]}, {}},
                       {b.runtime(y, layout::plain)}, "b_transposed");
    }
    ref::layer l = float_layer(ref::op_kind::fully_connected);
    l.out_channels = static_cast<int>(n);
    const tref r = b.add_gemm(l, b.runtime(x, layout::plain), bt, static_cast<int>(batch));
    std::vector<int64_t> out(x.dims.begin(), x.dims.end() - 1);
    out.push_back(n);
    return runtime_value(b, r, layout::plain, out, kFloat);
}

}  // namespace nnvp::onnx_import::detail
