// The coin board on a real redis-server through its faults: FLUSHALL (rebuilt from the
// database), Redis stopped (views answered by the database, changes kept there) and restarted
// empty (rebuilt), Redis paused and resumed with a stale board (rebuilt) — on both engines.
#include <gtest/gtest.h>

#include "tests/features/leaderboards/lb_fixture.h"

namespace lucas::leaderboards {
namespace {

using namespace testing;

class RedisBoardTest : public ::testing::TestWithParam<store::Engine> {};

TEST_P(RedisBoardTest, AFlushedRedisIsRebuiltFromTheDatabase) {
  LbWorld w(GetParam(), "redis");
  for (int64_t u = 1; u <= 25; ++u) w.win(u, 7 * u);
  w.outbox.drain();
  const auto before = w.board(Period::kMonthly);
  ASSERT_EQ(before.size(), 25u);
  EXPECT_EQ(w.service.check_index(), 0);
  lucas::testing::RedisServer::shared().flushall();
  EXPECT_EQ(w.index->size("lb:coins:monthly:2026-12"), 0);
  EXPECT_EQ(w.board(Period::kMonthly), before);  // the view itself notices and rebuilds
  EXPECT_EQ(w.service.check_index(), 3);         // and the check rebuilds the other periods
  EXPECT_EQ(w.index->size("lb:coins:daily:2026-12-04"), 25);
  EXPECT_EQ(w.board(Period::kAllTime), before);
}

struct OwnRedis {
  OwnRedis() : server(lucas::testing::RedisServer::start_new()), client(url(*server), options()) {
    client.wait_up(std::chrono::seconds(10));
  }
  static redis::Url url(lucas::testing::RedisServer& s) { return redis::parse_url(s.url(0)); }
  static redis::Options options() {
    redis::Options o;
    o.command_timeout = std::chrono::milliseconds(300);
    o.retry_min = std::chrono::milliseconds(20);
    o.retry_max = std::chrono::milliseconds(200);
    return o;
  }
  std::unique_ptr<lucas::testing::RedisServer> server;
  redis::Client client;
};

// A node whose index is on a redis-server of its own (which the test stops and pauses).
struct FaultWorld {
  explicit FaultWorld(LbWorld& w) : index(redis.client), node(w, index) {}
  OwnRedis redis;
  cache::RedisSortedSets index;
  Node node;
};

TEST_P(RedisBoardTest, RedisDownServesFromTheDatabaseAndIsRebuiltWhenBack) {
  LbWorld w(GetParam(), "memory");
  FaultWorld f(w);
  Node& n = f.node;
  n.win(1, 100);
  n.win(2, 200);
  n.outbox.drain();
  EXPECT_EQ(n.service.check_index(), 0);

  f.redis.server->stop();
  n.win(1, 250);  // kept in the database; the index write fails
  n.win(3, 5);
  n.outbox.drain();
  const std::map<int64_t, int64_t> expected{{1, 350}, {2, 200}, {3, 5}};
  EXPECT_EQ(n.board(Period::kDaily), expected);  // answered by the database
  EXPECT_EQ(n.board(Period::kAllTime), expected);
  const Entry me = n.service.position("coins", Period::kDaily, 1);
  EXPECT_EQ(me.rank, 1);
  EXPECT_EQ(me.score, 350);
  EXPECT_EQ(n.service.check_index(), 0);  // nothing to do while it is away; nothing thrown

  f.redis.server->restart();  // empty: Redis here keeps nothing on disk
  ASSERT_TRUE(f.redis.client.wait_up(std::chrono::seconds(10)));
  EXPECT_EQ(n.service.check_index(), 4);
  EXPECT_EQ(f.index.size("lb:coins:daily:2026-12-04"), 3);
  EXPECT_EQ(n.board(Period::kDaily), expected);
}

TEST_P(RedisBoardTest, ARedisThatComesBackStaleIsRebuilt) {
  LbWorld w(GetParam(), "memory");
  FaultWorld f(w);
  Node& n = f.node;
  for (int64_t u = 1; u <= 5; ++u) n.win(u, 10 * u);
  n.outbox.drain();
  EXPECT_EQ(n.service.check_index(), 0);
  f.redis.server->pause();  // accepts, never answers: commands time out, the breaker opens
  n.win(1, 1000);
  n.outbox.drain();
  n.win(6, 1);
  n.outbox.drain();
  f.redis.server->resume();
  ASSERT_TRUE(f.redis.client.wait_up(std::chrono::seconds(10)));
  // The write that timed out may still have been applied (Redis read it from the socket when it
  // resumed); the one made while the breaker was open never reached it: the board is stale.
  EXPECT_FALSE(
      f.index.find("lb:coins:daily:2026-12-04", LeaderboardService::member_of(6)).has_value());
  EXPECT_EQ(n.service.check_index(), 4);
  EXPECT_EQ(f.index.find("lb:coins:daily:2026-12-04", LeaderboardService::member_of(1))->score,
            1010);
  EXPECT_EQ(n.board(Period::kWeekly).size(), 6u);
}

INSTANTIATE_TEST_SUITE_P(Engines, RedisBoardTest,
                         ::testing::Values(store::Engine::kSqlite, store::Engine::kPostgres),
                         [](const auto& p) { return lucas::testing::engine_label(p.param); });

}  // namespace
}  // namespace lucas::leaderboards
