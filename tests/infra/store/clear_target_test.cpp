// The one target rule of `lucas db copy` and `lucas backup restore` (issue 16 point 6): a
// target with data is refused unless replacing, rows the migrations seed do not count, and a
// refusal changes nothing. On SQLite and PostgreSQL. (Both callers run it: Copy.* in
// tests/infra/copy and BackupTest.* in tests/infra/backup.)
#include <gtest/gtest.h>

#include "infra/store/copy.h"
#include "tests/support/databases.h"

namespace lucas::store {
namespace {

std::vector<MigrationSet> sets() {
  return {{"clear",
           {{1, "kinds and things",
             "CREATE TABLE kinds (name TEXT PRIMARY KEY);"
             "INSERT INTO kinds (name) VALUES ('coin');"
             "CREATE TABLE things (id {{id}}, kind TEXT NOT NULL REFERENCES kinds (name),"
             " note TEXT)"}}}};
}

class ClearTargetTest : public ::testing::TestWithParam<Engine> {
 protected:
  void SetUp() override {
    t_ = testing::fresh_database(GetParam());
    migrate(*t_.db, sets(), clock_);
  }
  int64_t count(const std::string& table) {
    return t_.db->read(
        [&](Tx& tx) { return tx.exec("SELECT COUNT(*) FROM " + table).one().i64(0); });
  }
  void add_things(int n) {
    t_.db->transact([&](Tx& tx) {
      for (int i = 0; i < n; ++i) {
        tx.exec("INSERT INTO things (kind, note) VALUES ('coin', $1)", {Value{std::to_string(i)}});
      }
    });
  }
  ManualClock clock_{0};
  testing::TestDatabase t_;
};

TEST_P(ClearTargetTest, SeededRowsAloneDoNotMakeATargetUsed) {
  t_.db->transact([](Tx& tx) { clear_target(tx, sets(), false); });
  EXPECT_EQ(count("kinds"), 0);  // emptied for the copy to bring its own
  EXPECT_EQ(count("things"), 0);
}

TEST_P(ClearTargetTest, ATargetWithDataIsRefusedAndKeptWhole) {
  add_things(3);
  try {
    t_.db->transact([](Tx& tx) { clear_target(tx, sets(), false); });
    FAIL() << "a target with data must be refused";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kConflict);
    EXPECT_STREQ(e.what(), "the target database has data (3 rows); pass --replace to overwrite it");
  }
  EXPECT_EQ(count("things"), 3);
  EXPECT_EQ(count("kinds"), 1);
}

TEST_P(ClearTargetTest, ReplacingEmptiesEveryTableChildrenFirst) {
  add_things(2);
  // Children first: on PostgreSQL the foreign key refuses deleting the kinds before the things.
  t_.db->transact([](Tx& tx) { clear_target(tx, sets(), true); });
  EXPECT_EQ(count("things"), 0);
  EXPECT_EQ(count("kinds"), 0);
}

TEST_P(ClearTargetTest, IdsGoOnAfterTheHighestLoaded) {
  t_.db->transact([](Tx& tx) {
    clear_target(tx, sets(), false);
    tx.exec("INSERT INTO kinds (name) VALUES ('coin')");
    tx.copy_in("things", {"id", "kind", "note"},
               {{Value{std::string("41")}, Value{std::string("coin")}, Value{}}});
    continue_ids(tx, "things", {"id", "kind", "note"});
  });
  add_things(1);
  EXPECT_EQ(t_.db->read([](Tx& tx) { return tx.exec("SELECT MAX(id) FROM things").one().i64(0); }),
            42);
}

INSTANTIATE_TEST_SUITE_P(Engines, ClearTargetTest,
                         ::testing::Values(Engine::kSqlite, Engine::kPostgres),
                         [](const auto& p) { return testing::engine_label(p.param); });

}  // namespace
}  // namespace lucas::store
