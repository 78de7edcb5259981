#include "infra/audit/audit_store.h"

#include <cstdint>

namespace lucas::audit {

store::MigrationSet migrations() {
  return {"audit",
          {{1, "hash-chained audit log",
            R"(
CREATE TABLE audit_log (
  seq BIGINT PRIMARY KEY,
  at BIGINT NOT NULL,
  actor BIGINT NOT NULL,
  action TEXT NOT NULL,
  target TEXT NOT NULL,
  ip TEXT NOT NULL,
  result TEXT NOT NULL,
  details TEXT NOT NULL,
  source TEXT NOT NULL,
  prev_hash TEXT NOT NULL,
  hash TEXT NOT NULL
);
CREATE UNIQUE INDEX audit_by_source ON audit_log (source) WHERE source <> '';
CREATE INDEX audit_by_actor ON audit_log (actor, seq);
CREATE INDEX audit_by_action ON audit_log (action, seq);
CREATE INDEX audit_by_time ON audit_log (at, seq);
CREATE TABLE audit_checkpoints (
  seq BIGINT PRIMARY KEY,
  hash TEXT NOT NULL,
  signed_at BIGINT NOT NULL,
  public_key TEXT NOT NULL,
  signature TEXT NOT NULL
);
)"},
           {2, "entries by target (a user's audit trail)",
            R"(
CREATE INDEX audit_by_target ON audit_log (target, seq);
)"}}};
}

namespace sql {
namespace {

using store::Value;

constexpr int64_t kChainLock = 0x61756469745f6c;  // "audit_l"
constexpr const char* kColumns =
    "SELECT seq, at, actor, action, target, ip, result, details, source, prev_hash, hash"
    " FROM audit_log";

Entry from_row(const store::Row& r) {
  Entry e;
  e.seq = r.i64(0);
  e.at = r.i64(1);
  e.actor = r.i64(2);
  e.action = r.str(3);
  e.target = r.str(4);
  e.ip = r.str(5);
  e.result = r.str(6);
  e.details = nlohmann::json::parse(r.str(7), nullptr, false);
  e.source = r.str(8);
  e.prev_hash = r.str(9);
  e.hash = r.str(10);
  return e;
}

}  // namespace

void lock_chain(store::Tx& tx) {
  if (tx.engine() == store::Engine::kPostgres) {
    tx.exec("SELECT pg_advisory_xact_lock($1)", {Value{kChainLock}});
  }
}

std::optional<Link> tail(store::Tx& tx) {
  auto tail = tx.exec("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1");
  if (tail.empty()) return std::nullopt;
  return Link{tail.one().i64(0), tail.one().str(1)};
}

std::optional<Entry> by_source(store::Tx& tx, const std::string& source) {
  auto existing = tx.exec(std::string(kColumns) + " WHERE source = $1", {Value{source}});
  if (existing.empty()) return std::nullopt;
  return from_row(existing.one());
}

void insert(store::Tx& tx, const Entry& e, const std::string& details) {
  tx.exec(
      "INSERT INTO audit_log (seq, at, actor, action, target, ip, result, details, source,"
      " prev_hash, hash) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
      {Value{e.seq}, Value{e.at}, Value{e.actor}, Value{e.action}, Value{e.target}, Value{e.ip},
       Value{e.result}, Value{details}, Value{e.source}, Value{e.prev_hash}, Value{e.hash}});
}

std::optional<std::string> hash_at(store::Tx& tx, int64_t seq) {
  auto entry = tx.exec("SELECT hash FROM audit_log WHERE seq = $1", {Value{seq}});
  if (entry.empty()) return std::nullopt;
  return entry.one().str(0);
}

std::vector<Stored> page(store::Tx& tx, int64_t after_seq) {
  auto rows = tx.exec(
      "SELECT seq, at, actor, action, target, ip, result, details, source, prev_hash, hash"
      " FROM audit_log WHERE seq > $1 ORDER BY seq LIMIT 1000",
      {Value{after_seq}});
  std::vector<Stored> out;
  out.reserve(rows.rows.size());
  for (const auto& r : rows.rows) out.push_back(Stored{from_row(r), r.str(7)});
  return out;
}

std::vector<Entry> search(store::Tx& tx, const Query& q) {
  std::string sql =
      std::string(kColumns) + (q.newest_first ? " WHERE seq < $1" : " WHERE seq > $1");
  std::vector<Value> params{
      Value{q.newest_first ? (q.before_seq > 0 ? q.before_seq : INT64_MAX) : q.after_seq}};
  auto add = [&](const std::string& clause, Value v) {
    params.push_back(std::move(v));
    sql += " AND " + clause + " $" + std::to_string(params.size());
  };
  if (q.actor) add("actor =", Value{*q.actor});
  if (q.action) {
    // Prefix match without LIKE wildcards from user input: compare the leading substring.
    params.emplace_back(*q.action);
    sql += " AND substr(action, 1, " + std::to_string(q.action->size()) + ") = $" +
           std::to_string(params.size());
  }
  if (q.subject) {
    params.emplace_back(*q.subject);
    params.emplace_back("user:" + std::to_string(*q.subject));
    sql += " AND (actor = $" + std::to_string(params.size() - 1) + " OR target = $" +
           std::to_string(params.size()) + ")";
  }
  if (q.since) add("at >=", Value{*q.since});
  if (q.until) add("at <", Value{*q.until});
  sql += std::string(q.newest_first ? " ORDER BY seq DESC" : " ORDER BY seq") + " LIMIT " +
         std::to_string(q.limit);
  std::vector<Entry> out;
  for (const auto& r : tx.exec(sql, params).rows) out.push_back(from_row(r));
  return out;
}

std::optional<int64_t> first_checkpoint(store::Tx& tx) {
  auto first = tx.exec("SELECT MIN(seq) FROM audit_checkpoints");
  if (first.empty() || first.one().is_null(0)) return std::nullopt;
  return first.one().i64(0);
}

std::vector<Link> unsigned_due(store::Tx& tx, int64_t after_seq, int64_t interval) {
  std::vector<Link> out;
  for (const auto& r :
       tx.exec("SELECT a.seq, a.hash FROM audit_log a WHERE a.seq > $1 AND a.seq % $2 = 0"
               " AND NOT EXISTS (SELECT 1 FROM audit_checkpoints c WHERE c.seq = a.seq)"
               " ORDER BY a.seq",
               {Value{after_seq}, Value{interval}})
           .rows) {
    out.push_back(Link{r.i64(0), r.str(1)});
  }
  return out;
}

void insert_checkpoint(store::Tx& tx, int64_t seq, const std::string& hash, Micros signed_at,
                       const std::string& public_key_hex, const std::string& signature_hex) {
  tx.exec(
      "INSERT INTO audit_checkpoints (seq, hash, signed_at, public_key, signature)"
      " VALUES ($1, $2, $3, $4, $5) ON CONFLICT (seq) DO NOTHING",
      {Value{seq}, Value{hash}, Value{signed_at}, Value{public_key_hex}, Value{signature_hex}});
}

std::vector<Checkpoint> checkpoints(store::Tx& tx) {
  std::vector<Checkpoint> out;
  for (const auto& r :
       tx.exec("SELECT seq, hash, public_key, signature FROM audit_checkpoints ORDER BY seq")
           .rows) {
    out.push_back(Checkpoint{r.i64(0), r.str(1), r.str(2), r.str(3)});
  }
  return out;
}

}  // namespace sql
}  // namespace lucas::audit
