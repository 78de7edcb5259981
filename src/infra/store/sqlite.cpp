// SQLite engine: WAL, synchronous=NORMAL, busy timeout, foreign keys on; one connection per
// pooled handle, statements prepared once and cached.
#include <sqlite3.h>

#include <filesystem>
#include <unordered_map>

#include "infra/store/db.h"

namespace lucas::store {
namespace {

DbError sqlite_error(sqlite3* db, int rc, std::string_view what) {
  const int ext = sqlite3_extended_errcode(db);
  std::string msg =
      std::string(what) + ": " + sqlite3_errmsg(db) + " (SQLite code " + std::to_string(ext) + ")";
  if (ext == SQLITE_CONSTRAINT_UNIQUE || ext == SQLITE_CONSTRAINT_PRIMARYKEY) {
    return DbError(DbError::Kind::kUniqueViolation, msg);
  }
  if ((rc & 0xFF) == SQLITE_BUSY || (rc & 0xFF) == SQLITE_LOCKED) {
    return DbError(DbError::Kind::kBusy, msg);
  }
  if (msg.find("integer overflow") != std::string::npos) {
    return DbError(DbError::Kind::kOverflow, msg);
  }
  return DbError(DbError::Kind::kOther, msg);
}

class SqliteConnection final : public Connection {
 public:
  SqliteConnection(const std::string& path, int busy_timeout_ms) {
    const int rc =
        sqlite3_open_v2(path.c_str(), &db_,
                        SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
    if (rc != SQLITE_OK) {
      DbError e(DbError::Kind::kConnection, "cannot open SQLite database " + path + ": " +
                                                (db_ ? sqlite3_errmsg(db_) : sqlite3_errstr(rc)));
      sqlite3_close(db_);
      db_ = nullptr;
      throw e;
    }
    sqlite3_busy_timeout(db_, busy_timeout_ms);
    sqlite3_extended_result_codes(db_, 1);
    exec_script("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;");
  }

  ~SqliteConnection() override {
    for (auto& [sql, stmt] : cache_) sqlite3_finalize(stmt);
    sqlite3_close(db_);
  }

  Engine engine() const override { return Engine::kSqlite; }

  Result exec(std::string_view sql, std::span<const Value> params) override {
    sqlite3_stmt* stmt = prepare(sql);
    struct Reset {
      sqlite3_stmt* s;
      ~Reset() {
        sqlite3_reset(s);
        sqlite3_clear_bindings(s);
      }
    } reset{stmt};
    for (size_t i = 0; i < params.size(); ++i) {
      const int idx = static_cast<int>(i + 1);
      int rc = SQLITE_OK;
      if (const auto* n = std::get_if<int64_t>(&params[i])) {
        rc = sqlite3_bind_int64(stmt, idx, *n);
      } else if (const auto* s = std::get_if<std::string>(&params[i])) {
        rc = sqlite3_bind_text(stmt, idx, s->data(), static_cast<int>(s->size()), SQLITE_TRANSIENT);
      } else {
        rc = sqlite3_bind_null(stmt, idx);
      }
      if (rc != SQLITE_OK) throw sqlite_error(db_, rc, "bind");
    }
    Result result;
    const int ncol = sqlite3_column_count(stmt);
    for (;;) {
      const int rc = sqlite3_step(stmt);
      if (rc == SQLITE_DONE) break;
      if (rc != SQLITE_ROW) throw sqlite_error(db_, rc, "step");
      std::vector<Value> cells;
      cells.reserve(static_cast<size_t>(ncol));
      for (int c = 0; c < ncol; ++c) {
        switch (sqlite3_column_type(stmt, c)) {
          case SQLITE_NULL:
            cells.emplace_back(std::monostate{});
            break;
          case SQLITE_INTEGER:
            cells.emplace_back(static_cast<int64_t>(sqlite3_column_int64(stmt, c)));
            break;
          default: {
            // TEXT, BLOB and REAL arrive as text: a REAL where an integer is expected (SQLite's
            // integer overflow) is then caught by Row::i64.
            const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(stmt, c));
            const int n = sqlite3_column_bytes(stmt, c);
            cells.emplace_back(std::string(p ? p : "", static_cast<size_t>(n)));
          }
        }
      }
      result.rows.emplace_back(std::move(cells));
    }
    result.affected = sqlite3_changes64(db_);
    return result;
  }

  void exec_script(std::string_view sql) override {
    char* err = nullptr;
    const std::string s(sql);
    const int rc = sqlite3_exec(db_, s.c_str(), nullptr, nullptr, &err);
    sqlite3_free(err);
    if (rc != SQLITE_OK) throw sqlite_error(db_, rc, "script");
  }

  void copy_in(const std::string& table, const std::vector<std::string>& columns,
               const std::vector<std::vector<Value>>& rows) override {
    // One prepared single-row INSERT, stepped per row: inside the caller's transaction this is
    // SQLite's fastest bulk path (a multi-row VALUES list with thousands of numbered parameters
    // costs quadratic time to prepare).
    std::string sql = "INSERT INTO " + table + " (";
    for (size_t c = 0; c < columns.size(); ++c) sql += (c ? ", " : "") + columns[c];
    sql += ") VALUES (";
    for (size_t c = 0; c < columns.size(); ++c) sql += (c ? ", $" : "$") + std::to_string(c + 1);
    sql += ")";
    for (const auto& row : rows) exec(sql, row);
  }

  void begin(bool write) override { exec(write ? "BEGIN IMMEDIATE" : "BEGIN", {}); }
  void commit() override { exec("COMMIT", {}); }
  void rollback() noexcept override {
    if (sqlite3_get_autocommit(db_) == 0) sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
  }
  bool healthy() const override { return db_ != nullptr && sqlite3_get_autocommit(db_) != 0; }

 private:
  sqlite3_stmt* prepare(std::string_view sql) {
    auto it = cache_.find(std::string(sql));
    if (it != cache_.end()) return it->second;
    const std::string translated = to_sqlite_placeholders(sql);
    sqlite3_stmt* stmt = nullptr;
    const int rc = sqlite3_prepare_v3(db_, translated.c_str(), static_cast<int>(translated.size()),
                                      SQLITE_PREPARE_PERSISTENT, &stmt, nullptr);
    if (rc != SQLITE_OK) throw sqlite_error(db_, rc, "prepare");
    cache_.emplace(std::string(sql), stmt);
    return stmt;
  }

  sqlite3* db_ = nullptr;
  std::unordered_map<std::string, sqlite3_stmt*> cache_;
};

class SqliteDatabase final : public Database {
 public:
  SqliteDatabase(std::string path, const Options& options)
      : Database(options), path_(std::move(path)) {
    const auto parent = std::filesystem::path(path_).parent_path();
    if (!parent.empty()) std::filesystem::create_directories(parent);
    // Fail fast on an unusable path.
    Lease probe = acquire();
  }
  Engine engine() const override { return Engine::kSqlite; }
  std::string describe() const override { return "sqlite:" + path_; }

 protected:
  std::unique_ptr<Connection> connect() override {
    return std::make_unique<SqliteConnection>(path_, options().busy_timeout_ms);
  }

 private:
  std::string path_;
};

}  // namespace

std::unique_ptr<Database> open_sqlite(const std::string& path, const Options& options) {
  return std::make_unique<SqliteDatabase>(path, options);
}

}  // namespace lucas::store
