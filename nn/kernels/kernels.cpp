#include "nn/kernels/kernels.h"

#include "nn/ref/ops.h"

namespace nnvp::kernels {

using ref::op_kind;

nn::tensor execute(const ref::layer& l, const nn::tensor& in, const nn::tensor* second,
                   const nn::tensor* bias, const options& opt, const nn::tensor* partials)
{
    if (partials || ref::uses_partials(l)) {  // only conv2d / fully_connected accumulate
        if (!second || (l.op != op_kind::conv2d && l.op != op_kind::fully_connected))
            return ref::execute(l, in, second, bias, partials);
    }
    switch (l.op) {
    case op_kind::conv2d:
        if (!second)  // the reference reports the missing operand
            return ref::execute(l, in, second, bias);
        return conv2d(l, in, *second, bias, opt, partials);
    case op_kind::fully_connected:
        if (!second)
            return ref::execute(l, in, second, bias);
        return fully_connected(l, in, *second, bias, opt, partials);
    case op_kind::add:
    case op_kind::mul:
        if (!second)
            return ref::execute(l, in, second, bias);
        return eltwise(l, in, *second, opt);
    case op_kind::activation: return activate(l, in, opt);
    case op_kind::sub:
    case op_kind::div:
    case op_kind::max:
    case op_kind::min:
    case op_kind::reduce_sum:
    case op_kind::reduce_max:
    case op_kind::reduce_mean:
    case op_kind::softmax:
    case op_kind::normalize:
        // Linear passes with no blocking to gain: the reference's loops are the kernel.
        return ref::execute(l, in, second, bias);
    default: return pool(l, in, opt);
    }
}

}  // namespace nnvp::kernels
