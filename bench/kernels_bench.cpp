// Speed of the NN core's functional kernels (nn/kernels) against the
// reference executor (nn/ref), on ResNet-50 / MobileNet-sized layers.
// Every benchmark reports MAC/s as a rate counter; the kernel benchmarks also
// report `x_ref`, their speed over the reference's on the same layer measured
// in the same run (the reference benchmarks run first; a filtered run
// measures the reference once on demand).
//
//   build-X/bench/kernels_bench --benchmark_filter=conv3x3
#include "nn/kernels/kernels.h"
#include "nn/ref/ops.h"
#include "nn/ref/quant.h"

#include <benchmark/benchmark.h>

#include <algorithm>
#include <chrono>
#include <map>
#include <random>
#include <string>

namespace {

using namespace nnvp;
using ref::layer;
using ref::op_kind;
using ref::precision;
using nn::dtype;
using nn::shape4;
using nn::tensor;

struct workload {
    layer l;
    tensor in, w, bias;
    double macs = 0;
};

tensor random_tensor(std::mt19937& rng, dtype t, shape4 s)
{
    tensor x(t, s);
    std::uniform_int_distribution<int> q(-100, 100);
    std::uniform_real_distribution<float> f(-1.0f, 1.0f);
    for (std::size_t i = 0; i < x.size(); ++i) {
        if (nn::is_float(t))
            x.set_float(i, f(rng));
        else if (t == dtype::binary)
            x.set_int(i, q(rng) >= 0 ? 1 : -1);
        else
            x.set_int(i, std::clamp<int64_t>(q(rng), nn::min_of(t), nn::max_of(t)));
    }
    return x;
}

enum class shape_kind { conv3x3, conv1x1, depthwise, fc };

// conv3x3: ResNet-50 conv2_x 3x3 (56x56x64 -> 64, stride 1, pad 1);
// conv1x1: ResNet-50 conv2_x expansion (56x56x64 -> 256);
// depthwise: MobileNet-v1 block 2 (112x112x64, 3x3, stride 1, pad 1);
// fc: ResNet-50 classifier (2048 -> 1000, batch 1).
workload make(shape_kind k, precision p)
{
    std::mt19937 rng(7);
    workload wl;
    layer& l = wl.l;
    l.name = "bench";
    l.prec = p;
    l.act.kind = ref::act_kind::relu;
    l.has_bias = true;
    shape4 is;
    switch (k) {
    case shape_kind::conv3x3:
        is = {1, 56, 56, 64};
        l.out_channels = 64;
        l.geo.kernel_h = l.geo.kernel_w = 3;
        l.geo.pad_top = l.geo.pad_bottom = l.geo.pad_left = l.geo.pad_right = 1;
        break;
    case shape_kind::conv1x1:
        is = {1, 56, 56, 64};
        l.out_channels = 256;
        break;
    case shape_kind::depthwise:
        is = {1, 112, 112, 64};
        l.out_channels = 64;
        l.geo.kernel_h = l.geo.kernel_w = 3;
        l.geo.pad_top = l.geo.pad_bottom = l.geo.pad_left = l.geo.pad_right = 1;
        l.geo.groups = 64;
        break;
    case shape_kind::fc:
        is = {1, 1, 1, 2048};
        l.out_channels = 1000;
        break;
    }
    l.op = k == shape_kind::fc ? op_kind::fully_connected : op_kind::conv2d;
    l.in_q = {0.02f, 3};
    l.out_q = {0.05f, -5};
    l.w_scales = {0.01f};
    l.bin_alpha.assign(static_cast<std::size_t>(l.out_channels), 0.01f);
    l.binary_input = p == precision::binary;
    ref::lower_quantization(l);
    wl.in = random_tensor(rng, ref::input_type(l), is);
    const int cpg = is.c / l.geo.groups;
    const shape4 ws = k == shape_kind::fc ? shape4{l.out_channels, 1, 1, is.h * is.w * is.c}
                                          : shape4{l.out_channels, l.geo.kernel_h,
                                                   l.geo.kernel_w, cpg};
    wl.w = random_tensor(rng, ref::weight_type(l), ws);
    wl.bias = random_tensor(rng, ref::bias_type(l), {1, 1, 1, l.out_channels});
    const shape4 os = ref::output_shape(l, is);
    wl.macs = static_cast<double>(os.count()) * ws.h * ws.w * ws.c;
    return wl;
}

std::string key(shape_kind k, precision p)
{
    return std::to_string(static_cast<int>(k)) + "/" + ref::to_string(p);
}

std::map<std::string, double>& ref_rates()
{
    static std::map<std::string, double> rates;
    return rates;
}

double measure_ref_rate(const workload& wl)
{
    const auto t0 = std::chrono::steady_clock::now();
    benchmark::DoNotOptimize(ref::execute(wl.l, wl.in, &wl.w, &wl.bias));
    const std::chrono::duration<double> dt = std::chrono::steady_clock::now() - t0;
    return wl.macs / dt.count();
}

void bm_reference(benchmark::State& state, shape_kind k, precision p)
{
    const workload wl = make(k, p);
    double seconds = 0;
    for (auto _ : state) {
        const auto t0 = std::chrono::steady_clock::now();
        benchmark::DoNotOptimize(ref::execute(wl.l, wl.in, &wl.w, &wl.bias));
        seconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    }
    ref_rates()[key(k, p)] = wl.macs * static_cast<double>(state.iterations()) / seconds;
    state.counters["MAC/s"] = benchmark::Counter(wl.macs * static_cast<double>(state.iterations()),
                                                 benchmark::Counter::kIsRate);
}

void bm_kernel(benchmark::State& state, shape_kind k, precision p)
{
    const workload wl = make(k, p);
    const kernels::options opt{static_cast<unsigned>(state.range(0))};
    double seconds = 0;
    for (auto _ : state) {
        const auto t0 = std::chrono::steady_clock::now();
        benchmark::DoNotOptimize(kernels::execute(wl.l, wl.in, &wl.w, &wl.bias, opt));
        seconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    }
    const double rate = wl.macs * static_cast<double>(state.iterations()) / seconds;
    auto it = ref_rates().find(key(k, p));
    if (it == ref_rates().end())
        it = ref_rates().emplace(key(k, p), measure_ref_rate(wl)).first;
    state.counters["MAC/s"] = benchmark::Counter(wl.macs * static_cast<double>(state.iterations()),
                                                 benchmark::Counter::kIsRate);
    state.counters["x_ref"] = rate / it->second;
}

void register_all()
{
    struct item {
        const char* name;
        shape_kind k;
    };
    const item items[] = {{"conv3x3_resnet50", shape_kind::conv3x3},
                          {"conv1x1_resnet50", shape_kind::conv1x1},
                          {"depthwise3x3_mobilenet", shape_kind::depthwise},
                          {"fc_resnet50", shape_kind::fc}};
    const precision precs[] = {precision::int8, precision::fp32};
    for (const item& it : items)
        for (precision p : precs)
            benchmark::RegisterBenchmark(
                (std::string("reference/") + it.name + "/" + ref::to_string(p)).c_str(),
                [k = it.k, p](benchmark::State& s) { bm_reference(s, k, p); })
                ->Unit(benchmark::kMillisecond)
                ->Iterations(1)
                ->UseRealTime();
    for (const item& it : items)
        for (precision p : precs)
            benchmark::RegisterBenchmark(
                (std::string("kernels/") + it.name + "/" + ref::to_string(p)).c_str(),
                [k = it.k, p](benchmark::State& s) { bm_kernel(s, k, p); })
                ->Unit(benchmark::kMillisecond)
                ->Arg(1)
                ->Arg(2)
                ->ArgName("threads")
                ->UseRealTime();
    // The other precisions of the 3x3 layer, one thread.
    for (precision p : {precision::fp16, precision::int16, precision::int4, precision::binary})
        benchmark::RegisterBenchmark(
            (std::string("kernels/conv3x3_resnet50/") + ref::to_string(p)).c_str(),
            [p](benchmark::State& s) { bm_kernel(s, shape_kind::conv3x3, p); })
            ->Unit(benchmark::kMillisecond)
            ->Arg(1)
            ->ArgName("threads")
            ->UseRealTime();
}

}  // namespace

int main(int argc, char** argv)
{
    register_all();
    benchmark::Initialize(&argc, argv);
    if (benchmark::ReportUnrecognizedArguments(argc, argv))
        return 1;
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    return 0;
}
