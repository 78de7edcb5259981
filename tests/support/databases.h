// Fresh, migrated-or-empty databases on either engine for the store and ledger suites.
#pragma once

#include <memory>
#include <string>

#include "infra/store/db.h"

namespace lucas::testing {

// A temporary directory removed at destruction.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// An empty database: a new SQLite file, or a new database in the shared PostgreSQL server.
// Keeps its temp directory alive as long as the database.
struct TestDatabase {
  std::unique_ptr<TempDir> dir;
  std::string url;
  std::unique_ptr<store::Database> db;
};
TestDatabase fresh_database(store::Engine engine, store::Options options = {});

// Test-name suffix for parameterized suites: "Sqlite" / "Postgres".
std::string engine_label(store::Engine engine);

}  // namespace lucas::testing
