// Burst trains (ip/common/burst_train.h) through the memory model: a train
// takes the time its bursts take one by one on an idle memory, with and
// without the bank model, and says when its first burst is done.
#include "ip/common/burst_train.h"
#include "ip/common/bus_access.h"
#include "ip/memory/memory.h"
#include "tests/ip/memory/tlm_initiator.h"
#include "tests/support/sc_harness.h"

#include <vector>

using namespace nnvp;
using namespace sc_core;

namespace {

// 250 MHz (4 ns a cycle), 8 bytes a cycle, 10 cycles of latency: a 256-byte
// burst occupies the data path 32 cycles (128 ns) and is done 40 ns later.
memory_config small_config() {
    memory_config c;
    c.size_bytes = 1 << 20;
    c.latency_cycles = 10;
    c.bytes_per_cycle = 8;
    c.leakage_mw = 0.0;
    return c;
}

sc_time ns(double n) { return sc_time(n, SC_NS); }

struct bench {
    clock_domain clk{"mem", {{250e6, 1.0}}, 0, 1.0};
    memory mem;
    test::tlm_initiator tb;
    explicit bench(const char* name, const memory_config& cfg = small_config())
        : mem(name, clk, cfg), tb((std::string(name) + "_tb").c_str()) {
        tb.socket.bind(mem.target);
    }
    // One train of `bursts` x 256 bytes at time 0 + `at`, bursts `feed` apart;
    // returns its completion time.
    sc_time train(unsigned bursts, const sc_time& feed, burst_train& t, const sc_time& at = {}) {
        std::vector<unsigned char> buf(bursts * 256u);
        t.burst_bytes = 256;
        t.feed = feed;
        sc_time delay = at;
        EXPECT_TRUE(bus_access(tb.socket, tlm::TLM_READ_COMMAND, 0, buf.data(),
                               static_cast<unsigned>(buf.size()), delay, &t)
                        .ok());
        return sc_time_stamp() + delay;
    }
    // The same bursts as single accesses (decoupled: none waits for the
    // previous one); returns the last completion.
    sc_time singles(unsigned bursts, const sc_time& feed) {
        std::vector<unsigned char> buf(256);
        sc_time last;
        for (unsigned j = 0; j < bursts; ++j) {
            sc_time delay = feed * static_cast<double>(j);
            EXPECT_EQ(tb.transport(tlm::TLM_READ_COMMAND, 256u * j, buf.data(), 256, delay),
                      tlm::TLM_OK_RESPONSE);
            last = std::max(last, sc_time_stamp() + delay);
        }
        return last;
    }
};

}  // namespace

// 4 bursts back to back: the data path is busy 4 x 128 ns, the last burst is
// done 40 ns after it: 552 ns; the first at 128 + 40 = 168 ns.
TEST(burst_train, a_train_takes_the_time_of_its_bursts_back_to_back) {
    bench a("train_mem"), b("single_mem");
    test::run_thread([&] {
        burst_train t;
        EXPECT_EQ(a.train(4, SC_ZERO_TIME, t), ns(552));
        EXPECT_TRUE(t.first_done_set);
        EXPECT_EQ(t.first_done, ns(168));
        EXPECT_EQ(b.singles(4, SC_ZERO_TIME), ns(552));
    });
    EXPECT_EQ(a.mem.get_stats().bytes_read, 1024u);
    EXPECT_EQ(a.mem.get_stats().busy, b.mem.get_stats().busy);
}

// Bursts fed 200 ns apart (slower than the 128 ns the memory needs): the
// last starts at 600 ns and is done at 600 + 128 + 40 = 768 ns.
TEST(burst_train, a_slow_feed_spaces_the_bursts) {
    bench a("train_mem"), b("single_mem");
    test::run_thread([&] {
        burst_train t;
        EXPECT_EQ(a.train(4, ns(200), t), ns(768));
        EXPECT_EQ(t.first_done, ns(168));
        EXPECT_EQ(b.singles(4, ns(200)), ns(768));
        // The port stays booked for the whole train: an access arriving
        // in a gap between its bursts waits for the end.
        std::vector<unsigned char> one(8);
        sc_time delay = ns(300);
        EXPECT_EQ(a.tb.transport(tlm::TLM_READ_COMMAND, 0x8000, one.data(), 8, delay),
                  tlm::TLM_OK_RESPONSE);
        EXPECT_EQ(delay, ns(728 + 4 + 40));
    });
}

// With the bank model every burst of a train goes through it: a 32-burst
// stream (8 KiB over 4 rows) has the activations, hits and completion time
// of the same bursts sent one by one.
TEST(burst_train, the_bank_model_sees_each_burst_of_a_train) {
    memory_config cfg = small_config();
    cfg.banks.enabled = true;
    cfg.banks.t_refi_ns = 0;
    bench a("train_mem", cfg), b("single_mem", cfg);
    test::run_thread([&] {
        burst_train t;
        const sc_time train_done = a.train(32, SC_ZERO_TIME, t);
        EXPECT_EQ(train_done, b.singles(32, SC_ZERO_TIME));
        EXPECT_GT(train_done, ns(32 * 128 + 40));  // activations on top of the data
    });
    const dram_banks::stats& x = a.mem.banks()->get_stats();
    const dram_banks::stats& y = b.mem.banks()->get_stats();
    EXPECT_EQ(x.empties, y.empties);
    EXPECT_EQ(x.hits, y.hits);
    EXPECT_EQ(x.misses, y.misses);
    EXPECT_EQ(x.empties, 4u);
}

// A train shorter than one burst is a plain access.
TEST(burst_train, shape_of_a_single_burst_is_one_access) {
    clock_domain clk("c", {{1e9, 1.0}}, 0, 1.0);
    burst_train t;
    t.burst_bytes = 256;
    t.feed = ns(100);
    const train_shape one = shape_of(&t, 200, clk, 16);
    EXPECT_EQ(one.bursts, 1u);
    EXPECT_EQ(one.span, ns(13));
    const train_shape three = shape_of(&t, 600, clk, 16);
    EXPECT_EQ(three.bursts, 3u);
    EXPECT_EQ(three.first, ns(16));
    EXPECT_EQ(three.spacing, ns(100));
    EXPECT_EQ(three.span, ns(200 + 6));  // the last burst is 88 bytes
    EXPECT_EQ(shape_of(nullptr, 600, clk, 16).span, ns(38));
}
