// One database interface, two engines chosen by URL: "sqlite:PATH" and "postgresql://...".
// SQL is written once with $1..$N placeholders; engine differences (placeholder syntax, identity
// columns, row locks) stay inside infra/store. Every statement is prepared and cached per
// connection; values are always bound, never spliced into SQL.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <initializer_list>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <variant>
#include <vector>

#include "base/error.h"

namespace lucas::store {

enum class Engine { kSqlite, kPostgres };
std::string_view engine_name(Engine e);

// A bound parameter or a result cell. std::monostate is SQL NULL.
using Value = std::variant<std::monostate, int64_t, std::string>;

class Row {
 public:
  explicit Row(std::vector<Value> cells) : cells_(std::move(cells)) {}
  size_t size() const { return cells_.size(); }
  bool is_null(size_t i) const;
  int64_t i64(size_t i) const;  // STORAGE_ERROR when NULL or not an integer
  std::optional<int64_t> opt_i64(size_t i) const;
  std::string str(size_t i) const;  // STORAGE_ERROR when NULL
  std::optional<std::string> opt_str(size_t i) const;

 private:
  std::vector<Value> cells_;
};

struct Result {
  std::vector<Row> rows;
  int64_t affected = 0;
  bool empty() const { return rows.empty(); }
  const Row& one() const;  // STORAGE_ERROR unless exactly one row
};

// Database failures. `kind` lets callers react to the few that matter.
class DbError : public Error {
 public:
  enum class Kind { kUniqueViolation, kConflict, kBusy, kOverflow, kConnection, kOther };
  DbError(Kind kind, std::string message)
      : Error(kind == Kind::kOverflow ? ErrorCode::kAmountOverflow : ErrorCode::kStorage,
              std::move(message)),
        kind_(kind) {}
  Kind kind() const { return kind_; }
  // Worth retrying the whole transaction (serialization failure, deadlock, busy).
  bool transient() const { return kind_ == Kind::kConflict || kind_ == Kind::kBusy; }

 private:
  Kind kind_;
};

class Connection {
 public:
  virtual ~Connection() = default;
  virtual Engine engine() const = 0;
  // Prepares (once per connection) and runs one statement with bound parameters.
  virtual Result exec(std::string_view sql, std::span<const Value> params) = 0;
  Result exec(std::string_view sql, std::initializer_list<Value> params = {}) {
    return exec(sql, std::span<const Value>(params.begin(), params.size()));
  }
  // Several statements without parameters (migrations only).
  virtual void exec_script(std::string_view sql) = 0;
  // Bulk load: COPY ... FROM STDIN on PostgreSQL, one prepared multi-row INSERT per batch on
  // SQLite. `table` and `columns` must be trusted identifiers (they come from our own schema).
  virtual void copy_in(const std::string& table, const std::vector<std::string>& columns,
                       const std::vector<std::vector<Value>>& rows) = 0;
  // Starts a transaction; `write` takes the write lock up front on SQLite (BEGIN IMMEDIATE).
  virtual void begin(bool write) = 0;
  virtual void commit() = 0;
  virtual void rollback() noexcept = 0;
  // False when the connection is unusable and must be replaced.
  virtual bool healthy() const = 0;
};

class Database;

// A unit of work: the caller's transaction, passed to every store function.
class Tx {
 public:
  Tx(Connection& conn, Database& db) : conn_(conn), db_(db) {}
  Tx(const Tx&) = delete;
  Tx& operator=(const Tx&) = delete;

  Engine engine() const { return conn_.engine(); }
  Result exec(std::string_view sql, std::span<const Value> params) {
    return conn_.exec(sql, params);
  }
  Result exec(std::string_view sql, std::initializer_list<Value> params = {}) {
    return conn_.exec(sql, params);
  }
  // Several parameterless statements (migrations only).
  void exec_script(std::string_view sql) { conn_.exec_script(sql); }
  void copy_in(const std::string& table, const std::vector<std::string>& columns,
               const std::vector<std::vector<Value>>& rows) {
    conn_.copy_in(table, columns, rows);
  }
  // " FOR UPDATE" on PostgreSQL, "" on SQLite (whose write transactions are already exclusive).
  std::string_view for_update() const;
  Database& database() { return db_; }

  // Runs f inside a savepoint: if f throws, its writes are undone and the transaction stays
  // usable; the exception propagates.
  template <class F>
  auto savepoint(F&& f) -> decltype(f()) {
    const std::string name = "sp" + std::to_string(++savepoint_seq_);
    conn_.exec("SAVEPOINT " + name);
    try {
      if constexpr (std::is_void_v<decltype(f())>) {
        f();
        conn_.exec("RELEASE SAVEPOINT " + name);
      } else {
        auto r = f();
        conn_.exec("RELEASE SAVEPOINT " + name);
        return r;
      }
    } catch (...) {
      try {
        conn_.exec("ROLLBACK TO SAVEPOINT " + name);
        conn_.exec("RELEASE SAVEPOINT " + name);
      } catch (...) {
        poisoned_ = true;
      }
      throw;
    }
  }

