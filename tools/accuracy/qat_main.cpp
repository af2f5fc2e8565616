// nnvp_qat_finetune: quantization-aware fine-tuning of the Fashion-MNIST
// LeNet for the low-precision rows of docs/accuracy.md (issue #7, optional).
//
//   nnvp_qat_finetune --mode binary|int4 --out FILE [--from FILE] [--epochs N]
//                     [--lr X] [--lr-decay X] [--batch N] [--seed N] [--train N]
//
// conv2, fc1 and fc2 (the layers the binary and mixed 8/4 scenarios lower)
// see their deployed weights in every forward pass: XNOR-Net alpha sign(w)
// for binary, per-channel int4 for int4 (tools/accuracy/fake_quant.h).
// Gradients update float shadow weights (straight-through estimator,
// BinaryConnect: Courbariaux et al. 2015) with the trainer's Adam; conv1 and
// fc3 train in float. The shadow weights are written: sw/quant derives from
// them exactly the weights training saw. Activations are not fake-quantized.
// Deterministic for a seed, like nnvp_train. Exit 0, or 2 on bad arguments.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <numeric>
#include <string>

#include "sw/dataset/fmnist_model.h"
#include "sw/dataset/labelled_images.h"
#include "sw/dataset/weights_file.h"
#include "sw/train/adam.h"
#include "sw/train/trainer.h"
#include "tools/accuracy/fake_quant.h"

