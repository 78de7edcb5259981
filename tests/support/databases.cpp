#include "tests/support/databases.h"

#include <unistd.h>

#include <filesystem>
#include <stdexcept>

#include "tests/support/pg_harness.h"

namespace lucas::testing {

TempDir::TempDir() {
  char tmpl[] = "/tmp/lucas-test-XXXXXX";
  if (mkdtemp(tmpl) == nullptr) throw std::runtime_error("mkdtemp failed");
  path_ = tmpl;
}

TempDir::~TempDir() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

TestDatabase fresh_database(store::Engine engine, store::Options options) {
  TestDatabase t;
  if (engine == store::Engine::kSqlite) {
    t.dir = std::make_unique<TempDir>();
    t.url = "sqlite:" + t.dir->path() + "/test.db";
  } else {
    t.url = PostgresServer::shared().create_database();
  }
  t.db = store::Database::open(t.url, options);
  return t;
}

std::string engine_label(store::Engine engine) {
  return engine == store::Engine::kSqlite ? "Sqlite" : "Postgres";
}

}  // namespace lucas::testing
