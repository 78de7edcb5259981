// PostgreSQL engine over libpq: named prepared statements cached per connection, text-format
// parameters, SQLSTATE mapped to DbError kinds.
#include <libpq-fe.h>

#include <cstring>
#include <unordered_map>

#include "infra/store/db.h"

namespace lucas::store {
namespace {

DbError pg_error(PGconn* conn, const PGresult* res, std::string_view what) {
  const char* state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : nullptr;
  std::string msg =
      std::string(what) + ": " +
      (res && PQresultErrorMessage(res)[0] ? PQresultErrorMessage(res) : PQerrorMessage(conn));
  while (!msg.empty() && (msg.back() == '\n' || msg.back() == ' ')) msg.pop_back();
  const std::string code = state ? state : "";
  if (code == "23505") return DbError(DbError::Kind::kUniqueViolation, msg);
  if (code == "40001" || code == "40P01") return DbError(DbError::Kind::kConflict, msg);
  if (code == "22003") return DbError(DbError::Kind::kOverflow, msg);
  if (code.rfind("08", 0) == 0 || code == "57P01" || PQstatus(conn) != CONNECTION_OK) {
    return DbError(DbError::Kind::kConnection, msg);
  }
  return DbError(DbError::Kind::kOther, msg);
}

struct ResultGuard {
  PGresult* r;
  ~ResultGuard() { PQclear(r); }
};

class PgConnection final : public Connection {
 public:
  explicit PgConnection(const std::string& url) {
    conn_ = PQconnectdb(url.c_str());
    if (PQstatus(conn_) != CONNECTION_OK) {
      std::string msg = PQerrorMessage(conn_);
      PQfinish(conn_);
      conn_ = nullptr;
      while (!msg.empty() && msg.back() == '\n') msg.pop_back();
      throw DbError(DbError::Kind::kConnection, "cannot connect to PostgreSQL: " + msg);
    }
    PQsetNoticeProcessor(
        conn_, [](void*, const char*) {}, nullptr);
    exec_script("SET client_min_messages TO WARNING; SET TIME ZONE 'UTC'");
  }
  ~PgConnection() override { PQfinish(conn_); }

  Engine engine() const override { return Engine::kPostgres; }

  Result exec(std::string_view sql, std::span<const Value> params) override {
    const std::string& name = prepare(sql);
    std::vector<std::string> text(params.size());
    std::vector<const char*> values(params.size(), nullptr);
    for (size_t i = 0; i < params.size(); ++i) {
      if (const auto* n = std::get_if<int64_t>(&params[i])) {
        text[i] = std::to_string(*n);
        values[i] = text[i].c_str();
      } else if (const auto* s = std::get_if<std::string>(&params[i])) {
        values[i] = s->c_str();
      }
    }
    PGresult* res = PQexecPrepared(conn_, name.c_str(), static_cast<int>(params.size()),
                                   values.data(), nullptr, nullptr, 0);
    ResultGuard guard{res};
    const auto status = PQresultStatus(res);
    if (status != PGRES_TUPLES_OK && status != PGRES_COMMAND_OK) {
      throw pg_error(conn_, res, "query");
    }
    Result result;
    const int nrows = PQntuples(res);
    const int ncols = PQnfields(res);
    result.rows.reserve(static_cast<size_t>(nrows));
    for (int r = 0; r < nrows; ++r) {
      std::vector<Value> cells;
      cells.reserve(static_cast<size_t>(ncols));
      for (int c = 0; c < ncols; ++c) {
        if (PQgetisnull(res, r, c)) {
          cells.emplace_back(std::monostate{});
        } else {
          cells.emplace_back(
              std::string(PQgetvalue(res, r, c), static_cast<size_t>(PQgetlength(res, r, c))));
        }
      }
      result.rows.emplace_back(std::move(cells));
    }
    const char* affected = PQcmdTuples(res);
    result.affected = affected && affected[0] ? std::stoll(affected) : 0;
    return result;
  }

  void exec_script(std::string_view sql) override {
    const std::string s(sql);
    PGresult* res = PQexec(conn_, s.c_str());
    ResultGuard guard{res};
    const auto status = PQresultStatus(res);
    if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) {
      throw pg_error(conn_, res, "script");
    }
  }

