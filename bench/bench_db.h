// A database for a throughput benchmark: SQLite (WAL) in a fresh temporary directory, or a fresh
// database on the shared local PostgreSQL (fsync on), with an 8-connection pool.
#pragma once

#include <memory>

#include "infra/store/db.h"
#include "tests/support/databases.h"
#include "tests/support/pg_harness.h"

namespace lucas::bench {

struct BenchDatabase {
  std::unique_ptr<testing::TempDir> dir;  // SQLite's file lives here
  std::unique_ptr<store::Database> db;
};

inline BenchDatabase open_bench_database(store::Engine engine) {
  store::Options options;
  options.pool_size = 8;
  BenchDatabase out;
  if (engine == store::Engine::kSqlite) {
    out.dir = std::make_unique<testing::TempDir>();
    out.db = store::Database::open("sqlite:" + out.dir->path() + "/bench.db", options);
  } else {
    auto& pg = testing::PostgresServer::shared(testing::PgHarnessOptions{true});
    out.db = store::Database::open(pg.create_database(), options);
  }
  return out;
}

}  // namespace lucas::bench
