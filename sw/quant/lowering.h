// Internals of quantize() (quantizer.h): the lowering of one fused graph,
// shared by the driver (quantizer.cpp), the choice of every tensor's
// quantization (tensor_scales.cpp) and the lowering of nodes to ops
// (op_lowering.cpp).
#pragma once

#include <map>
#include <string>
#include <vector>

#include "nn/tensor/tensor.h"
#include "sw/compiler/builder.h"
#include "sw/net/graph.h"
#include "sw/quant/calibration.h"
#include "sw/quant/quant_options.h"
#include "sw/quant/representation.h"

namespace nnvp::quant::detail {

inline bool is_float_precision(ref::precision p) {
    return p == ref::precision::fp32 || p == ref::precision::fp16;
}

inline bool is_weighted(net::op_type op) {
    return op == net::op_type::conv2d || op == net::op_type::fully_connected;
}

inline bool is_pool(net::op_type op) {
    return op == net::op_type::max_pool || op == net::op_type::avg_pool ||
           op == net::op_type::global_avg_pool || op == net::op_type::global_max_pool;
}

using quant::repr;

// One fused, validated graph lowered to a compiler::network under the options.
class lowering {
public:
    lowering(const net::graph& g, const quant_options& o, const calibration& cal)
        : m_g(g), m_o(o), m_cal(cal) {}

    compiler::network run();

private:
    [[noreturn]] void fail(const std::string& what) const {
        throw quant_error("quantize: network '" + m_g.name() + "': " + what);
    }
    // The driver (quantizer.cpp).
    void check_graph() const;
    void check_overrides() const;

    // Which precision and quantization each tensor gets (tensor_scales.cpp).
    void build_groups();
    std::string find_root(const std::string& t);
    const std::string& root(const std::string& t) const;
    value_range range_of(const std::string& tensor) const;
    void measure_globals();
    ref::precision precision_of(const net::node& n) const;
    int bits_for(nn::dtype t) const;
    ref::quant_params params_for_range(value_range r, nn::dtype t) const;
    ref::quant_params act_params(const std::string& tensor, nn::dtype t) const;
    ref::quant_params pre_act_params(const net::node& n, nn::dtype t) const;
    std::vector<float> weight_scales(const net::node& n, nn::dtype wt) const;

    // Nodes to package ops, converts where a reader wants another
    // representation (op_lowering.cpp).
    repr default_repr(const std::string& tensor) const;
    repr wanted_input(const net::node& n, std::size_t k, const repr* have) const;
    int operand(const std::string& tensor, const repr& want);
    void produce(const std::string& tensor, compiler::net_op op, const repr& r);
    void set_input();
    void lower_core(const net::node& n);
    void lower_weights(const net::node& n, ref::layer& l, compiler::net_op& op) const;
    void lower_cpu(const net::node& n);

    const net::graph& m_g;
    const quant_options& m_o;
    const calibration& m_cal;
    compiler::network m_net;
    std::map<std::string, std::string> m_parent;       // tensors sharing a quantization
    std::map<std::string, value_range> m_group_range;  // by group root
    float m_act_absmax = 0.0f;                         // static_fixed: whole network
    float m_w_absmax = 0.0f;
    std::map<std::string, int> m_index;  // tensor -> package tensor index, as produced
    std::map<std::string, repr> m_repr;
    std::map<std::string, int> m_converted;  // converted copies, by tensor and repr
    // Outputs of overridden layers (and of the weightless layers after them)
    // with the precision a weightless reader inherits.
    std::map<std::string, ref::precision> m_inherited;
};

}  // namespace nnvp::quant::detail