  void copy_in(const std::string& table, const std::vector<std::string>& columns,
               const std::vector<std::vector<Value>>& rows) override {
    std::string cols;
    for (const auto& c : columns) cols += (cols.empty() ? "" : ", ") + c;
    exec_copy_start("COPY " + table + " (" + cols + ") FROM STDIN");
    std::string buf;
    auto flush = [&] {
      if (PQputCopyData(conn_, buf.data(), static_cast<int>(buf.size())) != 1) {
        throw pg_error(conn_, nullptr, "copy");
      }
      buf.clear();
    };
    for (const auto& row : rows) {
      for (size_t c = 0; c < row.size(); ++c) {
        if (c) buf += '\t';
        if (const auto* n = std::get_if<int64_t>(&row[c])) {
          buf += std::to_string(*n);
        } else if (const auto* v = std::get_if<std::string>(&row[c])) {
          for (char ch : *v) {  // COPY text format escapes
            switch (ch) {
              case '\\':
                buf += "\\\\";
                break;
              case '\t':
                buf += "\\t";
                break;
              case '\n':
                buf += "\\n";
                break;
              case '\r':
                buf += "\\r";
                break;
              default:
                buf += ch;
            }
          }
        } else {
          buf += "\\N";
        }
      }
      buf += '\n';
      if (buf.size() > (1 << 20)) flush();
    }
    if (!buf.empty()) flush();
    if (PQputCopyEnd(conn_, nullptr) != 1) throw pg_error(conn_, nullptr, "copy end");
    PGresult* res = PQgetResult(conn_);
    ResultGuard guard{res};
    if (PQresultStatus(res) != PGRES_COMMAND_OK) throw pg_error(conn_, res, "copy");
    while (PGresult* extra = PQgetResult(conn_)) PQclear(extra);
  }

  void begin(bool /*write*/) override { exec_script("BEGIN"); }
  void commit() override { exec_script("COMMIT"); }
  void rollback() noexcept override {
    if (conn_ && PQtransactionStatus(conn_) != PQTRANS_IDLE) {
      PQclear(PQexec(conn_, "ROLLBACK"));
    }
  }
  bool healthy() const override {
    return conn_ != nullptr && PQstatus(conn_) == CONNECTION_OK &&
           PQtransactionStatus(conn_) == PQTRANS_IDLE;
  }

 private:
  const std::string& prepare(std::string_view sql) {
    auto it = cache_.find(std::string(sql));
    if (it != cache_.end()) return it->second;
    std::string name = "s" + std::to_string(cache_.size() + 1);
    const std::string s(sql);
    PGresult* res = PQprepare(conn_, name.c_str(), s.c_str(), 0, nullptr);
    ResultGuard guard{res};
    if (PQresultStatus(res) != PGRES_COMMAND_OK) throw pg_error(conn_, res, "prepare");
    return cache_.emplace(s, std::move(name)).first->second;
  }

  void exec_copy_start(const std::string& sql) {
    PGresult* res = PQexec(conn_, sql.c_str());
    ResultGuard guard{res};
    if (PQresultStatus(res) != PGRES_COPY_IN) throw pg_error(conn_, res, "copy");
  }

  PGconn* conn_ = nullptr;
  std::unordered_map<std::string, std::string> cache_;
};

class PgDatabase final : public Database {
 public:
  PgDatabase(std::string url, const Options& options) : Database(options), url_(std::move(url)) {
    Lease probe = acquire();
  }
  Engine engine() const override { return Engine::kPostgres; }
  std::string describe() const override {
    // Mask the password in postgresql://user:password@host/...
    const size_t scheme = url_.find("://");
    const size_t at = url_.find('@', scheme == std::string::npos ? 0 : scheme);
    if (scheme == std::string::npos || at == std::string::npos) return url_;
    const size_t colon = url_.find(':', scheme + 3);
    if (colon == std::string::npos || colon > at) return url_;
    return url_.substr(0, colon + 1) + "***" + url_.substr(at);
  }

 protected:
  std::unique_ptr<Connection> connect() override { return std::make_unique<PgConnection>(url_); }

 private:
  std::string url_;
};

}  // namespace

std::unique_ptr<Database> open_postgres(const std::string& url, const Options& options) {
  return std::make_unique<PgDatabase>(url, options);
}

}  // namespace lucas::store
