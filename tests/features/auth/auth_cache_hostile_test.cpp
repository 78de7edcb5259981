// Issue 15 point 6, the token cache, on SQLite and PostgreSQL, with in-process caches (one per
// node) and with one Redis shared by the nodes: an entry written into the cache by someone else
// (wrong or missing HMAC) is never trusted, and a revocation that commits while another node is
// filling the cache is not undone by that fill — even before the revocation's event reaches it.
#include <gtest/gtest.h>

#include <chrono>

#include "base/ids.h"
#include "base/names.h"
#include "features/auth/auth.h"
#include "features/parser/parser.h"
#include "infra/cache/cache.h"
#include "infra/events/outbox.h"
#include "infra/redis/redis.h"
#include "tests/support/databases.h"
#include "tests/support/redis_harness.h"

namespace lucas::auth {
namespace {

using namespace std::chrono_literals;

struct Param {
  store::Engine engine;
  bool redis;
};

// A cache that runs a hook once, just before the next token entry is stored: the moment a fill
// has read the token's row and is about to write it.
class HookedCache final : public cache::Cache {
 public:
  explicit HookedCache(cache::Cache& inner) : inner_(inner) {}
  std::optional<std::string> get(const std::string& key) override { return inner_.get(key); }
  void set(const std::string& key, const std::string& value, Micros ttl) override {
    if (before_token_set && key.rfind("token:", 0) == 0) {
      auto hook = std::move(before_token_set);
      before_token_set = nullptr;
      hook();
    }
    inner_.set(key, value, ttl);
  }
  void erase(const std::string& key) override { inner_.erase(key); }
  bool reachable() override { return inner_.reachable(); }
  std::function<void()> before_token_set;

 private:
  cache::Cache& inner_;
};

// One node with its own bus: events published on one node do not reach the other here, as when
// the bus is slow or a message is lost (the catch-up poll would deliver it later).
struct Node {
  Node(const std::string& url, const Clock& clock, const std::string& id, cache::Cache& backing)
      : db(store::Database::open(url)),
        cache(backing),
        log(clock),
        outbox(*db, clock, events::OutboxOptions{&bus, id}),
        ledger(clock, &outbox),
        users(*db, ledger, clock, lucas::normalize_name, &log),
        auth(*db, users, clock, &log) {
    users.enable_cache(cache, outbox);
    auth.enable_cache(cache, outbox);
  }
  std::unique_ptr<store::Database> db;
  events::LocalBus bus;
  HookedCache cache;
  audit::AuditLog log;
  events::Outbox outbox;
  ledger::Ledger ledger;
  users::UserService users;
  AuthService auth;
};

bool refused(Node& n, const std::string& token) {
  try {
    n.auth.authenticate(token, "10.0.0.1");
    return false;
  } catch (const Error& e) {
    return e.code() == ErrorCode::kUnauthorized;
  }
}

class AuthCacheHostile : public ::testing::TestWithParam<Param> {
 protected:
  void SetUp() override {
    t_ = lucas::testing::fresh_database(GetParam().engine);
    store::migrate(*t_.db,
                   {events::migrations(), audit::migrations(), ledger::migrations(),
                    users::migrations(), migrations()},
                   clock_);
    static int round = 0;
    const std::string prefix = "ach" + std::to_string(++round) + ":";
    if (GetParam().redis) {
      redis::Options o;
      o.retry_min = 20ms;
      o.retry_max = 100ms;
      const auto url = redis::parse_url(lucas::testing::RedisServer::shared().url(10));
      client_a_ = std::make_unique<redis::Client>(url, o);
      client_b_ = std::make_unique<redis::Client>(url, o);
      ASSERT_TRUE(client_a_->wait_up(10s) && client_b_->wait_up(10s));
      store_a_ = std::make_unique<cache::RedisCache>(*client_a_, prefix);
      store_b_ = std::make_unique<cache::RedisCache>(*client_b_, prefix);
    } else {
      store_a_ = std::make_unique<cache::MemoryCache>(clock_);
      store_b_ = std::make_unique<cache::MemoryCache>(clock_);
    }
    a_ = std::make_unique<Node>(t_.url, clock_, "a", *store_a_);
    b_ = std::make_unique<Node>(t_.url, clock_, "b", *store_b_);
    a_->users.upsert({101, "alice", "Alice", "ru"});
    a_->users.upsert({900, "boss", "Boss", "ru"});
    a_->users.set_role(0, 900, users::Role::kAdmin);
    made_ =
        a_->auth.create_client(users::Actor::console_operator(), 101, "app", {{"balance:read"}});
    token_ = a_->auth.issue_token(made_.client.client_id, made_.secret, "10.0.0.1").token;
  }
  void TearDown() override {
    a_.reset();
    b_.reset();
  }
  std::string key() const { return "token:" + sha256_hex(token_); }

