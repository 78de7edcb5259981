// Backups: Property 31 (backup -> change -> restore gives the backup moment exactly), damaged
// files detected before anything is written, copies in every location, retention.
#include <gtest/gtest.h>
#include <rapidcheck.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <future>
#include <set>
#include <sstream>
#include <thread>

#include "base/names.h"
#include "features/bank/bank.h"
#include "features/parser/parser.h"
#include "features/users/users.h"
#include "infra/audit/audit.h"
#include "infra/backup/backup.h"
#include "infra/telegram/updates.h"
#include "tests/support/databases.h"

namespace lucas::backup {
namespace {
namespace fs = std::filesystem;

std::vector<store::MigrationSet> all_sets() {
  return {events::migrations(), audit::migrations(), telegram::migrations(),
          ledger::migrations(), users::migrations(), bank::migrations()};
}

struct World {
  explicit World(store::Engine engine)
      : t(lucas::testing::fresh_database(engine)),
        clock(1'767'225'600'000'000),
        log(clock),
        outbox(*t.db, clock),
        ledger(clock, &outbox),
        users(*t.db, ledger, clock, lucas::normalize_name, &log) {
    store::migrate(*t.db, all_sets(), clock);
    log.follow_ledger(outbox, *t.db);
  }
  BackupService service(const std::vector<std::string>& dirs) {
    return BackupService(*t.db, all_sets(), clock,
                         Options{dirs, key, {"transfers", "entries", "audit_log"}});
  }
  std::map<std::string, std::string> snapshot() {
    std::map<std::string, std::string> out;
    for (const auto& table : store::tables_of(all_sets())) {
      const auto s = store::summarize(*t.db, table);
      out[table] = std::to_string(s.rows) + ":" + s.checksum;
    }
    return out;
  }
  void random_activity(int n) {
    for (int i = 0; i < n; ++i) {
      const int64_t id = 1 + (serial % 5);
      users.upsert({id, "u", "Имя \"" + std::to_string(serial) + "\" \\", "ru"});
      users.adjust(0, "k" + std::to_string(serial), id, 1 + serial % 900, ledger::kCoin, "n\\ote");
      ++serial;
    }
    outbox.drain();
  }

  lucas::testing::TestDatabase t;
  lucas::testing::TempDir dir1, dir2;
  ManualClock clock;
  audit::AuditLog log;
  events::Outbox outbox;
  ledger::Ledger ledger;
  users::UserService users;
  std::string key = new_key_hex();
  int64_t serial = 0;
};

class BackupTest : public ::testing::TestWithParam<store::Engine> {};

TEST_P(BackupTest, Property31_RestoreGivesTheBackupMomentExactly) {
  rc::detail::TestParams params;
  params.maxSuccess = 8;
  const auto result = rc::detail::checkTestable(
      [engine = GetParam()] {
        World w(engine);
        w.random_activity(*rc::gen::inRange(0, 12));
        auto svc = w.service({w.dir1.path(), w.dir2.path()});
        const auto before = w.snapshot();
        const auto m = svc.create();
        w.clock.advance(1'000'000);
        w.random_activity(*rc::gen::inRange(1, 8));  // life goes on
        RC_ASSERT(w.snapshot() != before);
        RC_ASSERT(svc.verify(m.id).ok);
        const auto r = svc.restore(m.id, *w.t.db, true);
        RC_ASSERT(w.snapshot() == before);
        RC_ASSERT(r.seconds >= 0);
        RC_ASSERT(w.t.db->read([&](store::Tx& tx) { return w.log.verify(tx).ok(); }));
        RC_ASSERT(w.t.db->read([&](store::Tx& tx) { return w.ledger.check(tx).ok(); }));
      },
      rc::detail::TestMetadata{}, params);
  std::ostringstream msg;
  rc::detail::printResultMessage(result, msg);
  EXPECT_TRUE(result.is<rc::detail::SuccessResult>()) << msg.str();
}

// Property 31 for incremental backups: full -> changes -> incremental -> more changes; restoring
// the incremental gives exactly its moment, restoring the full exactly the full's.
TEST_P(BackupTest, Property31_IncrementalRestoreGivesItsMomentExactly) {
  rc::detail::TestParams params;
  params.maxSuccess = 6;
  const auto result = rc::detail::checkTestable(
      [engine = GetParam()] {
        World w(engine);
        w.random_activity(*rc::gen::inRange(0, 6));
        auto svc = w.service({w.dir1.path(), w.dir2.path()});
        const auto at_full = w.snapshot();
        const auto full = svc.create();
        w.clock.advance(60'000'000);
        w.random_activity(*rc::gen::inRange(0, 8));
        const auto at_incr = w.snapshot();
        const auto incr = svc.create_incremental();
        RC_ASSERT(incr.kind == "incremental");
        RC_ASSERT(incr.base == full.id);
        w.clock.advance(60'000'000);
        w.random_activity(*rc::gen::inRange(1, 5));
        RC_ASSERT(svc.verify(incr.id).ok);
        svc.restore(incr.id, *w.t.db, true);
        RC_ASSERT(w.snapshot() == at_incr);
        RC_ASSERT(w.t.db->read([&](store::Tx& tx) { return w.ledger.check(tx).ok(); }));
        RC_ASSERT(w.t.db->read([&](store::Tx& tx) { return w.log.verify(tx).ok(); }));
        svc.restore(full.id, *w.t.db, true);
        RC_ASSERT(w.snapshot() == at_full);
      },
      rc::detail::TestMetadata{}, params);
  std::ostringstream msg;
  rc::detail::printResultMessage(result, msg);
  EXPECT_TRUE(result.is<rc::detail::SuccessResult>()) << msg.str();
}

// Long work shows progress: create, verify and restore report table by table as they go.
TEST_P(BackupTest, CreateVerifyAndRestoreReportProgress) {
  World w(GetParam());
  w.random_activity(5);
  auto svc = w.service({w.dir1.path()});
  std::vector<std::string> lines;
  const auto collect = [&](const std::string& line) { lines.push_back(line); };
  const auto said = [&](const std::string& what) {
    return std::count_if(lines.begin(), lines.end(),
                         [&](const std::string& l) { return l.find(what) != std::string::npos; });
  };
  const auto m = svc.create(collect);
  EXPECT_GT(said("entries: "), 0);
  lines.clear();
  ASSERT_TRUE(svc.verify(m.id, collect).ok);
  EXPECT_GT(said("loaded entries: "), 0);
  EXPECT_GT(said("comparing entries with the manifest"), 0);
  lines.clear();
  const auto r = svc.restore(m.id, *w.t.db, true, collect);
  EXPECT_GT(said("loaded audit_log: "), 0);
  EXPECT_EQ(said("comparing "), static_cast<long>(m.tables.size()));
  EXPECT_NE(lines.back().find("comparing"), std::string::npos);
  EXPECT_NE(lines[lines.size() - m.tables.size() - 1].find(std::to_string(r.rows) + " rows in all"),
            std::string::npos);
}

TEST_P(BackupTest, AnIncrementalCarriesOnlyTheNewJournalRows) {
  World w(GetParam());
  auto svc = w.service({w.dir1.path()});
  EXPECT_THROW(svc.create_incremental(), Error);  // nothing to base it on
  w.random_activity(40);
  const auto full = svc.create();
  w.clock.advance(1'000'000);
  w.random_activity(2);
  const auto incr = svc.create_incremental();
  // Less than 40% of the full: the journal's new rows only, plus the tables carried whole (the
  // outbox among them, with its claim columns).
  EXPECT_LT(incr.bytes * 5, full.bytes * 2) << "an incremental holds the new journal rows only";
  EXPECT_EQ(incr.marks.at("entries").at("after").get<int64_t>(),
            full.marks.at("entries").at("after").get<int64_t>() + 4);
  // Without its full backup an incremental cannot be verified or restored.
  fs::rename(fs::path(w.dir1.path()) / (full.id + ".manifest.json"),
             fs::path(w.dir1.path()) / "aside.json");
  const auto v = svc.verify(incr.id);
  EXPECT_FALSE(v.ok);
  EXPECT_NE(v.problem.find("full backup"), std::string::npos) << v.problem;
  EXPECT_THROW(svc.restore(incr.id, *w.t.db, true), Error);
  fs::rename(fs::path(w.dir1.path()) / "aside.json",
             fs::path(w.dir1.path()) / (full.id + ".manifest.json"));
  // A damaged incremental restores nothing.
  const auto file = fs::path(w.dir1.path()) / (incr.id + ".lucasbk");
  std::string bytes = [&] {
    std::ifstream in(file, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
  }();
  bytes[bytes.size() - 5] = static_cast<char>(bytes[bytes.size() - 5] ^ 0x10);
  std::ofstream(file, std::ios::binary) << bytes;
  const auto before = w.snapshot();
  EXPECT_FALSE(svc.verify(incr.id).ok);
  EXPECT_THROW(svc.restore(incr.id, *w.t.db, true), Error);
  EXPECT_EQ(w.snapshot(), before);
}

// PostgreSQL commits out of key order: a transfer still in flight when the full backup is taken
// has a key below ones already committed. The next incremental must still carry it.
TEST_P(BackupTest, ARowCommittedLateBelowTheHighestKeyIsNotLost) {
  World w(GetParam());
  auto svc = w.service({w.dir1.path()});
  w.users.upsert({1, "a", "A", "ru"});
  w.users.upsert({2, "b", "B", "ru"});
  std::promise<void> inserted, release;
  auto release_f = release.get_future().share();
  std::thread slow([&] {
    w.t.db->transact([&](store::Tx& tx) {
      const auto mint = w.ledger.system_account(tx, "mint:slow", ledger::kCoin, true);
      w.ledger.move(tx, "slow", mint, w.ledger.user_account(tx, 1, ledger::kCoin), 500,
                    ledger::kCoin, "test");
      inserted.set_value();
      release_f.wait();
    });
  });
  inserted.get_future().wait();
  if (GetParam() == store::Engine::kPostgres) {
    // Later keys commit while the slow one is open.
    w.t.db->transact([&](store::Tx& tx) {
      const auto mint = w.ledger.system_account(tx, "mint:fast", ledger::kCoin, true);
      w.ledger.move(tx, "fast", mint, w.ledger.user_account(tx, 2, ledger::kCoin), 700,
                    ledger::kCoin, "test");
    });
    svc.create();  // sees "fast", not "slow"
  } else {
    release.set_value();  // SQLite has one writer: take the full backup after it
    slow.join();
    svc.create();
  }
  if (GetParam() == store::Engine::kPostgres) {
    release.set_value();
    slow.join();
  }
  w.outbox.drain();
  w.clock.advance(1'000'000);
  const auto now = w.snapshot();
  const auto incr = svc.create_incremental();
  w.random_activity(3);
  svc.restore(incr.id, *w.t.db, true);
  EXPECT_EQ(w.snapshot(), now);
  EXPECT_EQ(w.users.balance(1).amount, 500);
}

TEST_P(BackupTest, DamagedBackupsAreDetectedAndNeverHalfRestored) {
  World w(GetParam());
  w.random_activity(5);
  auto svc = w.service({w.dir1.path()});
  const auto m = svc.create();
  const std::string file = (fs::path(w.dir1.path()) / (m.id + ".lucasbk")).string();
  const auto good = [&] {
    std::ifstream in(file, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
  }();
  w.random_activity(3);
  const auto after = w.snapshot();
  auto write = [&](const std::string& bytes) { std::ofstream(file, std::ios::binary) << bytes; };

  std::string flipped = good;
  flipped[flipped.size() / 2] = static_cast<char>(flipped[flipped.size() / 2] ^ 0x01);
  write(flipped);
  EXPECT_FALSE(svc.verify(m.id).ok);
  EXPECT_THROW(svc.restore(m.id, *w.t.db, true), Error);
  EXPECT_EQ(w.snapshot(), after) << "nothing may be restored from a damaged file";

  write(good.substr(0, good.size() - 10));  // truncated
  EXPECT_FALSE(svc.verify(m.id).ok);
  EXPECT_THROW(svc.restore(m.id, *w.t.db, true), Error);
  EXPECT_EQ(w.snapshot(), after);

  write(good);
  auto other_key =
      BackupService(*w.t.db, all_sets(), w.clock, Options{{w.dir1.path()}, new_key_hex()});
  const auto wrong = other_key.verify(m.id);
  EXPECT_FALSE(wrong.ok);
  EXPECT_NE(wrong.problem.find("authentication failed"), std::string::npos) << wrong.problem;
  EXPECT_TRUE(svc.verify(m.id).ok);
}

TEST_P(BackupTest, EveryLocationGetsAVerifiedCopy) {
  World w(GetParam());
  w.random_activity(2);
  auto svc = w.service({w.dir1.path(), w.dir2.path()});
  const auto m = svc.create();
  for (const auto& d : {w.dir1.path(), w.dir2.path()}) {
    EXPECT_TRUE(fs::exists(fs::path(d) / (m.id + ".lucasbk")));
    EXPECT_TRUE(fs::exists(fs::path(d) / (m.id + ".manifest.json")));
  }
  fs::remove(fs::path(w.dir2.path()) / (m.id + ".lucasbk"));
  EXPECT_FALSE(svc.verify(m.id).ok);
  // A restore refuses a target with data unless told to replace it.
  EXPECT_THROW(svc.restore(m.id, *w.t.db, false), Error);
}

TEST_P(BackupTest, ARestoreRefusesATargetWithDataAndChangesNothing) {
  World w(GetParam());
  w.random_activity(3);
  auto svc = w.service({w.dir1.path()});
  const auto m = svc.create();
  const auto moment = w.snapshot();
  w.random_activity(2);
  const auto later = w.snapshot();
  try {
    svc.restore(m.id, *w.t.db, false);
    FAIL() << "a target with data must be refused";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kConflict);
    // The same rule and words as `lucas db copy` (store::clear_target).
    EXPECT_NE(std::string(e.what()).find("the target database has data ("), std::string::npos)
        << e.what();
    EXPECT_NE(std::string(e.what()).find("pass --replace"), std::string::npos) << e.what();
  }
  EXPECT_EQ(w.snapshot(), later);  // untouched
  svc.restore(m.id, *w.t.db, true);
  EXPECT_EQ(w.snapshot(), moment);
}

TEST_P(BackupTest, RetentionKeepsThirtyDailiesAndAYearOfWeeklies) {
  World w(GetParam());
  auto svc = w.service({w.dir1.path()});
  constexpr Micros kDay = 86'400'000'000;
  const Micros start = w.clock.now();
  for (int d = 0; d < 400; d += 1) {  // a backup a day for 400 days
    w.clock.set(start + d * kDay);
    svc.create();
  }
  const auto removed = svc.prune();
  const auto kept = svc.list();
  EXPECT_EQ(kept.size() + removed.size(), 400u);
  int recent = 0, older = 0;
  for (const auto& m : kept) {
    const Micros age = w.clock.now() - m.created_at;
    EXPECT_LE(age, 365 * kDay);
    (age <= 30 * kDay ? recent : older) += 1;
  }
  EXPECT_EQ(recent, 31);
  EXPECT_GE(older, 47);  // one a week for the rest of the year
  EXPECT_LE(older, 49);
}

TEST_P(BackupTest, IncrementalsArePrunedWithTheirFullBackup) {
  World w(GetParam());
  auto svc = w.service({w.dir1.path()});
  constexpr Micros kDay = 86'400'000'000;
  const Micros start = w.clock.now();
  for (int d = 0; d < 40; ++d) {  // a full backup a day and an incremental an hour later
    w.clock.set(start + d * kDay);
    svc.create();
    w.clock.set(start + d * kDay + 3'600'000'000);
    svc.create_incremental();
  }
  const auto removed = svc.prune();
  std::set<std::string> fulls;
  for (const auto& m : svc.list()) {
    if (m.kind == "full") fulls.insert(m.id);
  }
  int incrementals = 0;
  for (const auto& m : svc.list()) {
    if (m.kind != "incremental") continue;
    ++incrementals;
    EXPECT_LE(w.clock.now() - m.created_at, 30 * kDay) << m.id;
    EXPECT_TRUE(fulls.count(m.base)) << m.id << " outlived its full backup";
  }
  // The last 30 days' incrementals whose full backup was kept (day 10 on), and no others.
  EXPECT_GE(incrementals, 30);
  EXPECT_LE(incrementals, 31);
  EXPECT_EQ(static_cast<int>(removed.size()) + static_cast<int>(svc.list().size()), 80);
  EXPECT_TRUE(svc.verify(svc.list().front().id).ok);
}

INSTANTIATE_TEST_SUITE_P(Engines, BackupTest,
                         ::testing::Values(store::Engine::kSqlite, store::Engine::kPostgres),
                         [](const auto& p) { return lucas::testing::engine_label(p.param); });

}  // namespace
}  // namespace lucas::backup
