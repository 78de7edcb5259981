// Notifications on both engines: ledger transfers become per-user notifications once, stored for
// resume; what another process stored is published by the node's catch-up, once; tokens from one
// node verify on another (one key in the database); every issuance and authentication attempt is
// audited with the IP.
#include <gtest/gtest.h>

#include "features/notifications/notifications.h"
#include "infra/audit/audit.h"
#include "infra/events/bus.h"
#include "tests/ledger/ledger_fixture.h"

namespace lucas::notifications {
namespace {

using ledger::testing::LedgerWorld;

class NotificationsTest : public ::testing::TestWithParam<store::Engine> {
 protected:
  NotificationsTest()
      : w(GetParam()),
        audit(w.clock),
        notifier(w.db(), bus, w.clock),
        service(w.db(), w.ledger, notifier, TokenOptions{}, &audit, w.clock) {
    store::migrate(w.db(), {audit::migrations(), realtime::migrations()}, w.clock);
    bus.subscribe("ws.user", [this](const std::string&, const std::string& m) {
      published.push_back(nlohmann::json::parse(m));
    });
    service.follow_ledger(w.outbox);
  }
  std::vector<audit::Entry> audit_entries(const std::string& action) {
    return w.db().read([&](store::Tx& tx) {
      audit::Query q;
      q.action = action;
      return audit.search(tx, q);
    });
  }

