// Read-replica routing against a real streaming replica (pg_basebackup -R of the harness's
// server): lag-tolerant reads run on the replica, writes that reach it are refused there, and
// while it is down reads fall back to the primary without an error and return to the replica by
// themselves once it is back.
#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "tests/support/databases.h"
#include "tests/support/eventually.h"
#include "tests/support/pg_harness.h"

namespace lucas::store {
namespace {

using namespace std::chrono_literals;

using lucas::testing::eventually;

TEST(ReadReplica, WithoutOneEveryReadRunsOnThePrimary) {
  auto t = lucas::testing::fresh_database(Engine::kSqlite);
  EXPECT_FALSE(t.db->has_replica());
  EXPECT_EQ(t.db->read_replica([](Tx& tx) { return tx.exec("SELECT 7").one().i64(0); }), 7);
  EXPECT_EQ(t.db->replica_stats()->on_primary.load(), 1);
  EXPECT_THROW(t.db->attach_replica("sqlite:/tmp/x.db"), Error);
}

TEST(ReadReplica, ReadsGoToTheReplicaAndFallBackToThePrimaryWhileItIsDown) {
  auto& pg = lucas::testing::PostgresServer::shared();
  auto t = lucas::testing::fresh_database(Engine::kPostgres);
  t.db->transact([](Tx& tx) {
    tx.exec_script("CREATE TABLE kv (k TEXT PRIMARY KEY, v TEXT NOT NULL)");
    tx.exec("INSERT INTO kv VALUES ('a', 'one')");
  });
  auto replica = pg.start_replica();
  const std::string name = t.url.substr(t.url.rfind('/') + 1);
  t.db->attach_replica(replica->url(name), 100);
  const auto where = [&] {
    return t.db->read_replica(
        [](Tx& tx) { return tx.exec("SELECT pg_is_in_recovery()").one().str(0); });
  };
  const auto value = [&] {
    return t.db->read_replica([](Tx& tx) {
      const auto r = tx.exec("SELECT v FROM kv WHERE k = 'a'");
      return r.empty() ? std::string() : r.one().str(0);
    });
  };
  EXPECT_EQ(where(), "t");  // the standby answered
  EXPECT_TRUE(t.db->replica_stats()->up.load());

  // Streaming replication: a change on the primary reaches the replica's reads.
  t.db->transact([](Tx& tx) { tx.exec("UPDATE kv SET v = 'two' WHERE k = 'a'"); });
  EXPECT_TRUE(eventually([&] { return value() == "two"; }));
  // Only reads belong there: a write is refused by the standby, and not retried elsewhere.
  EXPECT_THROW(t.db->read_replica([](Tx& tx) { tx.exec("INSERT INTO kv VALUES ('b', 'x')"); }),
               DbError);

  replica->stop();
  const int64_t on_primary = t.db->replica_stats()->on_primary.load();
  EXPECT_EQ(where(), "f");  // no error: the primary answered
  EXPECT_EQ(value(), "two");
  EXPECT_FALSE(t.db->replica_stats()->up.load());
  EXPECT_GE(t.db->replica_stats()->on_primary.load(), on_primary + 2);

  replica->start();
  EXPECT_TRUE(eventually([&] { return where() == "t"; }));
  EXPECT_TRUE(t.db->replica_stats()->up.load());
}

}  // namespace
}  // namespace lucas::store
