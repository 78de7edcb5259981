// The users service with a cache, on both engines and both caches (in-process per node, Redis
// shared), with one or two nodes on one database: user and balance reads are served from the
// cache and a change is visible at once on the node that made it and, through the bus, on every
// other node; a rapidcheck property over any interleaving of reads, grants and renames on two
// nodes.
#include <gtest/gtest.h>
#include <rapidcheck.h>

#include <chrono>
#include <thread>

#include "base/blocking.h"
#include "features/users/users.h"
#include "infra/cache/cache.h"
#include "infra/events/outbox.h"
#include "infra/events/redis_bus.h"
#include "infra/store/migrate.h"
#include "infra/telemetry/metrics.h"
#include "ledger/ledger.h"
#include "tests/support/databases.h"
#include "tests/support/eventually.h"
#include "tests/support/redis_harness.h"

namespace lucas::users {
namespace {

using namespace std::chrono_literals;

using lucas::testing::eventually;

struct Param {
  store::Engine engine;
  bool redis;
};

// One node: its database handle, bus, outbox, ledger, cache and users service.
struct Node {
  Node(const std::string& url, const Clock& clock, const std::string& id, events::Bus& bus,
       cache::Cache& cache)
      : db(store::Database::open(url)),
        outbox(*db, clock, events::OutboxOptions{&bus, id}),
        ledger(clock, &outbox),
        users(*db, ledger, clock) {
    users.enable_cache(cache, outbox, &metrics);
  }
  int64_t hits(const std::string& space) {
    const std::string text = metrics.render();
    const std::string key = "lucas_cache_requests_total{result=\"hit\",space=\"" + space + "\"} ";
    const size_t at = text.find(key);
    return at == std::string::npos ? 0 : std::stoll(text.substr(at + key.size()));
  }
  std::unique_ptr<store::Database> db;
  telemetry::Registry metrics;
  events::Outbox outbox;
  ledger::Ledger ledger;
  UserService users;
};

redis::Options fast() {
  redis::Options o;
  o.retry_min = 20ms;
  o.retry_max = 100ms;
  return o;
}

class UsersCache : public ::testing::TestWithParam<Param> {
 protected:
  void SetUp() override {
    t_ = lucas::testing::fresh_database(GetParam().engine);
    store::migrate(*t_.db, {events::migrations(), ledger::migrations(), migrations()}, clock_);
    static int round = 0;
    const std::string prefix = "uc" + std::to_string(++round) + ":";
    if (GetParam().redis) {
      const auto url = redis::parse_url(lucas::testing::RedisServer::shared().url(9));
      client_a_ = std::make_unique<redis::Client>(url, fast());
      client_b_ = std::make_unique<redis::Client>(url, fast());
      ASSERT_TRUE(client_a_->wait_up(10s) && client_b_->wait_up(10s));
      bus_a_ = std::make_unique<events::RedisBus>(*client_a_, "a", nullptr, prefix);
      bus_b_ = std::make_unique<events::RedisBus>(*client_b_, "b", nullptr, prefix);
      bus_b_->on_gap([this] { ++subscribed_; });
      // One cache in Redis, shared by both nodes.
      cache_a_ = std::make_unique<cache::RedisCache>(*client_a_, prefix);
      cache_b_ = std::make_unique<cache::RedisCache>(*client_b_, prefix);
      a_ = std::make_unique<Node>(t_.url, clock_, "a", *bus_a_, *cache_a_);
      b_ = std::make_unique<Node>(t_.url, clock_, "b", *bus_b_, *cache_b_);
      ASSERT_TRUE(eventually([&] { return subscribed_.load() >= 1; }));
    } else {
      // One in-process cache per node, the nodes on one (in-process) bus.
      cache_a_ = std::make_unique<cache::MemoryCache>(clock_);
      cache_b_ = std::make_unique<cache::MemoryCache>(clock_);
      a_ = std::make_unique<Node>(t_.url, clock_, "a", local_bus_, *cache_a_);
      b_ = std::make_unique<Node>(t_.url, clock_, "b", local_bus_, *cache_b_);
    }
    a_->outbox.catch_up();
    b_->outbox.catch_up();
  }
  void TearDown() override {
    a_.reset();
    b_.reset();
    bus_a_.reset();
    bus_b_.reset();
  }
  // Dispatches on node a (as its background dispatcher would) and waits until node b has
  // received everything committed so far.
  void settle() {
    a_->outbox.drain();
    b_->outbox.drain();
    b_->outbox.catch_up();
  }
  void grant(Node& n, int64_t user, int64_t amount, const std::string& key) {
    n.db->transact([&](store::Tx& tx) {
      const auto mint = n.ledger.system_account(tx, "mint:test", ledger::kCoin, true);
      n.ledger.move(tx, key, mint, n.ledger.user_account(tx, user, ledger::kCoin), amount,
                    ledger::kCoin, "test");
    });
  }
  int64_t truth(int64_t user) {
    return t_.db->read([&](store::Tx& tx) {
      ledger::Ledger l(clock_);
      const auto acc = l.find_user_account(tx, user, ledger::kCoin);
      return acc ? l.account(tx, *acc).balance : 0;
    });
  }

