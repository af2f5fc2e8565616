#include "ip/nncore/nncore_config.h"

namespace nnvp {

nncore_config parse_nncore_config(const config_node& node) {
    nncore_config c;
    // Our keys first: parse_core_params() reads the rest of the same object
    // and then rejects whatever nobody has read.
    c.buffer_latency_cycles = static_cast<unsigned>(
        node.uint_in("buffer_latency_cycles", 0, 1000, c.buffer_latency_cycles));
    c.buffer_bytes_per_cycle = static_cast<unsigned>(
        node.uint_in("buffer_bytes_per_cycle", 1, 4096, c.buffer_bytes_per_cycle));
    c.max_commands =
        static_cast<uint32_t>(node.uint_in("max_commands", 1, 1u << 24, c.max_commands));
    c.cmd_fetch_burst =
        static_cast<uint32_t>(node.uint_in("cmd_fetch_burst", 1, 256, c.cmd_fetch_burst));
    c.register_access_cycles = static_cast<unsigned>(
        node.uint_in("register_access_cycles", 0, 1000, c.register_access_cycles));
    c.kernel_threads =
        static_cast<unsigned>(node.uint_in("kernel_threads", 1, 64, c.kernel_threads));
    c.decompress_elements_per_cycle = static_cast<unsigned>(
        node.uint_in("decompress_elements_per_cycle", 1, 65536, c.decompress_elements_per_cycle));
    c.decompress_pj_per_byte =
        node.number_in("decompress_pj_per_byte", 0.0, 1e6, c.decompress_pj_per_byte);
    c.core = nncore::parse_core_params(node);
    node.reject_unknown();
    return c;
}

}  // namespace nnvp
