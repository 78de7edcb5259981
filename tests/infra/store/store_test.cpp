// The store suite: every test runs on SQLite and on a real PostgreSQL.
#include <gtest/gtest.h>

#include <atomic>
#include <limits>
#include <thread>

#include "base/blocking.h"
#include "infra/store/db.h"
#include "infra/store/migrate.h"
#include "tests/support/databases.h"

namespace lucas::store {
namespace {

using testing::fresh_database;
using testing::TestDatabase;

class StoreTest : public ::testing::TestWithParam<Engine> {
 protected:
  void SetUp() override {
    t_ = fresh_database(GetParam());
    t_.db->transact(
        [](Tx& tx) { tx.exec("CREATE TABLE kv (k TEXT PRIMARY KEY, v BIGINT, note TEXT)"); });
  }
  Database& db() { return *t_.db; }
  int64_t count() {
    return db().read([](Tx& tx) { return tx.exec("SELECT COUNT(*) FROM kv").one().i64(0); });
  }
  TestDatabase t_;
};

TEST_P(StoreTest, BindsAndReadsEveryValueKind) {
  const int64_t big = std::numeric_limits<int64_t>::max();
  const int64_t small = std::numeric_limits<int64_t>::min();
  const std::string tricky = "it's \"quoted\"; DROP TABLE kv; -- Привет 🎲";
  db().transact([&](Tx& tx) {
    tx.exec("INSERT INTO kv (k, v, note) VALUES ($1, $2, $3)",
            {Value{"a"}, Value{big}, Value{tricky}});
    tx.exec("INSERT INTO kv (k, v, note) VALUES ($1, $2, $3)", {Value{"b"}, Value{small}, Value{}});
  });
  db().read([&](Tx& tx) {
    auto a = tx.exec("SELECT v, note FROM kv WHERE k = $1", {Value{"a"}}).one();
    EXPECT_EQ(a.i64(0), big);
    EXPECT_EQ(a.str(1), tricky);
    auto b = tx.exec("SELECT v, note FROM kv WHERE k = $1", {Value{"b"}}).one();
    EXPECT_EQ(b.i64(0), small);
    EXPECT_TRUE(b.is_null(1));
    EXPECT_FALSE(b.opt_str(1).has_value());
    EXPECT_THROW(b.str(1), DbError);
  });
  EXPECT_EQ(count(), 2);
}

TEST_P(StoreTest, PlaceholdersMayAppearInAnyOrder) {
  db().transact([](Tx& tx) {
    tx.exec("INSERT INTO kv (note, v, k) VALUES ($3, $2, $1)", {Value{"k1"}, Value{7}, Value{"n"}});
  });
  auto row = db().read([](Tx& tx) {
    return tx.exec("SELECT k, v, note FROM kv WHERE v = $1 AND k = $2", {Value{7}, Value{"k1"}})
        .one();
  });
  EXPECT_EQ(row.str(0), "k1");
  EXPECT_EQ(row.str(2), "n");
}

// The network thread's inline attempt (base/blocking.h): a unit of work is refused before a
// connection is borrowed, so nothing is written, and the same work runs outside the attempt.
TEST_P(StoreTest, AnInlineAttemptIsRefusedBeforeAnyConnectionIsBorrowed) {
  const auto insert = [&] {
    db().transact([](Tx& tx) { tx.exec("INSERT INTO kv (k, v) VALUES ('inline', 1)"); });
  };
  {
    const InlineAttempt attempt;
    EXPECT_THROW(insert(), WouldBlock);
    EXPECT_THROW(count(), WouldBlock);
  }
  EXPECT_EQ(count(), 0);
  insert();
  EXPECT_EQ(count(), 1);
}

TEST_P(StoreTest, ExceptionRollsBackTheWholeUnitOfWork) {
  EXPECT_THROW(db().transact([](Tx& tx) {
    tx.exec("INSERT INTO kv (k, v) VALUES ($1, $2)", {Value{"x"}, Value{1}});
    throw std::runtime_error("boom");
  }),
               std::runtime_error);
  EXPECT_EQ(count(), 0);
}

TEST_P(StoreTest, AfterCommitHooksRunOnlyOnCommit) {
  int ran = 0;
  db().transact([&](Tx& tx) { tx.after_commit([&] { ++ran; }); });
  EXPECT_THROW(db().transact([&](Tx& tx) {
    tx.after_commit([&] { ++ran; });
    throw std::runtime_error("rollback");
  }),
               std::runtime_error);
  EXPECT_EQ(ran, 1);
}

TEST_P(StoreTest, UniqueViolationIsReportedAsSuch) {
  db().transact([](Tx& tx) { tx.exec("INSERT INTO kv (k, v) VALUES ('dup', 1)"); });
  try {
    db().transact([](Tx& tx) { tx.exec("INSERT INTO kv (k, v) VALUES ('dup', 2)"); });
    FAIL() << "expected a unique violation";
  } catch (const DbError& e) {
    EXPECT_EQ(e.kind(), DbError::Kind::kUniqueViolation);
  }
  EXPECT_EQ(count(), 1);
}

TEST_P(StoreTest, SavepointUndoesOnlyItsOwnWrites) {
  db().transact([](Tx& tx) {
    tx.exec("INSERT INTO kv (k, v) VALUES ('outer', 1)");
    EXPECT_THROW(tx.savepoint([&] {
      tx.exec("INSERT INTO kv (k, v) VALUES ('inner', 2)");
      tx.exec("INSERT INTO kv (k, v) VALUES ('outer', 3)");  // unique violation
    }),
                 DbError);
    tx.exec("INSERT INTO kv (k, v) VALUES ('after', 4)");
  });
  auto keys = db().read([](Tx& tx) { return tx.exec("SELECT k FROM kv ORDER BY k"); });
  ASSERT_EQ(keys.rows.size(), 2u);
  EXPECT_EQ(keys.rows[0].str(0), "after");
  EXPECT_EQ(keys.rows[1].str(0), "outer");
}

TEST_P(StoreTest, BadSqlIsAStorageError) {
  EXPECT_THROW(db().read([](Tx& tx) { tx.exec("SELEC nonsense"); }), DbError);
  // The pool still works afterwards.
  EXPECT_EQ(count(), 0);
}

TEST_P(StoreTest, ConcurrentTransactionsSerialiseCorrectly) {
  db().transact([](Tx& tx) { tx.exec("INSERT INTO kv (k, v) VALUES ('counter', 0)"); });
  constexpr int kThreads = 4;
  constexpr int kEach = 50;
  std::vector<std::thread> threads;
  for (int i = 0; i < kThreads; ++i) {
    threads.emplace_back([&] {
      for (int j = 0; j < kEach; ++j) {
        db().transact([](Tx& tx) {
          auto v = tx.exec(std::string("SELECT v FROM kv WHERE k = 'counter'") +
                           std::string(tx.for_update()))
                       .one()
                       .i64(0);
          tx.exec("UPDATE kv SET v = $1 WHERE k = 'counter'", {Value{v + 1}});
        });
      }
    });
  }
  for (auto& t : threads) t.join();
  auto v = db().read(
      [](Tx& tx) { return tx.exec("SELECT v FROM kv WHERE k = 'counter'").one().i64(0); });
  EXPECT_EQ(v, kThreads * kEach);
}

TEST_P(StoreTest, PingAndDescribe) {
  EXPECT_TRUE(db().ping());
  EXPECT_EQ(db().engine(), GetParam());
  EXPECT_EQ(db().describe().find("password"), std::string::npos);
}

// --- migrations

std::vector<MigrationSet> sample_sets(const std::string& extra_sql = "") {
  MigrationSet a{"alpha",
                 {{1, "things", "CREATE TABLE things (id {{id}}, doc {{json}}, data {{blob}});"},
                  {2, "index", "CREATE INDEX things_doc ON things (id);"}}};
  MigrationSet b{"beta",
                 {{1, "others", "CREATE TABLE others (id {{id}}, thing_id BIGINT);" + extra_sql}}};
  return {a, b};
}

TEST_P(StoreTest, MigrationsApplyOnceAndAreRecorded) {
  ManualClock clock(1'700'000'000'000'000);
  EXPECT_EQ(pending_migrations(db(), sample_sets()).size(), 3u);
  auto first = migrate(db(), sample_sets(), clock);
  EXPECT_EQ(first.applied.size(), 3u);
  EXPECT_EQ(first.applied[0], "alpha/1 things");
  EXPECT_EQ(first.already_applied, 0);
  auto second = migrate(db(), sample_sets(), clock);
  EXPECT_TRUE(second.applied.empty());
  EXPECT_EQ(second.already_applied, 3);
  EXPECT_TRUE(pending_migrations(db(), sample_sets()).empty());
  db().transact([](Tx& tx) {
    auto id = tx.exec("INSERT INTO things (doc) VALUES ($1) RETURNING id", {Value{"{\"a\": 1}"}})
                  .one()
                  .i64(0);
    EXPECT_GT(id, 0);
    EXPECT_EQ(tx.exec("SELECT COUNT(*) FROM schema_migrations").one().i64(0), 3);
    EXPECT_EQ(
        tx.exec("SELECT applied_at FROM schema_migrations WHERE module = 'beta'").one().i64(0),
        1'700'000'000'000'000);
  });
}

TEST_P(StoreTest, EditedMigrationIsRefused) {
  ManualClock clock(0);
  migrate(db(), sample_sets(), clock);
  EXPECT_THROW(migrate(db(), sample_sets(" "), clock), Error);
}

TEST_P(StoreTest, FailedMigrationLeavesNothingBehind) {
  ManualClock clock(0);
  std::vector<MigrationSet> bad{{"gamma",
                                 {{1, "ok", "CREATE TABLE g1 (id BIGINT);"},
                                  {2, "broken", "CREATE TABLE g2 (id BIGINT); CREATE TABLEX;"}}}};
  EXPECT_THROW(migrate(db(), bad, clock), DbError);
  auto pending = pending_migrations(db(), bad);
  ASSERT_EQ(pending.size(), 1u);
  EXPECT_EQ(pending[0], "gamma/2 broken");
  // g2 must not exist: its migration rolled back as a whole.
  EXPECT_THROW(db().read([](Tx& tx) { tx.exec("SELECT COUNT(*) FROM g2"); }), DbError);
}

TEST_P(StoreTest, ConcurrentMigratorsApplyEachMigrationOnce) {
  ManualClock clock(0);
  std::atomic<int> applied{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 3; ++i) {
    threads.emplace_back([&] {
      auto r = migrate(db(), sample_sets(), clock);
      applied += static_cast<int>(r.applied.size());
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(applied.load(), 3);
}

INSTANTIATE_TEST_SUITE_P(Engines, StoreTest, ::testing::Values(Engine::kSqlite, Engine::kPostgres),
                         [](const auto& p) { return testing::engine_label(p.param); });

// --- engine-independent pieces

TEST(Placeholders, RewritesOnlyOutsideQuotes) {
  EXPECT_EQ(to_sqlite_placeholders("SELECT $1, '$2', \"$3\", $10"), "SELECT ?1, '$2', \"$3\", ?10");
}

TEST(Dialect, RendersTokensPerEngine) {
  EXPECT_EQ(render_dialect("x {{id}}", Engine::kSqlite), "x INTEGER PRIMARY KEY AUTOINCREMENT");
  EXPECT_EQ(render_dialect("{{json}} {{blob}}", Engine::kPostgres), "JSONB BYTEA");
}

TEST(Open, RejectsUnknownSchemes) {
  EXPECT_THROW(Database::open("mysql://x"), Error);
  EXPECT_THROW(Database::open("sqlite:"), Error);
}

TEST(Open, MasksPostgresPasswords) {
  // describe() must never print a password; connecting fails, so check via the error path.
  try {
    Database::open("postgresql://user:secret@127.0.0.1:1/db");
    FAIL() << "connecting to port 1 should fail";
  } catch (const DbError& e) {
    EXPECT_EQ(std::string(e.what()).find("secret"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace lucas::store
