// The audit log on SQLite and PostgreSQL: the chain verifies, and a row changed, deleted or
// forged directly in the database is named by verify; transfers and admin actions are recorded.
#include <gtest/gtest.h>

#include <thread>

#include "base/ids.h"
#include "base/names.h"
#include "features/parser/parser.h"
#include "features/users/users.h"
#include "infra/audit/audit.h"
#include "ledger/ledger.h"
#include "tests/support/databases.h"

namespace lucas::audit {
namespace {

using store::Value;

struct World {
  explicit World(store::Engine e)
      : t(lucas::testing::fresh_database(e)),
        clock(1'767'225'600'000'000),
        log(clock),
        outbox(*t.db, clock),
        ledger(clock, &outbox),
        users(*t.db, ledger, clock, lucas::normalize_name, &log) {
    store::migrate(
        *t.db,
        {events::migrations(), audit::migrations(), ledger::migrations(), users::migrations()},
        clock);
    log.follow_ledger(outbox, *t.db);
  }
  Entry add(const std::string& action, int64_t actor = 1, std::string source = "") {
    clock.advance(1'000'000);
    return t.db->transact([&](store::Tx& tx) {
      return log.append(tx, Entry{0,
                                  0,
                                  actor,
                                  action,
                                  "user:9",
                                  "127.0.0.1",
                                  "ok",
                                  {{"n", 1}, {"text", "Привет"}},
                                  std::move(source),
                                  "",
                                  ""});
    });
  }
  VerifyReport verify() {
    return t.db->read([&](store::Tx& tx) { return log.verify(tx); });
  }
  void exec(const std::string& sql, std::initializer_list<Value> params = {}) {
    t.db->transact([&](store::Tx& tx) { tx.exec(sql, params); });
  }

  lucas::testing::TestDatabase t;
  ManualClock clock;
  AuditLog log;
  events::Outbox outbox;
  ledger::Ledger ledger;
  users::UserService users;
};

class AuditTest : public ::testing::TestWithParam<store::Engine> {
 protected:
  AuditTest() : w(GetParam()) {
    for (int i = 0; i < 10; ++i) w.add(i % 2 ? "admin.grant" : "auth.login", i + 1);
  }
  World w;
};

TEST_P(AuditTest, AnUntouchedChainVerifies) {
  const auto r = w.verify();
  EXPECT_TRUE(r.ok()) << r.problem;
  EXPECT_EQ(r.entries, 10);
}

// A long chain's verification reports how far it got, every 10,000 entries.
TEST_P(AuditTest, VerifyReportsProgress) {
  w.t.db->transact([&](store::Tx& tx) {
    for (int i = 0; i < 20'005; ++i) {
      w.log.append(tx, Entry{0, 0, 1, "auth.login", "user:9", "", "ok", {}, "", "", ""});
    }
  });
  std::vector<int64_t> seen;
  const auto r = w.t.db->read(
      [&](store::Tx& tx) { return w.log.verify(tx, [&](int64_t n) { seen.push_back(n); }); });
  EXPECT_TRUE(r.ok()) << r.problem;
  EXPECT_EQ(r.entries, 20'015);
  EXPECT_EQ(seen, (std::vector<int64_t>{10'000, 20'000}));
}

TEST_P(AuditTest, AModifiedEntryIsNamed) {
  w.exec("UPDATE audit_log SET details = $1 WHERE seq = 4", {Value{R"({"n":2,"text":"Привет"})"}});
  const auto r = w.verify();
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(*r.first_bad_seq, 4);
  EXPECT_NE(r.problem.find("modified"), std::string::npos) << r.problem;
}

TEST_P(AuditTest, ADeletedEntryIsNamed) {
  w.exec("DELETE FROM audit_log WHERE seq = 6");
  const auto r = w.verify();
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(*r.first_bad_seq, 6);
  EXPECT_NE(r.problem.find("missing"), std::string::npos) << r.problem;
}

TEST_P(AuditTest, AnInsertedEntryIsNamed) {
  // A forged row slipped in where a real one was moved out of the way.
  w.exec("UPDATE audit_log SET seq = 100 WHERE seq = 10");
  w.exec(
      "INSERT INTO audit_log (seq, at, actor, action, target, ip, result, details, source,"
      " prev_hash, hash) VALUES (10, 1, 666, 'admin.grant', 'user:666', '', 'ok', '{}', '',"
      " 'x', 'y')");
  const auto r = w.verify();
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(*r.first_bad_seq, 10);
}

TEST_P(AuditTest, AReplacedActorIsCaught) {
  w.exec("UPDATE audit_log SET actor = 42 WHERE seq = 2");
  EXPECT_EQ(w.verify().first_bad_seq.value_or(0), 2);
}

// The builder services use (issue 16 point 6): what the service knows goes in, the log fills the
// sequence, time and hashes; the client's address is one fluent setter.
TEST_P(AuditTest, TheBuilderFillsWhatTheServiceKnowsAndTheLogTheRest) {
  const Entry plain = entry(7, "admin.grant", "user:9");
  EXPECT_EQ(plain.actor, 7);
  EXPECT_EQ(plain.action, "admin.grant");
  EXPECT_EQ(plain.target, "user:9");
  EXPECT_EQ(plain.result, "ok");
  EXPECT_EQ(plain.details, nlohmann::json::object());
  EXPECT_EQ(plain.ip, "");
  w.clock.advance(1'000'000);
  const Entry stored = w.t.db->transact([&](store::Tx& tx) {
    return w.log.append(
        tx, entry(7, "auth.token", "ip:10.0.0.1", {{"n", 2}}, "failed").with_ip("10.0.0.1"));
  });
  EXPECT_EQ(stored.seq, 11);
  EXPECT_EQ(stored.at, w.clock.now());
  EXPECT_EQ(stored.ip, "10.0.0.1");
  EXPECT_EQ(stored.result, "failed");
  EXPECT_EQ(stored.details, nlohmann::json({{"n", 2}}));
  EXPECT_EQ(stored.source, "");
  EXPECT_FALSE(stored.prev_hash.empty());
  EXPECT_FALSE(stored.hash.empty());
  const auto found = w.t.db->read([&](store::Tx& tx) {
    Query q;
    q.action = "auth.token";
    return w.log.search(tx, q);
  });
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].ip, "10.0.0.1");
  EXPECT_EQ(found[0].hash, stored.hash);
  EXPECT_TRUE(w.verify().ok());
}

TEST_P(AuditTest, SourcesAreRecordedOnce) {
  const auto a = w.add("ledger.transfer", 0, "event:77");
  const auto b = w.add("ledger.transfer", 0, "event:77");
  EXPECT_EQ(a.seq, b.seq);
  EXPECT_EQ(w.verify().entries, 11);
}

TEST_P(AuditTest, SearchFiltersByActorActionAndTime) {
  auto found = w.t.db->read([&](store::Tx& tx) {
    return w.log.search(tx, Query{std::nullopt, std::string("admin."), std::nullopt, std::nullopt,
                                  0, 100, std::nullopt, false, 0});
  });
  EXPECT_EQ(found.size(), 5u);
  for (const auto& e : found) EXPECT_EQ(e.action, "admin.grant");
  found = w.t.db->read([&](store::Tx& tx) {
    return w.log.search(tx, Query{int64_t{3}, std::nullopt, std::nullopt, std::nullopt, 0, 100,
                                  std::nullopt, false, 0});
  });
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].actor, 3);
  const Micros t0 = 1'767'225'600'000'000;
  found = w.t.db->read([&](store::Tx& tx) {
    return w.log.search(tx, Query{std::nullopt, std::nullopt, t0 + 3'000'000, t0 + 6'000'000, 0,
                                  100, std::nullopt, false, 0});
  });
  EXPECT_EQ(found.size(), 3u);  // seconds 3, 4, 5
  EXPECT_THROW(w.t.db->read([&](store::Tx& tx) {
    return w.log.search(tx, Query{std::nullopt, std::string("x%"), std::nullopt, std::nullopt, 0,
                                  100, std::nullopt, false, 0});
  }),
               Error);
}

