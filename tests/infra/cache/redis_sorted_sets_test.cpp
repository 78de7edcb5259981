// What only the Redis sorted sets have: several clients (nodes) incrementing one member at once,
// a refused increment racing with others, and an outage that is reported instead of hidden.
#include <gtest/gtest.h>

#include <thread>

#include "infra/cache/redis_sorted_sets.h"
#include "tests/support/redis_harness.h"

namespace lucas::cache {
namespace {

using namespace std::chrono_literals;

TEST(RedisSortedSets, ConcurrentIncrementsFromSeveralNodesAreAtomic) {
  auto& server = lucas::testing::RedisServer::shared();
  redis::Client a(redis::parse_url(server.url(6))), b(redis::parse_url(server.url(6)));
  ASSERT_TRUE(a.wait_up(10s) && b.wait_up(10s));
  a.command({"FLUSHDB"});
  RedisSortedSets za(a), zb(b);
  za.set("board", "near-limit", kMaxExactScore - 1000);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      SortedSets& z = t % 2 == 0 ? static_cast<SortedSets&>(za) : zb;
      for (int i = 0; i < 200; ++i) {
        z.add("board", "u", 3);
        try {
          z.add("board", "near-limit", 10);  // 100 fit, the rest are refused
        } catch (const std::invalid_argument&) {
        }
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(za.find("board", "u")->score, 4 * 200 * 3);
  EXPECT_EQ(zb.find("board", "near-limit")->score, kMaxExactScore);
  EXPECT_EQ(za.range("board", 0, 1)[0].member, "near-limit");
}

TEST(RedisSortedSets, AnOutageIsReportedAsUnavailable) {
  auto server = lucas::testing::RedisServer::start_new();
  redis::Options o;
  o.retry_min = 20ms;
  o.retry_max = 100ms;
  redis::Client client(redis::parse_url(server->url()), o);
  ASSERT_TRUE(client.wait_up(10s));
  RedisSortedSets z(client);
  z.set("k", "m", 1);
  server->stop();
  EXPECT_THROW(z.range("k", 0, 10), redis::Unavailable);
  EXPECT_THROW(z.add("k", "m", 1), redis::Unavailable);
  server->restart();
  ASSERT_TRUE(client.wait_up(10s));
  EXPECT_EQ(z.add("k", "m", 1), 1);  // a fresh server (no persistence in the harness)
}

}  // namespace
}  // namespace lucas::cache
