#include "infra/realtime/notifier_store.h"

namespace lucas::realtime {

store::MigrationSet migrations() {
  return {"realtime",
          {{1, "notifications",
            "CREATE TABLE ws_notifications ("
            " id {{id}}, user_id BIGINT NOT NULL, type TEXT NOT NULL, data TEXT NOT NULL,"
            " source TEXT UNIQUE, created_at BIGINT NOT NULL);"
            "CREATE INDEX ws_notifications_user ON ws_notifications (user_id, id);"
            "CREATE INDEX ws_notifications_created ON ws_notifications (created_at);"
            "CREATE TABLE realtime_keys ("
            " name TEXT PRIMARY KEY, value TEXT NOT NULL, created_at BIGINT NOT NULL);"}}};
}

namespace sql {

std::string token_key(store::Tx& tx, const std::string& candidate, Micros now) {
  tx.exec(
      "INSERT INTO realtime_keys (name, value, created_at) VALUES ('ws_token', $1, $2)"
      " ON CONFLICT (name) DO NOTHING",
      {store::Value{candidate}, store::Value{now}});
  return tx.exec("SELECT value FROM realtime_keys WHERE name = 'ws_token'").one().str(0);
}

std::optional<int64_t> insert_notification(store::Tx& tx, const Notification& n,
                                           const store::Value& source) {
  const auto r = tx.exec(
      "INSERT INTO ws_notifications (user_id, type, data, source, created_at)"
      " VALUES ($1, $2, $3, $4, $5) ON CONFLICT (source) DO NOTHING RETURNING id",
      {store::Value{n.user_id}, store::Value{n.type}, store::Value{n.data.dump()}, source,
       store::Value{n.time}});
  if (r.empty()) return std::nullopt;
  return r.one().i64(0);
}

namespace {

std::vector<Notification> notifications_of(const store::Result& r, int64_t user_id) {
  std::vector<Notification> out;
  out.reserve(r.rows.size());
  for (const auto& row : r.rows) {
    out.push_back(Notification{row.i64(0), user_id, row.str(1),
                               nlohmann::json::parse(row.str(2), nullptr, false), row.i64(3)});
  }
  return out;
}

}  // namespace

std::vector<Notification> notifications_after(store::Tx& tx, int64_t user_id, int64_t after_id,
                                              int limit) {
  return notifications_of(
      tx.exec("SELECT id, type, data, created_at FROM ws_notifications"
              " WHERE user_id = $1 AND id > $2 ORDER BY id LIMIT $3",
              {store::Value{user_id}, store::Value{after_id}, store::Value{int64_t{limit}}}),
      user_id);
}

std::vector<Notification> notifications_before(store::Tx& tx, int64_t user_id, int64_t before,
                                               const std::string& type, int limit) {
  if (type.empty()) {
    return notifications_of(
        tx.exec("SELECT id, type, data, created_at FROM ws_notifications"
                " WHERE user_id = $1 AND id < $2 ORDER BY id DESC LIMIT $3",
                {store::Value{user_id}, store::Value{before}, store::Value{int64_t{limit}}}),
        user_id);
  }
  return notifications_of(
      tx.exec("SELECT id, type, data, created_at FROM ws_notifications"
              " WHERE user_id = $1 AND id < $2 AND type = $3 ORDER BY id DESC LIMIT $4",
              {store::Value{user_id}, store::Value{before}, store::Value{type},
               store::Value{int64_t{limit}}}),
      user_id);
}

int64_t count_after(store::Tx& tx, int64_t user_id, int64_t after_id) {
  return tx
      .exec("SELECT COUNT(*) FROM ws_notifications WHERE user_id = $1 AND id > $2",
            {store::Value{user_id}, store::Value{after_id}})
      .one()
      .i64(0);
}

int64_t last_id_up_to(store::Tx& tx, int64_t user_id, int64_t id) {
  return tx
      .exec("SELECT MAX(id) FROM ws_notifications WHERE user_id = $1 AND id <= $2",
            {store::Value{user_id}, store::Value{id}})
      .one()
      .opt_i64(0)
      .value_or(0);
}

int64_t last_notification_id(store::Tx& tx) {
  return tx.exec("SELECT MAX(id) FROM ws_notifications").one().opt_i64(0).value_or(0);
}

std::vector<Notification> notifications_from(store::Tx& tx, int64_t after_id, int limit) {
  const auto r = tx.exec(
      "SELECT id, user_id, type, data, created_at FROM ws_notifications"
      " WHERE id > $1 ORDER BY id LIMIT $2",
      {store::Value{after_id}, store::Value{int64_t{limit}}});
  std::vector<Notification> out;
  out.reserve(r.rows.size());
  for (const auto& row : r.rows) {
    out.push_back(Notification{row.i64(0), row.i64(1), row.str(2),
                               nlohmann::json::parse(row.str(3), nullptr, false), row.i64(4)});
  }
  return out;
}

int64_t delete_before(store::Tx& tx, Micros before) {
  return tx.exec("DELETE FROM ws_notifications WHERE created_at < $1", {store::Value{before}})
      .affected;
}

}  // namespace sql
}  // namespace lucas::realtime
