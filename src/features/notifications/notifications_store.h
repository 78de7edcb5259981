// SQL of the notifications feature (internal). Tables:
//   notification_reads  per user, the id up to which their notifications are read (only grows)
// The notifications themselves are the realtime notifier's (ws_notifications), read through
// realtime::Notifier.
#pragma once

#include <cstdint>

#include "base/clock.h"
#include "infra/store/db.h"
#include "infra/store/migrate.h"

namespace lucas::notifications {

store::MigrationSet migrations();

namespace sql {

// The user's read marker; 0 when they never marked anything.
int64_t read_marker(store::Tx& tx, int64_t user_id);
// Moves the user's marker up to `up_to_id` unless it is there or beyond already (a lower id
// changes nothing); returns the marker after the call.
int64_t advance_marker(store::Tx& tx, int64_t user_id, int64_t up_to_id, Micros now);

}  // namespace sql
}  // namespace lucas::notifications
