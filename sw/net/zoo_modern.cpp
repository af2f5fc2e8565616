// Networks with branches or separable convs: GoogLeNet (inception concat),
// ResNet-50 (residual adds), MobileNet v1 (depthwise separable convs).
// Layer names follow the authors' Caffe releases, so per-layer figures can be
// compared with theirs line by line.
#include "sw/net/builder.h"
#include "sw/net/zoo.h"

namespace nnvp::net {

namespace {

using ref::act_kind;

struct inception_spec {
    const char* name;
    int c1x1, c3x3_reduce, c3x3, c5x5_reduce, c5x5, pool_proj;
};

// Szegedy 2014, Fig. 2(b): four branches concatenated along channels.
std::string inception(graph_builder& b, const std::string& in, const inception_spec& s) {
    const std::string p = std::string("inception_") + s.name + "/";
    const std::string a = b.conv(in, p + "1x1", s.c1x1, 1);
    std::string c = b.conv(in, p + "3x3_reduce", s.c3x3_reduce, 1);
    c = b.conv(c, p + "3x3", s.c3x3, 3, 1, 1);
    std::string d = b.conv(in, p + "5x5_reduce", s.c5x5_reduce, 1);
    d = b.conv(d, p + "5x5", s.c5x5, 5, 1, 2);
    std::string e = b.max_pool(in, p + "pool", 3, 1, 1);
    e = b.conv(e, p + "pool_proj", s.pool_proj, 1);
    return b.concat({a, c, d, e}, p + "output");
}

// He 2015, Fig. 5 (right): 1x1 reduce, 3x3, 1x1 expand, plus the shortcut;
// ReLU after the add. The stride of a stage's first block sits in its first
// 1x1 conv and in the projection shortcut (option B, section 3.3), as in the
// authors' Caffe release ("ResNet v1"; torchvision's v1.5 moves it to the
// 3x3, which costs more MACs: 4.1 G instead of 3.9 G).
std::string bottleneck(graph_builder& b, const std::string& in, const std::string& name, int width,
                       int stride, bool project) {
    const std::string p = "res" + name;
    std::string shortcut = in;
    if (project)
        shortcut = b.conv(in, p + "_branch1", width * 4, 1, stride, 0, act_kind::none);
    std::string x = b.conv(in, p + "_branch2a", width, 1, stride, 0);
    x = b.conv(x, p + "_branch2b", width, 3, 1, 1);
    x = b.conv(x, p + "_branch2c", width * 4, 1, 1, 0, act_kind::none);
    return b.add(x, shortcut, p, act_kind::relu);
}

}  // namespace

// Szegedy 2014, Table 1 with the Caffe release's details (bvlc_googlenet):
// pools round up (ceil mode), LRN after pool1 and after conv2/3x3 (on the
// CPU), a 7x7 average pool, and no auxiliary classifiers (training only).
graph googlenet() {
    const lrn_params norm{5, 1e-4f, 0.75f, 1.0f};
    graph_builder b("googlenet");
    std::string x = b.input("input", {1, 224, 224, 3});
    x = b.conv(x, "conv1/7x7_s2", 64, 7, 2, 3);
    x = b.max_pool(x, "pool1/3x3_s2", 3, 2, 0, true);
    x = b.lrn(x, "pool1/norm1", norm);
    x = b.conv(x, "conv2/3x3_reduce", 64, 1);
    x = b.conv(x, "conv2/3x3", 192, 3, 1, 1);
    x = b.lrn(x, "conv2/norm2", norm);
    x = b.max_pool(x, "pool2/3x3_s2", 3, 2, 0, true);
    x = inception(b, x, {"3a", 64, 96, 128, 16, 32, 32});
    x = inception(b, x, {"3b", 128, 128, 192, 32, 96, 64});
    x = b.max_pool(x, "pool3/3x3_s2", 3, 2, 0, true);
    x = inception(b, x, {"4a", 192, 96, 208, 16, 48, 64});
    x = inception(b, x, {"4b", 160, 112, 224, 24, 64, 64});
    x = inception(b, x, {"4c", 128, 128, 256, 24, 64, 64});
    x = inception(b, x, {"4d", 112, 144, 288, 32, 64, 64});
    x = inception(b, x, {"4e", 256, 160, 320, 32, 128, 128});
    x = b.max_pool(x, "pool4/3x3_s2", 3, 2, 0, true);
    x = inception(b, x, {"5a", 256, 160, 320, 32, 128, 128});
    x = inception(b, x, {"5b", 384, 192, 384, 48, 128, 128});
    x = b.avg_pool(x, "pool5/7x7_s1", 7, 1);
    x = b.fc(x, "loss3/classifier", 1000, act_kind::none);
    x = b.softmax(x, "prob");
    return b.finish({x});
}

// He 2015, Table 1, "50-layer": conv1, 3+4+6+3 bottlenecks, global average
// pool, 1000-way FC. The max pool rounds up (3x3/2 on 112 -> 56) as in the
// authors' Caffe release.
graph resnet50() {
    graph_builder b("resnet50");
    std::string x = b.input("input", {1, 224, 224, 3});
    x = b.conv(x, "conv1", 64, 7, 2, 3);
    x = b.max_pool(x, "pool1", 3, 2, 0, true);
    const int widths[4] = {64, 128, 256, 512};
    const int blocks[4] = {3, 4, 6, 3};
    for (int s = 0; s < 4; ++s)
        for (int i = 0; i < blocks[s]; ++i) {
            const std::string name = std::to_string(s + 2) + static_cast<char>('a' + i);
            const int stride = (i == 0 && s > 0) ? 2 : 1;
            x = bottleneck(b, x, name, widths[s], stride, i == 0);
        }
    x = b.global_avg_pool(x, "pool5");
    x = b.fc(x, "fc1000", 1000, act_kind::none);
    x = b.softmax(x, "prob");
    return b.finish({x});
}

// Howard 2017, Table 1: a full 3x3 conv, then 13 depthwise-separable pairs
// (3x3 depthwise + 1x1 pointwise, each followed by BN, folded, and ReLU6 as
// in the TensorFlow release), average pool, FC. The table's "Conv dw / s2" on
// the 7x7x1024 map is stride 1 in the release (the map stays 7x7). Padding 1
// on every 3x3 gives the same shapes as TensorFlow's SAME padding.
graph mobilenet_v1() {
    graph_builder b("mobilenet_v1");
    std::string x = b.input("input", {1, 224, 224, 3});
    x = b.conv(x, "conv1", 32, 3, 2, 1, act_kind::relu6);
    struct pair_spec {
        const char* name;
        int in_channels, stride, out_channels;
    };
    const pair_spec pairs[] = {
        {"conv2_1", 32, 1, 64},   {"conv2_2", 64, 2, 128},  {"conv3_1", 128, 1, 128},
        {"conv3_2", 128, 2, 256}, {"conv4_1", 256, 1, 256}, {"conv4_2", 256, 2, 512},
        {"conv5_1", 512, 1, 512}, {"conv5_2", 512, 1, 512}, {"conv5_3", 512, 1, 512},
        {"conv5_4", 512, 1, 512}, {"conv5_5", 512, 1, 512}, {"conv5_6", 512, 2, 1024},
        {"conv6", 1024, 1, 1024},
    };
    for (const pair_spec& p : pairs) {
        x = b.depthwise(x, std::string(p.name) + "/dw", p.in_channels, 3, p.stride, 1,
                        act_kind::relu6);
        x = b.conv(x, std::string(p.name) + "/sep", p.out_channels, 1, 1, 0, act_kind::relu6);
    }
    x = b.avg_pool(x, "pool6", 7, 1);
    x = b.fc(x, "fc7", 1000, act_kind::none);
    x = b.softmax(x, "prob");
    return b.finish({x});
}

}  // namespace nnvp::net
