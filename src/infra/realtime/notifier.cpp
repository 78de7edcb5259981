#include "infra/realtime/notifier.h"

#include "base/error.h"
#include "base/ids.h"

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

std::string token_key(store::Database& db, const std::string& configured, const Clock& clock) {
  if (!configured.empty()) return configured;
  return db.transact([&](store::Tx& tx) {
    tx.exec(
        "INSERT INTO realtime_keys (name, value, created_at) VALUES ('ws_token', $1, $2)"
        " ON CONFLICT (name) DO NOTHING",
        {store::Value{random_hex(32)}, store::Value{clock.now()}});
    return tx.exec("SELECT value FROM realtime_keys WHERE name = 'ws_token'").one().str(0);
  });
}

int64_t Notifier::push_to_user(store::Tx& tx, int64_t user_id, const std::string& type,
                               const nlohmann::json& data, const std::string& source) {
  if (type.empty() || type.size() > 100) {
    throw Error(ErrorCode::kInvalidArgument, "a notification type is 1-100 bytes");
  }
  Notification n{0, user_id, type, data, clock_.now()};
  const store::Value src = source.empty() ? store::Value{} : store::Value{source};
  const auto r = tx.exec(
      "INSERT INTO ws_notifications (user_id, type, data, source, created_at)"
      " VALUES ($1, $2, $3, $4, $5) ON CONFLICT (source) DO NOTHING RETURNING id",
      {store::Value{user_id}, store::Value{type}, store::Value{data.dump()}, src,
       store::Value{n.time}});
  if (r.empty()) return 0;  // this source was already notified
  n.id = r.one().i64(0);
  tx.after_commit(
      [this, message = user_message(n)] { bus_.publish(std::string(kUserChannel), message); });
  return n.id;
}

int64_t Notifier::push_to_user(int64_t user_id, const std::string& type, const nlohmann::json& data,
                               const std::string& source) {
  return db_.transact([&](store::Tx& tx) { return push_to_user(tx, user_id, type, data, source); });
}

void Notifier::push_to_topic(const std::string& topic, const std::string& type,
                             const nlohmann::json& data) {
  if (!valid_topic(topic)) {
    throw Error(ErrorCode::kInvalidArgument, "malformed topic", {{"topic", topic}});
  }
  bus_.publish(std::string(kTopicChannel), topic_message(topic, type, data));
}

std::vector<Notification> Notifier::missed(int64_t user_id, int64_t after_id, int limit) {
  return db_.read([&](store::Tx& tx) {
    const auto r = tx.exec(
        "SELECT id, type, data, created_at FROM ws_notifications"
        " WHERE user_id = $1 AND id > $2 ORDER BY id LIMIT $3",
        {store::Value{user_id}, store::Value{after_id}, store::Value{int64_t{limit}}});
    std::vector<Notification> out;
    out.reserve(r.rows.size());
    for (const auto& row : r.rows) {
      out.push_back(Notification{row.i64(0), user_id, row.str(1),
                                 nlohmann::json::parse(row.str(2), nullptr, false), row.i64(3)});
    }
    return out;
  });
}

int64_t Notifier::prune(Micros before) {
  return db_.transact([&](store::Tx& tx) {
    return tx.exec("DELETE FROM ws_notifications WHERE created_at < $1", {store::Value{before}})
        .affected;
  });
}

}  // namespace lucas::realtime
