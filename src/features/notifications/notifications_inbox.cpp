#include "features/notifications/notifications_inbox.h"

#include "base/error.h"
#include "features/notifications/notifications_store.h"

namespace lucas::notifications {
namespace {

// The user whose notifications the actor reads: themself, with the `ws` scope.
int64_t owner(const users::Actor& actor) {
  actor.require_scope(users::scope::kWs);  // UNAUTHORIZED, INSUFFICIENT_SCOPE
  if (actor.user_id == 0) {
    throw Error(ErrorCode::kUnauthorized, "notifications belong to a signed-in user");
  }
  return actor.user_id;
}

Error invalid(const std::string& field, const std::string& message) {
  return Error(ErrorCode::kInvalidArgument, message, {{"field", field}});
}

}  // namespace

InboxPage Inbox::list(const users::Actor& actor, const InboxQuery& query) {
  const int64_t user = owner(actor);
  if (query.limit < 1 || query.limit > kInboxMaxLimit) {
    throw invalid("limit", "limit must be between 1 and " + std::to_string(kInboxMaxLimit));
  }
  if (query.before && *query.before < 1) {
    throw invalid("before", "before must be a notification id (1 or more)");
  }
  if (query.type && (query.type->empty() || query.type->size() > 100)) {
    throw invalid("type", "type is a notification type of 1-100 bytes, e.g. money.credited");
  }
  return db_.read([&](store::Tx& tx) {
    InboxPage page;
    page.read_up_to = sql::read_marker(tx, user);
    const int limit = static_cast<int>(query.limit);
    auto rows =
        notifier_.newest(tx, user, query.before.value_or(0), query.type.value_or(""), limit + 1);
    if (static_cast<int>(rows.size()) > limit) {
      rows.resize(static_cast<size_t>(limit));
      page.next_before = rows.back().id;
    }
    page.items.reserve(rows.size());
    for (auto& n : rows) {
      const bool read = n.id <= page.read_up_to;
      page.items.push_back(InboxItem{std::move(n), read});
    }
    page.unread = notifier_.count_after(tx, user, page.read_up_to);
    return page;
  });
}

ReadState Inbox::mark_read(const users::Actor& actor, int64_t up_to_id) {
  const int64_t user = owner(actor);
  if (up_to_id < 0) throw invalid("up_to_id", "up_to_id must be a notification id (0 or more)");
  return db_.transact([&](store::Tx& tx) {
    // Only as far as the user's own notifications go: a later one is never read in advance.
    const int64_t last = notifier_.last_id_up_to(tx, user, up_to_id);
    ReadState s;
    s.read_up_to =
        last > 0 ? sql::advance_marker(tx, user, last, clock_.now()) : sql::read_marker(tx, user);
    s.unread = notifier_.count_after(tx, user, s.read_up_to);
    return s;
  });
}

}  // namespace lucas::notifications
