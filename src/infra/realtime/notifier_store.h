// SQL of the notifier (internal). Tables:
//   ws_notifications  every stored user notification (resume by id; `source` makes a push once)
//   realtime_keys     the WebSocket token key shared by every node
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "infra/realtime/notifier.h"

namespace lucas::realtime::sql {

// Stores `candidate` as the token key unless one is there already; returns the stored one.
std::string token_key(store::Tx& tx, const std::string& candidate, Micros now);
// The new notification's id; nullopt when its source was stored before.
std::optional<int64_t> insert_notification(store::Tx& tx, const Notification& n,
                                           const store::Value& source);
// The user's notifications after `after_id`, oldest first, at most `limit`.
std::vector<Notification> notifications_after(store::Tx& tx, int64_t user_id, int64_t after_id,
                                              int limit);
// The user's notifications with id < `before` (and of `type` unless empty), newest first, at most
// `limit`.
std::vector<Notification> notifications_before(store::Tx& tx, int64_t user_id, int64_t before,
                                               const std::string& type, int limit);
// How many of the user's notifications have an id above `after_id`.
int64_t count_after(store::Tx& tx, int64_t user_id, int64_t after_id);
// The largest id of the user's notifications that is at most `id`; 0 when there is none.
int64_t last_id_up_to(store::Tx& tx, int64_t user_id, int64_t id);
// The largest notification id; 0 when there is none.
int64_t last_notification_id(store::Tx& tx);
// Every user's notifications with an id above `after_id`, oldest first, at most `limit`.
std::vector<Notification> notifications_from(store::Tx& tx, int64_t after_id, int limit);
// Deletes the notifications created before `before`; returns how many.
int64_t delete_before(store::Tx& tx, Micros before);

}  // namespace lucas::realtime::sql
