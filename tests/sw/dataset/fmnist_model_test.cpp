// The Fashion-MNIST LeNet graph and the committed weights
// (models/fmnist/lenet_fp32.nnw, made by nnvp_train: docs/fashion_mnist.md).
#include "sw/dataset/fmnist_model.h"

#include <gtest/gtest.h>

#include "sw/dataset/labelled_images.h"
#include "sw/net/lower.h"
#include "sw/net/weights.h"
#include "sw/net/zoo.h"

namespace {

using namespace nnvp;
using namespace nnvp::dataset;

// Measured once with the committed weights on the FP32 reference executor
// (docs/fashion_mnist.md); deterministic, so the count is exact.
constexpr std::size_t committed_first500_correct = 456;

TEST(fmnist_model, architecture_runs_on_the_core) {
    const net::graph g = fmnist_lenet_architecture();
    EXPECT_EQ(g.name(), "fmnist_lenet");
    EXPECT_EQ(g.tensor("conv1").shape, (nn::shape4{1, 28, 28, 6}));
    EXPECT_EQ(g.tensor("pool1").shape, (nn::shape4{1, 14, 14, 6}));
    EXPECT_EQ(g.tensor("conv2").shape, (nn::shape4{1, 10, 10, 16}));
    EXPECT_EQ(g.tensor("pool2").shape, (nn::shape4{1, 5, 5, 16}));
    EXPECT_EQ(g.tensor("fc3").shape, (nn::shape4{1, 1, 1, 10}));
    std::size_t params = 0;
    for (const net::node& n : g.nodes()) {
        EXPECT_TRUE(net::runs_on_core(n.op)) << n.name;
        params += g.weight_shape(n).count() + g.bias_shape(n).count();  // 0 for pools
    }
    // 156 + 2416 + 48120 + 10164 + 850.
    EXPECT_EQ(params, 61706u);
    EXPECT_EQ(g.weight_shape(g.nodes()[g.find_node("fc1")]), (nn::shape4{120, 1, 1, 400}));
}

TEST(fmnist_model, reference_forward_rejects_cpu_ops) {
    net::graph g = net::lenet5();  // ends in a softmax
    const nn::tensor x(nn::dtype::fp32, {1, 32, 32, 1});
    try {
        reference_forward(g, x);
        ADD_FAILURE() << "no error";
    } catch (const std::exception& e) {
        EXPECT_NE(std::string(e.what()).find("node 'c1' has no weights"), std::string::npos)
            << e.what();
    }
    net::materialize_weights(g, 3);
    try {
        reference_forward(g, x);
        ADD_FAILURE() << "no error";
    } catch (const net::graph_error& e) {
        EXPECT_NE(std::string(e.what()).find("node 'prob' (softmax)"), std::string::npos)
            << e.what();
    }
}

TEST(fmnist_model, argmax_takes_the_first_maximum) {
    nn::tensor t(nn::dtype::fp32, {2, 1, 1, 3});
    for (std::size_t i = 0; i < 6; ++i)
        t.set_float(i, std::vector<float>{1, 5, 5, -2, -1, -3}[i]);
    EXPECT_EQ(argmax_row(t, 0), 1);
    EXPECT_EQ(argmax_row(t, 1), 1);
}

TEST(fmnist_model, count_correct_checks_its_arguments) {
    const net::graph g = fmnist_lenet_architecture();
    EXPECT_THROW(count_correct(g, nn::tensor(nn::dtype::fp32, {2, 28, 28, 1}), {1}),
                 std::invalid_argument);
}

TEST(fmnist_model, committed_weights_accuracy_on_500_test_images) {
    const net::graph g = fmnist_lenet(fmnist_default_weights());
    const labelled_images d = load_fmnist(fmnist_default_dir, "t10k", 500);
    const std::size_t correct = count_correct(g, d.images, d.labels);
    EXPECT_EQ(correct, committed_first500_correct);
    EXPECT_GE(static_cast<double>(correct) / 500.0, 0.85);
}

TEST(fmnist_model, batch_and_single_image_runs_agree) {
    const net::graph g = fmnist_lenet(fmnist_default_weights());
    const labelled_images d = load_fmnist(fmnist_default_dir, "t10k", 4);
    const nn::tensor batch = reference_forward(g, d.images);
    ASSERT_EQ(batch.shape(), (nn::shape4{4, 1, 1, 10}));
    nn::tensor one(nn::dtype::fp32, {1, 28, 28, 1});
    std::copy(d.images.bytes().begin() + 3 * 784 * 4, d.images.bytes().begin() + 4 * 784 * 4,
              one.bytes().begin());
    const nn::tensor single = reference_forward(g, one);
    for (std::size_t k = 0; k < 10; ++k)
        EXPECT_EQ(single.get_float(k), batch.get_float(30 + k));
}

}  // namespace
