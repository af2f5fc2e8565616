// Magnitude pruning: exactly floor(count * share) weights per layer become
// zero, the smallest in magnitude (ties by position), and nothing else moves.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

#include "sw/net/prune.h"
#include "sw/net/weights.h"
#include "sw/net/zoo.h"

namespace {

using namespace nnvp::net;

std::size_t zeros(const nnvp::nn::tensor& t) {
    std::size_t z = 0;
    for (std::size_t i = 0; i < t.size(); ++i)
        z += t.get_float(i) == 0.0f ? 1 : 0;
    return z;
}

TEST(net_prune, zeroes_the_smallest_weights_of_every_layer) {
    graph g = lenet5();
    materialize_weights(g, 1);
    const graph before = g;
    uint64_t expected = 0;
    for (const node& n : g.nodes())
        if (n.op == op_type::conv2d || n.op == op_type::fully_connected)
            expected += static_cast<uint64_t>(std::floor(static_cast<double>(n.weights.size()) * 0.75));
    EXPECT_EQ(prune_weights(g, 0.75), expected);
    EXPECT_TRUE(g.valid());
    for (std::size_t i = 0; i < g.nodes().size(); ++i) {
        const node& n = g.nodes()[i];
        const node& o = before.nodes()[i];
        EXPECT_EQ(n.bias.bytes(), o.bias.bytes()) << n.name;
        if (n.op != op_type::conv2d && n.op != op_type::fully_connected)
            continue;
        const std::size_t k = static_cast<std::size_t>(std::floor(n.weights.size() * 0.75));
        EXPECT_EQ(zeros(n.weights), k) << n.name;
        // Every kept weight is at least as large as every pruned one, and
        // kept weights keep their values.
        float largest_pruned = 0, smallest_kept = INFINITY;
        for (std::size_t j = 0; j < n.weights.size(); ++j) {
            const float w = n.weights.get_float(j), was = o.weights.get_float(j);
            if (w == 0.0f) {
                largest_pruned = std::max(largest_pruned, std::fabs(was));
            } else {
                EXPECT_EQ(w, was);
                smallest_kept = std::min(smallest_kept, std::fabs(was));
            }
        }
        EXPECT_LE(largest_pruned, smallest_kept) << n.name;
    }
}

TEST(net_prune, ties_at_the_threshold_go_by_position_and_zero_share_changes_nothing) {
    graph g = lenet5();
    materialize_weights(g, 1);
    node& c1 = g.edit_nodes().at(g.find_node("c1"));
    // c1: 150 weights, all of magnitude 0.5 but the first (0.25).
    for (std::size_t j = 0; j < c1.weights.size(); ++j)
        c1.weights.set_float(j, j == 0 ? 0.25f : (j % 2 ? 0.5f : -0.5f));
    g.validate();
    const graph unpruned = g;
    prune_weights(g, 0.0);
    for (std::size_t i = 0; i < g.nodes().size(); ++i)
        EXPECT_EQ(g.nodes()[i].weights.bytes(), unpruned.nodes()[i].weights.bytes());
    prune_weights(g, 0.1);  // 15 of 150: the 0.25, then the first 14 ties
    const node& p = g.nodes().at(g.find_node("c1"));
    for (std::size_t j = 0; j < p.weights.size(); ++j)
        EXPECT_EQ(p.weights.get_float(j) == 0.0f, j < 15) << j;
}

TEST(net_prune, refuses_bad_shares_and_missing_weights) {
    graph g = lenet5();
    EXPECT_THROW(prune_weights(g, 0.5), std::invalid_argument);  // not materialized
    materialize_weights(g, 1);
    EXPECT_THROW(prune_weights(g, 1.0), std::invalid_argument);
    EXPECT_THROW(prune_weights(g, -0.1), std::invalid_argument);
    EXPECT_THROW(prune_weights(g, NAN), std::invalid_argument);
}

}  // namespace
