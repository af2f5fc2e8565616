// Guest fuzzing: the firmware a buggy or hostile driver would be. Seeded
// random reads and writes over every register block of the memory map (the
// declared registers most of the time, any word of the window otherwise),
// with values biased towards what starts work: DMA descriptors and NN-core
// stream addresses pointing at DRAM filled with random bytes, power-state
// and operating-point requests. The VP must answer everything with a
// modelled response or warning: no crash, no hang. Deterministic per seed.
#include "arch/regs/dma_regs.h"
#include "arch/regs/intc_regs.h"
#include "arch/regs/nncore_regs.h"
#include "arch/regs/power_regs.h"
#include "arch/regs/timer_regs.h"
#include "firmware/programs/program.h"

#include <cstdio>
#include <random>
#include <string>
#include <vector>

namespace nnvp::fw {

namespace {

struct target {
    std::string block;
    uint64_t base = 0;
    uint32_t window = 0;
    std::vector<uint32_t> offsets;  // the declared registers
    uint64_t writes = 0, reads = 0, errors = 0;
};

template <typename List>
void add_offsets(std::vector<uint32_t>& out, const List& regs, uint32_t at = 0) {
    for (const regs::reg_def& r : regs)
        out.push_back(r.offset + at);
}

std::vector<uint32_t> declared(const std::string& block) {
    std::vector<uint32_t> o;
    if (block == "dma")
        add_offsets(o, dma_regs::all_regs());
    else if (block == "intc")
        add_offsets(o, intc_regs::all_regs());
    else if (block == "timer")
        add_offsets(o, timer_regs::all_regs());
    else if (block == "nncore") {
        add_offsets(o, nncore_regs::control_regs);
        for (uint32_t c = 0; c < static_cast<uint32_t>(nncore_regs::counter::count); ++c)
            add_offsets(o, nncore_regs::counter_regs,
                        nncore_regs::counter_offset(static_cast<nncore_regs::counter>(c)));
    } else if (block == "power") {
        add_offsets(o, power_regs::global_regs);
        for (uint32_t d = 0; d < power_regs::max_domains; ++d)
            add_offsets(o, power_regs::domain_regs, power_regs::domain_offset(d));
    }
    return o;
}

// A value that makes hardware do something: small counts, masks, all-ones,
// or an address inside DRAM's first MiB (where the random bytes lie).
uint32_t pick_value(std::mt19937_64& rng, uint64_t dram) {
    switch (rng() % 6) {
    case 0: return 0;
    case 1: return 0xffffffffu;
    case 2: return static_cast<uint32_t>(rng() % 16);
    case 3: return 1u << (rng() % 32);
    case 4: return static_cast<uint32_t>(dram + (rng() % (1u << 20)) / 4 * 4);
    default: return static_cast<uint32_t>(rng());
    }
}

// What a watchdog would do: ask every domain to power on again, so that a
// block the sequence switched off is exercised again afterwards.
void power_everything_on(hal& h, const region* power) {
    if (!power)
        return;
    for (uint32_t d = 0; d < power_regs::max_domains; ++d)
        h.write32(power->base + power_regs::domain_reg(power_regs::STATE_REQ, d).offset,
                  regs::value(power_regs::state::on));
}

int guest_fuzz(hal& h, const program_args& args) {
    std::mt19937_64 rng(static_cast<uint64_t>(args.get("seed")));
    const uint64_t ops = static_cast<uint64_t>(args.get("writes"));
    const uint64_t max_wait_ns = static_cast<uint64_t>(args.get("max_wait_ns"));
    std::vector<target> targets;
    for (const region& r : h.map().regions) {
        std::vector<uint32_t> o = declared(r.name);
        if (!o.empty())
            targets.push_back({r.name, r.base, static_cast<uint32_t>(r.size), std::move(o)});
    }
    const region* dram = h.map().find("dram");
    if (targets.empty() || !dram)
        return 10;
    std::vector<uint8_t> junk(256);
    uint64_t writes = 0, restore_at = 200;
    while (writes < ops) {
        if (writes >= restore_at) {
            power_everything_on(h, h.map().find("power"));
            restore_at += 200;
        }
        const unsigned action = static_cast<unsigned>(rng() % 100);
        if (action < 5) {  // random bytes where descriptors and streams point
            for (uint8_t& b : junk)
                b = static_cast<uint8_t>(rng());
            h.write_block(dram->base + rng() % ((1u << 20) - junk.size()), junk.data(), junk.size());
            continue;
        }
        if (action < 10) {  // let started work run
            h.delay_ns(max_wait_ns ? rng() % max_wait_ns : 0);
            continue;
        }
        target& t = targets[rng() % targets.size()];
        const bool anywhere = rng() % 10 == 0;  // any word of the window, declared or not
        const uint32_t off =
            anywhere ? static_cast<uint32_t>(rng() % t.window) / 4 * 4 : t.offsets[rng() % t.offsets.size()];
        bus_status s;
        if (action < 30) {
            uint32_t v = 0;
            s = h.read32(t.base + off, v);
            ++t.reads;
        } else {
            s = h.write32(t.base + off, pick_value(rng, dram->base));
            ++t.writes;
            ++writes;
        }
        if (s != bus_status::ok)
            ++t.errors;
    }
    std::string line = "guest_fuzz: seed " + std::to_string(args.get("seed")) + ":";
    for (const target& t : targets)
        line += " " + t.block + " " + std::to_string(t.writes) + "w/" + std::to_string(t.reads) +
                "r/" + std::to_string(t.errors) + "e";
    h.log(line);
    return 0;
}

}  // namespace

extern const program guest_fuzz_program = {
    "guest_fuzz",
    "seeded random register reads and writes over every block (DMA and NN-core jobs with random "
    "descriptors and streams, power and DVFS requests): the VP must answer each without crash "
    "or hang",
    {{"seed", 1, 0, INT64_MAX, "seed of the random sequence"},
     {"writes", 3000, 1, 1'000'000'000, "register writes to perform"},
     {"max_wait_ns", 2000, 0, 1'000'000'000, "longest pause between accesses (lets jobs run)"}},
    guest_fuzz};

}  // namespace nnvp::fw
