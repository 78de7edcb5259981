// SQL of the durable Telegram intake (internal). Table telegram_updates: every update received,
// its raw JSON until handled, and its state (pending with its attempts and when it is due next,
// done, or failed with the last error).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "infra/telegram/updates.h"

namespace lucas::telegram::sql {

std::vector<FailedUpdate> failed(store::Tx& tx, int64_t after_id, int limit);
// Puts the failed update `id` (every one when none) back to pending, due at `now`.
int64_t retry_failed(store::Tx& tx, std::optional<int64_t> id, Micros now);
// Deletes the updates done before `before`; returns how many.
int64_t delete_done_before(store::Tx& tx, Micros before);

// Pending updates, counting no further than `cap`.
int64_t count_pending_up_to(store::Tx& tx, int64_t cap);
int64_t count_pending(store::Tx& tx);
// Stores a new pending update, due at `now`; false when the update id was seen before.
bool insert_pending(store::Tx& tx, int64_t update_id, Micros now, const std::string& raw);
// Ids of the pending updates after `after_id` due at `now`, in order, at most `limit`.
std::vector<int64_t> due(store::Tx& tx, int64_t after_id, Micros now, int limit);

// The raw update, if it is pending and due at `now`, locked for handling (on PostgreSQL an update
// another node is handling is skipped: nullopt).
std::optional<std::string> lock_due(store::Tx& tx, int64_t update_id, Micros now);
void mark_done(store::Tx& tx, int64_t update_id, Micros now);

struct Pending {
  std::string raw;
  int64_t attempts = 0;
};
// The update if still pending, locked (FOR UPDATE on PostgreSQL).
std::optional<Pending> lock_pending(store::Tx& tx, int64_t update_id);
// Records a failed attempt; the update is due again at `next_at`.
void schedule_retry(store::Tx& tx, int64_t update_id, int64_t attempts, const std::string& error,
                    Micros next_at);
// Sets the update aside as failed after its last attempt.
void mark_failed(store::Tx& tx, int64_t update_id, int64_t attempts, const std::string& error,
                 Micros now);

}  // namespace lucas::telegram::sql
