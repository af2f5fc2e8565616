// Image classification data from IDX files: images become an fp32 NHWC
// tensor [N, rows, cols, 1] scaled to [0, 1] (pixel / 255, exact in fp32 for
// every byte value), labels a vector of class indices. No mean/std
// normalisation: inputs in [0, 1] map directly onto an 8-bit activation
// scale of 1/255 for the quantized runs.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "nn/tensor/tensor.h"

namespace nnvp::dataset {

struct labelled_images {
    nn::tensor images;            // fp32 [N, H, W, 1]
    std::vector<uint8_t> labels;  // N entries, each < classes
};

// Whole-file loaders; `limit` > 0 keeps only the first `limit` items.
// Images: a 3-D unsigned-byte IDX file. Labels: 1-D unsigned bytes, each
// below `classes`. Throw idx_error naming the file and the field.
nn::tensor load_images(const std::string& path, std::size_t limit = 0);
std::vector<uint8_t> load_labels(const std::string& path, int classes, std::size_t limit = 0);

// Images and labels together; the two files must hold the same count.
labelled_images load_labelled(const std::string& images_path, const std::string& labels_path,
                              int classes, std::size_t limit = 0);

// Fashion-MNIST (Xiao et al., arXiv:1708.07747): 28x28 grey images, 10
// classes; split "train" (60,000) or "t10k" (10,000) from `dir`, which holds
// the four files of Debian's dataset-fashion-mnist package.
constexpr const char* fmnist_default_dir = "/usr/share/datasets/fashion-mnist";
constexpr int fmnist_classes = 10;
labelled_images load_fmnist(const std::string& dir, const std::string& split,
                            std::size_t limit = 0);
// Class names in label order.
const std::vector<std::string>& fmnist_class_names();

}  // namespace nnvp::dataset
