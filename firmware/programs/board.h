// Board bring-up shared by the firmware programs: finds every block in the
// memory map, probes the drivers, and routes interrupts through the
// interrupt controller (timer, DMA and power controller handlers attached).
#pragma once

#include "firmware/drivers/dma/dma_driver.h"
#include "firmware/drivers/intc/intc_driver.h"
#include "firmware/drivers/power/power_driver.h"
#include "firmware/drivers/timer/timer_driver.h"
#include "arch/hal/hal.h"

#include <cstdint>
#include <initializer_list>
#include <string>
#include <utility>

namespace nnvp::fw {

class board {
public:
    explicit board(hal& h);

    // Probes every driver and enables interrupts; false (with a console
    // message saying which block failed) if the chip does not answer as expected.
    bool init();

    hal& io;
    intc_driver intc;
    timer_driver timer;
    dma_driver dma;
    power_driver power;

    uint64_t now_ns();  // from the timer (what firmware on silicon would read)
    // Sets domain `name` to OPP `index` and waits for the completion interrupt.
    bool set_opp(const std::string& name, unsigned index);
    // The OPP table size of domain `name` (0 if it has none).
    unsigned opp_count(const std::string& name);
    // Sums over every power domain of its energy counter and of its relock
    // and state-transition energy (nJ); unreadable domains count 0.
    uint64_t energy_nj();
    uint64_t transition_nj();
    // Writes each (offset from `base`, value) as a u64 in order (a results
    // table the host reads back); false at the first bus error.
    bool put_fields(uint64_t base, std::initializer_list<std::pair<uint64_t, uint64_t>> fields);
    void say(const std::string& line) { io.log(line); }
};

}  // namespace nnvp::fw
