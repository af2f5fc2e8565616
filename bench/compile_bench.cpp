// Host-side cost of preparing a network for the virtual SoC, stage by stage:
// build the zoo graph, materialize its seeded weights, quantize (INT8
// per-channel from unit ranges, as timing mode does), compile the package.
// Prints one line per stage with its wall time; `nnvp run` pays the sum
// before the simulation starts (report.json network.compile_wall_s).
// Usage: compile_bench [NETWORK ...]   (default: resnet50)
#include <chrono>
#include <cstdio>
#include <malloc.h>
#include <string>
#include <vector>

#include "sw/net/weights.h"
#include "sw/net/zoo.h"
#include "sw/compiler/builder.h"
#include "sw/quant/quantizer.h"

namespace {

double since(std::chrono::steady_clock::time_point& t) {
    const auto now = std::chrono::steady_clock::now();
    const double s = std::chrono::duration<double>(now - t).count();
    t = now;
    return s;
}

}  // namespace

int main(int argc, char* argv[]) {
    using namespace nnvp;
    // As nnvp does (app/main.cpp): freed large tensors stay in the heap.
    mallopt(M_MMAP_THRESHOLD, 32 * 1024 * 1024);
    mallopt(M_TRIM_THRESHOLD, 512 * 1024 * 1024);
    std::vector<std::string> nets;
    for (int i = 1; i < argc; ++i)
        nets.push_back(argv[i]);
    if (nets.empty())
        nets.push_back("resnet50");
    for (const std::string& name : nets) {
        if (!net::in_zoo(name)) {
            std::fprintf(stderr, "compile_bench: unknown network '%s' (nnvp info --help lists them)\n",
                         name.c_str());
            return 2;
        }
        auto t = std::chrono::steady_clock::now();
        net::graph g = net::build_zoo(name);
        g.validate();
        const double build_s = since(t);
        net::materialize_weights(g, 1);
        const double weights_s = since(t);
        quant::quant_options o;
        const compiler::network q = quant::quantize(g, o, quant::calibration{});
        const double quant_s = since(t);
        compiler::build_options bo;
        bo.load_address = 0x90000000;
        bo.arena_base = 0x84000000;
        const compiler::built_package p = compiler::build(q, bo);
        const double compile_s = since(t);
        std::printf("%-14s graph %.3f s, weights %.3f s, quantize %.3f s, package %.3f s "
                    "(%zu bytes, %zu ops): total %.3f s\n",
                    name.c_str(), build_s, weights_s, quant_s, compile_s, p.image.size(),
                    q.ops.size(), build_s + weights_s + quant_s + compile_s);
    }
    return 0;
}
