#include "infra/events/outbox_store.h"

namespace lucas::events {

store::MigrationSet migrations() {
  return {"events",
          {{1, "outbox",
            "CREATE TABLE outbox ("
            " id {{id}}, topic TEXT NOT NULL, payload TEXT NOT NULL,"
            " created_at BIGINT NOT NULL, dispatched_at BIGINT);"
            "CREATE INDEX outbox_pending ON outbox (dispatched_at, id);"},
           // Claims: which node is dispatching an event, and until when (then it is replayed).
           {2, "outbox_claims",
            "ALTER TABLE outbox ADD COLUMN claimed_by TEXT;"
            "ALTER TABLE outbox ADD COLUMN claimed_until BIGINT;"},
           // Retries of an event whose once-subscriber failed.
           {3, "outbox_attempts",
            "ALTER TABLE outbox ADD COLUMN attempts INTEGER NOT NULL DEFAULT 0;"
            "ALTER TABLE outbox ADD COLUMN last_error TEXT;"},
           // Given-up events are set aside instead of marked dispatched (so never pruned). The
           // rows the old code gave up are those that failed 10 times (max_attempts is not a
           // setting: always the default) and were still marked dispatched.
           {4, "outbox_given_up",
            "ALTER TABLE outbox ADD COLUMN given_up_at BIGINT;"
            "UPDATE outbox SET given_up_at = dispatched_at, dispatched_at = NULL"
            " WHERE last_error IS NOT NULL AND dispatched_at IS NOT NULL AND attempts >= 10;"
            "CREATE INDEX outbox_given_up ON outbox (id) WHERE given_up_at IS NOT NULL;"}}};
}

namespace sql {
namespace {

using store::Value;

Event event_of(const store::Row& row) {
  return Event{row.i64(0), row.str(1), nlohmann::json::parse(row.str(2), nullptr, false),
               row.i64(3)};
}

}  // namespace

int64_t insert(store::Tx& tx, const std::string& topic, const nlohmann::json& payload, Micros now) {
  return tx
      .exec("INSERT INTO outbox (topic, payload, created_at) VALUES ($1, $2, $3) RETURNING id",
            {Value{topic}, Value{payload.dump()}, Value{now}})
      .one()
      .i64(0);
}

std::vector<Claimed> claim(store::Tx& tx, const std::string& node_id, Micros now, Micros until,
                           int limit) {
  const std::string skip_locked =
      tx.engine() == store::Engine::kPostgres ? " FOR UPDATE SKIP LOCKED" : "";
  const auto rows = tx.exec(
      "SELECT id, topic, payload, created_at, attempts FROM outbox WHERE dispatched_at IS NULL"
      " AND given_up_at IS NULL AND (claimed_until IS NULL OR claimed_until < $1)"
      " ORDER BY id LIMIT $2" +
          skip_locked,
      {Value{now}, Value{int64_t{limit}}});
  std::vector<Claimed> claimed;
  for (const auto& row : rows.rows) {
    claimed.push_back(Claimed{event_of(row), row.i64(4)});
    tx.exec("UPDATE outbox SET claimed_by = $1, claimed_until = $2 WHERE id = $3",
            {Value{node_id}, Value{until}, Value{claimed.back().ev.id}});
  }
  return claimed;
}

void mark_dispatched(store::Tx& tx, int64_t id, Micros at) {
  tx.exec(
      "UPDATE outbox SET dispatched_at = $1, claimed_by = NULL, claimed_until = NULL"
      " WHERE id = $2 AND dispatched_at IS NULL",
      {Value{at}, Value{id}});
}

void mark_given_up(store::Tx& tx, int64_t id, Micros at, int64_t attempts,
                   const std::string& error) {
  tx.exec(
      "UPDATE outbox SET given_up_at = $1, claimed_by = NULL, claimed_until = NULL,"
      " attempts = $2, last_error = $3 WHERE id = $4 AND dispatched_at IS NULL",
      {Value{at}, Value{attempts}, Value{error}, Value{id}});
}

void schedule_retry(store::Tx& tx, int64_t id, Micros retry_at, int64_t attempts,
                    const std::string& error) {
  tx.exec(
      "UPDATE outbox SET claimed_until = $1, attempts = $2, last_error = $3"
      " WHERE id = $4 AND dispatched_at IS NULL",
      {Value{retry_at}, Value{attempts}, Value{error}, Value{id}});
}

int64_t max_id(store::Tx& tx) {
  return tx.exec("SELECT COALESCE(MAX(id), 0) FROM outbox").one().i64(0);
}

std::vector<Event> events_after(store::Tx& tx, int64_t after_id) {
  const auto rows = tx.exec(
      "SELECT id, topic, payload, created_at FROM outbox WHERE id > $1 ORDER BY id LIMIT 500",
      {Value{after_id}});
  std::vector<Event> out;
  out.reserve(rows.rows.size());
  for (const auto& row : rows.rows) out.push_back(event_of(row));
  return out;
}

int64_t delete_dispatched_before(store::Tx& tx, Micros before) {
  return tx
      .exec("DELETE FROM outbox WHERE dispatched_at IS NOT NULL AND dispatched_at < $1",
            {Value{before}})
      .affected;
}

std::vector<GivenUp> given_up(store::Tx& tx, int64_t after_id, int limit) {
  const auto rows = tx.exec(
      "SELECT id, topic, payload, created_at, attempts, COALESCE(last_error, ''), given_up_at"
      " FROM outbox WHERE given_up_at IS NOT NULL AND id > $1 ORDER BY id LIMIT $2",
      {Value{after_id}, Value{int64_t{limit}}});
  std::vector<GivenUp> out;
  for (const auto& row : rows.rows) {
    out.push_back(GivenUp{event_of(row), row.i64(4), row.str(5), row.i64(6)});
  }
  return out;
}

int64_t retry_given_up(store::Tx& tx, std::optional<int64_t> id) {
  const std::string sql =
      "UPDATE outbox SET given_up_at = NULL, attempts = 0, claimed_by = NULL,"
      " claimed_until = NULL WHERE given_up_at IS NOT NULL";
  return id ? tx.exec(sql + " AND id = $1", {Value{*id}}).affected : tx.exec(sql).affected;
}

int64_t count_given_up(store::Tx& tx) {
  return tx.exec("SELECT COUNT(*) FROM outbox WHERE given_up_at IS NOT NULL").one().i64(0);
}

int64_t count_pending(store::Tx& tx) {
  return tx.exec("SELECT COUNT(*) FROM outbox WHERE dispatched_at IS NULL AND given_up_at IS NULL")
      .one()
      .i64(0);
}

}  // namespace sql
}  // namespace lucas::events
