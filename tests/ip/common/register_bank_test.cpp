#include "ip/common/register_bank.h"

#include <gtest/gtest.h>

using namespace nnvp;

namespace {
constexpr regs::reg_def ctrl = regs::rw("CTRL", 0x0, 0x5, 0x0f);
constexpr regs::reg_def id = regs::ro("ID", 0x4, 0xabcd);
constexpr regs::reg_def status = regs::w1c("STATUS", 0x8);
constexpr regs::reg_def doorbell = regs::wo("DOORBELL", 0xc);
constexpr std::array<regs::reg_def, 4> map{ctrl, id, status, doorbell};
static_assert(regs::well_formed(map, 0x10));
static_assert(!regs::well_formed(std::array<regs::reg_def, 2>{ctrl, regs::ro("X", 0x0)}, 0x10));
static_assert(!regs::well_formed(std::array<regs::reg_def, 1>{regs::ro("X", 0x10)}, 0x10));
static_assert(!regs::well_formed(std::array<regs::reg_def, 1>{regs::ro("X", 0x2)}, 0x10));

constexpr regs::field lo{0, 4};
constexpr regs::field hi{28, 4};
static_assert(lo.mask() == 0xf && hi.mask() == 0xf0000000u);
static_assert(hi.set(0, 0x1f) == 0xf0000000u);
static_assert(hi.get(0xa0000000u) == 0xa);
static_assert(regs::field{0, 32}.mask() == 0xffffffffu);
}  // namespace

TEST(register_bank, reset_values_and_access_kinds) {
    register_bank bank;
    uint32_t doorbell_value = 0;
    for (const auto& r : map)
        bank.add(r, {}, r.offset == doorbell.offset ? register_bank::write_fn([&](uint32_t v, uint32_t) {
            doorbell_value = v;
        }) : register_bank::write_fn{});
    uint32_t v = 0;
    ASSERT_TRUE(bank.read(ctrl.offset, v));
    EXPECT_EQ(v, 0x5u);
    ASSERT_TRUE(bank.write(ctrl.offset, 0xffffffffu));
    bank.read(ctrl.offset, v);
    EXPECT_EQ(v, 0x0fu) << "bits outside the write mask stay";

    bank.write(id.offset, 0);
    bank.read(id.offset, v);
    EXPECT_EQ(v, 0xabcdu) << "read-only ignores writes";

    bank.set(status, 0b1011);
    bank.write(status.offset, 0b0010);
    bank.read(status.offset, v);
    EXPECT_EQ(v, 0b1001u) << "write one to clear";

    bank.write(doorbell.offset, 0x77);
    EXPECT_EQ(doorbell_value, 0x77u);
    bank.read(doorbell.offset, v);
    EXPECT_EQ(v, 0u) << "write-only reads as zero";

    EXPECT_FALSE(bank.read(0x20, v));
    EXPECT_FALSE(bank.write(0x20, 1));

    bank.reset();
    bank.read(ctrl.offset, v);
    EXPECT_EQ(v, 0x5u);
}

TEST(register_bank, read_callback_overrides_storage) {
    register_bank bank;
    uint32_t live = 41;
    bank.add(id, [&] { return ++live; });
    uint32_t v = 0;
    bank.read(id.offset, v);
    EXPECT_EQ(v, 42u);
}

TEST(register_bank, overlapping_registers_are_a_programming_error) {
    register_bank bank;
    bank.add(ctrl);
    EXPECT_THROW(bank.add(regs::ro("OTHER", 0x0)), std::logic_error);
}

TEST(register_bank, built_from_a_list_with_behaviour_attached_by_register) {
    register_bank bank;
    bank.add_all(map);
    bank.add_all(map, 0x100);  // a second block of the same registers
    EXPECT_EQ(bank.size(), 2 * map.size());
    ASSERT_NE(bank.find(0x100 + status.offset), nullptr);
    EXPECT_STREQ(bank.find(0x100 + status.offset)->name, "STATUS");
    EXPECT_EQ(bank.find(0x200), nullptr);

    uint32_t rung = 0;
    bank.on_write(doorbell.at(0x100), [&](uint32_t v, uint32_t) { rung = v; });
    bank.on_read(id, [] { return 0x1234u; });
    bank.write(0x100 + doorbell.offset, 9);
    EXPECT_EQ(rung, 9u);
    uint32_t v = 0;
    bank.read(id.offset, v);
    EXPECT_EQ(v, 0x1234u);
    bank.read(0x100 + id.offset, v);
    EXPECT_EQ(v, 0xabcdu) << "the other block keeps plain storage";
    EXPECT_THROW(bank.on_read(regs::ro("NONE", 0x40), [] { return 0u; }), std::logic_error);
}

TEST(register_bank, restricted_writes_keep_the_bits_an_instance_lacks_at_zero) {
    register_bank bank;
    bank.add_all(map);
    bank.restrict_writes(ctrl, 0x3);
    bank.restrict_writes(status, 0x1);
    EXPECT_EQ(bank.find(ctrl.offset)->write_mask, 0x3u);
    bank.write(ctrl.offset, 0xff);
    EXPECT_EQ(bank.get(ctrl), 0x7u) << "0x5 reset, bits 0..1 written";
    bank.set(status, 0x3);
    bank.write(status.offset, 0x3);
    EXPECT_EQ(bank.get(status), 0x2u) << "only bit 0 can be cleared";
    bank.reset();
    EXPECT_EQ(bank.get(ctrl), 0x5u);
    EXPECT_EQ(bank.find(ctrl.offset)->write_mask, 0x3u) << "a reset keeps the instance's mask";
}

// What a write the declaration ignores reports, so the peripheral can warn.
TEST(register_bank, write_result_names_ignored_writes) {
    register_bank bank;
    for (const auto& r : map)
        bank.add(r);
    const auto legal = bank.write(ctrl.offset, 0x0a);
    EXPECT_TRUE(legal.decoded);
    EXPECT_FALSE(legal.read_only);
    EXPECT_EQ(legal.reserved_set, 0u);

    const auto to_ro = bank.write(id.offset, 1);
    EXPECT_TRUE(to_ro.read_only);
    EXPECT_EQ(bank.get(id), 0xabcdu);

    const auto reserved = bank.write(ctrl.offset, 0x3a);
    EXPECT_EQ(reserved.reserved_set, 0x30u) << "bits 5:4 are outside the write mask";
    EXPECT_EQ(bank.get(ctrl), 0x0au) << "the writable bits still take the write";

    // Read-modify-write of a register whose reserved bits read 1 is legal.
    bank.set(ctrl, 0x100);
    EXPECT_EQ(bank.write(ctrl.offset, 0x105).reserved_set, 0u);

    EXPECT_FALSE(bank.write(0x40, 1).decoded);
}