namespace {

using namespace nnvp;

struct options {
    std::string mode, out, from = dataset::fmnist_default_weights();
    int epochs = 2, batch = 32;
    float lr = 1e-4f, lr_decay = 0.5f;
    uint64_t seed = 1;
    std::size_t train_limit = 0;  // 0: all 60,000
};

int usage(const std::string& why) {
    std::cerr << "nnvp_qat_finetune: " << why << "\n"
              << "usage: nnvp_qat_finetune --mode binary|int4 --out FILE [--from FILE] "
                 "[--epochs N] [--lr X] [--lr-decay X] [--batch N] [--seed N] [--train N]\n";
    return 2;
}

// The fine-tuned layers: weight tensor and its output channels (rows).
struct quantized_param {
    train::param_index index;
    int rows;
};
const quantized_param quantized[] = {{train::c2w, 16}, {train::f1w, 120}, {train::f2w, 84}};

// The network's parameters as the deployed SoC sees them.
void deploy(const train::lenet_params& shadow, const std::string& mode, train::lenet& net) {
    net.params() = shadow;
    for (const quantized_param& q : quantized) {
        const std::vector<float>& w = shadow.t[q.index];
        net.params().t[q.index] = mode == "binary" ? accuracy::binarize_rows(w, q.rows)
                                                   : accuracy::quantize_rows(w, q.rows, 7);
    }
}

uint64_t splitmix64(uint64_t& state) {  // as sw/train (Steele et al. 2014)
    uint64_t z = (state += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

int argmax10(const float* v) {
    int best = 0;
    for (int k = 1; k < 10; ++k)
        if (v[k] > v[best])
            best = k;
    return best;
}

double accuracy_of(const train::lenet& net, const dataset::labelled_images& d) {
    return static_cast<double>(train::count_correct(net, d)) / static_cast<double>(d.labels.size());
}

void fine_tune(const options& o) {
    const dataset::labelled_images train_set =
        dataset::load_fmnist(dataset::fmnist_default_dir, "train", o.train_limit);
    const dataset::labelled_images test_set =
        dataset::load_fmnist(dataset::fmnist_default_dir, "t10k", 0);
    train::lenet net(dataset::fmnist_lenet(o.from));
    train::lenet_params shadow = net.params();
    deploy(shadow, o.mode, net);
    std::printf("start: test top-1 with %s weights in conv2 fc1 fc2: %.4f\n", o.mode.c_str(),
                accuracy_of(net, test_set));
    train::adam opt;
    train::lenet_params grad = train::lenet_params::zeros();
    train::lenet_workspace ws;
    std::vector<float> img(784);
    const int n = train_set.images.shape().n;
    std::vector<int> order(static_cast<std::size_t>(n));
    std::iota(order.begin(), order.end(), 0);
    uint64_t rng = o.seed ^ 0x514154ull;
    float lr = o.lr;
    for (int e = 1; e <= o.epochs; ++e) {
        const auto t0 = std::chrono::steady_clock::now();
        for (std::size_t i = order.size(); i > 1; --i)
            std::swap(order[i - 1], order[static_cast<std::size_t>(splitmix64(rng) % i)]);
        double loss = 0;
        std::size_t correct = 0;
        for (int first = 0; first < n; first += o.batch) {
            const int count = std::min(o.batch, n - first);
            deploy(shadow, o.mode, net);
            grad.set_zero();
            for (int b = 0; b < count; ++b) {
                const int i = order[static_cast<std::size_t>(first + b)];
                for (std::size_t k = 0; k < 784; ++k)
                    img[k] = train_set.images.get_float(static_cast<std::size_t>(i) * 784 + k);
                const int label = train_set.labels[static_cast<std::size_t>(i)];
                correct += argmax10(net.forward(img.data(), ws)) == label;
                loss += net.backward(label, 1.0f / static_cast<float>(count), ws, grad);
            }
            opt.step(shadow, grad, lr);  // straight-through: d/dW taken as d/dQ(W)
        }
        deploy(shadow, o.mode, net);
        const double s =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        std::printf("epoch %d  lr %.6f  loss %.4f  train %.4f  test %.4f  (%.0f s)\n", e, lr,
                    loss / n, static_cast<double>(correct) / n, accuracy_of(net, test_set), s);
        lr *= o.lr_decay;
    }
    train::lenet out(dataset::fmnist_lenet(o.from));
    out.params() = shadow;
    dataset::write_weights(o.out, dataset::graph_parameters(out.to_graph()));
    std::printf("wrote %s\n", o.out.c_str());
}

}  // namespace

int main(int argc, char** argv) {
    options o;
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        if (i + 1 >= argc)
            return usage(a + ": expected a value after it");
        const std::string v = argv[++i];
        char* end = nullptr;
        if (a == "--mode")
            o.mode = v;
        else if (a == "--out")
            o.out = v;
        else if (a == "--from")
            o.from = v;
        else if (a == "--epochs")
            o.epochs = static_cast<int>(std::strtol(v.c_str(), &end, 10));
        else if (a == "--batch")
            o.batch = static_cast<int>(std::strtol(v.c_str(), &end, 10));
        else if (a == "--seed")
            o.seed = std::strtoull(v.c_str(), &end, 10);
        else if (a == "--train")
            o.train_limit = std::strtoull(v.c_str(), &end, 10);
        else if (a == "--lr")
            o.lr = std::strtof(v.c_str(), &end);
        else if (a == "--lr-decay")
            o.lr_decay = std::strtof(v.c_str(), &end);
        else
            return usage("unknown option " + a);
        if (end && *end != '\0')
            return usage(a + ": '" + v + "' is not a number");
    }
    if (o.mode != "binary" && o.mode != "int4")
        return usage("--mode: expected binary or int4, got '" + o.mode + "'");
    if (o.out.empty())
        return usage("--out: expected the weights file to write");
    if (o.epochs < 1 || o.epochs > 100 || o.batch < 1 || o.batch > 60000 || !(o.lr > 0) ||
        !(o.lr_decay > 0))
        return usage("expected --epochs 1..100, --batch 1..60000, --lr and --lr-decay > 0");
    try {
        fine_tune(o);
    } catch (const std::exception& e) {
        std::cerr << "nnvp_qat_finetune: " << e.what() << "\n";
        return 2;
    }
    return 0;
}
