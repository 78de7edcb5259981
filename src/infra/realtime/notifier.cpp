#include "infra/realtime/notifier.h"

#include "base/error.h"
#include "base/ids.h"
#include "infra/realtime/notifier_store.h"

namespace lucas::realtime {

std::string token_key(store::Database& db, const std::string& configured, const Clock& clock) {
  if (!configured.empty()) return configured;
  return db.transact(
      [&](store::Tx& tx) { return sql::token_key(tx, random_hex(32), clock.now()); });
}

int64_t Notifier::push_to_user(store::Tx& tx, int64_t user_id, const std::string& type,
                               const nlohmann::json& data, const std::string& source) {
  if (type.empty() || type.size() > 100) {
    throw Error(ErrorCode::kInvalidArgument, "a notification type is 1-100 bytes");
  }
  Notification n{0, user_id, type, data, clock_.now()};
  const store::Value src = source.empty() ? store::Value{} : store::Value{source};
  const auto id = sql::insert_notification(tx, n, src);
  if (!id) return 0;  // this source was already notified
  n.id = *id;
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
  return db_.read(
      [&](store::Tx& tx) { return sql::notifications_after(tx, user_id, after_id, limit); });
}

int64_t Notifier::prune(Micros before) {
  return db_.transact([&](store::Tx& tx) { return sql::delete_before(tx, before); });
}

}  // namespace lucas::realtime
