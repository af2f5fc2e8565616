#include "sw/dataset/labelled_images.h"

#include <cstring>

#include "sw/dataset/idx.h"
#include "nn/tensor/endian.h"

namespace nnvp::dataset {

namespace {

[[noreturn]] void fail(const std::string& path, const std::string& what) {
    throw idx_error("IDX file '" + path + "': " + what);
}

void require_bytes(const std::string& path, const idx_array& a) {
    if (a.type != idx_type::u8)
        fail(path, std::string("type is ") + to_string(a.type) + ", expected unsigned byte (0x08)");
}

std::size_t kept(std::size_t count, std::size_t limit) {
    return limit > 0 && limit < count ? limit : count;
}

}  // namespace

nn::tensor load_images(const std::string& path, std::size_t limit) {
    const idx_array a = read_idx(path);
    require_bytes(path, a);
    if (a.dims.size() != 3)
        fail(path, "dims: " + std::to_string(a.dims.size()) +
                       " dimensions, expected 3 (count, rows, cols)");
    // nn::shape4 holds ints.
    for (uint32_t d : a.dims)
        if (d > static_cast<uint32_t>(INT32_MAX))
            fail(path, "dims: size " + std::to_string(d) + " does not fit a tensor dimension");
    const std::size_t n = kept(a.dims[0], limit);
    const int rows = static_cast<int>(a.dims[1]);
    const int cols = static_cast<int>(a.dims[2]);
    nn::tensor t(nn::dtype::fp32, {static_cast<int>(n), rows, cols, 1});
    uint8_t* out = t.bytes().data();
    for (std::size_t i = 0; i < t.size(); ++i) {
        const float v = static_cast<float>(a.data[i]) / 255.0f;
        uint32_t bits;
        std::memcpy(&bits, &v, 4);
        nn::store_le<uint32_t>(out + 4 * i, bits);
    }
    return t;
}

std::vector<uint8_t> load_labels(const std::string& path, int classes, std::size_t limit) {
    const idx_array a = read_idx(path);
    require_bytes(path, a);
    if (a.dims.size() != 1)
        fail(path, "dims: " + std::to_string(a.dims.size()) + " dimensions, expected 1 (count)");
    const std::size_t n = kept(a.dims[0], limit);
    for (std::size_t i = 0; i < a.data.size(); ++i)
        if (a.data[i] >= classes)
            fail(path, "data: label " + std::to_string(a.data[i]) + " at index " +
                           std::to_string(i) + ", expected 0 to " + std::to_string(classes - 1));
    return std::vector<uint8_t>(a.data.begin(), a.data.begin() + static_cast<std::ptrdiff_t>(n));
}

labelled_images load_labelled(const std::string& images_path, const std::string& labels_path,
                              int classes, std::size_t limit) {
    // Counts compare over the whole files: a mismatch is a broken pair even
    // when the first `limit` items would line up.
    labelled_images d;
    d.images = load_images(images_path);
    d.labels = load_labels(labels_path, classes);
    const std::size_t ni = static_cast<std::size_t>(d.images.shape().n);
    if (ni != d.labels.size())
        fail(labels_path, "dims[0]: " + std::to_string(d.labels.size()) + " labels, expected " +
                              std::to_string(ni) + " (the image count of '" + images_path + "')");
    const std::size_t n = kept(ni, limit);
    if (n < ni) {
        const nn::shape4 s = d.images.shape();
        nn::tensor head(nn::dtype::fp32, {static_cast<int>(n), s.h, s.w, s.c});
        std::memcpy(head.bytes().data(), d.images.bytes().data(), head.bytes().size());
        d.images = std::move(head);
        d.labels.resize(n);
    }
    return d;
}

labelled_images load_fmnist(const std::string& dir, const std::string& split, std::size_t limit) {
    if (split != "train" && split != "t10k")
        throw idx_error("Fashion-MNIST split '" + split + "': expected 'train' or 't10k'");
    const std::string base = dir + "/" + split;
    const std::string images = base + "-images-idx3-ubyte.gz";
    labelled_images d =
        load_labelled(images, base + "-labels-idx1-ubyte.gz", fmnist_classes, limit);
    if (d.images.shape().h != 28 || d.images.shape().w != 28)
        fail(images, "dims: images are " + std::to_string(d.images.shape().h) + "x" +
                         std::to_string(d.images.shape().w) + ", expected 28x28");
    return d;
}

const std::vector<std::string>& fmnist_class_names() {
    static const std::vector<std::string> names = {
        "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
        "Sandal",      "Shirt",   "Sneaker",  "Bag",   "Ankle boot"};
    return names;
}

}  // namespace nnvp::dataset