  lucas::testing::TestDatabase t_;
  ManualClock clock_{1'767'225'600'000'000};
  std::unique_ptr<redis::Client> client_a_, client_b_;
  std::unique_ptr<cache::Cache> store_a_, store_b_;
  std::unique_ptr<Node> a_, b_;
  NewClient made_;
  std::string token_;
};

TEST_P(AuthCacheHostile, HostileForgedCacheEntryIsNotAccepted) {
  ASSERT_EQ(b_->auth.authenticate(token_, "10.0.0.2").user_id, 101);  // cached, signed
  if (GetParam().redis) {
    // The signed entry b wrote is trusted by a (one key, in the database, for every node).
    EXPECT_EQ(a_->auth.authenticate(token_, "10.0.0.2").user_id, 101);
  }
  // Whoever can write to the cache rewrites the entry: Alice's token now claims to be the
  // admin's, with full access — in the old layout, and in the new one with a made-up MAC.
  const int64_t later = clock_.now() + 86'400'000'000;
  const std::string forgeries[] = {
      nlohmann::json{made_.client.client_id, 900, later}.dump(),
      nlohmann::json{made_.client.client_id, 900, later, nullptr, std::string(64, '0')}.dump(),
      nlohmann::json{made_.client.client_id, 900, later, "admin balance:read", "x"}.dump(),
      "not even json"};
  for (const auto& forged : forgeries) {
    store_b_->set(key(), forged, 300'000'000);
    const auto p = b_->auth.authenticate(token_, "10.0.0.2");
    EXPECT_EQ(p.user_id, 101) << forged;
    ASSERT_TRUE(p.scopes) << forged;
    EXPECT_EQ(*p.scopes, std::vector<std::string>{"balance:read"}) << forged;
    EXPECT_EQ(p.role, users::Role::kUser) << forged;
  }
  // A forged entry for a token that does not exist lets nobody in.
  const std::string invented = "lat_" + std::string(64, 'e');
  store_b_->set("token:" + sha256_hex(invented),
                nlohmann::json{made_.client.client_id, 900, later}.dump(), 300'000'000);
  EXPECT_TRUE(refused(*b_, invented));
  // Nor does an entry copied from another token's key (the MAC binds the token hash).
  b_->auth.authenticate(token_, "10.0.0.2");
  const auto genuine = store_b_->get(key());
  ASSERT_TRUE(genuine);
  store_b_->set("token:" + sha256_hex(invented), *genuine, 300'000'000);
  EXPECT_TRUE(refused(*b_, invented));
}

TEST_P(AuthCacheHostile, HostileRevokeRacingAFillLeavesTheTokenRevoked) {
  // b misses, reads the live row; before it stores the entry, a revokes the client and its
  // commit has erased the key everywhere it could. b's write lands after that.
  b_->cache.before_token_set = [&] {
    a_->auth.revoke_client(users::Actor::console_operator(), made_.client.client_id);
    a_->outbox.drain();  // a's own subscribers; the event does not reach b
  };
  try {
    b_->auth.authenticate(token_, "10.0.0.2");  // the racing request itself may go either way
  } catch (const Error&) {
  }
  ASSERT_FALSE(b_->cache.before_token_set);  // the race happened
  // From now on the token is refused on both nodes, without b having heard of the revocation.
  for (int i = 0; i < 3; ++i) {
    EXPECT_TRUE(refused(*b_, token_)) << i;
    EXPECT_TRUE(refused(*a_, token_)) << i;
  }
  EXPECT_FALSE(store_b_->get(key()));
}

INSTANTIATE_TEST_SUITE_P(
    EnginesAndCaches, AuthCacheHostile,
    ::testing::Values(Param{store::Engine::kSqlite, false}, Param{store::Engine::kPostgres, false},
                      Param{store::Engine::kSqlite, true}, Param{store::Engine::kPostgres, true}),
    [](const auto& p) {
      return lucas::testing::engine_label(p.param.engine) + (p.param.redis ? "Redis" : "Memory");
    });

}  // namespace
}  // namespace lucas::auth
