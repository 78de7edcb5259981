#include "infra/realtime/notifier.h"

#include <algorithm>

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
  remember(n.id);  // before the commit: a catch-up round must not publish it a second time
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

std::vector<Notification> Notifier::newest(store::Tx& tx, int64_t user_id, int64_t before,
                                           const std::string& type, int limit) {
  return sql::notifications_before(tx, user_id, before > 0 ? before : INT64_MAX, type, limit);
}

int64_t Notifier::count_after(store::Tx& tx, int64_t user_id, int64_t after_id) {
  return sql::count_after(tx, user_id, after_id);
}

int64_t Notifier::last_id_up_to(store::Tx& tx, int64_t user_id, int64_t id) {
  return sql::last_id_up_to(tx, user_id, id);
}

void Notifier::remember(int64_t id) {
  std::lock_guard lock(mu_);
  published_.insert(id);
  // Without catch-up rounds (a console command; a node on Redis) nothing prunes the set: it keeps
  // the newest ids only, far more than a round's lookback.
  if (published_.size() > kRemembered) published_.erase(published_.begin());
}

int Notifier::catch_up() {
  std::vector<Notification> found;
  {
    std::lock_guard lock(mu_);
    if (watermark_ < 0) {
      watermark_ = db_.read([](store::Tx& tx) { return sql::last_notification_id(tx); });
      floor_ = watermark_;  // what is there already is history: clients resume it
      return 0;
    }
    const int64_t from = std::max(floor_, watermark_ - kCatchUpLookback);
    auto rows = db_.read([&](store::Tx& tx) { return sql::notifications_from(tx, from, 500); });
    for (auto& n : rows) {
      watermark_ = std::max(watermark_, n.id);
      if (published_.insert(n.id).second) found.push_back(std::move(n));
    }
    published_.erase(published_.begin(), published_.lower_bound(watermark_ - kCatchUpLookback));
  }
  for (const auto& n : found) bus_.publish(std::string(kUserChannel), user_message(n));
  return static_cast<int>(found.size());
}

int64_t Notifier::prune(Micros before) {
  return db_.transact([&](store::Tx& tx) { return sql::delete_before(tx, before); });
}

}  // namespace lucas::realtime
