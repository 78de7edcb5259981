// The cache contract on every implementation (in-process, Redis through a real redis-server, and
// the two tiered):
// get/set/erase, TTLs, any sequence agreeing with a map, and CacheSpace (hit/miss counts,
// cache-aside that never stores a value erased while it loaded). Then what is particular to each:
// LRU eviction in memory; for Redis, erases missed during an outage applied before anything is
// served again; for the tiered cache, how long a node's own copy lasts and an erase racing a read.
#include <gtest/gtest.h>
#include <rapidcheck.h>

#include <functional>
#include <thread>
#include <tuple>
#include <utility>

#include "infra/cache/cache.h"
#include "infra/redis/redis.h"
#include "infra/telemetry/metrics.h"
#include "tests/support/redis_harness.h"

namespace lucas::cache {
namespace {

using namespace std::chrono_literals;

redis::Client& shared_client() {
  static redis::Client client(redis::parse_url(lucas::testing::RedisServer::shared().url(8)));
  client.wait_up(10s);
  return client;
}

class CacheContract : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override { make(); }
  void make() {
    static int fresh = 0;
    cache_.reset();
    if (GetParam() == "memory") {
      cache_ = std::make_unique<MemoryCache>(clock_);
    } else if (GetParam() == "redis") {
      cache_ = std::make_unique<RedisCache>(shared_client(), "t" + std::to_string(++fresh) + ":");
    } else {  // tiered: this node's memory in front of Redis
      near_ = std::make_unique<MemoryCache>(clock_);
      far_ = std::make_unique<RedisCache>(shared_client(), "t" + std::to_string(++fresh) + ":");
      cache_ = std::make_unique<TieredCache>(*near_, *far_, 5'000'000);
    }
  }
  // Lets `d` pass for the cache's clock: the injected one in memory, Redis's own otherwise.
  void elapse(Micros d) {
    clock_.advance(d);
    if (GetParam() != "memory") std::this_thread::sleep_for(std::chrono::microseconds(d));
  }
  ManualClock clock_{1'767'225'600'000'000};
  std::unique_ptr<MemoryCache> near_;
  std::unique_ptr<Cache> far_;
  std::unique_ptr<Cache> cache_;
};

TEST_P(CacheContract, GetSetEraseAndOverwrite) {
  EXPECT_FALSE(cache_->get("a").has_value());
  cache_->set("a", "1", 60'000'000);
  cache_->set("b", std::string("\0bin\xff", 5), 60'000'000);
  EXPECT_EQ(cache_->get("a"), "1");
  EXPECT_EQ(cache_->get("b"), std::string("\0bin\xff", 5));
  cache_->set("a", "2", 60'000'000);
  EXPECT_EQ(cache_->get("a"), "2");
  cache_->erase("a");
  cache_->erase("never-set");
  EXPECT_FALSE(cache_->get("a").has_value());
  EXPECT_EQ(cache_->get("b").value_or("").size(), 5u);
  EXPECT_THROW(cache_->set("c", "x", 0), std::invalid_argument);
}

TEST_P(CacheContract, EntriesExpireAfterTheirTtl) {
  cache_->set("short", "s", 30'000);
  cache_->set("long", "l", 60'000'000);
  elapse(60'000);
  EXPECT_FALSE(cache_->get("short").has_value());
  EXPECT_EQ(cache_->get("long"), "l");
}

// For any sequence of set/erase/get on a few keys (well within capacity and TTL), every get
// returns what a plain map holds.
TEST_P(CacheContract, AnySequenceAgreesWithAMap) {
  const bool ok = rc::check("cache agrees with a map", [this] {
    make();
    std::map<std::string, std::string> model;
    const int n = *rc::gen::inRange(1, 50);
    for (int i = 0; i < n; ++i) {
      const std::string key = "k" + std::to_string(*rc::gen::inRange(0, 5));
      switch (*rc::gen::inRange(0, 3)) {
        case 0: {
          const std::string v = *rc::gen::arbitrary<std::string>();
          cache_->set(key, v, 60'000'000);
          model[key] = v;
          break;
        }
        case 1:
          cache_->erase(key);
          model.erase(key);
          break;
        default: {
          const auto got = cache_->get(key);
          const auto it = model.find(key);
          RC_ASSERT(got.has_value() == (it != model.end()));
          if (got) RC_ASSERT(*got == it->second);
        }
      }
    }
  });
  EXPECT_TRUE(ok);
}

TEST_P(CacheContract, SpacesCountHitsAndMissesAndKeepTheirTtl) {
  telemetry::Registry metrics;
  CacheSpace users(*cache_, "user", 60'000'000, &metrics);
  CacheSpace balances(*cache_, "balance", 30'000, &metrics);
  int loads = 0;
  const auto load = [&]() -> std::optional<std::string> {
    ++loads;
    return "loaded";
  };
  EXPECT_EQ(users.get_or_load("7", load), "loaded");
  EXPECT_EQ(users.get_or_load("7", load), "loaded");
  EXPECT_EQ(loads, 1);
  balances.set("7", "b");  // same key, another space
  EXPECT_EQ(users.get("7"), "loaded");
  EXPECT_EQ(balances.get("7"), "b");
  EXPECT_EQ(users.hits(), 2);
  EXPECT_EQ(users.misses(), 1);
  EXPECT_NE(metrics.render().find("lucas_cache_requests_total{result=\"hit\",space=\"user\"} 2"),
            std::string::npos)
      << metrics.render();
  elapse(60'000);
  EXPECT_FALSE(balances.get("7").has_value());  // its own TTL
  EXPECT_EQ(users.get("7"), "loaded");
  users.erase("7");
  EXPECT_FALSE(users.get("7").has_value());
}

TEST_P(CacheContract, CacheAsideNeverStoresWhatWasErasedWhileLoading) {
  CacheSpace space(*cache_, "user", 60'000'000);
  // The value changes (and is erased, as an invalidation does) while it is being read.
  EXPECT_EQ(space.get_or_load("1",
                              [&]() -> std::optional<std::string> {
                                space.erase("1");
                                return "old";
                              }),
            "old");
  EXPECT_FALSE(space.get("1").has_value());
  // Nothing found: nothing stored. A failing load stores nothing and propagates.
  EXPECT_FALSE(space.get_or_load("2", [] { return std::optional<std::string>(); }).has_value());
  EXPECT_THROW(
      space.get_or_load(
          "3", []() -> std::optional<std::string> { throw std::runtime_error("database down"); }),
      std::runtime_error);
  EXPECT_FALSE(space.get("2").has_value());
  EXPECT_FALSE(space.get("3").has_value());
  EXPECT_EQ(space.get_or_load("1", [] { return std::optional<std::string>("new"); }), "new");
  EXPECT_EQ(space.get("1"), "new");
}

INSTANTIATE_TEST_SUITE_P(Impl, CacheContract,
                         ::testing::Values(std::string("memory"), std::string("redis"),
                                           std::string("tiered")),
                         [](const auto& p) { return p.param; });

TEST(MemoryCache, EvictsTheLeastRecentlyUsedBeyondItsCapacity) {
  ManualClock clock(0);
  MemoryCache c(clock, 3);
  c.set("a", "1", 1'000'000);
  c.set("b", "2", 1'000'000);
  c.set("c", "3", 1'000'000);
  EXPECT_TRUE(c.get("a").has_value());  // a is now the most recent
  c.set("d", "4", 1'000'000);           // b goes
  EXPECT_EQ(c.size(), 3u);
  EXPECT_FALSE(c.get("b").has_value());
  EXPECT_TRUE(c.get("a") && c.get("c") && c.get("d"));
}

// A cache whose get runs a hook after it has read (another thread's erase landing between the
// far read and the near copy).
struct HookedCache final : Cache {
  explicit HookedCache(Cache& wrapped) : inner(wrapped) {}
  std::optional<std::string> get(const std::string& key) override {
    auto v = inner.get(key);
    if (after_get) std::exchange(after_get, nullptr)();
    return v;
  }
  void set(const std::string& key, const std::string& v, Micros ttl) override {
    inner.set(key, v, ttl);
  }
  void erase(const std::string& key) override { inner.erase(key); }
  bool reachable() override { return up; }
  Cache& inner;
  bool up = true;
  std::function<void()> after_get;
};

// Two nodes, each with its own memory in front of one shared cache. A node serves its own copy
// until the change's event erases it there, and never longer than the near TTL; its own changes
// are seen at once.
TEST(TieredCache, ANodesOwnCopyLastsUntilItsEraseOrTheNearTtl) {
  ManualClock clock(0);
  MemoryCache shared(clock);  // stands for Redis (the contract suite runs the real one)
  MemoryCache near_a(clock), near_b(clock);
  TieredCache a(near_a, shared, 5'000'000), b(near_b, shared, 5'000'000);
  a.set("user:1", "v1", 60'000'000);
  EXPECT_EQ(b.get("user:1"), "v1");  // from the shared cache, now copied to b
  a.erase("user:1");                 // the change commits on node a
  EXPECT_FALSE(a.get("user:1").has_value());
  EXPECT_EQ(b.get("user:1"), "v1");  // b has not had the event yet
  b.erase("user:1");                 // ... now it has
  EXPECT_FALSE(b.get("user:1").has_value());

  a.set("user:2", "old", 60'000'000);
  EXPECT_EQ(b.get("user:2"), "old");
  shared.set("user:2", "new", 60'000'000);  // changed where b's event never came
  clock.advance(4'999'999);
  EXPECT_EQ(b.get("user:2"), "old");
  clock.advance(2);
  EXPECT_EQ(b.get("user:2"), "new");  // the near copy lived 5 s at most
  EXPECT_EQ(near_b.get("user:2"), "new");
  EXPECT_EQ(a.get("user:2"), "new");  // a's own copy (a set it) lived no longer
}

// One node's tiered cache over a hooked in-memory stand-in for Redis.
struct OneTieredNode {
  ManualClock clock{0};
  MemoryCache far{clock}, near{clock};
  HookedCache hooked{far};
  TieredCache tiered{near, hooked, 5'000'000};
  auto parts() { return std::tie(far, near, hooked, tiered); }
};

// An erase that lands between the far read and the near copy: the copy is not kept, so the
// erased value is not served again.
TEST(TieredCache, AnEraseRacingAFarReadLeavesNoStaleCopy) {
  OneTieredNode n;
  auto [far, near, hooked, tiered] = n.parts();
  far.set("k", "old", 60'000'000);
  hooked.after_get = [&] { tiered.erase("k"); };  // the change's erase, mid-read
  EXPECT_EQ(tiered.get("k"), "old");  // the read started before the change: that is fine
  EXPECT_FALSE(near.get("k").has_value());
  EXPECT_FALSE(tiered.get("k").has_value());
  // Without a racing erase the far value is copied near.
  far.set("k", "new", 60'000'000);
  EXPECT_EQ(tiered.get("k"), "new");
  EXPECT_EQ(near.get("k"), "new");
}

// The shared cache stops answering: the erases other nodes send may not arrive either, so the
// node's copies are not served (reads go to the database) and are gone when it answers again.
TEST(TieredCache, ANodesCopiesAreNotTrustedWhileTheSharedCacheIsUnreachable) {
  OneTieredNode n;
  auto [far, near, hooked, tiered] = n.parts();
  tiered.set("k", "old", 60'000'000);
  EXPECT_EQ(tiered.get("k"), "old");
  hooked.up = false;
  far.set("k", "new", 60'000'000);  // changed elsewhere; its erase never reached this node
  EXPECT_FALSE(tiered.get("k").has_value());
  EXPECT_FALSE(tiered.reachable());
  EXPECT_EQ(near.size(), 0u);
  tiered.set("k2", "v", 60'000'000);  // nothing is kept near while the far cache is away
  EXPECT_EQ(near.size(), 0u);
  hooked.up = true;
  EXPECT_EQ(tiered.get("k"), "new");  // the stale near copy is gone
  EXPECT_EQ(near.get("k"), "new");
}

redis::Options fast() {
  redis::Options o;
  o.retry_min = 20ms;
  o.retry_max = 100ms;
  o.command_timeout = 200ms;
  o.connect_timeout = 200ms;
  return o;
}

// Redis stops answering (paused: its data survives): reads miss, erases are remembered, and
// when it answers again the remembered erases are applied before anything is read from it.
TEST(RedisCache, AnEraseMissedDuringAnOutageIsAppliedBeforeReadsResume) {
  auto server = lucas::testing::RedisServer::start_new();
  redis::Client client(redis::parse_url(server->url()), fast());
  ASSERT_TRUE(client.wait_up(10s));
  RedisCache cache(client, "c:");
  cache.set("user:1", "old", 60'000'000);
  cache.set("user:2", "kept", 60'000'000);
  server->pause();
  EXPECT_FALSE(cache.get("user:2").has_value());  // Redis does not answer: a miss, no error
  cache.erase("user:1");                          // cannot reach Redis: remembered
  cache.set("user:3", "dropped", 60'000'000);     // nothing stored, no error
  server->resume();
  ASSERT_TRUE(client.wait_up(10s));
  EXPECT_FALSE(cache.get("user:1").has_value());  // not the stale "old"
  EXPECT_EQ(cache.get("user:2"), "kept");
  EXPECT_FALSE(cache.get("user:3").has_value());
}

TEST(RedisCache, TooManyMissedErasesFlushTheWholePrefix) {
  auto server = lucas::testing::RedisServer::start_new();
  redis::Client client(redis::parse_url(server->url()), fast());
  ASSERT_TRUE(client.wait_up(10s));
  RedisCache cache(client, "c:", 2);
  for (const char* k : {"a", "b", "c", "d"}) cache.set(k, "v", 60'000'000);
  client.command({"SET", "other:x", "untouched"});
  server->pause();
  for (const char* k : {"a", "b", "c"}) cache.erase(k);  // one more than it remembers
  server->resume();
  ASSERT_TRUE(client.wait_up(10s));
  EXPECT_FALSE(cache.get("d").has_value());  // flushed with the rest
  EXPECT_FALSE(cache.get("a").has_value());
  EXPECT_EQ(client.command({"GET", "other:x"}).str, "untouched");
}

}  // namespace
}  // namespace lucas::cache
