#include "ip/dma/dma_config.h"

#include "arch/regs/dma_regs.h"

#include <string>

namespace nnvp {

dma_config parse_dma_config(const config_node& node) {
    dma_config c;
    c.channels = static_cast<unsigned>(
        node.uint_in("channels", 4, dma_regs::max_channels, c.channels));
    c.burst_bytes = static_cast<uint32_t>(node.uint_in("burst_bytes", 4, 4096, c.burst_bytes));
    if ((c.burst_bytes & (c.burst_bytes - 1)) != 0)
        node.fail("burst_bytes", "expected a power of two in [4, 4096], got " +
                                     std::to_string(c.burst_bytes));
    c.train_bytes =
        static_cast<uint32_t>(node.uint_in("train_bytes", 0, 1u << 20, c.train_bytes));
    if (c.train_bytes % c.burst_bytes != 0)
        node.fail("train_bytes", "expected 0 (off) or a multiple of burst_bytes (" +
                                     std::to_string(c.burst_bytes) + "), got " +
                                     std::to_string(c.train_bytes));
    c.max_descriptors =
        static_cast<uint32_t>(node.uint_in("max_descriptors", 1, 1u << 20, c.max_descriptors));
    c.max_outstanding =
        static_cast<uint32_t>(node.uint_in("max_outstanding", 1, 64, c.max_outstanding));
    c.setup_cycles =
        static_cast<uint32_t>(node.uint_in("setup_cycles", 0, 1u << 20, c.setup_cycles));
    c.descriptor_fetch_cycles = static_cast<uint32_t>(
        node.uint_in("descriptor_fetch_cycles", 0, 1u << 20, c.descriptor_fetch_cycles));
    c.register_access_cycles = static_cast<uint32_t>(
        node.uint_in("register_access_cycles", 0, 1024, c.register_access_cycles));
    c.energy_pj_per_byte = node.number_in("energy_pj_per_byte", 0.0, 1e6, c.energy_pj_per_byte);
    c.leakage_mw = node.number_in("leakage_mw", 0.0, 1e6, c.leakage_mw);
    node.reject_unknown();
    return c;
}

}  // namespace nnvp
