// Zoo networks against hand-checked figures and the published tables.
// MACs count one per multiply-accumulate of conv/FC; weights exclude biases
// (sw/net/stats.h). The paper's figure is written beside each expectation;
// where we differ, docs/zoo.md explains why and the tolerance says how far.
#include "sw/net/zoo.h"

#include <gtest/gtest.h>

#include <cmath>

#include "sw/net/stats.h"

namespace {

using namespace nnvp::net;
using nnvp::nn::shape4;

// |ours / published - 1| <= tol.
void expect_near_published(uint64_t ours, double published, double tol, const char* what) {
    EXPECT_LE(std::fabs(static_cast<double>(ours) / published - 1.0), tol)
        << what << ": ours " << ours << ", published " << published;
}

const layer_stats& layer(const network_stats& s, const std::string& name) {
    for (const layer_stats& l : s.layers)
        if (l.name == name)
            return l;
    throw std::runtime_error("no layer " + name);
}

TEST(net_zoo, lenet5) {
    const network_stats s = compute_stats(lenet5());
    // c1: 28*28*6 outputs * 25 taps; c3 (dense, all 6 maps): 10*10*16 * 150.
    EXPECT_EQ(layer(s, "c1").macs, 117600u);
    EXPECT_EQ(layer(s, "c3").macs, 240000u);
    EXPECT_EQ(s.conv_macs, 357600u);  // Sze et al.: 283k (LeCun's connections, see zoo.md)
    EXPECT_EQ(s.fc_macs, 48000u + 10080u + 840u);  // Sze: 58k
    EXPECT_EQ(s.macs(), 416520u);                  // Sze: 341k = LeCun's 340,908 connections
    EXPECT_EQ(s.conv_weights, 2550u);              // Sze: 2.6k
    EXPECT_EQ(s.fc_weights, 58920u);               // Sze: 58k
    EXPECT_EQ(s.weights(), 61470u);                // Sze / LeCun: 60k
    EXPECT_EQ(s.biases, 6u + 16u + 120u + 84u + 10u);
    expect_near_published(s.weights(), 60e3, 0.025, "weights");
    expect_near_published(s.macs(), 341e3, 0.23, "MACs (dense C3, see zoo.md)");
    EXPECT_EQ(s.layers.back().output, (shape4{1, 1, 1, 10}));
}

TEST(net_zoo, alexnet_grouped_matches_sze_exactly) {
    const network_stats s = compute_stats(alexnet());
    EXPECT_EQ(layer(s, "conv1").output, (shape4{1, 55, 55, 96}));
    EXPECT_EQ(layer(s, "conv1").macs, 55u * 55 * 96 * 11 * 11 * 3);  // 105.4 M
    EXPECT_EQ(layer(s, "conv2").macs, 27u * 27 * 256 * 5 * 5 * 48);  // groups = 2
    EXPECT_EQ(layer(s, "pool5").output, (shape4{1, 6, 6, 256}));
    EXPECT_EQ(s.conv_layers, 5);
    EXPECT_EQ(s.fc_layers, 3);
    EXPECT_EQ(s.conv_macs, 665784864u);             // Sze: 666M
    EXPECT_EQ(s.fc_macs, 58621952u);                // Sze: 58.6M
    EXPECT_EQ(s.macs(), 724406816u);                // Sze: 724M
    EXPECT_EQ(s.conv_weights, 2332704u);            // Sze: 2.3M
    EXPECT_EQ(s.fc_weights, 58621952u);             // Sze: 58.6M
    EXPECT_EQ(s.weights(), 60954656u);              // Sze: 61M
    EXPECT_EQ(s.weights_with_biases(), 60965224u);  // Caffe bvlc_alexnet's parameter count
    expect_near_published(s.macs(), 724e6, 0.001, "MACs");
    expect_near_published(s.weights(), 61e6, 0.001, "weights");
}

TEST(net_zoo, alexnet_dense_variant_counts_the_ungrouped_convs) {
    const network_stats s = compute_stats(alexnet(false));
    // conv2/4/5 see all input channels: 2x the MACs and weights of the split.
    EXPECT_EQ(s.conv_macs, 665784864u + 223948800u + 112140288u + 74760192u);
    EXPECT_EQ(s.conv_weights, 2332704u + 307200u + 663552u + 442368u);
    EXPECT_EQ(s.fc_macs, 58621952u);
}

TEST(net_zoo, vgg16) {
    const network_stats s = compute_stats(vgg16());
    EXPECT_EQ(s.conv_layers, 13);
    EXPECT_EQ(s.fc_layers, 3);
    EXPECT_EQ(layer(s, "conv1_1").macs, 224u * 224 * 64 * 27);
    EXPECT_EQ(layer(s, "pool5").output, (shape4{1, 7, 7, 512}));
    EXPECT_EQ(s.conv_macs, 15346630656u);            // Sze: 15.3G
    EXPECT_EQ(s.fc_macs, 123633664u);                // Sze: 124M
    EXPECT_EQ(s.macs(), 15470264320u);               // Sze: 15.5G
    EXPECT_EQ(s.conv_weights, 14710464u);            // Sze: 14.7M
    EXPECT_EQ(s.fc_weights, 123633664u);             // Sze: 124M
    EXPECT_EQ(s.weights(), 138344128u);              // Sze: 138M
    EXPECT_EQ(s.weights_with_biases(), 138357544u);  // Simonyan: 138M parameters
    expect_near_published(s.macs(), 15.5e9, 0.003, "MACs");
    expect_near_published(s.weights(), 138e6, 0.003, "weights");
}

TEST(net_zoo, googlenet) {
    const network_stats s = compute_stats(googlenet());
    EXPECT_EQ(s.conv_layers, 57);  // Sze: 57 CONV layers
    EXPECT_EQ(s.fc_layers, 1);
    EXPECT_EQ(layer(s, "pool1/3x3_s2").output, (shape4{1, 56, 56, 64}));  // ceil mode
    EXPECT_EQ(layer(s, "inception_3a/output").output, (shape4{1, 28, 28, 256}));
    EXPECT_EQ(layer(s, "inception_3b/output").output, (shape4{1, 28, 28, 480}));
    EXPECT_EQ(layer(s, "inception_4e/output").output, (shape4{1, 14, 14, 832}));
    EXPECT_EQ(layer(s, "inception_5b/output").output, (shape4{1, 7, 7, 1024}));
    EXPECT_EQ(layer(s, "conv1/7x7_s2").macs, 112u * 112 * 64 * 7 * 7 * 3);  // Szegedy: 34M
    EXPECT_EQ(s.conv_macs, 1581647872u);  // Sze: 1.43G; Szegedy Table 1 sums to 1.50G
    EXPECT_EQ(s.fc_macs, 1024000u);       // Sze: 1M
    EXPECT_EQ(s.conv_weights, 5966272u);  // Sze: 6.0M
    EXPECT_EQ(s.fc_weights, 1024000u);    // Sze: 1M
    EXPECT_EQ(s.weights(), 6990272u);     // Sze: 7M; Szegedy: 6.8M
    expect_near_published(s.weights(), 7e6, 0.002, "weights");
    // conv1 is 118M where Szegedy's table says 34M (see zoo.md).
    expect_near_published(s.macs(), 1.5e9, 0.06, "MACs vs Szegedy's table");
    expect_near_published(s.macs(), 1.43e9, 0.11, "MACs vs Sze et al.");
}

TEST(net_zoo, resnet50) {
    const network_stats s = compute_stats(resnet50());
    EXPECT_EQ(s.conv_layers, 53);  // 49 + 4 projection shortcuts; Sze: 49 CONV layers
    EXPECT_EQ(s.fc_layers, 1);
    EXPECT_EQ(layer(s, "pool1").output, (shape4{1, 56, 56, 64}));
    EXPECT_EQ(layer(s, "res3a_branch2a").output, (shape4{1, 28, 28, 128}));  // stride in 1x1
    EXPECT_EQ(layer(s, "res3a_branch2a").macs, 28u * 28 * 128 * 256);
    EXPECT_EQ(layer(s, "res5c").output, (shape4{1, 7, 7, 2048}));
    EXPECT_EQ(s.conv_macs, 3855925248u);   // Sze: 3.86G
    EXPECT_EQ(s.fc_macs, 2048000u);        // Sze: 2M
    EXPECT_EQ(s.macs(), 3857973248u);      // Sze: 3.9G
    EXPECT_EQ(s.conv_weights, 23454912u);  // Sze: 23.5M
    EXPECT_EQ(s.fc_weights, 2048000u);     // Sze: 2M
    EXPECT_EQ(s.weights(), 25502912u);     // Sze: 25.5M
    expect_near_published(s.conv_macs, 3.86e9, 0.002, "CONV MACs");
    expect_near_published(s.weights(), 25.5e6, 0.001, "weights");
}

TEST(net_zoo, mobilenet_v1) {
    const network_stats s = compute_stats(mobilenet_v1());
    EXPECT_EQ(s.conv_layers, 27);
    EXPECT_EQ(layer(s, "conv1").output, (shape4{1, 112, 112, 32}));
    EXPECT_EQ(layer(s, "conv2_1/dw").macs, 112u * 112 * 32 * 9);  // depthwise: 1 channel
    EXPECT_EQ(layer(s, "conv2_1/dw").weights, 32u * 9);
    EXPECT_EQ(layer(s, "conv6/sep").output, (shape4{1, 7, 7, 1024}));
    EXPECT_EQ(s.conv_macs, 567716352u);
    EXPECT_EQ(s.fc_macs, 1024000u);
    EXPECT_EQ(s.macs(), 568740352u);  // Howard: 569M mult-adds
    EXPECT_EQ(s.conv_weights, 3185088u);
    EXPECT_EQ(s.weights(), 4209088u);  // Howard: 4.2M parameters
    expect_near_published(s.macs(), 569e6, 0.001, "MACs");
    expect_near_published(s.weights(), 4.2e6, 0.003, "weights");
}

TEST(net_zoo, names_and_lookup) {
    EXPECT_EQ(zoo_names(), (std::vector<std::string>{"lenet5", "alexnet", "vgg16", "googlenet",
                                                     "resnet50", "mobilenet_v1"}));
    EXPECT_TRUE(in_zoo("ResNet-50"));
    EXPECT_TRUE(in_zoo("MobileNetV1"));
    EXPECT_FALSE(in_zoo("resnet18"));
    EXPECT_EQ(build_zoo("LeNet-5").name(), "lenet5");
    try {
        build_zoo("resnet18");
        FAIL() << "no error";
    } catch (const std::invalid_argument& e) {
        EXPECT_NE(std::string(e.what()).find("unknown network 'resnet18' (known: lenet5, "
                                             "alexnet, vgg16, googlenet, resnet50, "
                                             "mobilenet_v1)"),
                  std::string::npos);
    }
}

TEST(net_zoo, inspecting_allocates_no_parameters) {
    for (const zoo_entry& e : zoo()) {
        const graph g = e.build();
        EXPECT_TRUE(g.valid()) << e.name;
        for (const node& n : g.nodes()) {
            EXPECT_TRUE(n.weights.bytes().empty()) << e.name << " " << n.name;
            EXPECT_TRUE(n.bias.bytes().empty()) << e.name << " " << n.name;
        }
    }
}

}  // namespace
