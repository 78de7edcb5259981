// SQL of the outbox (internal). Table outbox: every event, its dispatch state (claimed by a node
// until a time, dispatched, or given up after failed attempts) and its last error.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "infra/events/outbox.h"

namespace lucas::events::sql {

// The new event's id.
int64_t insert(store::Tx& tx, const std::string& topic, const nlohmann::json& payload, Micros now);

struct Claimed {
  Event ev;
  int64_t attempts = 0;  // failed dispatches before this one
};
// Claims up to `limit` due events (not dispatched, not given up, unclaimed or with an expired
// claim) for `node_id` until `until`, in id order; skips rows other nodes hold on PostgreSQL.
std::vector<Claimed> claim(store::Tx& tx, const std::string& node_id, Micros now, Micros until,
                           int limit);
// Marks a claimed event dispatched.
void mark_dispatched(store::Tx& tx, int64_t id, Micros at);
// Sets a claimed event aside after its last failed attempt.
void mark_given_up(store::Tx& tx, int64_t id, Micros at, int64_t attempts,
                   const std::string& error);
// Leaves a claimed event for a retry at `retry_at`.
void schedule_retry(store::Tx& tx, int64_t id, Micros retry_at, int64_t attempts,
                    const std::string& error);

int64_t max_id(store::Tx& tx);  // 0 when empty
// Events with ids above `after_id`, in id order, at most kEventsAfterLimit.
inline constexpr size_t kEventsAfterLimit = 500;
std::vector<Event> events_after(store::Tx& tx, int64_t after_id);
// Deletes the events dispatched before `before`; returns how many.
int64_t delete_dispatched_before(store::Tx& tx, Micros before);

std::vector<GivenUp> given_up(store::Tx& tx, int64_t after_id, int limit);
// Puts the given-up event `id` (every one when none) back in the queue; returns how many.
int64_t retry_given_up(store::Tx& tx, std::optional<int64_t> id);
int64_t count_given_up(store::Tx& tx);
// Events waiting to be dispatched (not given up).
int64_t count_pending(store::Tx& tx);

}  // namespace lucas::events::sql