TEST_P(AuditTest, ExportsCsvWithQuoting) {
  auto e = w.add("admin.note", 1);
  const std::string row = to_csv(e);
  EXPECT_NE(row.find("\"{\"\"n\"\":1,\"\"text\"\":\"\"Привет\"\"}\""), std::string::npos) << row;
  EXPECT_EQ(to_json(e)["action"], "admin.note");
  EXPECT_EQ(csv_header().substr(0, 7), "seq,at,");
}

TEST_P(AuditTest, TransfersAndAdminActionsAreRecorded) {
  w.users.upsert({9, "", "Nine", "ru"});
  w.users.set_role(0, 9, users::Role::kModerator);
  w.users.adjust(0, "grant-1", 9, 1'000, ledger::kCoin, "welcome");
  EXPECT_EQ(w.outbox.drain(), 1);
  EXPECT_EQ(w.outbox.drain(), 0);
  const auto all = w.t.db->read([&](store::Tx& tx) { return w.log.search(tx, Query{}); });
  std::map<std::string, int> actions;
  for (const auto& e : all) ++actions[e.action];
  EXPECT_EQ(actions["admin.set_role"], 1);
  EXPECT_EQ(actions["admin.grant"], 6);  // 5 from the fixture + this one
  EXPECT_EQ(actions["ledger.transfer"], 1);
  EXPECT_TRUE(w.verify().ok());
}

TEST_P(AuditTest, ConcurrentAppendsKeepOneChain) {
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 25; ++i) {
        w.t.db->transact([&](store::Tx& tx) {
          w.log.append(tx, Entry{0, 0, t, "auth.login", "", "", "ok", {}, "", "", ""});
        });
      }
    });
  }
  for (auto& th : threads) th.join();
  const auto r = w.verify();
  EXPECT_TRUE(r.ok()) << r.problem;
  EXPECT_EQ(r.entries, 110);
}

