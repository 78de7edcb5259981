// The ambient unit of work (db.h): a transact()/read() opened while another unit of the same
// database runs on the same thread joins it inside a savepoint. On SQLite and PostgreSQL.
#include <gtest/gtest.h>
#include <rapidcheck.h>

#include <future>
#include <set>
#include <thread>

#include "infra/store/db.h"
#include "tests/support/databases.h"

namespace lucas::store {
namespace {

using testing::fresh_database;
using testing::TestDatabase;

// Two connections and few retries: on an engine without ambient units a nested unit would wait
// for a connection (or SQLite's write lock held by its own thread) and fail instead of hanging.
Options small_pool() {
  Options o;
  o.pool_size = 2;
  o.acquire_timeout_ms = 2000;
  o.busy_timeout_ms = 500;
  o.max_retries = 3;
  return o;
}

class AmbientTest : public ::testing::TestWithParam<Engine> {
 protected:
  void SetUp() override {
    t_ = fresh_database(GetParam(), small_pool());
    db().transact([](Tx& tx) { tx.exec("CREATE TABLE kv (k TEXT PRIMARY KEY, v BIGINT)"); });
  }
  Database& db() { return *t_.db; }
  static void put(Tx& tx, const std::string& k, int64_t v = 0) {
    tx.exec("INSERT INTO kv (k, v) VALUES ($1, $2)", {Value{k}, Value{v}});
  }
  static int64_t count(Tx& tx) { return tx.exec("SELECT COUNT(*) FROM kv").one().i64(0); }
  std::set<std::string> keys() {
    return db().read([](Tx& tx) {
      std::set<std::string> out;
      for (const auto& r : tx.exec("SELECT k FROM kv").rows) out.insert(r.str(0));
      return out;
    });
  }
  TestDatabase t_;
};

TEST_P(AmbientTest, NestedUnitsShareTheOuterTransaction) {
  EXPECT_FALSE(db().in_transaction());
  db().transact([&](Tx& outer) {
    EXPECT_TRUE(db().in_transaction());
    put(outer, "a");
    db().transact([&](Tx& inner) {
      EXPECT_EQ(count(inner), 1);  // the outer's uncommitted write
      put(inner, "b");
    });
    EXPECT_EQ(db().read([](Tx& tx) { return count(tx); }), 2);  // a nested read sees both
    EXPECT_EQ(db().read_replica([](Tx& tx) { return count(tx); }), 2);
    EXPECT_EQ(count(outer), 2);
  });
  EXPECT_FALSE(db().in_transaction());
  EXPECT_EQ(keys(), (std::set<std::string>{"a", "b"}));
}

TEST_P(AmbientTest, ANestedFailureUndoesOnlyItsOwnWritesAndHooks) {
  int hooks = 0;
  db().transact([&](Tx& outer) {
    put(outer, "a");
    EXPECT_THROW(db().transact([&](Tx& inner) {
      put(inner, "b");
      inner.after_commit([&] { hooks += 100; });
      throw std::runtime_error("handler failed");
    }),
                 std::runtime_error);
    // A database error in a nested unit leaves the outer transaction usable too (PostgreSQL
    // would otherwise refuse every later statement).
    EXPECT_THROW(db().transact([&](Tx& inner) {
      put(inner, "c");
      put(inner, "a");  // unique violation
    }),
                 DbError);
    outer.after_commit([&] { hooks += 1; });
    put(outer, "d");
  });
  EXPECT_EQ(keys(), (std::set<std::string>{"a", "d"}));
  EXPECT_EQ(hooks, 1);
}

TEST_P(AmbientTest, AnOuterRollbackDiscardsNestedWritesAndHooks) {
  int hooks = 0;
  EXPECT_THROW(db().transact([&](Tx& outer) {
    put(outer, "a");
    db().transact([&](Tx& inner) {
      put(inner, "b");
      inner.after_commit([&] { ++hooks; });
    });
    throw std::runtime_error("outer failed");
  }),
               std::runtime_error);
  EXPECT_TRUE(keys().empty());
  EXPECT_EQ(hooks, 0);
}

TEST_P(AmbientTest, HooksRunOnceInOrderAfterTheOuterCommit) {
  std::vector<int> ran;
  db().transact([&](Tx& outer) {
    outer.after_commit([&] { ran.push_back(1); });
    db().transact([&](Tx& inner) {
      inner.after_commit([&] { ran.push_back(2); });
      db().transact([&](Tx& innermost) { innermost.after_commit([&] { ran.push_back(3); }); });
    });
    db().read([&](Tx& r) { r.after_commit([&] { ran.push_back(4); }); });
    EXPECT_TRUE(ran.empty());  // nothing before the outer commit
    put(outer, "a");
  });
  EXPECT_EQ(ran, (std::vector<int>{1, 2, 3, 4}));
}

TEST_P(AmbientTest, HooksRunOutsideTheUnitAndMayStartTheirOwn) {
  bool inside = true;
  db().transact([&](Tx& tx) {
    put(tx, "a");
    tx.after_commit([&] {
      inside = db().in_transaction();
      db().transact([](Tx& own) { put(own, "from-hook"); });
    });
  });
  EXPECT_FALSE(inside);
  EXPECT_EQ(keys(), (std::set<std::string>{"a", "from-hook"}));
}

TEST_P(AmbientTest, ATransientConflictInANestedUnitRerunsTheOuterFunctionOnly) {
  int outer_runs = 0, nested_runs = 0, committed = 0;
  db().transact([&](Tx& outer) {
    ++outer_runs;
    put(outer, "run" + std::to_string(outer_runs));
    try {
      db().transact([&](Tx& inner) {
        ++nested_runs;
        put(inner, "nested");
        if (nested_runs == 1) throw DbError(DbError::Kind::kConflict, "deadlock detected");
      });
    } catch (const DbError&) {
      // Swallowed, as a bot face swallows errors into a reply: the outer still runs again.
    }
    outer.after_commit([&] { ++committed; });
  });
  EXPECT_EQ(outer_runs, 2);
  EXPECT_EQ(nested_runs, 2);  // once per outer run: the nested unit never retried by itself
  EXPECT_EQ(committed, 1);
  EXPECT_EQ(keys(), (std::set<std::string>{"run2", "nested"}));  // nothing of the first run
}

TEST_P(AmbientTest, AnUncaughtNestedConflictIsRetriedAndThenReported) {
  int outer_runs = 0, nested_runs = 0;
  EXPECT_THROW(db().transact([&](Tx&) {
    ++outer_runs;
    db().transact([&](Tx&) {
      ++nested_runs;
      throw DbError(DbError::Kind::kBusy, "database is locked");
    });
  }),
               DbError);
  EXPECT_EQ(outer_runs, small_pool().max_retries + 1);
  EXPECT_EQ(nested_runs, outer_runs);
}

TEST_P(AmbientTest, AWriteInsideAReadIsAnInternalError) {
  db().read([&](Tx& r) {
    EXPECT_EQ(db().read([](Tx& tx) { return count(tx); }), 0);  // a nested read is fine
    try {
      db().transact([](Tx& tx) { put(tx, "sneaky"); });
      ADD_FAILURE() << "a write unit inside a read unit must be refused";
    } catch (const DbError&) {
      ADD_FAILURE() << "refused as a database error instead of INTERNAL";
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), ErrorCode::kInternal);
      EXPECT_NE(std::string(e.what()).find("read-only"), std::string::npos) << e.what();
    }
    EXPECT_EQ(count(r), 0);
  });
  EXPECT_TRUE(keys().empty());
}

