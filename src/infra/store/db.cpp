#include "infra/store/db.h"

#include <spdlog/spdlog.h>

#include <charconv>
#include <chrono>
#include <random>
#include <thread>

#include "base/blocking.h"

namespace lucas::store {

std::string_view engine_name(Engine e) {
  return e == Engine::kSqlite ? "sqlite" : "postgresql";
}

bool Row::is_null(size_t i) const {
  return std::holds_alternative<std::monostate>(cells_.at(i));
}

int64_t Row::i64(size_t i) const {
  const Value& v = cells_.at(i);
  if (const auto* n = std::get_if<int64_t>(&v)) return *n;
  if (const auto* s = std::get_if<std::string>(&v)) {
    int64_t out = 0;
    auto [p, ec] = std::from_chars(s->data(), s->data() + s->size(), out);
    if (ec == std::errc() && p == s->data() + s->size()) return out;
    throw DbError(
        DbError::Kind::kOverflow,
        "column " + std::to_string(i) + " is not a 64-bit integer: '" + s->substr(0, 40) + "'");
  }
  throw DbError(DbError::Kind::kOther, "column " + std::to_string(i) + " is NULL");
}

std::optional<int64_t> Row::opt_i64(size_t i) const {
  if (is_null(i)) return std::nullopt;
  return i64(i);
}

std::string Row::str(size_t i) const {
  const Value& v = cells_.at(i);
  if (const auto* s = std::get_if<std::string>(&v)) return *s;
  if (const auto* n = std::get_if<int64_t>(&v)) return std::to_string(*n);
  throw DbError(DbError::Kind::kOther, "column " + std::to_string(i) + " is NULL");
}

std::optional<std::string> Row::opt_str(size_t i) const {
  if (is_null(i)) return std::nullopt;
  return str(i);
}

const Row& Result::one() const {
  if (rows.size() != 1) {
    throw DbError(DbError::Kind::kOther,
                  "expected exactly one row, got " + std::to_string(rows.size()));
  }
  return rows.front();
}

std::string_view Tx::for_update() const {
  return engine() == Engine::kPostgres ? " FOR UPDATE" : "";
}

std::unique_ptr<Database> Database::open(const std::string& url, const Options& options) {
  if (url.rfind("sqlite:", 0) == 0 && url.size() > 7) return open_sqlite(url.substr(7), options);
  if (url.rfind("postgresql://", 0) == 0 || url.rfind("postgres://", 0) == 0) {
    return open_postgres(url, options);
  }
  throw Error(ErrorCode::kInvalidArgument,
              "unsupported database URL (expected sqlite:PATH or postgresql://...)");
}

Database::Lease Database::acquire() {
  may_block();  // an inline attempt (the network thread) goes to the worker pool instead
  std::unique_lock lock(mu_);
  const auto deadline =
      std::chrono::steady_clock::now() + std::chrono::milliseconds(options_.acquire_timeout_ms);
  while (idle_.empty() && open_ >= options_.pool_size) {
    if (cv_.wait_until(lock, deadline) == std::cv_status::timeout && idle_.empty() &&
        open_ >= options_.pool_size) {
      throw Error(ErrorCode::kUnavailable, "no database connection available", nullptr, 1);
    }
  }
  if (!idle_.empty()) {
    auto c = std::move(idle_.back());
    idle_.pop_back();
    return Lease(this, std::move(c));
  }
  ++open_;
  lock.unlock();
  try {
    return Lease(this, connect());
  } catch (...) {
    lock.lock();
    --open_;
    cv_.notify_one();
    throw;
  }
}

void Database::release(std::unique_ptr<Connection> c) {
  std::lock_guard lock(mu_);
  if (c->healthy()) {
    idle_.push_back(std::move(c));
  } else {
    --open_;  // dropped; a new one is opened on demand
  }
  cv_.notify_one();
}

// ---------------------------------------------------------------- read replica

struct Database::Replica {
  std::string url;
  Options options;
  std::chrono::milliseconds retry{5000};
  std::mutex mu;
  std::unique_ptr<Database> db;  // kept once opened: its pool replaces dead connections
  std::chrono::steady_clock::time_point down_until{};
  bool reported_down = false;
  std::string described;
};

void Database::attach_replica(const std::string& url, int retry_ms) {
  if (url.rfind("postgresql://", 0) != 0 && url.rfind("postgres://", 0) != 0) {
    throw Error(ErrorCode::kInvalidArgument, "a read replica is a postgresql:// URL");
  }
  auto r = std::make_shared<Replica>();
  r->url = url;
  r->options = options_;
  r->retry = std::chrono::milliseconds(retry_ms);
  replica_ = std::move(r);
}

Database* Database::usable_replica() {
  if (!replica_) return nullptr;
  std::unique_lock lock(replica_->mu);
  if (std::chrono::steady_clock::now() < replica_->down_until) return nullptr;
  if (!replica_->db) {
    try {
      replica_->db = open_postgres(replica_->url, replica_->options);
      replica_->described = replica_->db->describe();
    } catch (const std::exception& e) {
      lock.unlock();
      replica_failed(e.what());
      return nullptr;
    }
  }
  return replica_->db.get();
}

void Database::replica_answered() {
  ++replica_stats_->on_replica;
  if (replica_stats_->up.exchange(true)) return;
  std::lock_guard lock(replica_->mu);
  if (replica_->reported_down) {
    spdlog::info("read replica {} is back: read-only queries go to it again", replica_->described);
  }
  replica_->reported_down = false;
}

void Database::replica_failed(const std::string& why) {
  replica_stats_->up = false;
  std::lock_guard lock(replica_->mu);
  replica_->down_until = std::chrono::steady_clock::now() + replica_->retry;
  if (!replica_->reported_down) {
    spdlog::warn("read replica unreachable ({}); reading from the primary, retrying every {} ms",
                 why, replica_->retry.count());
    replica_->reported_down = true;
  }
}

bool Database::ping() {
  try {
    auto lease = acquire();
    return lease->exec("SELECT 1").one().i64(0) == 1;
  } catch (const std::exception&) {
    return false;
  }
}

// ---------------------------------------------------------------- ambient units of work

thread_local Database::Ambient* Database::ambient_top_ = nullptr;

Database::Ambient* Database::find_ambient() const {
  for (Ambient* a = ambient_top_; a != nullptr; a = a->below) {
    if (a->db == this) return a;
  }
  return nullptr;
}

Database::AmbientScope::AmbientScope(Database& db, Tx& tx, bool write)
    : a_{&db, &tx, write, false, ambient_top_} {
  ambient_top_ = &a_;
}

void Database::AmbientScope::end() {
  if (!active_) return;
  active_ = false;
  for (Ambient** p = &ambient_top_; *p != nullptr; p = &(*p)->below) {
    if (*p == &a_) {
      *p = a_.below;
      return;
    }
  }
}

void Database::refuse_write_in_read() {
  throw Error(ErrorCode::kInternal,
              "a write unit of work (transact) was opened inside a read-only one (read) on the"
              " same database and thread: open the outer unit with transact()");
}

void Database::mark_retry(Ambient& a, const DbError& e) {
  if (e.transient()) a.retry = true;
}

DbError Database::nested_conflict() {
  return DbError(DbError::Kind::kConflict,
                 "a nested unit of work hit a transient conflict; the transaction is run again");
}

void Database::finish(Connection& c, Tx& tx) {
  if (tx.poisoned()) {
    throw DbError(DbError::Kind::kOther, "transaction left inconsistent by a failed savepoint");
  }
  c.commit();
}

void Database::run_hooks(Tx& tx) {
  for (auto& h : tx.hooks()) h();
}

void Database::backoff(int attempt) {
  thread_local std::mt19937 rng(std::random_device{}());
  const int base = 2 << std::min(attempt, 6);  // ms
  std::uniform_int_distribution<int> jitter(0, base);
  std::this_thread::sleep_for(std::chrono::milliseconds(base + jitter(rng)));
}

std::string to_sqlite_placeholders(std::string_view sql) {
  std::string out;
  out.reserve(sql.size());
  char quote = 0;
  for (size_t i = 0; i < sql.size(); ++i) {
    const char c = sql[i];
    if (quote != 0) {
      if (c == quote) quote = 0;
      out += c;
    } else if (c == '\'' || c == '"') {
      quote = c;
      out += c;
    } else if (c == '$' && i + 1 < sql.size() && sql[i + 1] >= '0' && sql[i + 1] <= '9') {
      out += '?';
    } else {
      out += c;
    }
  }
  return out;
}

}  // namespace lucas::store
