// Seeded random transactions against a shadow byte array: any address,
// length, command, streaming width and byte-enable pattern gets the response
// the TLM-2.0 rules predict, data stays intact, and nothing crashes or hangs.
#include "ip/common/bus_access.h"
#include "ip/memory/memory.h"
#include "tests/support/sc_harness.h"

#include <random>
#include <vector>

using namespace nnvp;
using namespace sc_core;

TEST(memory, random_transactions_match_a_shadow_model) {
    clock_domain clk("mem", {{200e6, 0.9}}, 0, 0.9);
    memory_config cfg;
    cfg.size_bytes = 3 * memory::page_bytes + 100;  // a partial last page
    cfg.latency_cycles = 3;
    cfg.bytes_per_cycle = 4;
    memory mem("dram", clk, cfg);
    test::bus_master tb;
    tb.socket.bind(mem.target);
    test::allow_warnings(true);
    std::vector<uint8_t> shadow(cfg.size_bytes, 0);
    uint64_t ok = 0, errors = 0;
    test::run_thread([&] {
        std::mt19937_64 rng(20261122);
        auto pick = [&](uint64_t n) { return std::uniform_int_distribution<uint64_t>(0, n)(rng); };
        for (int i = 0; i < 3000; ++i) {
            // Addresses cluster around the end so that range errors are common.
            const uint64_t addr = pick(3) == 0 ? ~0ull - pick(64)
                                               : cfg.size_bytes - pick(cfg.size_bytes) + pick(64);
            const unsigned len = static_cast<unsigned>(pick(3) == 0 ? pick(2000) : pick(16));
            const unsigned width = static_cast<unsigned>(pick(4) == 0 ? pick(len + 1) : len);
            const auto cmd = static_cast<tlm::tlm_command>(pick(3));  // 3 is no command
            std::vector<uint8_t> be(pick(5));
            for (auto& b : be)
                b = pick(1) ? TLM_BYTE_ENABLED : TLM_BYTE_DISABLED;
            const bool use_be = pick(1) == 1;
            std::vector<uint8_t> data(len);
            for (auto& d : data)
                d = static_cast<uint8_t>(pick(255));
            const std::vector<uint8_t> sent = data;

            tlm::tlm_generic_payload trans;
            set_access(trans, cmd, addr, data.data(), len);
            trans.set_streaming_width(width);
            unsigned char no_be = TLM_BYTE_ENABLED;  // a pointer with length 0
            trans.set_byte_enable_ptr(use_be ? (be.empty() ? &no_be : be.data()) : nullptr);
            trans.set_byte_enable_length(static_cast<unsigned>(be.size()));
            sc_time delay = SC_ZERO_TIME;
            tb.socket->b_transport(trans, delay);
            wait(delay);

            // The expected outcome, from the rules in memory.h.
            const uint64_t span = width < len ? width : len;
            tlm::tlm_response_status want = tlm::TLM_OK_RESPONSE;
            if (cmd > tlm::TLM_IGNORE_COMMAND)
                want = tlm::TLM_COMMAND_ERROR_RESPONSE;
            else if (width == 0)
                want = tlm::TLM_BURST_ERROR_RESPONSE;
            else if (use_be && be.empty())
                want = tlm::TLM_BYTE_ENABLE_ERROR_RESPONSE;
            else if (addr > cfg.size_bytes || span > cfg.size_bytes - addr ||
                     (span == 0 && addr == cfg.size_bytes))
                want = tlm::TLM_ADDRESS_ERROR_RESPONSE;
            ASSERT_EQ(trans.get_response_status(), want) << "transaction " << i;
            if (want != tlm::TLM_OK_RESPONSE) {
                ++errors;
                ASSERT_EQ(data, sent);  // an error moves no data
                continue;
            }
            ++ok;
            for (unsigned b = 0; b < len && cmd != tlm::TLM_IGNORE_COMMAND; ++b) {
                if (use_be && be[b % be.size()] != TLM_BYTE_ENABLED) {
                    ASSERT_EQ(data[b], sent[b]);
                    continue;
                }
                const uint64_t a = addr + b % width;
                if (cmd == tlm::TLM_WRITE_COMMAND)
                    shadow[a] = sent[b];
                else
                    ASSERT_EQ(data[b], shadow[a]) << "transaction " << i << " byte " << b;
            }
        }
    });
    EXPECT_GT(ok, 500u);
    EXPECT_GT(errors, 500u);
    std::vector<uint8_t> all(cfg.size_bytes);
    mem.dump(0, all.data(), all.size());
    EXPECT_EQ(all, shadow);
    EXPECT_LE(mem.allocated_pages(), 4u);
}
