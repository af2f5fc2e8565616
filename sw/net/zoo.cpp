// The zoo registry and the plain feed-forward networks: LeNet-5, AlexNet,
// VGG-16. GoogLeNet, ResNet-50 and MobileNet v1 are in zoo_modern.cpp.
#include "sw/net/zoo.h"

#include <cctype>
#include <stdexcept>

#include "sw/net/builder.h"

namespace nnvp::net {

namespace {

using ref::act_kind;

graph alexnet_grouped() {
    return alexnet(true);
}

}  // namespace

std::string name_key(const std::string& name) {
    std::string r;
    for (char ch : name)
        if (ch != '-' && ch != '_')
            r += static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    return r;
}

const std::vector<zoo_entry>& zoo() {
    static const std::vector<zoo_entry> entries = {
        {"lenet5", "LeNet-5, LeCun et al. 1998 (32x32x1)", lenet5},
        {"alexnet", "AlexNet, Krizhevsky et al. 2012, one tower, groups=2 (227x227x3)",
         alexnet_grouped},
        {"vgg16", "VGG-16, Simonyan & Zisserman 2014, configuration D (224x224x3)", vgg16},
        {"googlenet", "GoogLeNet (Inception v1), Szegedy et al. 2014 (224x224x3)", googlenet},
        {"resnet50", "ResNet-50 v1, He et al. 2015, stride in the first 1x1 (224x224x3)", resnet50},
        {"mobilenet_v1", "MobileNet v1 1.0, Howard et al. 2017 (224x224x3)", mobilenet_v1},
    };
    return entries;
}

std::vector<std::string> zoo_names() {
    std::vector<std::string> names;
    for (const zoo_entry& e : zoo())
        names.emplace_back(e.name);
    return names;
}

const zoo_entry* find_zoo(const std::string& name) {
    for (const zoo_entry& e : zoo())
        if (name_key(e.name) == name_key(name))
            return &e;
    return nullptr;
}

bool in_zoo(const std::string& name) {
    return find_zoo(name) != nullptr;
}

graph build_zoo(const std::string& name) {
    if (const zoo_entry* e = find_zoo(name))
        return e->build();
    std::string known;
    for (const zoo_entry& e : zoo())
        known += (known.empty() ? "" : ", ") + std::string(e.name);
    throw std::invalid_argument("unknown network '" + name + "' (known: " + known + ")");
}

// LeCun 1998, Fig. 2. Departures, all standard in modern re-implementations:
// C3 connects to all 6 S2 maps (the paper's Table I connects 60 of the 96 map
// pairs, which a dense conv cannot express); S2/S4 are plain 2x2 average
// pools (the paper's have a trainable coefficient and bias); the squashing
// function is tanh (the paper scales it, 1.7159 tanh(2a/3)); the output layer
// is a fully-connected layer plus softmax instead of Euclidean RBF units.
// C5 is a 5x5 conv over a 5x5 map, i.e. fully connected: we write it as FC,
// as Sze et al. count it.
graph lenet5() {
    graph_builder b("lenet5");
    std::string x = b.input("input", {1, 32, 32, 1});
    x = b.conv(x, "c1", 6, 5, 1, 0, act_kind::tanh);
    x = b.avg_pool(x, "s2", 2, 2);
    x = b.conv(x, "c3", 16, 5, 1, 0, act_kind::tanh);
    x = b.avg_pool(x, "s4", 2, 2);
    x = b.fc(x, "c5", 120, act_kind::tanh);
    x = b.fc(x, "f6", 84, act_kind::tanh);
    x = b.fc(x, "output", 10, act_kind::none);
    x = b.softmax(x, "prob");
    return b.finish({x});
}

// Krizhevsky 2012, section 3.5 and Fig. 2, as one tower (Caffe's
// bvlc_alexnet): 227x227 input (the paper's 224 does not give its 55x55
// conv1 output). LRN (k=2, n=5, alpha=1e-4, beta=0.75, section 3.3) follows
// the ReLU of conv1 and conv2; it runs on the CPU (the core has no LRN).
// Dropout is a training-time op and is left out.
graph alexnet(bool grouped) {
    const int g = grouped ? 2 : 1;
    const lrn_params norm{5, 1e-4f, 0.75f, 2.0f};
    graph_builder b(grouped ? "alexnet" : "alexnet_dense");
    std::string x = b.input("input", {1, 227, 227, 3});
    x = b.conv(x, "conv1", 96, 11, 4, 0);
    x = b.lrn(x, "norm1", norm);
    x = b.max_pool(x, "pool1", 3, 2);
    x = b.conv(x, "conv2", 256, 5, 1, 2, act_kind::relu, g);
    x = b.lrn(x, "norm2", norm);
    x = b.max_pool(x, "pool2", 3, 2);
    x = b.conv(x, "conv3", 384, 3, 1, 1);
    x = b.conv(x, "conv4", 384, 3, 1, 1, act_kind::relu, g);
    x = b.conv(x, "conv5", 256, 3, 1, 1, act_kind::relu, g);
    x = b.max_pool(x, "pool5", 3, 2);
    x = b.fc(x, "fc6", 4096);
    x = b.fc(x, "fc7", 4096);
    x = b.fc(x, "fc8", 1000, act_kind::none);
    x = b.softmax(x, "prob");
    return b.finish({x});
}

// Simonyan & Zisserman, Table 1 column D: 3x3 convs with padding 1, 2x2
// max pools with stride 2, three FC layers.
graph vgg16() {
    graph_builder b("vgg16");
    std::string x = b.input("input", {1, 224, 224, 3});
    const int stages[5][2] = {{64, 2}, {128, 2}, {256, 3}, {512, 3}, {512, 3}};
    for (int s = 0; s < 5; ++s) {
        for (int i = 0; i < stages[s][1]; ++i)
            x = b.conv(x, "conv" + std::to_string(s + 1) + "_" + std::to_string(i + 1),
                       stages[s][0], 3, 1, 1);
        x = b.max_pool(x, "pool" + std::to_string(s + 1), 2, 2);
    }
    x = b.fc(x, "fc6", 4096);
    x = b.fc(x, "fc7", 4096);
    x = b.fc(x, "fc8", 1000, act_kind::none);
    x = b.softmax(x, "prob");
    return b.finish({x});
}

}  // namespace nnvp::net
