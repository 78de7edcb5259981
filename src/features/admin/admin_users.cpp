#include "features/admin/admin_users.h"

namespace lucas::admin {
namespace {

// A part the actor may not read is left out; any other failure fails the page.
template <typename F>
auto readable(F&& read) -> std::optional<decltype(read())> {
  try {
    return read();
  } catch (const Error& e) {
    if (e.code() == ErrorCode::kForbidden || e.code() == ErrorCode::kInsufficientScope) {
      return std::nullopt;
    }
    throw;
  }
}

}  // namespace

UserOverview UserDesk::overview(const users::Actor& actor, int64_t telegram_id,
                                const std::string& ip) {
  UserOverview o;
  o.user = users_.lookup(actor, telegram_id);
  o.balances = readable([&] { return users_.balances(actor, telegram_id); });
  o.links = readable([&] {
    if (actor.user_id != telegram_id) actor.require_scope(users::scope::kAdmin);
    return bank_.links_of(actor.user_id, telegram_id);
  });
  o.sessions = readable([&] { return sessions_.list(actor, telegram_id); });
  o.audit = readable([&] {
    audit::Query q;
    q.subject = telegram_id;
    q.newest_first = true;
    q.limit = kAuditEntries;
    return admin_.search_audit(actor.user_id, ip, q);
  });
  o.may_adjust = users_.may_adjust(actor.user_id, o.user);
  o.may_ban = users_.may_ban(actor.user_id, o.user);
  o.roles = users_.assignable_roles(actor.user_id, o.user);
  return o;
}

}  // namespace lucas::admin
