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
// Deletes the notifications created before `before`; returns how many.
int64_t delete_before(store::Tx& tx, Micros before);

}  // namespace lucas::realtime::sql
