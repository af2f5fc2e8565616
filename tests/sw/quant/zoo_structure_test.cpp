// Every zoo network quantizes into a compiler::network that the compiler back
// end accepts (compiler::plan_tensors). Calibration ranges are left at their
// [-1, 1] default: this checks structure, not accuracy, and keeps each
// network well under a few seconds.
#include <gtest/gtest.h>

#include "sw/net/weights.h"
#include "sw/net/zoo.h"
#include "sw/compiler/builder.h"
#include "sw/quant/network_exec.h"
#include "sw/quant/quantizer.h"

namespace {

using namespace nnvp;

void check_structure(const std::string& name, ref::precision p) {
    net::graph g = net::build_zoo(name);
    net::materialize_weights(g, 1);
    quant::quant_options o;
    o.precision = p;
    if (p == ref::precision::fp32 || p == ref::precision::fp16)
        o.scheme = quant::scheme::none;
    const compiler::network q = quant::quantize(g, o, quant::calibration{});
    const std::vector<compiler::tensor_desc> plan = compiler::plan_tensors(q);
    const std::vector<cpuops::tensor_info> mine = quant::tensor_infos(q);
    ASSERT_EQ(plan.size(), mine.size());
    for (std::size_t i = 0; i < plan.size(); ++i) {
        EXPECT_EQ(plan[i].shape, mine[i].shape) << name << " tensor " << i;
        EXPECT_EQ(plan[i].type, mine[i].type) << name << " tensor " << i;
    }
    EXPECT_EQ(plan[static_cast<std::size_t>(q.output_index())].shape.c,
              name == "lenet5" ? 10 : 1000);
}

TEST(quant_zoo, lenet5) {
    for (ref::precision p : {ref::precision::fp32, ref::precision::fp16, ref::precision::int16,
                             ref::precision::int8, ref::precision::int4, ref::precision::binary})
        check_structure("lenet5", p);
}
TEST(quant_zoo, mobilenet_v1_int8) {
    check_structure("mobilenet_v1", ref::precision::int8);
}
TEST(quant_zoo, resnet50_int8) {
    check_structure("resnet50", ref::precision::int8);
}
TEST(quant_zoo, googlenet_int8) {
    check_structure("googlenet", ref::precision::int8);
}

}  // namespace