TEST_P(AmbientTest, AnotherThreadGetsItsOwnTransaction) {
  std::promise<void> written, looked;
  std::future<void> looked_f = looked.get_future();
  std::thread other([&, written_f = written.get_future()]() mutable {
    written_f.wait();
    EXPECT_FALSE(db().in_transaction());
    // Its own unit: the first thread's uncommitted row is not visible.
    EXPECT_EQ(db().read([](Tx& tx) { return count(tx); }), 0);
    looked.set_value();
  });
  db().transact([&](Tx& tx) {
    put(tx, "a");
    written.set_value();
    looked_f.wait();
  });
  other.join();
  EXPECT_EQ(keys(), (std::set<std::string>{"a"}));
}

TEST_P(AmbientTest, TwoDatabasesOnOneThreadKeepTheirOwnUnits) {
  TestDatabase other = fresh_database(GetParam(), small_pool());
  other.db->transact([](Tx& tx) { tx.exec("CREATE TABLE kv (k TEXT PRIMARY KEY, v BIGINT)"); });
  EXPECT_THROW(db().transact([&](Tx& tx) {
    put(tx, "here");
    EXPECT_FALSE(other.db->in_transaction());
    other.db->transact([](Tx& o) { put(o, "there"); });  // its own unit: committed now
    throw std::runtime_error("roll back only this database");
  }),
               std::runtime_error);
  EXPECT_TRUE(keys().empty());
  EXPECT_EQ(other.db->read([](Tx& tx) { return count(tx); }), 1);
}

// For any tree of nested units where any unit may fail (and its parent carries on), a key
// written by a unit is committed, and its hook run once, exactly when no unit on its path to
// the outermost one failed.
TEST_P(AmbientTest, AnyTreeOfNestedUnitsCommitsExactlyTheSurvivingPaths) {
  const bool ok = rc::check("nested units commit what survives", [this] {
    const int n = *rc::gen::inRange(1, 10);
    std::vector<int> parent(static_cast<size_t>(n), -1);
    std::vector<bool> fails(static_cast<size_t>(n));
    for (int i = 0; i < n; ++i) {
      if (i > 0) parent[static_cast<size_t>(i)] = *rc::gen::inRange(0, i);
      fails[static_cast<size_t>(i)] = *rc::gen::arbitrary<bool>();
    }
    db().transact([](Tx& tx) { tx.exec("DELETE FROM kv"); });
    std::multiset<int> hooked;
    std::function<void(int)> unit = [&](int i) {
      db().transact([&](Tx& tx) {
        put(tx, std::to_string(i));
        tx.after_commit([&hooked, i] { hooked.insert(i); });
        for (int c = i + 1; c < n; ++c) {
          if (parent[static_cast<size_t>(c)] != i) continue;
          try {
            unit(c);
          } catch (const std::runtime_error&) {
          }
        }
        if (fails[static_cast<size_t>(i)]) throw std::runtime_error("unit failed");
      });
    };
    try {
      unit(0);
    } catch (const std::runtime_error&) {
    }
    std::set<std::string> expected;
    std::multiset<int> expected_hooks;
    for (int i = 0; i < n; ++i) {
      bool survives = true;
      for (int p = i; p >= 0; p = parent[static_cast<size_t>(p)]) {
        survives = survives && !fails[static_cast<size_t>(p)];
      }
      if (survives) {
        expected.insert(std::to_string(i));
        expected_hooks.insert(i);
      }
    }
    RC_ASSERT(keys() == expected);
    RC_ASSERT(hooked == expected_hooks);
  });
  EXPECT_TRUE(ok);
}

INSTANTIATE_TEST_SUITE_P(Engines, AmbientTest,
                         ::testing::Values(Engine::kSqlite, Engine::kPostgres),
                         [](const auto& p) { return testing::engine_label(p.param); });

}  // namespace
}  // namespace lucas::store
