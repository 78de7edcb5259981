#include "infra/telegram/updates_store.h"

namespace lucas::telegram {

store::MigrationSet migrations() {
  return {"telegram",
          {{1, "seen updates",
            "CREATE TABLE telegram_updates (update_id BIGINT PRIMARY KEY,"
            " received_at BIGINT NOT NULL);"},
           // Durable intake: the raw update is kept until handled; updates recorded before this
           // were already handled (or lost) and become done.
           {2, "durable intake",
            "ALTER TABLE telegram_updates ADD COLUMN raw TEXT;"
            "ALTER TABLE telegram_updates ADD COLUMN status TEXT NOT NULL DEFAULT 'pending';"
            "ALTER TABLE telegram_updates ADD COLUMN attempts INTEGER NOT NULL DEFAULT 0;"
            "ALTER TABLE telegram_updates ADD COLUMN last_error TEXT;"
            "ALTER TABLE telegram_updates ADD COLUMN next_attempt_at BIGINT;"
            "ALTER TABLE telegram_updates ADD COLUMN done_at BIGINT;"
            "UPDATE telegram_updates SET status = 'done', done_at = received_at;"
            "CREATE INDEX telegram_updates_due ON telegram_updates (update_id)"
            " WHERE status = 'pending';"
            "CREATE INDEX telegram_updates_done ON telegram_updates (done_at)"
            " WHERE status = 'done';"}}};
}

namespace sql {
namespace {

using store::Value;

// Row lock for the update being handled; on PostgreSQL a row another node is handling right now
// is skipped (that node handles it, or records its failure).
std::string lock_clause(const store::Tx& tx) {
  return tx.engine() == store::Engine::kPostgres ? " FOR UPDATE SKIP LOCKED" : "";
}

}  // namespace

std::vector<FailedUpdate> failed(store::Tx& tx, int64_t after_id, int limit) {
  const auto rows = tx.exec(
      "SELECT update_id, raw, attempts, COALESCE(last_error, ''), received_at, done_at"
      " FROM telegram_updates WHERE status = 'failed' AND update_id > $1"
      " ORDER BY update_id LIMIT $2",
      {Value{after_id}, Value{int64_t{limit}}});
  std::vector<FailedUpdate> out;
  for (const auto& row : rows.rows) {
    out.push_back(FailedUpdate{
        row.i64(0), nlohmann::json::parse(row.opt_str(1).value_or("null"), nullptr, false),
        row.i64(2), row.str(3), row.i64(4), row.opt_i64(5).value_or(0)});
  }
  return out;
}

int64_t retry_failed(store::Tx& tx, std::optional<int64_t> id, Micros now) {
  const std::string sql =
      "UPDATE telegram_updates SET status = 'pending', attempts = 0, next_attempt_at = $1,"
      " done_at = NULL WHERE status = 'failed'";
  return id ? tx.exec(sql + " AND update_id = $2", {Value{now}, Value{*id}}).affected
            : tx.exec(sql, {Value{now}}).affected;
}

int64_t delete_done_before(store::Tx& tx, Micros before) {
  return tx
      .exec("DELETE FROM telegram_updates WHERE status = 'done' AND done_at < $1", {Value{before}})
      .affected;
}

int64_t count_pending_up_to(store::Tx& tx, int64_t cap) {
  return tx
      .exec(
          "SELECT COUNT(*) FROM (SELECT 1 FROM telegram_updates WHERE status = 'pending'"
          " LIMIT $1) AS p",
          {Value{cap}})
      .one()
      .i64(0);
}

int64_t count_pending(store::Tx& tx) {
  return tx.exec("SELECT COUNT(*) FROM telegram_updates WHERE status = 'pending'").one().i64(0);
}

bool insert_pending(store::Tx& tx, int64_t update_id, Micros now, const std::string& raw) {
  return !tx.exec(
                "INSERT INTO telegram_updates (update_id, received_at, raw, status, attempts,"
                " next_attempt_at) VALUES ($1, $2, $3, 'pending', 0, $2)"
                " ON CONFLICT (update_id) DO NOTHING RETURNING update_id",
                {Value{update_id}, Value{now}, Value{raw}})
              .empty();
}

std::vector<int64_t> due(store::Tx& tx, int64_t after_id, Micros now, int limit) {
  const auto rows = tx.exec(
      "SELECT update_id FROM telegram_updates WHERE status = 'pending' AND update_id > $1"
      " AND next_attempt_at <= $2 ORDER BY update_id LIMIT $3",
      {Value{after_id}, Value{now}, Value{int64_t{limit}}});
  std::vector<int64_t> out;
  out.reserve(rows.rows.size());
  for (const auto& row : rows.rows) out.push_back(row.i64(0));
  return out;
}

std::optional<std::string> lock_due(store::Tx& tx, int64_t update_id, Micros now) {
  const auto row = tx.exec(
      "SELECT raw FROM telegram_updates WHERE update_id = $1"
      " AND status = 'pending' AND next_attempt_at <= $2" +
          lock_clause(tx),
      {Value{update_id}, Value{now}});
  if (row.empty()) return std::nullopt;
  return row.one().str(0);
}

void mark_done(store::Tx& tx, int64_t update_id, Micros now) {
  tx.exec(
      "UPDATE telegram_updates SET status = 'done', attempts = attempts + 1, done_at = $1,"
      " next_attempt_at = NULL WHERE update_id = $2",
      {Value{now}, Value{update_id}});
}

std::optional<Pending> lock_pending(store::Tx& tx, int64_t update_id) {
  const auto row = tx.exec(
      "SELECT raw, attempts FROM telegram_updates WHERE update_id = $1"
      " AND status = 'pending'" +
          std::string(tx.for_update()),
      {Value{update_id}});
  if (row.empty()) return std::nullopt;
  return Pending{row.one().str(0), row.one().i64(1)};
}

void schedule_retry(store::Tx& tx, int64_t update_id, int64_t attempts, const std::string& error,
                    Micros next_at) {
  tx.exec(
      "UPDATE telegram_updates SET attempts = $1, last_error = $2, next_attempt_at = $3"
      " WHERE update_id = $4",
      {Value{attempts}, Value{error}, Value{next_at}, Value{update_id}});
}

void mark_failed(store::Tx& tx, int64_t update_id, int64_t attempts, const std::string& error,
                 Micros now) {
  tx.exec(
      "UPDATE telegram_updates SET status = 'failed', attempts = $1, last_error = $2,"
      " next_attempt_at = NULL, done_at = $3 WHERE update_id = $4",
      {Value{attempts}, Value{error}, Value{now}, Value{update_id}});
}

}  // namespace sql
}  // namespace lucas::telegram
