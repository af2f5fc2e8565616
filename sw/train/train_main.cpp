// nnvp_train: trains the Fashion-MNIST LeNet (sw/dataset/fmnist_model.h) and
// writes its weights file. docs/fashion_mnist.md gives the command that made
// models/fmnist/lenet_fp32.nnw.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <string>

#include "sw/dataset/fmnist_model.h"
#include "sw/dataset/labelled_images.h"
#include "sw/dataset/weights_file.h"
#include "sw/train/trainer.h"

namespace {

using namespace nnvp;

const char* usage =
    "usage: nnvp_train [--data DIR] [--out FILE] [--seed N] [--epochs N] [--batch N]\n"
    "                  [--lr X] [--lr-decay X] [--train-limit N]\n"
    "Trains the fmnist_lenet network on Fashion-MNIST (Adam, deterministic) and writes\n"
    "its weights (default out: lenet_fp32.nnw; data: /usr/share/datasets/fashion-mnist).\n";

struct bad_arg : std::runtime_error {
    using std::runtime_error::runtime_error;
};

long long to_int(const std::string& flag, const std::string& v, long long lo, long long hi) {
    char* end = nullptr;
    const long long x = std::strtoll(v.c_str(), &end, 10);
    if (v.empty() || *end != '\0' || x < lo || x > hi)
        throw bad_arg(flag + ": '" + v + "', expected an integer from " + std::to_string(lo) +
                      " to " + std::to_string(hi));
    return x;
}

float to_float(const std::string& flag, const std::string& v, float lo, float hi) {
    char* end = nullptr;
    const float x = std::strtof(v.c_str(), &end);
    if (v.empty() || *end != '\0' || !(x > lo) || !(x <= hi))
        throw bad_arg(flag + ": '" + v + "', expected a number in (" + std::to_string(lo) + ", " +
                      std::to_string(hi) + "]");
    return x;
}

}  // namespace

int main(int argc, char** argv) {
    train::train_config c;
    std::string data = dataset::fmnist_default_dir;
    std::string out = "lenet_fp32.nnw";
    std::size_t train_limit = 0;
    try {
        for (int i = 1; i < argc; ++i) {
            const std::string a = argv[i];
            if (a == "-h" || a == "--help") {
                std::fputs(usage, stdout);
                return 0;
            }
            if (i + 1 >= argc)
                throw bad_arg(a + ": unknown option or missing value");
            const std::string v = argv[++i];
            if (a == "--data")
                data = v;
            else if (a == "--out")
                out = v;
            else if (a == "--seed")
                c.seed = static_cast<uint64_t>(to_int(a, v, 0, INT64_MAX));
            else if (a == "--epochs")
                c.epochs = static_cast<int>(to_int(a, v, 1, 1000));
            else if (a == "--batch")
                c.batch = static_cast<int>(to_int(a, v, 1, 60000));
            else if (a == "--lr")
                c.lr = to_float(a, v, 0.0f, 1.0f);
            else if (a == "--lr-decay")
                c.lr_decay = to_float(a, v, 0.0f, 1.0f);
            else if (a == "--train-limit")
                train_limit = static_cast<std::size_t>(to_int(a, v, 1, 60000));
            else
                throw bad_arg(a + ": unknown option");
        }
    } catch (const bad_arg& e) {
        std::fprintf(stderr, "nnvp_train: %s\n%s", e.what(), usage);
        return 2;
    }

    try {
        const dataset::labelled_images trainset = dataset::load_fmnist(data, "train", train_limit);
        const dataset::labelled_images testset = dataset::load_fmnist(data, "t10k");
        std::printf(
            "nnvp_train: %d training, %d test images; seed %llu, %d epochs, batch %d, "
            "lr %g, decay %g\n",
            trainset.images.shape().n, testset.images.shape().n,
            static_cast<unsigned long long>(c.seed), c.epochs, c.batch, c.lr, c.lr_decay);
        std::fflush(stdout);
        const auto t0 = std::chrono::steady_clock::now();
        const net::graph g =
            train::train_lenet(c, trainset, &testset, [](const train::epoch_report& r) {
                std::printf("epoch %2d  lr %.6f  loss %.4f  train %.4f  test %.4f  (%.1f s)\n",
                            r.epoch, r.lr, r.mean_loss, r.train_accuracy, r.test_accuracy,
                            r.seconds);
                std::fflush(stdout);
            });
        const double train_s =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        dataset::write_weights(out, dataset::graph_parameters(g));

        // The figures that count come from the reference executor, on the
        // graph read back from the file just written.
        const net::graph loaded = dataset::fmnist_lenet(out);
        const std::size_t all = dataset::count_correct(loaded, testset.images, testset.labels);
        const dataset::labelled_images first = dataset::load_fmnist(data, "t10k", 500);
        const std::size_t head = dataset::count_correct(loaded, first.images, first.labels);
        std::printf("wrote %s\ntraining time %.1f s\n", out.c_str(), train_s);
        std::printf("FP32 reference accuracy: test %zu / %d = %.4f; first 500: %zu / 500 = %.4f\n",
                    all, testset.images.shape().n,
                    static_cast<double>(all) / testset.images.shape().n, head,
                    static_cast<double>(head) / 500.0);
    } catch (const std::exception& e) {
        std::fprintf(stderr, "nnvp_train: %s\n", e.what());
        return 2;
    }
    return 0;
}