TEST_P(AuditTest, SignedCheckpointsCatchRewritesAndTruncation) {
  w.log.set_signing_key(signing_key_from_seed_hex(std::string(64, 'a')), 5);
  for (int i = 0; i < 6; ++i) w.add("auth.login", 1);  // entries 11..16: checkpoints at 15
  w.t.db->transact([&](store::Tx& tx) { w.log.checkpoint(tx); });  // and at 16
  auto r = w.verify();
  EXPECT_TRUE(r.ok()) << r.problem;
  EXPECT_EQ(r.checkpoints, 2);
  // Cutting off the tail leaves a consistent chain, but the checkpoint at 16 notices.
  w.exec("DELETE FROM audit_log WHERE seq = 16");
  r = w.verify();
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(*r.first_bad_seq, 16);
  EXPECT_NE(r.problem.find("deleted"), std::string::npos) << r.problem;
}

TEST_P(AuditTest, AConsistentRewriteIsCaughtByTheSignature) {
  w.log.set_signing_key(signing_key_from_seed_hex(std::string(64, 'b')), 1000);
  w.t.db->transact([&](store::Tx& tx) { w.log.checkpoint(tx); });  // signs entry 10
  // Rewrite entry 10 and recompute its hash so the chain itself stays consistent.
  auto e = w.t.db->read([&](store::Tx& tx) {
    return w.log.search(tx, Query{std::nullopt, std::nullopt, std::nullopt, std::nullopt, 9, 1,
                                  std::nullopt, false, 0});
  });
  ASSERT_EQ(e.size(), 1u);
  Entry forged = e[0];
  forged.actor = 666;
  forged.hash = sha256_hex(canonical(forged));
  w.exec("UPDATE audit_log SET actor = 666, hash = $1 WHERE seq = 10", {Value{forged.hash}});
  auto r = w.verify();
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(*r.first_bad_seq, 10);
  EXPECT_NE(r.problem.find("rewritten"), std::string::npos) << r.problem;
  // A forged signature is caught too.
  w.exec("UPDATE audit_checkpoints SET signature = $1", {Value{std::string(128, '0')}});
  EXPECT_NE(w.verify().problem.find("bad signature"), std::string::npos);
  EXPECT_THROW(signing_key_from_seed_hex("not hex"), Error);
}

