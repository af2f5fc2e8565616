#include "firmware/programs/board.h"

namespace nnvp::fw {

namespace {
uint64_t base_of(hal& h, const char* name) {
    const region* r = h.map().find(name);
    return r ? r->base : 0;
}
unsigned irq_of(hal& h, const char* name) {
    const region* r = h.map().find(name);
    return r && r->irq > 0 ? static_cast<unsigned>(r->irq) : 0;
}
}  // namespace

board::board(hal& h)
    : io(h), intc(h, base_of(h, "intc")), timer(h, base_of(h, "timer")),
      dma(h, base_of(h, "dma")), power(h, base_of(h, "power")) {}

bool board::init() {
    for (const char* block : {"intc", "timer", "dma", "power"})
        if (!io.map().find(block)) {
            say(std::string("board: the memory map has no ") + block);
            return false;
        }
    if (intc.init() != intc_status::ok) {
        say("board: interrupt controller does not answer");
        return false;
    }
    if (timer.init() != timer_status::ok) {
        say("board: timer does not answer");
        return false;
    }
    if (dma.init() != dma_result::ok) {
        say("board: DMA engine does not answer");
        return false;
    }
    if (power.probe() != power_status::ok) {
        say("board: power controller does not answer");
        return false;
    }
    const unsigned dma_irq = irq_of(io, "dma");
    const unsigned power_irq = irq_of(io, "power");
    if (timer.attach_irq(intc, irq_of(io, "timer")) != timer_status::ok ||
        intc.attach(dma_irq, [this] { dma.on_irq(); }) != intc_status::ok ||
        intc.enable(dma_irq) != intc_status::ok ||
        intc.attach(power_irq, [this] { power.on_irq(); }) != intc_status::ok ||
        intc.enable(power_irq) != intc_status::ok ||
        power.enable_interrupts(true) != power_status::ok) {
        say("board: cannot route interrupts");
        return false;
    }
    intc.install();
    io.enable_irq(true);
    return true;
}

uint64_t board::now_ns() {
    uint64_t ns = 0;
    timer.now_ns(ns);
    return ns;
}

bool board::set_opp(const std::string& name, unsigned index) {
    unsigned d = 0;
    if (power.find_domain(name, d) != power_status::ok)
        return false;
    return power.set_opp(d, index, 10'000'000) == power_status::ok;  // 10 ms bound
}

unsigned board::opp_count(const std::string& name) {
    unsigned d = 0;
    uint32_t n = 0;
    if (power.find_domain(name, d) != power_status::ok || power.opp_count(d, n) != power_status::ok)
        return 0;
    return n;
}

namespace {

// Sum over every power domain of one of the power controller's counters,
// read by `read(domain, value)`.
template <typename T, typename Read>
uint64_t sum_domains(power_driver& p, Read read) {
    uint32_t domains = 0;
    if (p.domain_count(domains) != power_status::ok)
        return 0;
    uint64_t sum = 0;
    for (unsigned d = 0; d < domains; ++d) {
        T nj = 0;
        if (read(d, nj) == power_status::ok)
            sum += nj;
    }
    return sum;
}

}  // namespace

uint64_t board::energy_nj() {
    return sum_domains<uint64_t>(power, [&](unsigned d, uint64_t& nj) { return power.energy_nj(d, nj); });
}

uint64_t board::transition_nj() {
    return sum_domains<uint32_t>(
        power, [&](unsigned d, uint32_t& nj) { return power.transition_energy_nj(d, nj); });
}

bool board::put_fields(uint64_t base,
                       std::initializer_list<std::pair<uint64_t, uint64_t>> fields) {
    for (const auto& [offset, value] : fields)
        if (io.write64(base + offset, value) != bus_status::ok)
            return false;
    return true;
}

}  // namespace nnvp::fw
