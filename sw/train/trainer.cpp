#include "sw/train/trainer.h"

#include <chrono>
#include <numeric>
#include <stdexcept>

#include "sw/dataset/fmnist_model.h"
#include "sw/net/seeded_stream.h"
#include "sw/net/weights.h"
#include "sw/train/adam.h"

namespace nnvp::train {

namespace {

using net::splitmix64;

void shuffle(std::vector<int>& order, uint64_t& state) {
    for (std::size_t i = order.size(); i > 1; --i) {
        const std::size_t j = static_cast<std::size_t>(splitmix64(state) % i);
        std::swap(order[i - 1], order[j]);
    }
}

// Image i of the set as 784 floats (through get_float: the tensor's bytes
// are little-endian storage, not float objects).
const float* image_data(const dataset::labelled_images& d, int i, std::vector<float>& buf) {
    buf.resize(784);
    const std::size_t base = static_cast<std::size_t>(i) * 784;
    for (std::size_t k = 0; k < 784; ++k)
        buf[k] = d.images.get_float(base + k);
    return buf.data();
}

int argmax(const float* v, int n) {
    int best = 0;
    for (int k = 1; k < n; ++k)
        if (v[k] > v[best])
            best = k;
    return best;
}

void check_data(const dataset::labelled_images& d, const char* what) {
    const nn::shape4 s = d.images.shape();
    if (s.h != 28 || s.w != 28 || s.c != 1 || d.images.type() != nn::dtype::fp32 ||
        static_cast<std::size_t>(s.n) != d.labels.size())
        throw std::invalid_argument(std::string("train_lenet: ") + what + " images are " +
                                    nn::to_string(s) + " with " + std::to_string(d.labels.size()) +
                                    " labels, expected fp32 [N,28,28,1] and N labels");
}

}  // namespace

net::graph initial_lenet(uint64_t seed) {
    net::graph g = dataset::fmnist_lenet_architecture();
    net::materialize_weights(g, seed);
    return g;
}

std::size_t count_correct(const lenet& net, const dataset::labelled_images& data) {
    lenet_workspace ws;
    std::vector<float> img;
    std::size_t correct = 0;
    for (int i = 0; i < data.images.shape().n; ++i)
        if (argmax(net.forward(image_data(data, i, img), ws), 10) ==
            data.labels[static_cast<std::size_t>(i)])
            ++correct;
    return correct;
}

net::graph train_lenet(const train_config& c, const dataset::labelled_images& train,
                       const dataset::labelled_images* test,
                       const std::function<void(const epoch_report&)>& on_epoch) {
    if (c.epochs < 1 || c.batch < 1 || !(c.lr > 0.0f) || !(c.lr_decay > 0.0f))
        throw std::invalid_argument(
            "train_lenet: epochs and batch must be >= 1, lr and "
            "lr_decay > 0");
    check_data(train, "training");
    if (test)
        check_data(*test, "test");

    lenet net(initial_lenet(c.seed));
    lenet_params grad = lenet_params::zeros();
    lenet_workspace ws;
    std::vector<float> img;
    adam opt;
    const int n = train.images.shape().n;
    std::vector<int> order(static_cast<std::size_t>(n));
    std::iota(order.begin(), order.end(), 0);
    // The shuffle stream is independent of the weight streams.
    uint64_t rng = c.seed ^ 0x53485546464c45ull;
    float lr = c.lr;
    for (int e = 1; e <= c.epochs; ++e) {
        const auto t0 = std::chrono::steady_clock::now();
        shuffle(order, rng);
        double loss_sum = 0.0;
        std::size_t correct = 0;
        for (int first = 0; first < n; first += c.batch) {
            const int count = std::min(c.batch, n - first);
            grad.set_zero();
            for (int b = 0; b < count; ++b) {
                const int i = order[static_cast<std::size_t>(first + b)];
                const int label = train.labels[static_cast<std::size_t>(i)];
                if (argmax(net.forward(image_data(train, i, img), ws), 10) == label)
                    ++correct;
                loss_sum += net.backward(label, 1.0f / static_cast<float>(count), ws, grad);
            }
            opt.step(net.params(), grad, lr);
        }
        epoch_report r;
        r.epoch = e;
        r.lr = lr;
        r.mean_loss = loss_sum / n;
        r.train_accuracy = static_cast<double>(correct) / n;
        if (test)
            r.test_accuracy = static_cast<double>(count_correct(net, *test)) / test->labels.size();
        r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        if (on_epoch)
            on_epoch(r);
        lr *= c.lr_decay;
    }
    return net.to_graph();
}

}  // namespace nnvp::train