// With a signing key, a checkpoint is due at every interval-th entry from the first one on: one
// deleted is named, and so is a chain that has none at all.
TEST_P(AuditTest, AMissingCheckpointFailsVerificationNamingIt) {
  w.log.set_signing_key(signing_key_from_seed_hex(std::string(64, 'c')), 5);
  w.t.db->transact([&](store::Tx& tx) { w.log.checkpoint(tx); });  // signing begins at 10
  for (int i = 0; i < 12; ++i) w.add("auth.login", 1);  // entries 11..22: checkpoints 15, 20
  auto r = w.verify();
  ASSERT_TRUE(r.ok()) << r.problem;
  EXPECT_EQ(r.checkpoints, 3);
  w.exec("DELETE FROM audit_checkpoints WHERE seq = 15");
  r = w.verify();
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(*r.first_bad_seq, 15);
  EXPECT_NE(r.problem.find("checkpoint at entry 15 is missing"), std::string::npos) << r.problem;
  // Every checkpoint gone: the first that should exist is named.
  w.exec("DELETE FROM audit_checkpoints");
  r = w.verify();
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(*r.first_bad_seq, 5);
  EXPECT_NE(r.problem.find("checkpoint at entry 5 is missing"), std::string::npos) << r.problem;
}

// An attacker with write access to the database rewrites an entry, recomputes its hash, and
// replaces the checkpoints with ones signed by their own key: valid signatures, wrong key.
TEST_P(AuditTest, ACheckpointSignedByAnotherKeyIsRefused) {
  w.log.set_signing_key(signing_key_from_seed_hex(std::string(64, 'd')), 5);  // checkpoints 5, 10
  w.t.db->transact([&](store::Tx& tx) { w.log.checkpoint(tx); });
  ASSERT_TRUE(w.verify().ok());
  auto e = w.t.db->read([&](store::Tx& tx) {
    return w.log.search(tx, Query{std::nullopt, std::nullopt, std::nullopt, std::nullopt, 9, 1,
                                  std::nullopt, false, 0});
  });
  ASSERT_EQ(e.size(), 1u);
  Entry forged = e[0];
  forged.actor = 666;
  forged.hash = sha256_hex(canonical(forged));
  w.exec("UPDATE audit_log SET actor = 666, hash = $1 WHERE seq = 10", {Value{forged.hash}});
  w.exec("DELETE FROM audit_checkpoints");
  AuditLog attacker(w.clock);
  attacker.set_signing_key(signing_key_from_seed_hex(std::string(64, 'e')), 5);
  w.t.db->transact([&](store::Tx& tx) { attacker.checkpoint(tx); });  // signs the forged 10
  // Verified with the attacker's key, the forged chain passes: only the key tells it apart.
  EXPECT_TRUE(w.t.db->read([&](store::Tx& tx) { return attacker.verify(tx); }).ok());
  const auto r = w.verify();
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(*r.first_bad_seq, 10);
  EXPECT_NE(r.problem.find("signed by another key"), std::string::npos) << r.problem;
}

// Lowering the interval asks for checkpoints that were never signed; `checkpoint` signs them.
TEST_P(AuditTest, ACheckpointAfterTheIntervalWasLoweredSignsWhatIsDue) {
  const auto key = signing_key_from_seed_hex(std::string(64, 'f'));
  w.log.set_signing_key(key, 10);
  w.t.db->transact([&](store::Tx& tx) { w.log.checkpoint(tx); });  // 10
  for (int i = 0; i < 10; ++i) w.add("auth.login", 1);             // 20
  ASSERT_TRUE(w.verify().ok());
  w.log.set_signing_key(key, 4);
  const auto r = w.verify();
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(*r.first_bad_seq, 12);
  w.t.db->transact([&](store::Tx& tx) { w.log.checkpoint(tx); });  // 12, 16 (20 exists)
  EXPECT_TRUE(w.verify().ok()) << w.verify().problem;
}

INSTANTIATE_TEST_SUITE_P(Engines, AuditTest,
                         ::testing::Values(store::Engine::kSqlite, store::Engine::kPostgres),
                         [](const auto& p) { return lucas::testing::engine_label(p.param); });

}  // namespace
}  // namespace lucas::audit
