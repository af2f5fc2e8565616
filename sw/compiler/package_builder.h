// Internal to the compiler: the package builder behind build() (builder.h).
// core_steps.cpp compiles each op (core programs, CPU steps, free concats);
// package_layout.cpp plans the arena, relocates the core programs' DRAM
// moves and writes the package image.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "arch/nncore/command.h"
#include "arch/package/package_format.h"
#include "sw/compiler/builder.h"
#include "sw/compiler/constant_pool.h"

namespace nnvp::compiler::detail {

inline uint64_t align_up(uint64_t v, uint64_t a = package::alignment) {
    return (v + a - 1) / a * a;
}

std::string op_name(const net_op& op);
[[noreturn]] void fail_op(const network& net, std::size_t i, const std::string& what);

// Channels that make whole bytes: a channel slice of a tensor of this type
// must start and span multiples of it (int4: 2, binary: 8).
int channel_grain(nn::dtype t);
// Output channels [c0, c0 + cg) of a conv2d / fully_connected: the layer
// (per-channel fields cut), the weights' rows, the bias.
ref::layer channel_slice(const ref::layer& l, int c0, int cg);
nn::tensor rows_slice(const nn::tensor& t, int r0, int rows);
nn::tensor channels_slice(const nn::tensor& t, int c0, int cg);

// Where a DRAM move of a compiled core program points: an operand of the
// op (resolved once the arena is planned) or a constant blob.
// weights_operand: a product of activations' weights, operand 1 (activation_gemm.h).
enum class area : uint8_t { input, in2, output, constant, weights_operand };
struct move_ref {
    std::size_t command = 0;  // index in the step's command list
    area where = area::input;
    uint64_t offset = 0;  // bytes into the area (constant: package offset of the blob + this)
    uint64_t base_add = 0;  // operand areas: where this program's part starts in the tensor
    // Channel slices: an output group's STORE writes channels [c0, c0 + cg)
    // of pixels of `c_total` channels; a grouped conv's input LOAD reads
    // such a slice of its input (cg == c_total: contiguous).
    uint32_t c0 = 0, cg = 0, c_total = 0, elem_bits = 0;
};

struct core_code {
    std::vector<nncore_cmd::command> commands;
    std::vector<move_ref> moves;
    unsigned programs = 0;
    std::vector<mapping_choice> mappings;  // one per program
};

class package_builder {
public:
    package_builder(const network& net, const build_options& opt) : m_net(net), m_opt(opt) {}
    built_package run();

private:
    [[noreturn]] void fail(std::size_t i, const std::string& what) const { fail_op(m_net, i, what); }
    // --- core_steps.cpp: one op at a time -------------------------------------
    // Appends `bytes` of constants (zeros without values when `data` is
    // null); returns their package offset.
    uint32_t add_constant(const uint8_t* data, std::size_t bytes);
    uint32_t add_constant(const nn::tensor& t);
    void place_steps();
    bool try_core(std::size_t i, core_code& code, std::string& why);
    // One product of a product of activations: its input shape and where its
    // input, weights and output parts start in their tensors (bytes).
    struct gemm_part {
        nn::shape4 in_shape;
        uint64_t input = 0, weights = 0, output = 0;
    };
    bool layer_program(std::size_t i, const ref::layer& l, const nn::tensor* weights,
                       const nn::tensor* bias, const gemm_part* part, bool channel_split,
                       bool estimate_only, compiler::program& p, std::string& why);
    bool compile_group(std::size_t i, const ref::layer& l, const nn::tensor* weights,
                       const nn::tensor* bias, uint32_t c0, uint32_t in_c0, core_code& code,
                       std::string& why, const gemm_part* part = nullptr,
                       bool channel_split = false);
    bool try_gemm(std::size_t i, core_code& code, std::string& why);
    // A layer that fits neither whole nor in output-channel groups: groups of
    // output channels, each in passes over its input channels (channel_split.h).
    bool try_channel_split(std::size_t i, core_code& code, std::string& why);
    // The output-channel group size of input-channel passes whose estimate
    // beats `code` (the layer's output-channel groups) under the objective; 0: none.
    int prefer_channel_split(std::size_t i, const core_code& code);
    int channel_split_groups(std::size_t i, double& best_cost, std::string& why);
    // Groups of cg output channels in passes.
    bool compile_channel_split(std::size_t i, int cg, core_code& code, std::string& why);
    void cpu_layer(std::size_t i, package::step_record& s);
    // A CPU op's code, once it is known to be a step (free ops have none).
    void emit_cpu_op(std::size_t i, package::step_record& s);
    std::vector<bool> free_concats() const;
    void mark_free_reshapes();
    nn::tensor zeros(int index) const {
        const tensor_desc& d = m_out.tensors[static_cast<std::size_t>(index)];
        return nn::tensor(d.type, d.shape);
    }
    // --- package_layout.cpp: the whole package ----------------------------------
    void plan_views();
    void place_arena();
    void relocate(std::size_t i);
    void emit_streams();
    void write_image();
    // The tensor a view tensor is a channel slice or an alias of (itself when none).
    std::size_t root(std::size_t t) const {
        return m_view_of[t] >= 0 ? static_cast<std::size_t>(m_view_of[t]) : t;
    }

    const network& m_net;
    const build_options& m_opt;
    built_package m_out;
    std::vector<std::vector<int>> m_operands;
    std::vector<package::step_record> m_steps;  // per op
    std::vector<core_code> m_code;              // per op placed on the core
    std::vector<bool> m_free;                   // per op: a concat that needs no step
    std::vector<int> m_view_of;                 // per tensor: the concat output it is a slice of
    std::vector<uint32_t> m_view_c0;            // per tensor: its first channel in that output
    std::vector<bool> m_alias;  // per tensor: a free reshape's output, all of m_view_of's bytes
    std::vector<std::size_t> m_kept;            // the ops that become steps
    uint64_t m_steps_offset = 0, m_tensors_offset = 0;
    uint64_t m_constants_offset = 0;  // package offset of the constants section
    constant_pool m_constants;
    std::vector<uint8_t> m_streams, m_cpu_code;
};

}  // namespace nnvp::compiler::detail
