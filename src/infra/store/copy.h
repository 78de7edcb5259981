// Copies a whole platform database between engines (SQLite <-> PostgreSQL) and proves the copy:
// per-table row counts and order-independent content checksums on both sides.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "base/clock.h"
#include "infra/store/db.h"
#include "infra/store/migrate.h"

namespace lucas::store {

struct TableSummary {
  std::string table;
  int64_t rows = 0;
  std::string checksum;  // order-independent: the same content gives the same sum on any engine
};

struct TableCopy {
  std::string table;
  TableSummary source;
  TableSummary target;
  bool matches() const { return source.rows == target.rows && source.checksum == target.checksum; }
};

struct CopyReport {
  std::vector<TableCopy> tables;
  int64_t rows = 0;
  double seconds = 0;
  bool ok() const {
    for (const auto& t : tables) {
      if (!t.matches()) return false;
    }
    return true;
  }
};

// Table names in creation order, parsed from the migrations (parents before children).
std::vector<std::string> tables_of(const std::vector<MigrationSet>& sets);

TableSummary summarize(Database& db, const std::string& table);
TableSummary summarize(Tx& tx, const std::string& table);
std::vector<std::string> table_columns(Tx& tx, const std::string& table);
// Reads a table in batches (keyset paging on an integer first column), from the rows whose key
// is greater than `after` (a table without an integer key is read whole).
void scan_table(Tx& tx, const std::string& table, const std::vector<std::string>& columns,
                int64_t after, const std::function<void(const std::vector<Row>&)>& f);
// Tables the migrations seed with reference rows (they do not make a database "used").
std::vector<std::string> seeded_tables(const std::vector<MigrationSet>& sets);

// The target rule of `lucas db copy` and `lucas backup restore`, in the target's transaction: a
// target that holds rows (outside the seeded tables) is refused — CONFLICT naming the count and
// --replace — unless `replace`; then every table is emptied, children first, for the caller to
// fill. A refusal changes nothing.
void clear_target(Tx& target, const std::vector<MigrationSet>& sets, bool replace);
// After rows were loaded into `table` with their ids: on PostgreSQL its identity sequence goes on
// after the highest id (SQLite needs nothing).
void continue_ids(Tx& target, const std::string& table, const std::vector<std::string>& columns);

// Migrates the target, refuses a non-empty target unless `replace`, copies every table in one
// target transaction (nothing is left half-copied), then compares counts and checksums.
// `progress` receives lines such as "entries: 120000 rows".
CopyReport copy_database(Database& from, Database& to, const std::vector<MigrationSet>& sets,
                         const Clock& clock, bool replace,
                         const std::function<void(const std::string&)>& progress = {});

}  // namespace lucas::store
