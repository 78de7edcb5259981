#include "features/legacy/legacy_reader.h"

#include <sqlite3.h>

#include <charconv>

#include "base/error.h"
#include "features/legacy/legacy_import.h"

namespace lucas::legacy {

std::string shortest_decimal(double v) {
  char buf[64];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::fixed);
  if (ec != std::errc()) throw Error(ErrorCode::kInvalidAmount, "unreadable number");
  return std::string(buf, end);
}

// ------------------------------------------------------------------ rows

bool Row::is_integer(int i) const {
  return sqlite3_column_type(s_, i) == SQLITE_INTEGER;
}

int64_t Row::i64(int i) const {
  return sqlite3_column_int64(s_, i);
}

std::string Row::text(int i) const {
  const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(s_, i));
  return p ? std::string(p, static_cast<size_t>(sqlite3_column_bytes(s_, i))) : std::string();
}

std::optional<int64_t> Row::opt_int(int i) const {
  if (sqlite3_column_type(s_, i) == SQLITE_NULL) return std::nullopt;
  return sqlite3_column_int64(s_, i);
}

std::optional<std::string> Row::money(int i) const {
  switch (sqlite3_column_type(s_, i)) {
    case SQLITE_NULL:
      return std::nullopt;
    case SQLITE_INTEGER:
      return std::to_string(sqlite3_column_int64(s_, i));
    case SQLITE_FLOAT:
      return shortest_decimal(sqlite3_column_double(s_, i));
    default: {
      std::string t = text(i);
      while (!t.empty() && t.back() == ' ') t.pop_back();
      while (!t.empty() && t.front() == ' ') t.erase(0, 1);
      return t;
    }
  }
}

// ------------------------------------------------------------------ the file

LegacyDb::LegacyDb(const std::string& path) {
  if (sqlite3_open_v2(path.c_str(), &db_, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) {
    const std::string msg = db_ ? sqlite3_errmsg(db_) : "cannot open";
    sqlite3_close(db_);
    db_ = nullptr;
    throw Error(ErrorCode::kInvalidArgument, "cannot open legacy database " + path + ": " + msg);
  }
}

LegacyDb::~LegacyDb() {
  sqlite3_close(db_);
}

void LegacyDb::each(const std::string& sql, const std::string& param, const RowFn& f) {
  sqlite3_stmt* s = nullptr;
  if (sqlite3_prepare_v2(db_, sql.c_str(), -1, &s, nullptr) != SQLITE_OK) {
    throw Error(ErrorCode::kInvalidArgument,
                std::string("legacy database: ") + sqlite3_errmsg(db_));
  }
  if (!param.empty()) sqlite3_bind_text(s, 1, param.c_str(), -1, SQLITE_TRANSIENT);
  int rc;
  while ((rc = sqlite3_step(s)) == SQLITE_ROW) f(Row(s));
  sqlite3_finalize(s);
  if (rc != SQLITE_DONE) {
    throw Error(ErrorCode::kInvalidArgument,
                std::string("legacy database: ") + sqlite3_errmsg(db_));
  }
}

}  // namespace lucas::legacy
