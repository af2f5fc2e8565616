// Deterministic training of the Fashion-MNIST LeNet: He-uniform initial
// weights from the seed (net::materialize_weights), a seeded Fisher-Yates
// shuffle every epoch, mini-batch Adam with a per-epoch exponential learning
// rate decay, a fixed number of epochs. Everything runs in one thread in a
// fixed order, so a seed gives the same weights bit for bit (for a given
// compiler, flags and libm: the only libm calls are expf / logf in the loss).
#pragma once

#include <cstdint>
#include <functional>

#include "sw/dataset/labelled_images.h"
#include "sw/net/graph.h"
#include "sw/train/lenet.h"

namespace nnvp::train {

struct train_config {
    uint64_t seed = 1;
    int epochs = 12;
    int batch = 32;
    float lr = 1e-3f;
    float lr_decay = 0.8f;  // lr of epoch e = lr * lr_decay^e
};

struct epoch_report {
    int epoch = 0;  // 1-based
    float lr = 0.0f;
    double mean_loss = 0.0;
    double train_accuracy = 0.0;  // on the training batches, as they were seen
    double test_accuracy = 0.0;   // the trainer's forward pass on `test` (0 without)
    double seconds = 0.0;         // wall clock, informative only
};

// The untrained network: fmnist_lenet with seeded He-uniform weights.
net::graph initial_lenet(uint64_t seed);

// Images whose argmax matches the label, with the trainer's forward pass.
std::size_t count_correct(const lenet& net, const dataset::labelled_images& data);

// Trains from initial_lenet(c.seed); calls on_epoch after every epoch.
net::graph train_lenet(const train_config& c, const dataset::labelled_images& train,
                       const dataset::labelled_images* test,
                       const std::function<void(const epoch_report&)>& on_epoch = {});

}  // namespace nnvp::train
