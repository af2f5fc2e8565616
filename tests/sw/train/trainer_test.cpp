// The trainer: gradients against finite differences, its forward pass
// against the graph on the reference executor, and bit-exact repeatability.
#include "sw/train/trainer.h"

#include <gtest/gtest.h>

#include <cmath>

#include "sw/dataset/fmnist_model.h"
#include "sw/dataset/labelled_images.h"
#include "sw/train/lenet.h"

namespace {

using namespace nnvp;
using namespace nnvp::train;

const dataset::labelled_images& test_head() {
    static const dataset::labelled_images d =
        dataset::load_fmnist(dataset::fmnist_default_dir, "t10k", 16);
    return d;
}

// Image i of the first 16 test images as 784 floats.
const float* image(int i) {
    static std::vector<std::vector<float>> images;
    if (images.empty())
        for (int k = 0; k < 16; ++k) {
            images.emplace_back(784);
            for (std::size_t p = 0; p < 784; ++p)
                images.back()[p] =
                    test_head().images.get_float(784 * static_cast<std::size_t>(k) + p);
        }
    return images[static_cast<std::size_t>(i)].data();
}

// Largest |trainer logit - reference logit| over the 16 images.
float max_forward_gap(const net::graph& g) {
    const lenet net(g);
    lenet_workspace ws;
    const nn::tensor ref = dataset::reference_forward(g, test_head().images);
    float gap = 0.0f;
    for (int i = 0; i < 16; ++i) {
        const float* logits = net.forward(image(i), ws);
        for (int k = 0; k < 10; ++k)
            gap = std::max(gap, std::fabs(logits[k] - ref.get_float(10 * i + k)));
    }
    return gap;
}

TEST(trainer, forward_equals_reference_executor_initial_weights) {
    EXPECT_LE(max_forward_gap(initial_lenet(7)), 1e-4f);
}

TEST(trainer, forward_equals_reference_executor_committed_weights) {
    EXPECT_LE(max_forward_gap(dataset::fmnist_lenet(dataset::fmnist_default_weights())), 1e-4f);
}

TEST(trainer, graph_round_trip_keeps_every_bit) {
    const net::graph g = initial_lenet(11);
    const net::graph back = lenet(g).to_graph();
    const auto a = dataset::graph_parameters(g), b = dataset::graph_parameters(back);
    ASSERT_EQ(a.size(), b.size());
    for (std::size_t i = 0; i < a.size(); ++i) {
        EXPECT_EQ(a[i].name, b[i].name);
        EXPECT_EQ(a[i].value.bytes(), b[i].value.bytes()) << a[i].name;
    }
}

// Central differences of the float loss: a step of 1e-3 dominates its
// rounding and is small enough not to cross many ReLU kinks.
TEST(trainer, gradients_match_finite_differences) {
    lenet net(initial_lenet(5));
    lenet_workspace ws;
    const float* x = image(1);
    const int label = test_head().labels[1];
    lenet_params grad = lenet_params::zeros();
    net.forward(x, ws);
    net.backward(label, 1.0f, ws, grad);
    auto loss = [&] {
        lenet_params scratch = lenet_params::zeros();
        net.forward(x, ws);
        return net.backward(label, 1.0f, ws, scratch);
    };
    int checked = 0;
    for (int t = 0; t < param_count; ++t) {
        std::vector<float>& p = net.params().t[t];
        for (std::size_t k = 0; k < p.size(); k += p.size() / 5 + 1) {
            const float keep = p[k], h = 1e-3f;
            p[k] = keep + h;
            const double up = loss();
            p[k] = keep - h;
            const double down = loss();
            p[k] = keep;
            const double numeric = (up - down) / (2.0 * h);
            EXPECT_NEAR(grad.t[t][k], numeric, 2e-3 + 0.05 * std::fabs(numeric))
                << "tensor " << t << " element " << k;
            ++checked;
        }
    }
    EXPECT_GT(checked, 40);
}

TEST(trainer, same_seed_same_weights_bit_for_bit) {
    const dataset::labelled_images data =
        dataset::load_fmnist(dataset::fmnist_default_dir, "t10k", 200);
    train_config c;
    c.epochs = 2;
    c.batch = 16;
    c.seed = 3;
    const auto a = dataset::graph_parameters(train_lenet(c, data, nullptr));
    const auto b = dataset::graph_parameters(train_lenet(c, data, nullptr));
    c.seed = 4;
    const auto other = dataset::graph_parameters(train_lenet(c, data, nullptr));
    for (std::size_t i = 0; i < a.size(); ++i)
        EXPECT_EQ(a[i].value.bytes(), b[i].value.bytes()) << a[i].name;
    EXPECT_NE(a[0].value.bytes(), other[0].value.bytes());
}

TEST(trainer, learns_from_a_small_subset) {
    // 1,000 test-split images stand in for a training set (fast to load).
    const dataset::labelled_images data =
        dataset::load_fmnist(dataset::fmnist_default_dir, "t10k", 1000);
    train_config c;
    c.epochs = 2;
    std::vector<epoch_report> log;
    const net::graph g =
        train_lenet(c, data, nullptr, [&](const epoch_report& r) { log.push_back(r); });
    ASSERT_EQ(log.size(), 2u);
    EXPECT_LT(log[1].mean_loss, log[0].mean_loss);
    EXPECT_FLOAT_EQ(log[1].lr, c.lr * c.lr_decay);
    // Untrained, about 10% are right; measured 0.700 after two epochs.
    EXPECT_GE(static_cast<double>(count_correct(lenet(g), data)) / 1000.0, 0.65);
}

TEST(trainer, rejects_bad_configuration_and_data) {
    const dataset::labelled_images& d = test_head();
    train_config c;
    c.epochs = 0;
    EXPECT_THROW(train_lenet(c, d, nullptr), std::invalid_argument);
    dataset::labelled_images wrong = d;
    wrong.labels.pop_back();
    try {
        train_lenet(train_config{}, wrong, nullptr);
        ADD_FAILURE() << "no error";
    } catch (const std::invalid_argument& e) {
        EXPECT_NE(std::string(e.what()).find("15 labels"), std::string::npos) << e.what();
    }
}

}  // namespace
