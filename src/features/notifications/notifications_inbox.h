// The player's notifications as a list with a read state (the web app's Notifications page,
// GET /api/v1/me/notifications, POST /api/v1/me/notifications/read). The notifications are the
// ones the realtime notifier stores for resume (money.credited, money.debited, other features'
// types), kept ws.retention_days; what is read is one marker per user: every notification with an
// id up to it. The marker only moves forward, and only to an id of the user's own notifications
// (marking "up to" an id beyond them reads what there is, never a notification still to come).
//
// Who may: the signed-in user, for themself only (there is no user parameter: another user's
// notifications cannot be named); through an API client, with the `ws` scope (the WebSocket
// already replays the same stored notifications to its token). Anonymous: UNAUTHORIZED; a token
// without the scope: INSUFFICIENT_SCOPE; the console has no notifications of its own
// (UNAUTHORIZED).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "base/clock.h"
#include "features/users/access.h"
#include "infra/realtime/notifier.h"
#include "infra/store/db.h"

namespace lucas::notifications {

inline constexpr int64_t kInboxMaxLimit = 100;
inline constexpr int64_t kInboxDefaultLimit = 20;

struct InboxQuery {
  std::optional<int64_t> before;  // ids below this one (the next page); nullopt: from the newest
  int64_t limit = kInboxDefaultLimit;  // 1..kInboxMaxLimit
  std::optional<std::string> type;     // only this type (1-100 bytes); nullopt: every type
};

struct InboxItem {
  realtime::Notification notification;
  bool read = false;
};

struct InboxPage {
  std::vector<InboxItem> items;        // newest first
  std::optional<int64_t> next_before;  // `before` of the next page; nullopt: this is the last
  int64_t unread = 0;                  // of every type, whatever the filter
  int64_t read_up_to = 0;              // the marker
};

struct ReadState {
  int64_t read_up_to = 0;
  int64_t unread = 0;
};

class Inbox {
 public:
  Inbox(store::Database& db, realtime::Notifier& notifier, const Clock& clock)
      : db_(db), notifier_(notifier), clock_(clock) {}

  // A page of the actor's own notifications. INVALID_ARGUMENT (details.field) for a limit
  // outside 1..100, a `before` below 1 or a type that is empty or over 100 bytes.
  InboxPage list(const users::Actor& actor, const InboxQuery& query);
  // Marks every notification of the actor up to `up_to_id` read; a lower id than the marker
  // changes nothing, and so does a repeat. INVALID_ARGUMENT for a negative id.
  ReadState mark_read(const users::Actor& actor, int64_t up_to_id);

 private:
  store::Database& db_;
  realtime::Notifier& notifier_;
  const Clock& clock_;
};

}  // namespace lucas::notifications
