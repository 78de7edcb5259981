// The admin audit API reads in read-only units of work: a verify of two years of chain, or a
// search scanning it, never holds the write lock (on SQLite that would stop every writer). The
// database is wrapped to record which kind of unit of work each statement ran in, on both
// engines.
#include <gtest/gtest.h>

#include <thread>

#include <mutex>

#include "base/names.h"
#include "features/admin/admin.h"
#include "features/parser/parser.h"
#include "tests/support/databases.h"

namespace lucas::admin {
namespace {

struct Statement {
  bool write;  // in a unit of work begun for writing (BEGIN IMMEDIATE on SQLite)
  std::string sql;
};

// The wrapped database, a base so that it outlives the wrapper's pool (whose connections return
// theirs to it when they are destroyed).
struct Inner {
  std::unique_ptr<store::Database> inner_;
};

// Hands out connections of `inner` that remember, for each statement, how their transaction began.
class RecordingDatabase final : private Inner, public store::Database {
 public:
  explicit RecordingDatabase(std::unique_ptr<store::Database> inner)
      : Inner{std::move(inner)}, Database(store::Options{}) {}
  store::Engine engine() const override { return inner_->engine(); }
  std::string describe() const override { return inner_->describe(); }
  std::vector<Statement> statements() {
    std::lock_guard lock(mu_);
    return log_;
  }
  void clear() {
    std::lock_guard lock(mu_);
    log_.clear();
  }

 protected:
  std::unique_ptr<store::Connection> connect() override {
    return std::make_unique<Conn>(inner_->acquire(), *this);
  }

 private:
  class Conn final : public store::Connection {
   public:
    Conn(Lease lease, RecordingDatabase& db) : lease_(std::move(lease)), db_(db) {}
    store::Engine engine() const override { return db_.engine(); }
    store::Result exec(std::string_view sql, std::span<const store::Value> params) override {
      {
        std::lock_guard lock(db_.mu_);
        db_.log_.push_back({write_, std::string(sql)});
      }
      return lease_->exec(sql, params);
    }
    void exec_script(std::string_view sql) override { lease_->exec_script(sql); }
    void copy_in(const std::string& table, const std::vector<std::string>& columns,
                 const std::vector<std::vector<store::Value>>& rows) override {
      lease_->copy_in(table, columns, rows);
    }
    void begin(bool write) override {
      write_ = write;
      lease_->begin(write);
    }
    void commit() override { lease_->commit(); }
    void rollback() noexcept override { lease_->rollback(); }
    bool healthy() const override { return true; }

   private:
    Lease lease_;
    RecordingDatabase& db_;
    bool write_ = false;
  };
  std::mutex mu_;
  std::vector<Statement> log_;
};

struct World {
  explicit World(store::Engine e)
      : t(lucas::testing::fresh_database(e)),
        db(std::make_unique<RecordingDatabase>(std::move(t.db))),
        clock(1'767'225'600'000'000),
        log(clock),
        outbox(*db, clock),
        ledger(clock, &outbox),
        users(*db, ledger, clock, lucas::normalize_name, &log),
        service(*db, users, log, outbox) {
    store::migrate(
        *db, {events::migrations(), audit::migrations(), ledger::migrations(), users::migrations()},
        clock);
    log.follow_ledger(outbox, *db);
    users.upsert({1, "boss", "Boss", "ru"});
    users.set_role(0, 1, users::Role::kAdmin);
    for (int i = 0; i < 3; ++i) users.adjust(0, "g" + std::to_string(i), 1, 100, "COIN", "gift");
    outbox.drain();
    db->clear();
  }
  // The statements that read the chain, and whether any of them ran in a write unit of work.
  bool chain_read_under_write_lock(const std::string& marker) {
    int reads = 0;
    for (const auto& s : db->statements()) {
      if (s.sql.find(marker) == std::string::npos) continue;
      ++reads;
      if (s.write) return true;
    }
    EXPECT_GT(reads, 0) << "no statement with " << marker;
    return false;
  }
  bool audited(const std::string& action) {
    for (const auto& s : db->statements()) {
      if (s.sql.rfind("INSERT INTO audit_log", 0) == 0 && s.write) return true;
    }
    ADD_FAILURE() << action << " was not appended in a write unit of work";
    return false;
  }
  lucas::testing::TestDatabase t;
  std::unique_ptr<RecordingDatabase> db;
  ManualClock clock;
  audit::AuditLog log;
  events::Outbox outbox;
  ledger::Ledger ledger;
  users::UserService users;
  AdminService service;
};

class AdminReadOnlyTest : public ::testing::TestWithParam<store::Engine> {};

TEST_P(AdminReadOnlyTest, VerifyWalksTheChainInAReadOnlyUnitOfWork) {
  World w(GetParam());
  const auto r = w.service.verify_audit(1, "10.0.0.1");
  EXPECT_TRUE(r.ok()) << r.problem;
  EXPECT_FALSE(w.chain_read_under_write_lock("FROM audit_log WHERE seq > $1 ORDER BY seq"));
  EXPECT_TRUE(w.audited("admin.audit_verify"));
}

TEST_P(AdminReadOnlyTest, SearchScansInAReadOnlyUnitOfWork) {
  World w(GetParam());
  audit::Query q;
  q.action = "admin.";
  EXPECT_FALSE(w.service.search_audit(1, "10.0.0.1", q).empty());
  EXPECT_FALSE(w.chain_read_under_write_lock("substr(action"));
  EXPECT_TRUE(w.audited("admin.audit_search"));
}

// On SQLite a verify in progress does not stop a writer: from inside its progress callback (the
// walk is under way), another thread's connection commits a write.
TEST(AdminReadOnlySqlite, AWriterCommitsWhileAVerifyIsInProgress) {
  store::Options options;
  options.busy_timeout_ms = 200;
  options.max_retries = 0;
  auto t = lucas::testing::fresh_database(store::Engine::kSqlite, options);
  ManualClock clock(1'767'225'600'000'000);
  audit::AuditLog log(clock);
  events::Outbox outbox(*t.db, clock);
  ledger::Ledger ledger(clock, &outbox);
  users::UserService users(*t.db, ledger, clock, lucas::normalize_name, &log);
  AdminService service(*t.db, users, log, outbox);
  store::migrate(
      *t.db, {events::migrations(), audit::migrations(), ledger::migrations(), users::migrations()},
      clock);
  t.db->transact([&](store::Tx& tx) {
    for (int i = 0; i < 10'000; ++i) {
      log.append(tx, audit::Entry{0, 0, 0, "test.fill", "", "", "ok", {}, "", "", ""});
    }
  });
  bool wrote = false;
  std::string why;
  // The writer is another thread (its own connection): on this thread a write would join the
  // verify's read-only unit of work (store's ambient unit), which is refused.
  const auto r = service.verify_audit(0, "", [&](int64_t) {
    if (wrote || !why.empty()) return;
    std::thread writer([&] {
      try {
        users.upsert({7, "writer", "Writer", "en"});
        wrote = true;
      } catch (const std::exception& e) {
        why = e.what();
      }
    });
    writer.join();
  });
  EXPECT_TRUE(r.ok()) << r.problem;
  EXPECT_TRUE(wrote) << "the writer waited for the verify: " << why;
}

INSTANTIATE_TEST_SUITE_P(Engines, AdminReadOnlyTest,
                         ::testing::Values(store::Engine::kSqlite, store::Engine::kPostgres),
                         [](const auto& p) { return lucas::testing::engine_label(p.param); });

}  // namespace
}  // namespace lucas::admin
