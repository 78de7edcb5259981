// Creating backups: a consistent dump of every table (full), or of what an incremental adds on
// its full backup, written to every directory with its manifest.
#include "infra/backup/backup.h"

#include <algorithm>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <limits>
#include <optional>
#include <set>

#include "infra/backup/backup_file.h"

namespace lucas::backup {
namespace fs = std::filesystem;
using store::Value;

namespace {

std::string id_for(Micros now, bool incremental) {
  const std::time_t t = static_cast<std::time_t>(now / 1'000'000);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y%m%dT%H%M%SZ", &tm);
  return std::string(buf) + (incremental ? "-incr" : "-full");
}

// How far below an append-only table's highest key a backup looks for keys not yet visible
// (rows of transactions still in flight at the snapshot, committed later).
constexpr int64_t kHoleWindow = 20'000;

nlohmann::json row_json(const store::Row& row) {
  nlohmann::json a = nlohmann::json::array();
  for (size_t i = 0; i < row.size(); ++i) {
    if (row.is_null(i)) {
      a.push_back(nullptr);
    } else {
      a.push_back(row.str(i));
    }
  }
  return a;
}

}  // namespace

BackupService::BackupService(store::Database& db, std::vector<store::MigrationSet> sets,
                             const Clock& clock, Options options)
    : db_(db), sets_(std::move(sets)), clock_(clock), options_(std::move(options)) {
  init_sodium();
  if (options_.dirs.empty())
    throw Error(ErrorCode::kInvalidArgument, "no backup directory configured");
  key_ = key_from_hex(options_.key_hex);
}

std::string BackupService::path(const std::string& dir, const std::string& id) const {
  return (fs::path(dir) / (id + ".lucasbk")).string();
}

Manifest BackupService::create(const Progress& progress) {
  return write(false, progress);
}

Manifest BackupService::create_incremental(const Progress& progress) {
  return write(true, progress);
}

Manifest BackupService::write(bool incremental, const Progress& progress) {
  auto say = [&](const std::string& s) {
    if (progress) progress(s);
  };
  std::optional<Manifest> base;
  if (incremental) {
    for (const auto& m : list()) {  // newest first
      if (m.kind == "full") {
        base = m;
        break;
      }
    }
    if (!base) {
      throw Error(ErrorCode::kConflict, "no full backup to base an incremental one on");
    }
  }
  Manifest m;
  m.created_at = clock_.now();
  m.id = id_for(m.created_at, incremental);
  m.kind = incremental ? "incremental" : "full";
  if (base) m.base = base->id;
  m.engine = std::string(store::engine_name(db_.engine()));
  for (const auto& dir : options_.dirs) fs::create_directories(dir);
  const std::string first = path(options_.dirs.front(), m.id);
  if (fs::exists(first)) throw Error(ErrorCode::kConflict, "backup " + m.id + " exists already");
  const std::string partial = first + ".partial";
  const auto is_append_only = [&](const std::string& t) {
    return std::find(options_.append_only.begin(), options_.append_only.end(), t) !=
           options_.append_only.end();
  };
  {
    Writer w(partial, key_);
    const auto tables = store::tables_of(sets_);
    w.line(nlohmann::json{{"format", "lucas-backup"},
                          {"version", 2},
                          {"id", m.id},
                          {"kind", m.kind},
                          {"base", m.base},
                          {"tables", tables}}
               .dump());
    db_.read([&](store::Tx& tx) {
      if (tx.engine() == store::Engine::kPostgres) {
        tx.exec("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ");  // one snapshot
      }
      for (const auto& t : tables) {
        const auto cols = store::table_columns(tx, t);
        const bool delta = incremental && is_append_only(t) && base->marks.contains(t);
        w.line(nlohmann::json{{"table", t}, {"columns", cols}, {"mode", delta ? "append" : "whole"}}
                   .dump());
        int64_t n = 0;
        const auto emit = [&](const std::vector<store::Row>& rows) {
          for (const auto& r : rows) {
            w.line(row_json(r).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
          }
          n += static_cast<int64_t>(rows.size());
          say(t + ": " + std::to_string(n) + " rows");
        };
        if (delta) {
          // Rows that were not visible to the base (keys it had not reached, and the holes it
          // recorded below its highest key), in key order.
          const auto& mark = base->marks.at(t);
          const int64_t after = mark.at("after").get<int64_t>();
          std::set<int64_t> holes;
          for (const auto& h : mark.at("holes")) holes.insert(h.get<int64_t>());
          if (!holes.empty()) {
            std::vector<store::Row> late;
            store::scan_table(tx, t, cols, *holes.begin() - 1, [&](const auto& rows) {
              for (const auto& r : rows) {
                if (r.i64(0) > after) return;
                if (holes.count(r.i64(0))) late.push_back(r);
              }
            });
            emit(late);
          }
          store::scan_table(tx, t, cols, after, emit);
        } else {
          store::scan_table(tx, t, cols, std::numeric_limits<int64_t>::min(), emit);
        }
        m.tables.push_back(store::summarize(tx, t));
        if (is_append_only(t)) {
          // Where the next incremental starts: the highest key now, and on PostgreSQL the keys
          // below it still invisible (a SQLite database has one writer: keys commit in order).
          const auto top = tx.exec("SELECT MAX(" + cols.front() + ") FROM " + t).one();
          const int64_t max = top.is_null(0) ? 0 : top.i64(0);
          nlohmann::json holes = nlohmann::json::array();
          if (tx.engine() == store::Engine::kPostgres && max > 0) {
            int64_t expected = std::max<int64_t>(1, max - kHoleWindow + 1);
            const auto keys = tx.exec("SELECT " + cols.front() + " FROM " + t + " WHERE " +
                                          cols.front() + " >= $1 ORDER BY 1",
                                      {Value{expected}});
            for (const auto& r : keys.rows) {
              for (; expected < r.i64(0); ++expected) holes.push_back(expected);
              expected = r.i64(0) + 1;
            }
          }
          m.marks[t] = {{"after", max}, {"holes", holes}};
        }
      }
    });
    w.line(nlohmann::json{{"end", true}}.dump());
    w.finish();
  }
  fs::rename(partial, first);
  m.file_sha256 = file_sha256(first);
  m.bytes = static_cast<int64_t>(fs::file_size(first));
  for (size_t i = 0; i < options_.dirs.size(); ++i) {
    const std::string file = path(options_.dirs[i], m.id);
    if (i > 0) {
      fs::copy_file(first, file, fs::copy_options::overwrite_existing);
      if (file_sha256(file) != m.file_sha256) {
        throw Error(ErrorCode::kUnavailable, "the copy in " + options_.dirs[i] + " is corrupt");
      }
    }
    std::ofstream(fs::path(options_.dirs[i]) / (m.id + ".manifest.json"))
        << m.to_json().dump(2) << "\n";
  }
  return m;
}

}  // namespace lucas::backup
