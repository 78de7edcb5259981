// Bearer-token lookups through the cache, with two nodes on one database (each with its own
// in-process cache, on one bus): a token is read from the database once, its expiry is still
// checked on every use, a role change is seen at once, and a revoked client's tokens stop working
// on the node that revoked them at once and on the other node as soon as the event reaches it.
#include <gtest/gtest.h>

#include "base/names.h"
#include "features/auth/auth.h"
#include "features/parser/parser.h"
#include "infra/cache/cache.h"
#include "infra/events/outbox.h"
#include "infra/telemetry/metrics.h"
#include "tests/support/databases.h"

namespace lucas::auth {
namespace {

struct Node {
  Node(const std::string& url, const Clock& clock, const std::string& id, events::Bus& bus)
      : db(store::Database::open(url)),
        cache(clock),
        log(clock),
        outbox(*db, clock, events::OutboxOptions{&bus, id}),
        ledger(clock, &outbox),
        users(*db, ledger, clock, lucas::normalize_name, &log),
        auth(*db, users, clock, &log) {
    users.enable_cache(cache, outbox, &metrics);
    auth.enable_cache(cache, outbox, &metrics);
  }
  int64_t token_hits() {
    const std::string text = metrics.render();
    const std::string key = "lucas_cache_requests_total{result=\"hit\",space=\"token\"} ";
    const size_t at = text.find(key);
    return at == std::string::npos ? 0 : std::stoll(text.substr(at + key.size()));
  }
  std::unique_ptr<store::Database> db;
  telemetry::Registry metrics;
  cache::MemoryCache cache;  // outlives the outbox's subscribers
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

class AuthCache : public ::testing::TestWithParam<store::Engine> {
 protected:
  void SetUp() override {
    t_ = lucas::testing::fresh_database(GetParam());
    store::migrate(*t_.db,
                   {events::migrations(), audit::migrations(), ledger::migrations(),
                    users::migrations(), migrations()},
                   clock_);
    a_ = std::make_unique<Node>(t_.url, clock_, "a", bus_);
    b_ = std::make_unique<Node>(t_.url, clock_, "b", bus_);
    a_->outbox.catch_up();
    b_->outbox.catch_up();
    a_->users.upsert({101, "alice", "Alice", "ru"});
  }
  lucas::testing::TestDatabase t_;
  ManualClock clock_{1'767'225'600'000'000};
  events::LocalBus bus_;
  std::unique_ptr<Node> a_, b_;
};

TEST_P(AuthCache, TokensAreCachedButExpiryAndRolesStayExact) {
  const auto made = a_->auth.create_client(users::Actor::console_operator(), 101, "bot");
  const auto token = a_->auth.issue_token(made.client.client_id, made.secret, "10.0.0.1");
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(b_->auth.authenticate(token.token, "10.0.0.2").user_id, 101);
  }
  EXPECT_EQ(b_->token_hits(), 2);
  a_->users.set_role(0, 101, users::Role::kModerator);
  a_->outbox.drain();
  EXPECT_EQ(b_->auth.authenticate(token.token, "10.0.0.2").role, users::Role::kModerator);
  clock_.set(token.expires_at);
  EXPECT_TRUE(refused(*b_, token.token));  // cached, yet expired
}

TEST_P(AuthCache, ARevokedClientsTokensStopWorkingOnEveryNode) {
  const auto made = a_->auth.create_client(users::Actor::console_operator(), 101, "bot");
  const auto t1 = a_->auth.issue_token(made.client.client_id, made.secret, "10.0.0.1");
  const auto t2 = a_->auth.issue_token(made.client.client_id, made.secret, "10.0.0.1");
  for (Node* n : {a_.get(), b_.get()}) {
    EXPECT_EQ(n->auth.authenticate(t1.token, "10.0.0.2").user_id, 101);
    EXPECT_EQ(n->auth.authenticate(t2.token, "10.0.0.2").user_id, 101);
  }
  a_->auth.revoke_client(users::Actor::user(101, users::Role::kUser), made.client.client_id);
  EXPECT_TRUE(refused(*a_, t1.token));  // at once where it was revoked
  a_->outbox.drain();                   // the event reaches b
  EXPECT_TRUE(refused(*b_, t1.token));
  EXPECT_TRUE(refused(*b_, t2.token));
}

INSTANTIATE_TEST_SUITE_P(Engines, AuthCache,
                         ::testing::Values(store::Engine::kSqlite, store::Engine::kPostgres),
                         [](const auto& p) { return lucas::testing::engine_label(p.param); });

}  // namespace
}  // namespace lucas::auth
