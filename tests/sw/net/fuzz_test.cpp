// Seeded, bounded random graphs: any attribute values, any wiring (dangling
// names, cycles, wrong arity). validate() either accepts the graph, and then
// every figure and lowering is consistent, or throws graph_error: never a
// crash, a hang or another exception type.
#include <gtest/gtest.h>

#include <random>

#include "sw/net/lower.h"
#include "sw/net/stats.h"
#include "nn/ref/ops.h"

namespace {

using namespace nnvp::net;

TEST(net_fuzz, random_graphs_validate_or_fail_cleanly) {
    std::mt19937 rng(20261122);
    const auto pick = [&](int lo, int hi) {
        return std::uniform_int_distribution<int>(lo, hi)(rng);
    };
    int accepted = 0;
    for (int iter = 0; iter < 3000; ++iter) {
        graph g("fuzz");
        const auto dim = [&](int hi) { return pick(0, 30) == 0 ? pick(-1, 0) : pick(1, hi); };
        g.add_input("in", {dim(2), dim(20), dim(20), dim(12)});
        std::vector<std::string> names = {"in"};
        const int count = pick(1, 6);
        for (int k = 0; k < count; ++k) {
            node n;
            n.name = "n" + std::to_string(pick(0, count));  // duplicates happen
            n.op = static_cast<op_type>(pick(0, static_cast<int>(op_type::lrn)));
            const bool binary = n.op == op_type::add || n.op == op_type::mul;
            const int arity = pick(0, 4) == 0           ? pick(0, 3)
                              : n.op == op_type::concat ? pick(1, 3)
                              : binary                  ? 2
                                                        : 1;
            for (int a = 0; a < arity; ++a)
                n.inputs.push_back(pick(0, 9) == 0 ? "n" + std::to_string(pick(0, 9))
                                                   : names[static_cast<std::size_t>(pick(
                                                         0, static_cast<int>(names.size()) - 1))]);
            n.outputs = {pick(0, 15) == 0 ? "in" : n.name};
            if (pick(0, 20) == 0)
                n.outputs.clear();
            n.geo.kernel_h = pick(-1, 5);
            n.geo.kernel_w = pick(0, 1) ? n.geo.kernel_h : pick(-1, 7);
            n.geo.stride_h = pick(0, 3);
            n.geo.stride_w = pick(0, 3);
            n.geo.pad_top = pick(-1, 4);
            n.geo.pad_bottom = pick(-1, 4);
            n.geo.pad_left = pick(-1, 4);
            n.geo.pad_right = pick(-1, 4);
            n.geo.dilation_h = pick(0, 6) == 0 ? pick(0, 3) : 1;
            n.geo.dilation_w = pick(0, 6) == 0 ? pick(0, 3) : 1;
            n.geo.groups = pick(0, 3) == 0 ? pick(-1, 4) : 1;
            n.out_channels = pick(-1, 24);
            n.has_bias = pick(0, 1);
            n.ceil_mode = pick(0, 1);
            n.axis = pick(-1, 4);
            n.target = {pick(0, 2), pick(0, 8), pick(0, 8), pick(0, 64)};
            n.lrn.size = pick(-1, 5);
            g.add_node(n);
            names.push_back(n.name);
        }
        g.add_output(names[static_cast<std::size_t>(pick(0, static_cast<int>(names.size()) - 1))]);
        try {
            g.validate();
        } catch (const graph_error&) {
            continue;
        }
        ++accepted;
        const network_stats s = compute_stats(g);
        EXPECT_EQ(s.layers.size(), g.nodes().size());
        for (std::size_t i : g.order()) {
            const node& n = g.nodes()[i];
            const nnvp::nn::shape4 out = g.tensor(n.outputs[0]).shape;
            EXPECT_TRUE(out.n >= 1 && out.h >= 1 && out.w >= 1 && out.c >= 1);
            if (runs_on_core(n.op) && n.op != op_type::add && n.op != op_type::mul) {
                EXPECT_EQ(nnvp::ref::output_shape(to_ref_layer(g, n), g.tensor(n.inputs[0]).shape),
                          out)
                    << n.name << " " << to_string(n.op);
            }
        }
    }
    EXPECT_GT(accepted, 200);  // the generator reaches valid graphs too
}

}  // namespace