  lucas::testing::TestDatabase t_;
  ManualClock clock_{1'767'225'600'000'000};
  events::LocalBus local_bus_;
  std::unique_ptr<redis::Client> client_a_, client_b_;
  std::unique_ptr<events::RedisBus> bus_a_, bus_b_;
  std::unique_ptr<cache::Cache> cache_a_, cache_b_;
  std::unique_ptr<Node> a_, b_;
  std::atomic<int> subscribed_{0};
};

TEST_P(UsersCache, ReadsComeFromTheCacheAndAChangeIsSeenAtOnceWhereItWasMade) {
  a_->users.upsert({101, "alice", "Алиса", "ru"});
  grant(*a_, 101, 1234, "g1");
  EXPECT_EQ(a_->users.balance(101).amount, 1234);
  EXPECT_EQ(a_->users.balance(101).amount, 1234);
  EXPECT_EQ(a_->users.get(101).display_name, "Алиса");
  EXPECT_EQ(a_->users.get(101).display_name, "Алиса");
  EXPECT_GE(a_->hits("balance"), 1);
  EXPECT_GE(a_->hits("user"), 1);
  grant(*a_, 101, 66, "g2");
  EXPECT_EQ(a_->users.balance(101).amount, 1300);  // no dispatch needed on this node
  a_->users.upsert({101, "alice", "Alice", "en"});
  EXPECT_EQ(a_->users.get(101).display_name, "Alice");
  EXPECT_EQ(a_->users.get(101).language, "en");
  EXPECT_THROW(a_->users.get(999), Error);
  EXPECT_THROW(a_->users.balance(999), Error);
  EXPECT_EQ(a_->users.balance(101, "COIN").currency, "COIN");
}

TEST_P(UsersCache, AnInlineAttemptReadsAUserOnceAndTheNextAttemptReadsAgain) {
  // (With Redis the cache read itself would leave the thread: such an attempt is redone on the
  // pool, memo or not.)
  if (GetParam().redis) GTEST_SKIP() << "an in-process cache answers inline";
  a_->users.upsert({101, "alice", "Алиса", "ru"});
  // As the server does: an attempt that would block (the entry not cached yet, or dropped by the
  // change's event) is redone after a read outside fills the cache.
  const auto inline_names = [&](int reads) {
    for (int tries = 0; tries < 10; ++tries) {
      const int64_t before = a_->hits("user");
      try {
        const InlineAttempt attempt;
        std::vector<std::string> names;
        for (int r = 0; r < reads; ++r) names.push_back(a_->users.get(101).display_name);
        return std::make_pair(names, a_->hits("user") - before);
      } catch (const WouldBlock&) {
        a_->users.get(101);
      }
    }
    ADD_FAILURE() << "every attempt would block";
    return std::make_pair(std::vector<std::string>{}, int64_t{0});
  };
  const auto [names, cache_reads] = inline_names(3);
  EXPECT_EQ(names, std::vector<std::string>(3, "Алиса"));
  EXPECT_EQ(cache_reads, 1);  // one cache read for the whole attempt
  a_->users.upsert({101, "alice", "Alice", "en"});
  EXPECT_EQ(inline_names(1).first, std::vector<std::string>{"Alice"});  // a new attempt sees it
}

TEST_P(UsersCache, AChangeOnOneNodeReachesTheOtherNodesCache) {
  a_->users.upsert({7, "bob", "Bob", "ru"});
  grant(*a_, 7, 500, "g1");
  settle();
  EXPECT_EQ(b_->users.balance(7).amount, 500);  // b caches it
  EXPECT_EQ(b_->users.get(7).display_name, "Bob");
  grant(*a_, 7, 250, "g2");
  a_->users.set_role(0, 7, Role::kModerator);
  settle();
  ASSERT_TRUE(eventually([&] { return b_->users.balance(7).amount == 750; }));
  ASSERT_TRUE(eventually([&] { return b_->users.get(7).role == Role::kModerator; }));
  b_->users.upsert({7, "bobby", "Bob", "ru"});
  settle();
  ASSERT_TRUE(eventually([&] { return a_->users.get(7).username == "bobby"; }));
}

// For any interleaving of reads, grants and renames on two nodes, once events are dispatched
// every read on every node equals the database.
TEST_P(UsersCache, AnyInterleavingReadsWhatTheDatabaseHolds) {
  if (GetParam().redis) GTEST_SKIP() << "the in-process variant covers the interleavings";
  const bool ok = rc::check("cached reads agree with the database", [this] {
    static int run = 0;
    ++run;
    std::map<int64_t, std::string> names;
    const int steps = *rc::gen::inRange(1, 25);
    for (int s = 0; s < steps; ++s) {
      Node* const picked = *rc::gen::element(a_.get(), b_.get());
      Node& n = *picked;
      const int64_t user = 1000 * run + *rc::gen::inRange(1, 4);
      switch (*rc::gen::inRange(0, 4)) {
        case 0:
          names[user] = "n" + std::to_string(s);
          n.users.upsert({user, "", names[user], "ru"});
          break;
        case 1:
          if (names.count(user)) {
            grant(n, user, *rc::gen::inRange<int64_t>(1, 1000),
                  "p" + std::to_string(run) + "-" + std::to_string(s));
          }
          break;
        case 2:
          n.outbox.drain();
          break;
        default:
          if (names.count(user)) {
            n.users.balance(user);
            n.users.get(user);
          }
      }
    }
    a_->outbox.drain();
    b_->outbox.drain();
    for (Node* n : {a_.get(), b_.get()}) {
      for (const auto& [user, name] : names) {
        RC_ASSERT(n->users.get(user).display_name == name);
        RC_ASSERT(n->users.balance(user).amount == truth(user));
      }
    }
  });
  EXPECT_TRUE(ok);
}

INSTANTIATE_TEST_SUITE_P(
    EnginesAndCaches, UsersCache,
    ::testing::Values(Param{store::Engine::kSqlite, false}, Param{store::Engine::kPostgres, false},
                      Param{store::Engine::kSqlite, true}, Param{store::Engine::kPostgres, true}),
    [](const auto& p) {
      return lucas::testing::engine_label(p.param.engine) + (p.param.redis ? "Redis" : "Memory");
    });

}  // namespace
}  // namespace lucas::users
