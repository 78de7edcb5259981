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

// A world whose index is on a redis-server of its own (which the test stops and pauses).
struct FaultWorld {
  explicit FaultWorld(LbWorld& w)
      : index(redis.client),
        service(w.db(), index, w.clock, nullptr, {}),
        coins(service, w.ledger, w.db()),
        outbox(w.db(), w.clock),
        ledger(w.clock, &outbox) {
    coins.follow(outbox);
  }
  void win(LbWorld& w, int64_t user, int64_t amount) {
    w.db().transact([&](store::Tx& tx) {
      const auto mint = ledger.system_account(tx, "mint:gd_cards", ledger::kCoin, true);
      ledger.move(tx, "f" + std::to_string(++w.serial), mint,
                  ledger.user_account(tx, user, ledger::kCoin), amount, ledger::kCoin,
                  "bank.accrual");
    });
    outbox.drain();
  }
  std::map<int64_t, int64_t> board(Period p) {
    std::map<int64_t, int64_t> out;
    for (const auto& e : service.top("coins", p, 100).entries) out[e.user_id] = e.score;
    return out;
  }
  OwnRedis redis;
  cache::RedisSortedSets index;
  LeaderboardService service;
  CoinBoard coins;
  events::Outbox outbox;
  ledger::Ledger ledger;
};

TEST_P(RedisBoardTest, RedisDownServesFromTheDatabaseAndIsRebuiltWhenBack) {
  LbWorld w(GetParam(), "memory");
  FaultWorld f(w);
  f.win(w, 1, 100);
  f.win(w, 2, 200);
  EXPECT_EQ(f.service.check_index(), 0);

  f.redis.server->stop();
  f.win(w, 1, 250);  // kept in the database; the index write fails
  f.win(w, 3, 5);
  const std::map<int64_t, int64_t> expected{{1, 350}, {2, 200}, {3, 5}};
  EXPECT_EQ(f.board(Period::kDaily), expected);  // answered by the database
  EXPECT_EQ(f.board(Period::kAllTime), expected);
  const Entry me = f.service.position("coins", Period::kDaily, 1);
  EXPECT_EQ(me.rank, 1);
  EXPECT_EQ(me.score, 350);
  EXPECT_EQ(f.service.check_index(), 0);  // nothing to do while it is away; nothing thrown

  f.redis.server->restart();  // empty: Redis here keeps nothing on disk
  ASSERT_TRUE(f.redis.client.wait_up(std::chrono::seconds(10)));
  EXPECT_EQ(f.service.check_index(), 4);
  EXPECT_EQ(f.index.size("lb:coins:daily:2026-12-04"), 3);
  EXPECT_EQ(f.board(Period::kDaily), expected);
}

TEST_P(RedisBoardTest, ARedisThatComesBackStaleIsRebuilt) {
  LbWorld w(GetParam(), "memory");
  FaultWorld f(w);
  for (int64_t u = 1; u <= 5; ++u) f.win(w, u, 10 * u);
  EXPECT_EQ(f.service.check_index(), 0);
  f.redis.server->pause();  // accepts, never answers: commands time out, the breaker opens
  f.win(w, 1, 1000);
  f.win(w, 6, 1);
  f.redis.server->resume();
  ASSERT_TRUE(f.redis.client.wait_up(std::chrono::seconds(10)));
  // The write that timed out may still have been applied (Redis read it from the socket when it
  // resumed); the one made while the breaker was open never reached it: the board is stale.
  EXPECT_FALSE(
      f.index.find("lb:coins:daily:2026-12-04", LeaderboardService::member_of(6)).has_value());
  EXPECT_EQ(f.service.check_index(), 4);
  EXPECT_EQ(f.index.find("lb:coins:daily:2026-12-04", LeaderboardService::member_of(1))->score,
            1010);
  EXPECT_EQ(f.board(Period::kWeekly).size(), 6u);
}

INSTANTIATE_TEST_SUITE_P(Engines, RedisBoardTest,
                         ::testing::Values(store::Engine::kSqlite, store::Engine::kPostgres),
                         [](const auto& p) { return lucas::testing::engine_label(p.param); });

}  // namespace
}  // namespace lucas::leaderboards