  // Runs after a successful commit (event dispatch); dropped on rollback.
  void after_commit(std::function<void()> hook) { hooks_.push_back(std::move(hook)); }
  std::vector<std::function<void()>>& hooks() { return hooks_; }
  bool poisoned() const { return poisoned_; }

 private:
  Connection& conn_;
  Database& db_;
  std::vector<std::function<void()>> hooks_;
  int savepoint_seq_ = 0;
  bool poisoned_ = false;
};

struct Options {
  int pool_size = 8;
  int busy_timeout_ms = 5000;
  int acquire_timeout_ms = 30000;
  int max_retries = 10;  // for transient conflicts (deadlock, serialization, busy)
};

class Database {
 public:
  // "sqlite:PATH" (the parent directory is created) or "postgresql://..." / "postgres://...".
  // Throws Error(INVALID_ARGUMENT) for an unknown scheme, DbError when it cannot connect.
  static std::unique_ptr<Database> open(const std::string& url, const Options& options = {});

  virtual ~Database() = default;
  virtual Engine engine() const = 0;
  // The URL with any password masked, for logs.
  virtual std::string describe() const = 0;

  class Lease {
   public:
    Lease(Database* db, std::unique_ptr<Connection> c) : db_(db), conn_(std::move(c)) {}
    Lease(Lease&& o) noexcept = default;
    Lease& operator=(Lease&&) = delete;
    Lease(const Lease&) = delete;
    ~Lease() {
      if (conn_) db_->release(std::move(conn_));
    }
    Connection& operator*() { return *conn_; }
    Connection* operator->() { return conn_.get(); }

   private:
    Database* db_;
    std::unique_ptr<Connection> conn_;
  };
  // Borrows a connection from the pool (waits up to acquire_timeout_ms, then UNAVAILABLE).
  Lease acquire();

  // Runs f(Tx&) in one transaction: commit on return, rollback on any exception. Transient
  // conflicts are retried (f must be safe to run again). After-commit hooks run after commit.
  //
  // Ambient transaction: while a unit of work of this database runs f on a thread, every
  // transact()/read()/read_replica() that f (or anything it calls) opens on the same database
  // and the same thread joins it instead of starting another (which on SQLite would wait for
  // the write lock its own thread holds). A nested unit
  //   - sees the outer unit's uncommitted writes, and the outer sees the nested unit's;
  //   - runs inside a SAVEPOINT: if it throws, only its own writes (and its after-commit hooks)
  //     are undone, the exception propagates, and the outer unit may carry on;
  //   - never retries on its own: a transient conflict in it marks the outermost unit, which
  //     rolls back and runs its whole function again (even if f caught the error);
  //   - has its after-commit hooks run once, after the outermost commit, in registration order;
  //     they are dropped when the outermost unit rolls back;
  //   - may not write inside a read-only outer unit: transact() within read() throws
  //     Error(INTERNAL) before doing anything (open the outer unit with transact()).
  // Other threads are not affected: each thread has its own units of work.
  template <class F>
  auto transact(F&& f) -> decltype(f(std::declval<Tx&>())) {
    return run_tx(true, std::forward<F>(f));
  }
  // A read-only unit of work (no write lock on SQLite).
  template <class F>
  auto read(F&& f) -> decltype(f(std::declval<Tx&>())) {
    return run_tx(false, std::forward<F>(f));
  }
  // True while a unit of work of this database runs on the calling thread.
  bool in_transaction() const { return find_ambient() != nullptr; }

  // True when a trivial query succeeds.
  bool ping();

  // A streaming read replica (PostgreSQL) for read_replica(). It is opened on first use; while
  // it cannot be reached (refused, timed out, shut down) reads go to this database instead, and
  // the replica is tried again after `retry_ms`. Transitions are logged once each way.
  void attach_replica(const std::string& url, int retry_ms = 5000);
  bool has_replica() const { return replica_ != nullptr; }
  struct ReplicaStats {
    std::atomic<int64_t> on_replica{0};  // read_replica() units run on the replica
    std::atomic<int64_t> on_primary{0};  // ... and on this database (no replica, or it is down)
    std::atomic<bool> up{false};
  };
  std::shared_ptr<const ReplicaStats> replica_stats() const { return replica_stats_; }

