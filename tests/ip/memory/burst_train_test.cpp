// Burst trains (ip/common/burst_train.h) through the memory model: each
// burst of a train takes the time it would take as a single access, with
// and without the bank model.
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
    // One train of 256-byte bursts arriving at `arrivals`; returns its
    // completion time and leaves each burst's in `t.at`.
    sc_time train(const std::vector<sc_time>& arrivals, burst_train& t) {
        std::vector<unsigned char> buf(arrivals.size() * 256u);
        t.burst_bytes = 256;
        t.at = arrivals;
        sc_time delay = arrivals.front();
        EXPECT_TRUE(bus_access(tb.socket, tlm::TLM_READ_COMMAND, 0, buf.data(),
                               static_cast<unsigned>(buf.size()), delay, &t)
                        .ok());
        EXPECT_TRUE(t.timed);
        return sc_time_stamp() + delay;
    }
    // The same bursts as single accesses (decoupled: none waits for the
    // previous one); returns each one's completion.
    std::vector<sc_time> singles(const std::vector<sc_time>& arrivals) {
        std::vector<unsigned char> buf(256);
        std::vector<sc_time> done;
        for (std::size_t j = 0; j < arrivals.size(); ++j) {
            sc_time delay = arrivals[j];
            EXPECT_EQ(tb.transport(tlm::TLM_READ_COMMAND, 256u * j, buf.data(), 256, delay),
                      tlm::TLM_OK_RESPONSE);
            done.push_back(sc_time_stamp() + delay);
        }
        return done;
    }
};

std::vector<sc_time> evenly(std::size_t n, const sc_time& apart) {
    std::vector<sc_time> v;
    for (std::size_t j = 0; j < n; ++j)
        v.push_back(apart * static_cast<double>(j));
    return v;
}

}  // namespace

// 4 bursts arriving together: the data path serves them 128 ns apart, each
// done 40 ns after: 168, 296, 424, 552 ns, as single accesses.
TEST(burst_train, a_train_takes_the_time_of_its_bursts_back_to_back) {
    bench a("train_mem"), b("single_mem");
    test::run_thread([&] {
        burst_train t;
        EXPECT_EQ(a.train(evenly(4, SC_ZERO_TIME), t), ns(552));
        EXPECT_EQ(t.at, (std::vector<sc_time>{ns(168), ns(296), ns(424), ns(552)}));
        EXPECT_EQ(b.singles(evenly(4, SC_ZERO_TIME)), t.at);
    });
    EXPECT_EQ(a.mem.get_stats().bytes_read, 1024u);
    EXPECT_EQ(a.mem.get_stats().reads, 4u);  // counted as its bursts
    EXPECT_EQ(a.mem.get_stats().busy, b.mem.get_stats().busy);
}

// Bursts arriving 200 ns apart (slower than the 128 ns the memory needs):
// each is done 168 ns after it arrives, and the gaps between them stay free
// for another initiator.
TEST(burst_train, a_slow_feed_leaves_the_gaps_free) {
    bench a("train_mem"), b("single_mem");
    test::run_thread([&] {
        burst_train t;
        EXPECT_EQ(a.train(evenly(4, ns(200)), t), ns(768));
        EXPECT_EQ(t.at, b.singles(evenly(4, ns(200))));
        // 8 bytes arriving at 130 ns fit the gap [128, 200) ns.
        std::vector<unsigned char> one(8);
        sc_time delay = ns(130);
        EXPECT_EQ(a.tb.transport(tlm::TLM_READ_COMMAND, 0x8000, one.data(), 8, delay),
                  tlm::TLM_OK_RESPONSE);
        EXPECT_EQ(delay, ns(130 + 4 + 40));
    });
}

// With the bank model every burst of a train goes through it: a 32-burst
// stream (8 KiB over 4 rows) has the activations, hits and completion times
// of the same bursts sent one by one.
TEST(burst_train, the_bank_model_sees_each_burst_of_a_train) {
    memory_config cfg = small_config();
    cfg.banks.enabled = true;
    cfg.banks.t_refi_ns = 0;
    bench a("train_mem", cfg), b("single_mem", cfg);
    test::run_thread([&] {
        burst_train t;
        const sc_time train_done = a.train(evenly(32, ns(10)), t);
        EXPECT_EQ(t.at, b.singles(evenly(32, ns(10))));
        EXPECT_GT(train_done, ns(32 * 128 + 40));  // activations on top of the data
    });
    const dram_banks::stats& x = a.mem.banks()->get_stats();
    const dram_banks::stats& y = b.mem.banks()->get_stats();
    EXPECT_EQ(x.empties, y.empties);
    EXPECT_EQ(x.hits, y.hits);
    EXPECT_EQ(x.misses, y.misses);
    EXPECT_EQ(x.empties, 4u);
}

TEST(burst_train, the_last_burst_may_be_short) {
    burst_train t;
    t.burst_bytes = 256;
    EXPECT_EQ(t.bytes_of(0, 600), 256u);
    EXPECT_EQ(t.bytes_of(1, 600), 256u);
    EXPECT_EQ(t.bytes_of(2, 600), 88u);
}
