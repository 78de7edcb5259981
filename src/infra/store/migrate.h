// Versioned migrations per module, recorded in schema_migrations with a checksum. Applying is
// idempotent and safe with several nodes starting at once (PostgreSQL advisory lock; SQLite's
// exclusive write transaction). A migration edited after it was applied is refused.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "base/clock.h"
#include "infra/store/db.h"

namespace lucas::store {

struct Migration {
  int version;
  std::string name;
  // Portable DDL; dialect tokens: {{id}} an auto-increment BIGINT primary key, {{json}} a JSON
  // document column (TEXT on SQLite, JSONB on PostgreSQL), {{blob}} binary data.
  std::string sql;
};

struct MigrationSet {
  std::string module;  // "ledger", "users", ...
  std::vector<Migration> migrations;
};

struct MigrationReport {
  std::vector<std::string> applied;  // "ledger/1 accounts"
  int already_applied = 0;
};

std::string render_dialect(std::string_view sql, Engine engine);

// Applies every pending migration, each in its own transaction, in the given module order.
MigrationReport migrate(Database& db, const std::vector<MigrationSet>& sets, const Clock& clock);

// Names of migrations not yet applied.
std::vector<std::string> pending_migrations(Database& db, const std::vector<MigrationSet>& sets);

}  // namespace lucas::store
