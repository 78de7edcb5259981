// What the backup jobs do (infra/backup/backup_jobs.h): the hourly job writes a full backup when
// there is none, then incrementals, and nothing when the newest backup is under 30 minutes old;
// every backup a job writes is checked; the restore test is audited whether it passes or fails.
#include <gtest/gtest.h>

#include "infra/audit/audit.h"
#include "infra/backup/backup_jobs.h"
#include "infra/events/outbox.h"
#include "tests/support/databases.h"

namespace lucas::backup {
namespace {

constexpr Micros kMinute = 60'000'000;

std::vector<store::MigrationSet> sets() {
  return {events::migrations(), audit::migrations()};
}

class BackupJobsTest : public ::testing::TestWithParam<store::Engine> {
 protected:
  BackupJobsTest() : t_(lucas::testing::fresh_database(GetParam())), clock_(1'767'225'600'000'000) {
    store::migrate(*t_.db, sets(), clock_);
  }
  // The restore tests in the audit log, oldest first: their results.
  std::vector<std::string> restore_tests() {
    return t_.db->read([&](store::Tx& tx) {
      audit::Query q;
      q.action = "backup.restore_test";
      std::vector<std::string> out;
      for (const auto& e : log_.search(tx, q)) out.push_back(e.result);
      return out;
    });
  }
  // Something for the backups to carry (an audit entry: the append-only table).
  void write_something() {
    t_.db->transact([&](store::Tx& tx) { log_.append(tx, audit::entry(0, "test.write", "x")); });
  }

  lucas::testing::TestDatabase t_;
  lucas::testing::TempDir dir_;
  ManualClock clock_;
  audit::AuditLog log_{clock_};
  BackupService backups_{*t_.db, sets(), clock_,
                         Options{{dir_.path()}, new_key_hex(), {"audit_log"}}};
};

TEST_P(BackupJobsTest, TheHourlyBackupIsFullFirstThenIncrementalAndSkipsAFreshOne) {
  write_something();
  const auto first = hourly_checked(backups_, clock_.now());
  ASSERT_TRUE(first.has_value());
  EXPECT_EQ(first->kind, "full");  // there was none
  clock_.advance(29 * kMinute);
  EXPECT_FALSE(hourly_checked(backups_, clock_.now()).has_value());  // the newest is fresh
  clock_.advance(kMinute);
  write_something();
  const auto second = hourly_checked(backups_, clock_.now());
  ASSERT_TRUE(second.has_value());
  EXPECT_EQ(second->kind, "incremental");
  EXPECT_EQ(second->base, first->id);
  clock_.advance(kMinute);
  EXPECT_EQ(full_checked(backups_).kind, "full");
  EXPECT_EQ(backups_.list().size(), 3u);
}

TEST_P(BackupJobsTest, TheRestoreTestIsAuditedWhetherItPassesOrFails) {
  try {
    restore_test(backups_, *t_.db, log_);
    FAIL() << "with no backup to test the restore test fails";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kInternal);
  }
  write_something();
  full_checked(backups_);
  clock_.advance(kMinute);
  write_something();
  ASSERT_TRUE(hourly_checked(backups_, clock_.now() + 30 * kMinute).has_value());
  restore_test(backups_, *t_.db, log_);  // the newest full and incremental backups restore
  EXPECT_EQ(restore_tests(), (std::vector<std::string>{"failed", "ok"}));
}

INSTANTIATE_TEST_SUITE_P(Engines, BackupJobsTest,
                         ::testing::Values(store::Engine::kSqlite, store::Engine::kPostgres),
                         [](const auto& p) { return lucas::testing::engine_label(p.param); });

}  // namespace
}  // namespace lucas::backup