  LedgerWorld w;
  events::LocalBus bus;
  audit::AuditLog audit;
  realtime::Notifier notifier;
  NotificationService service;
  std::vector<nlohmann::json> published;
};

TEST_P(NotificationsTest, ATransferNotifiesEachUserOnceAndIsStoredForResume) {
  const auto mint = w.mint();
  const auto alice = w.user(101);
  const auto bob = w.user(102);
  w.move("k1", mint, alice, 1234);
  w.move("k2", alice, bob, 200);
  EXPECT_EQ(w.outbox.drain(), 2);
  // k1: alice credited (the mint is not a user); k2: alice debited, bob credited.
  ASSERT_EQ(published.size(), 3u);
  EXPECT_EQ(published[0]["user_id"], 101);
  EXPECT_EQ(published[0]["type"], "money.credited");
  EXPECT_EQ(published[0]["data"]["amount"],
            (nlohmann::json{{"currency", "COIN"}, {"amount", "12.34"}}));
  EXPECT_EQ(published[0]["data"]["balance"]["amount"], "12.34");
  const auto missed_alice = notifier.missed(101, 0, 100);
  ASSERT_EQ(missed_alice.size(), 2u);
  EXPECT_EQ(missed_alice[1].type, "money.debited");
  EXPECT_EQ(missed_alice[1].data["amount"]["amount"], "2.00");
  EXPECT_EQ(missed_alice[1].data["balance"]["amount"], "10.34");
  EXPECT_EQ(missed_alice[0].id, published[0]["id"].get<int64_t>());
  EXPECT_EQ(notifier.missed(101, missed_alice[0].id, 100).size(), 1u);
  EXPECT_EQ(notifier.missed(102, 0, 100).size(), 1u);
  EXPECT_EQ(notifier.missed(101, 0, 1).size(), 1u);  // the limit

  // The same event again (a replayed outbox) stores and publishes nothing.
  events::Event again{1, "ledger.transfer", nullptr, 0};
  const auto first = w.db().read([](store::Tx& tx) {
    return tx.exec("SELECT id, topic, payload, created_at FROM outbox ORDER BY id LIMIT 1")
        .one()
        .str(2);
  });
  again.payload = nlohmann::json::parse(first);
  EXPECT_EQ(service.notify_transfer(again), 0);
  EXPECT_EQ(published.size(), 3u);
  EXPECT_EQ(notifier.missed(101, 0, 100).size(), 2u);
}

TEST_P(NotificationsTest, PushToUserIsIdempotentBySourceAndRolledBackWithItsTransaction) {
  EXPECT_GT(notifier.push_to_user(7, "friend.request", {{"from", 8}}, "friend:1"), 0);
  EXPECT_EQ(notifier.push_to_user(7, "friend.request", {{"from", 8}}, "friend:1"), 0);
  EXPECT_GT(notifier.push_to_user(7, "friend.request", {{"from", 9}}), 0);  // no source
  EXPECT_EQ(published.size(), 2u);
  EXPECT_THROW(w.db().transact([&](store::Tx& tx) {
    notifier.push_to_user(tx, 7, "gift", {}, "gift:1");
    throw std::runtime_error("the caller fails");
  }),
               std::runtime_error);
  EXPECT_EQ(published.size(), 2u);  // nothing published for a rolled-back transaction
  EXPECT_EQ(notifier.missed(7, 0, 10).size(), 2u);
  EXPECT_THROW(notifier.push_to_user(7, "", {}), Error);
  EXPECT_THROW(notifier.push_to_topic("Not A Topic", "x", {}), Error);
}

TEST_P(NotificationsTest, PruneRemovesOnlyOldNotifications) {
  notifier.push_to_user(1, "a", {});
  w.clock.advance(86'400'000'000);
  notifier.push_to_user(1, "b", {});
  EXPECT_EQ(notifier.prune(w.clock.now() - 1), 1);
  const auto left = notifier.missed(1, 0, 10);
  ASSERT_EQ(left.size(), 1u);
  EXPECT_EQ(left[0].type, "b");
}

// One node without Redis, and a console command on the same database with its own in-process bus
// (`lucas ledger grant` dispatches its own events): the node's catch-up publishes what the command
// stored, once, and never what the node published itself or what was there before it started.
TEST_P(NotificationsTest, CatchUpPublishesWhatAnotherProcessStoredOnce) {
  notifier.push_to_user(7, "before", {});  // history: clients resume it
  EXPECT_EQ(notifier.catch_up(), 0);       // the first round notes where the table ends
  events::LocalBus console_bus;
  realtime::Notifier console(w.db(), console_bus, w.clock);
  const int64_t a = console.push_to_user(7, "money.credited", {{"n", 1}});
  const int64_t b = console.push_to_user(8, "money.credited", {{"n", 2}});
  const size_t before = published.size();
  EXPECT_EQ(notifier.catch_up(), 2);
  ASSERT_EQ(published.size(), before + 2);
  EXPECT_EQ(published[before]["id"], a);
  EXPECT_EQ(published[before]["user_id"], 7);
  EXPECT_EQ(published[before + 1]["id"], b);
  EXPECT_EQ(published[before + 1]["data"]["n"], 2);
  // Its own notifications go out once, at commit; a second round repeats nothing.
  notifier.push_to_user(7, "own", {});
  EXPECT_EQ(published.size(), before + 3);
  EXPECT_EQ(notifier.catch_up(), 0);
  EXPECT_EQ(notifier.catch_up(), 0);
  EXPECT_EQ(published.size(), before + 3);
  console.push_to_user(7, "later", {});
  EXPECT_EQ(notifier.catch_up(), 1);
  EXPECT_EQ(published.back()["type"], "later");
}

TEST_P(NotificationsTest, OneKeyForEveryNodeAndEveryAttemptAudited) {
  // A second node on the same database: its own service, the same stored key.
  realtime::Notifier other_notifier(w.db(), bus, w.clock);
  NotificationService other(w.db(), w.ledger, other_notifier, TokenOptions{}, &audit, w.clock);
  const auto t = service.issue_token(101, "api", "10.0.0.1");
  EXPECT_EQ(other.authenticate(t.token, "10.0.0.2"), 101);
  // A configured secret is another key: tokens of the stored key do not verify under it.
  NotificationService configured(w.db(), w.ledger, notifier,
                                 TokenOptions{std::string(40, 's'), 300'000'000}, &audit, w.clock);
  EXPECT_THROW(configured.authenticate(t.token, "10.0.0.3"), Error);
  EXPECT_THROW(service.authenticate("", "10.0.0.4"), Error);
  w.clock.advance(301'000'000);
  try {
    service.authenticate(t.token, "10.0.0.5");
    ADD_FAILURE() << "an expired token was accepted";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kUnauthorized);
    EXPECT_EQ(e.details()["reason"], "expired");
  }
  const auto issued = audit_entries("ws.token.issue");
  ASSERT_EQ(issued.size(), 1u);
  EXPECT_EQ(issued[0].actor, 101);
  EXPECT_EQ(issued[0].ip, "10.0.0.1");
  EXPECT_EQ(issued[0].details["via"], "api");
  EXPECT_EQ(issued[0].details.dump().find(t.token), std::string::npos);
  const auto auths = audit_entries("ws.auth");
  ASSERT_EQ(auths.size(), 4u);
  EXPECT_EQ(auths[0].result, "ok");
  EXPECT_EQ(auths[0].ip, "10.0.0.2");
  EXPECT_EQ(auths[1].result, "denied");
  EXPECT_EQ(auths[1].details["reason"], "bad_signature");
  EXPECT_EQ(auths[2].details["reason"], "missing");
  EXPECT_EQ(auths[3].details["reason"], "expired");
  EXPECT_EQ(auths[3].actor, 101);
  EXPECT_EQ(auths[3].ip, "10.0.0.5");
}

TEST(WebsocketUrl, FollowsThePublicUrl) {
  EXPECT_EQ(websocket_url("https://lucas.example/"), "wss://lucas.example/api/v1/ws");
  EXPECT_EQ(websocket_url("http://localhost:8080"), "ws://localhost:8080/api/v1/ws");
}

INSTANTIATE_TEST_SUITE_P(Engines, NotificationsTest,
                         ::testing::Values(store::Engine::kSqlite, store::Engine::kPostgres),
                         [](const auto& p) { return lucas::testing::engine_label(p.param); });

}  // namespace
}  // namespace lucas::notifications
