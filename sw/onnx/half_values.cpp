// FLOAT16 in the importer: stored as fp16 at the graph's edges (inputs,
// outputs declared FLOAT16), computed as FLOAT inside, rounded to fp16 where
// the model casts to FLOAT16 (check_shape_ops.cpp, cast).
#include "sw/onnx/check_builder.h"

namespace nnvp::onnx_import::detail {

void check_builder::widen_half_inputs() {
    for (int k = 0; k < m_node->input_size(); ++k) {
        const auto it = m_values.find(m_node->input(k));
        if (it == m_values.end() || it->second.elem_type != onnx::TensorProto::FLOAT16)
            continue;
        value& v = it->second;
        v.elem_type = kFloat;
        if (v.known) {
            nn::tensor wide(nn::dtype::fp32, v.known->data.shape());
            for (std::size_t i = 0; i < wide.size(); ++i)
                wide.set_float(i, v.known->data.get_float(i));
            v.known->data = std::move(wide);
            v.known->elem_type = kFloat;
            continue;
        }
        v.r = add_cpu({cpuops::kind::convert, {static_cast<int32_t>(nn::dtype::fp32)}, {}}, {v.r},
                      "widen" + std::to_string(k));
    }
}

}  // namespace nnvp::onnx_import::detail
