#include "infra/store/copy.h"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstdio>
#include <limits>

#include "base/ids.h"

namespace lucas::store {
namespace {

constexpr int64_t kBatch = 20'000;

std::vector<std::string> columns_of(Tx& tx, const std::string& table) {
  std::vector<std::string> cols;
  if (tx.engine() == Engine::kSqlite) {
    // PRAGMA arguments cannot be bound; the table name comes from our own migrations.
    for (const auto& r :
         tx.exec("SELECT name FROM pragma_table_info($1) ORDER BY cid", {Value{table}}).rows) {
      cols.push_back(r.str(0));
    }
  } else {
    for (const auto& r : tx.exec("SELECT column_name FROM information_schema.columns"
                                 " WHERE table_schema = current_schema() AND table_name = $1"
                                 " ORDER BY ordinal_position",
                                 {Value{table}})
                             .rows) {
      cols.push_back(r.str(0));
    }
  }
  if (cols.empty()) throw Error(ErrorCode::kInternal, "table " + table + " has no columns");
  return cols;
}

std::string cell_text(const Row& row, size_t i) {
  if (row.is_null(i)) return std::string("\x01N", 2);
  return row.str(i);
}

// Reads a table in batches (keyset on its first column when that is an integer key).
void for_each_batch(Tx& tx, const std::string& table, const std::vector<std::string>& cols,
                    const std::function<void(const std::vector<Row>&)>& f,
                    int64_t after = std::numeric_limits<int64_t>::min()) {
  std::string list;
  for (const auto& c : cols) list += (list.empty() ? "" : ", ") + c;
  const std::string first = cols.front();
  auto probe = tx.exec("SELECT " + first + " FROM " + table + " LIMIT 1");
  bool integer_key = true;
  if (!probe.empty()) {
    try {
      probe.one().i64(0);
    } catch (const Error&) {
      integer_key = false;
    }
  }
  if (!integer_key) {
    f(tx.exec("SELECT " + list + " FROM " + table).rows);
    return;
  }
  for (;;) {
    auto r = tx.exec("SELECT " + list + " FROM " + table + " WHERE " + first + " > $1 ORDER BY " +
                         first + " LIMIT " + std::to_string(kBatch),
                     {Value{after}});
    if (r.empty()) return;
    f(r.rows);
    after = r.rows.back().i64(0);
    if (static_cast<int64_t>(r.rows.size()) < kBatch) return;
  }
}

TableSummary summarize_in(Tx& tx, const std::string& table) {
  const auto cols = columns_of(tx, table);
  TableSummary s{table, 0, ""};
  uint64_t a = 0, b = 0;
  for_each_batch(tx, table, cols, [&](const std::vector<Row>& rows) {
    for (const auto& row : rows) {
      std::string canonical;
      for (size_t i = 0; i < row.size(); ++i) {
        const std::string v = cell_text(row, i);
        canonical += std::to_string(v.size()) + ":" + v + ";";
      }
      const std::string h = sha256_hex(canonical);
      a += std::stoull(h.substr(0, 16), nullptr, 16);  // wrap-around sums: order-independent
      b += std::stoull(h.substr(16, 16), nullptr, 16);
      ++s.rows;
    }
  });
  char buf[40];
  std::snprintf(buf, sizeof buf, "%016llx%016llx", static_cast<unsigned long long>(a),
                static_cast<unsigned long long>(b));
  s.checksum = buf;
  return s;
}

}  // namespace

std::vector<std::string> tables_of(const std::vector<MigrationSet>& sets) {
  // Every CREATE TABLE in migration order, less the tables a later DROP TABLE removed.
  std::vector<std::string> out;
  const auto name_at = [](const std::string& sql, size_t i) {
    const std::string if_exists = "IF EXISTS ";
    const std::string if_not = "IF NOT EXISTS ";
    if (sql.compare(i, if_not.size(), if_not) == 0) i += if_not.size();
    if (sql.compare(i, if_exists.size(), if_exists) == 0) i += if_exists.size();
    std::string name;
    while (i < sql.size() && (std::isalnum(static_cast<unsigned char>(sql[i])) || sql[i] == '_')) {
      name += sql[i++];
    }
    return name;
  };
  for (const auto& set : sets) {
    for (const auto& m : set.migrations) {
      for (size_t at = m.sql.find(" TABLE "); at != std::string::npos;
           at = m.sql.find(" TABLE ", at + 1)) {
        const bool create = at >= 6 && m.sql.compare(at - 6, 6, "CREATE") == 0;
        const bool drop = at >= 4 && m.sql.compare(at - 4, 4, "DROP") == 0;
        if (!create && !drop) continue;
        const std::string name = name_at(m.sql, at + 7);
        if (name.empty()) continue;
        if (create) {
          out.push_back(name);
        } else {
          out.erase(std::remove(out.begin(), out.end(), name), out.end());
        }
      }
    }
  }
  return out;
}

TableSummary summarize(Database& db, const std::string& table) {
  return db.read([&](Tx& tx) { return summarize_in(tx, table); });
}

TableSummary summarize(Tx& tx, const std::string& table) {
  return summarize_in(tx, table);
}

std::vector<std::string> table_columns(Tx& tx, const std::string& table) {
  return columns_of(tx, table);
}

void scan_table(Tx& tx, const std::string& table, const std::vector<std::string>& columns,
                int64_t after, const std::function<void(const std::vector<Row>&)>& f) {
  for_each_batch(tx, table, columns, f, after);
}

std::vector<std::string> seeded_tables(const std::vector<MigrationSet>& sets) {
  std::vector<std::string> seeded;
  const auto tables = tables_of(sets);
  for (const auto& set : sets) {
    for (const auto& m : set.migrations) {
      for (const auto& t : tables) {
        if (m.sql.find("INSERT INTO " + t + " ") != std::string::npos) seeded.push_back(t);
      }
    }
  }
  return seeded;
}

void clear_target(Tx& target, const std::vector<MigrationSet>& sets, bool replace) {
  const auto tables = tables_of(sets);
  const auto seeded = seeded_tables(sets);
  int64_t existing = 0;
  for (const auto& t : tables) {
    if (std::find(seeded.begin(), seeded.end(), t) != seeded.end()) continue;
    existing += target.exec("SELECT COUNT(*) FROM " + t).one().i64(0);
  }
  if (existing > 0 && !replace) {
    throw Error(ErrorCode::kConflict, "the target database has data (" + std::to_string(existing) +
                                          " rows); pass --replace to overwrite it");
  }
  for (auto it = tables.rbegin(); it != tables.rend(); ++it) target.exec("DELETE FROM " + *it);
}

void continue_ids(Tx& target, const std::string& table, const std::vector<std::string>& columns) {
  if (target.engine() != Engine::kPostgres ||
      std::find(columns.begin(), columns.end(), "id") == columns.end()) {
    return;
  }
  target.exec("SELECT setval(pg_get_serial_sequence($1, 'id'), COALESCE((SELECT MAX(id) FROM " +
                  table + "), 0) + 1, false) WHERE pg_get_serial_sequence($1, 'id') IS NOT NULL",
              {Value{table}});
}

CopyReport copy_database(Database& from, Database& to, const std::vector<MigrationSet>& sets,
                         const Clock& clock, bool replace,
                         const std::function<void(const std::string&)>& progress) {
  const auto started = std::chrono::steady_clock::now();
  auto say = [&](const std::string& s) {
    if (progress) progress(s);
  };
  if (!pending_migrations(from, sets).empty()) {
    throw Error(ErrorCode::kConflict,
                "the source database is not fully migrated: run lucas migrate on it first");
  }
  migrate(to, sets, clock);
  const auto tables = tables_of(sets);
  CopyReport report;
  to.transact([&](Tx& target) {
    clear_target(target, sets, replace);
    from.read([&](Tx& source) {
      if (source.engine() == Engine::kPostgres) {
        source.exec("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ");  // one snapshot
      }
      for (const auto& t : tables) {
        const auto cols = columns_of(target, t);
        int64_t n = 0;
        for_each_batch(source, t, cols, [&](const std::vector<Row>& rows) {
          std::vector<std::vector<Value>> values;
          values.reserve(rows.size());
          for (const auto& row : rows) {
            std::vector<Value> v;
            v.reserve(row.size());
            for (size_t i = 0; i < row.size(); ++i) {
              if (row.is_null(i)) {
                v.emplace_back(std::monostate{});
              } else {
                v.emplace_back(row.str(i));
              }
            }
            values.push_back(std::move(v));
          }
          target.copy_in(t, cols, values);
          n += static_cast<int64_t>(rows.size());
          say(t + ": " + std::to_string(n) + " rows");
        });
        report.rows += n;
        continue_ids(target, t, cols);
      }
    });
  });
  say("verifying");
  for (const auto& t : tables) report.tables.push_back({t, summarize(from, t), summarize(to, t)});
  report.seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  return report;
}

}  // namespace lucas::store