  // A read-only unit of work that tolerates replication lag (history pages, searches, boards):
  // on the replica when one is attached and answers, otherwise on this database. f may run twice
  // (on the replica, then here after a connection failure), so it must be safe to run again.
  template <class F>
  auto read_replica(F&& f) -> decltype(f(std::declval<Tx&>())) {
    // Inside a unit of work of this database: join it (read your own writes).
    if (Ambient* a = find_ambient()) return run_nested(*a, false, std::forward<F>(f));
    if (Database* r = usable_replica()) {
      try {
        if constexpr (std::is_void_v<decltype(f(std::declval<Tx&>()))>) {
          r->read(f);
          replica_answered();
          return;
        } else {
          auto result = r->read(f);
          replica_answered();
          return result;
        }
      } catch (const DbError& e) {
        if (e.kind() != DbError::Kind::kConnection) throw;
        replica_failed(e.what());
      } catch (const Error& e) {
        if (e.code() != ErrorCode::kUnavailable) throw;  // its pool is exhausted
        replica_failed(e.what());
      }
    }
    ++replica_stats_->on_primary;
    return read(std::forward<F>(f));
  }

 protected:
  explicit Database(Options options) : options_(options) {}
  virtual std::unique_ptr<Connection> connect() = 0;
  const Options& options() const { return options_; }

 private:
  void release(std::unique_ptr<Connection> c);
  static void run_hooks(Tx& tx);

  // The outermost unit of work running on this thread for one database (a thread-local stack,
  // one entry per database with an open unit).
  struct Ambient {
    Database* db = nullptr;
    Tx* tx = nullptr;
    bool write = false;
    bool retry = false;  // a nested unit hit a transient conflict: run the whole unit again
    Ambient* below = nullptr;
  };
  Ambient* find_ambient() const;
  // Registers `a` for this thread until end() or destruction.
  class AmbientScope {
   public:
    AmbientScope(Database& db, Tx& tx, bool write);
    ~AmbientScope() { end(); }
    AmbientScope(const AmbientScope&) = delete;
    AmbientScope& operator=(const AmbientScope&) = delete;
    void end();
    bool retry() const { return a_.retry; }

   private:
    Ambient a_;
    bool active_ = true;
  };
  static void refuse_write_in_read();
  static void mark_retry(Ambient& a, const DbError& e);
  static DbError nested_conflict();

  // A unit of work inside the thread's open one: a savepoint of its transaction.
  template <class F>
  auto run_nested(Ambient& a, bool write, F&& f) -> decltype(f(std::declval<Tx&>())) {
    if (write && !a.write) refuse_write_in_read();
    Tx& tx = *a.tx;
    const size_t hooks = tx.hooks().size();
    try {
      return tx.savepoint([&]() -> decltype(f(tx)) { return f(tx); });
    } catch (const DbError& e) {
      tx.hooks().resize(hooks);
      mark_retry(a, e);
      throw;
    } catch (...) {
      tx.hooks().resize(hooks);
      throw;
    }
  }

  template <class F>
  auto run_tx(bool write, F&& f) -> decltype(f(std::declval<Tx&>())) {
    if (Ambient* a = find_ambient()) return run_nested(*a, write, std::forward<F>(f));
    for (int attempt = 0;; ++attempt) {
      Lease lease = acquire();
      Tx tx(*lease, *this);
      AmbientScope scope(*this, tx, write);
      try {
        // Inside the try: a BEGIN that times out waiting for SQLite's write lock (busy) is a
        // transient conflict like any other, and is retried.
        lease->begin(write);
        if constexpr (std::is_void_v<decltype(f(tx))>) {
          f(tx);
          if (scope.retry()) throw nested_conflict();
          finish(*lease, tx);
          scope.end();  // hooks run outside the unit of work (their own units start afresh)
          run_hooks(tx);
          return;
        } else {
          auto r = f(tx);
          if (scope.retry()) throw nested_conflict();
          finish(*lease, tx);
          scope.end();
          run_hooks(tx);
          return r;
        }
      } catch (const DbError& e) {
        lease->rollback();
        scope.end();
        if (!(e.transient() || scope.retry()) || attempt >= options_.max_retries) throw;
        backoff(attempt);
      } catch (...) {
        lease->rollback();
        scope.end();
        if (!scope.retry() || attempt >= options_.max_retries) throw;
        backoff(attempt);
      }
    }
  }
  static void finish(Connection& c, Tx& tx);
  static void backoff(int attempt);

  Database* usable_replica();
  void replica_answered();
  void replica_failed(const std::string& why);

  static thread_local Ambient* ambient_top_;
  Options options_;
  struct Replica;
  std::shared_ptr<Replica> replica_;
  std::shared_ptr<ReplicaStats> replica_stats_ = std::make_shared<ReplicaStats>();
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<std::unique_ptr<Connection>> idle_;
  int open_ = 0;
};

// Engine-specific constructors (used by Database::open; exposed for tests).
std::unique_ptr<Database> open_sqlite(const std::string& path, const Options& options);
std::unique_ptr<Database> open_postgres(const std::string& url, const Options& options);

// Rewrites $1..$N placeholders to SQLite's ?1..?N, leaving string literals and quoted names alone.
std::string to_sqlite_placeholders(std::string_view sql);

}  // namespace lucas::store
