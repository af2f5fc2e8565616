#include "arch/memory_map/memory_map.h"

#include <gtest/gtest.h>

using namespace nnvp;

TEST(memory_map, decode_and_lookup) {
    memory_map m{{{"sram", 0x1000, 0x1000, -1}, {"dma", 0x4000, 0x100, 3}}};
    EXPECT_EQ(m.decode(0x1fff)->name, "sram");
    EXPECT_EQ(m.decode(0x2000), nullptr);
    EXPECT_EQ(m.at("dma").irq, 3);
    EXPECT_THROW(m.at("nope"), std::out_of_range);
    EXPECT_EQ(m.validate(32), "");
}

TEST(memory_map, validation_finds_overlaps_and_bad_irqs) {
    EXPECT_EQ((memory_map{{{"a", 0, 0x100, -1}, {"b", 0xff, 0x10, -1}}}).validate(32),
              "regions \"a\" and \"b\" overlap");
    EXPECT_EQ((memory_map{{{"a", 0, 0x100, 1}, {"b", 0x100, 0x10, 1}}}).validate(32),
              "regions \"a\" and \"b\" share irq 1");
    EXPECT_EQ((memory_map{{{"a", 0, 0x100, 40}}}).validate(32),
              "region \"a\" uses irq 40 but the interrupt controller has 32 sources");
    EXPECT_EQ((memory_map{{{"a", 0, 0, -1}}}).validate(32), "region \"a\" has size 0");
    EXPECT_EQ((memory_map{{{"a", ~0ull - 4, 0x10, -1}}}).validate(32),
              "region \"a\" wraps around the address space");
}
