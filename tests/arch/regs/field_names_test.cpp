// The named fields of every register map (arch/regs/field_names.h): each
// names a register of its block, the fields of one register do not overlap,
// and a value decodes to the data sheet's names.
#include <gtest/gtest.h>

#include <cstring>
#include <string>

#include "arch/regs/dma_regs.h"
#include "arch/regs/intc_regs.h"
#include "arch/regs/nncore_regs.h"
#include "arch/regs/power_regs.h"
#include "arch/regs/timer_regs.h"

using namespace nnvp;

namespace {

template <std::size_t N, typename Lists>
void check_table(const char* block, const regs::named_field (&table)[N], const Lists& names) {
    for (std::size_t i = 0; i < N; ++i) {
        bool found = false;
        for (const char* n : names)
            found |= std::strcmp(n, table[i].reg) == 0;
        EXPECT_TRUE(found) << block << ": field " << table[i].name << " of unknown register "
                           << table[i].reg;
        for (std::size_t j = i + 1; j < N; ++j) {
            if (std::strcmp(table[i].reg, table[j].reg) != 0)
                continue;
            EXPECT_EQ(table[i].f.mask() & table[j].f.mask(), 0u)
                << block << "." << table[i].reg << ": " << table[i].name << " overlaps "
                << table[j].name;
        }
    }
}

template <typename... Arrays>
std::vector<const char*> names_of(const Arrays&... lists) {
    std::vector<const char*> out;
    (..., [&] {
        for (const regs::reg_def& r : lists)
            out.push_back(r.name);
    }());
    return out;
}

}  // namespace

TEST(field_names, every_field_names_a_register_of_its_block_without_overlap) {
    check_table("dma", dma_regs::field_names, names_of(dma_regs::all_regs()));
    check_table("intc", intc_regs::field_names,
                names_of(intc_regs::all_regs(), intc_regs::source_regs));
    check_table("timer", timer_regs::field_names, names_of(timer_regs::all_regs()));
    check_table("nncore", nncore_regs::field_names, names_of(nncore_regs::control_regs));
    check_table("power", power_regs::field_names,
                names_of(power_regs::global_regs, power_regs::domain_regs));
}

TEST(field_names, values_decode_to_the_data_sheet_names) {
    using namespace dma_regs;
    const uint32_t ctrl = CTRL_START.make(1) | CTRL_IRQ_DONE.make(1);  // 0x9
    EXPECT_EQ(regs::decode_fields(field_names, "CTRL", ctrl), "START=1 IRQ_DONE=1");
    // STATUS: error code 5 (bad_geometry) with ERROR set: 0x504.
    EXPECT_EQ(regs::decode_fields(field_names, "STATUS", 0x504u), "ERROR=1 CODE=5");
    // Wide values in hex; zero fields and unnamed registers give nothing.
    EXPECT_EQ(regs::decode_fields(field_names, "IRQ_STATUS", irq_error_bit(4)), "ERROR=0x10");
    EXPECT_EQ(regs::decode_fields(field_names, "CTRL", 0u), "");
    EXPECT_EQ(regs::decode_fields(field_names, "LEN", 0x1234u), "");
    EXPECT_EQ(regs::decode_fields(nncore_regs::field_names, "MODE",
                                  nncore_regs::MODE_TIMING.make(1) | nncore_regs::MODE_SPARSITY.make(2)),
              "TIMING=1 SPARSITY=2");
}
