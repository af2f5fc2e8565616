// Built-in networks with their published architectures, inference graphs
// only (no dropout, no auxiliary classifiers; batch normalisation folded into
// the preceding conv's bias, as the compiler fuses it anyway). Inputs are
// NHWC fp32 with batch 1. Parameter values are seeded on demand
// (sw/net/weights.h). docs/zoo.md sets their figures beside the papers'.
#pragma once

#include <string>
#include <vector>

#include "sw/net/graph.h"

namespace nnvp::net {

struct zoo_entry {
    const char* name;     // what `nnvp info` and scenarios accept
    const char* summary;  // architecture and paper
    graph (*build)();
};

const std::vector<zoo_entry>& zoo();
std::vector<std::string> zoo_names();
// A name as look-ups compare it: lower case, without '-' and '_'.
std::string name_key(const std::string& name);
// Names compare without case, '-' and '_' ("ResNet-50" finds resnet50).
// nullptr when the zoo has no such network.
const zoo_entry* find_zoo(const std::string& name);
bool in_zoo(const std::string& name);
// Builds and validates; throws std::invalid_argument naming the known
// networks for an unknown name.
graph build_zoo(const std::string& name);

// LeCun et al., "Gradient-based learning applied to document recognition",
// Proc. IEEE 1998: 32x32x1 input.
graph lenet5();
// Krizhevsky et al., "ImageNet classification with deep convolutional neural
// networks", NIPS 2012: one tower, 227x227x3 input. grouped = true keeps the
// two-GPU split of conv2/4/5 as groups = 2 (Caffe's bvlc_alexnet, and the
// figures Sze et al. quote); grouped = false makes them dense convs.
graph alexnet(bool grouped = true);
// Simonyan & Zisserman, "Very deep convolutional networks for large-scale
// image recognition", ICLR 2015 (arXiv 2014), configuration D: 224x224x3.
graph vgg16();
// Szegedy et al., "Going deeper with convolutions", CVPR 2015 (arXiv 2014),
// Table 1: 224x224x3.
graph googlenet();
// He et al., "Deep residual learning for image recognition", CVPR 2016
// (arXiv 2015), Table 1, 50 layers: 224x224x3.
graph resnet50();
// Howard et al., "MobileNets: Efficient convolutional neural networks for
// mobile vision applications", arXiv 2017, Table 1, width 1.0: 224x224x3.
graph mobilenet_v1();

}  // namespace nnvp::net
