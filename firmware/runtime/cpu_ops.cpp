#include "firmware/runtime/cpu_ops.h"

#include "nn/cpuops/cpu_op.h"

namespace nnvp::fw {

// The arithmetic is nn/cpuops' (one softmax for the host, the package's
// cpu_op steps and version-1 softmax steps alike).
nn::tensor softmax(const nn::tensor& in, const ref::quant_params& q) {
    const cpuops::op o{cpuops::kind::softmax, {}, {}};
    const std::vector<cpuops::tensor_info> infos = {{in.shape(), in.type(), q}};
    const cpuops::tensor_info out = cpuops::infer(o, infos);  // throws for other types
    return cpuops::execute(o, {&in}, infos, out);
}

}  // namespace nnvp::fw
