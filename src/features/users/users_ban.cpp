// Bans: who may ban whom, the ban's end by the clock, and the refusal every face gives.
#include "features/users/users.h"
#include "features/users/users_store.h"
#include "infra/events/outbox.h"

namespace lucas::users {
namespace {

constexpr size_t kMaxReasonBytes = 500;

std::string validated_reason(const std::string& reason) {
  if (reason.find_first_not_of(" \t\r\n") == std::string::npos) {
    throw Error(ErrorCode::kInvalidArgument, "a ban needs a reason");
  }
  if (reason.size() > kMaxReasonBytes) {
    throw Error(ErrorCode::kInvalidArgument, "the reason is too long",
                {{"max_bytes", kMaxReasonBytes}});
  }
  for (unsigned char c : reason) {
    if (c < 0x20 && c != '\n') {
      throw Error(ErrorCode::kInvalidArgument, "the reason contains control characters");
    }
  }
  return reason;
}

User existing(store::Tx& tx, int64_t telegram_id) {
  if (telegram_id <= 0) {
    throw Error(ErrorCode::kInvalidArgument, "a Telegram user id is a positive integer",
                {{"id", telegram_id}});
  }
  auto u = sql::find(tx, telegram_id);
  if (!u) {
    throw Error(ErrorCode::kNotFound, "user " + std::to_string(telegram_id) + " not found",
                {{"id", telegram_id}});
  }
  return *u;
}

}  // namespace

std::optional<User> UserService::current(std::optional<User> u) const {
  if (u && u->ban && u->ban->until && *u->ban->until <= clock_.now()) u->ban.reset();
  return u;
}

void UserService::require_ban_rights(store::Tx& tx, int64_t actor_id, const User& target) {
  if (actor_id == 0) return;  // the operator at the console
  const auto actor = sql::find(tx, actor_id);
  const Role role = actor ? actor->role : Role::kUser;
  if (role < Role::kAdmin || role <= target.role) {
    throw Error(ErrorCode::kForbidden,
                "only admins may ban or unban, and only users below their own role",
                {{"actor_role", role_name(role)}, {"user_role", role_name(target.role)}});
  }
}

User UserService::ban(int64_t actor_id, int64_t telegram_id, const std::string& reason,
                      std::optional<Micros> until, const std::string& ip) {
  const std::string why = validated_reason(reason);
  return db_.transact([&](store::Tx& tx) {
    User u = existing(tx, telegram_id);
    require_ban_rights(tx, actor_id, u);
    const Micros now = clock_.now();
    if (until && *until <= now) {
      throw Error(ErrorCode::kInvalidArgument, "a ban must end in the future",
                  {{"until", format_rfc3339(*until)}, {"now", format_rfc3339(now)}});
    }
    u.ban = Ban{why, actor_id, now, until};
    sql::set_ban(tx, telegram_id, u.ban);
    const nlohmann::json until_json = until ? nlohmann::json(format_rfc3339(*until)) : nullptr;
    if (outbox_ != nullptr) {
      outbox_->publish(tx, "users.changed", {{"telegram_id", telegram_id}});
      // Every node closes the user's WebSocket connections.
      outbox_->publish(tx, "users.banned", {{"telegram_id", telegram_id}, {"until", until_json}});
    }
    if (audit_ != nullptr) {
      audit_->append(tx, audit::entry(actor_id, "admin.ban", "user:" + std::to_string(telegram_id),
                                      {{"reason", why}, {"until", until_json}})
                             .with_ip(ip));
    }
    return u;
  });
}

User UserService::unban(int64_t actor_id, int64_t telegram_id, const std::string& ip) {
  return db_.transact([&](store::Tx& tx) {
    User u = existing(tx, telegram_id);
    require_ban_rights(tx, actor_id, u);
    if (!u.ban) {
      throw Error(ErrorCode::kConflict, "user " + std::to_string(telegram_id) + " is not banned",
                  {{"id", telegram_id}});
    }
    const Ban lifted = *u.ban;
    u.ban.reset();
    sql::set_ban(tx, telegram_id, std::nullopt);
    if (outbox_ != nullptr) outbox_->publish(tx, "users.changed", {{"telegram_id", telegram_id}});
    if (audit_ != nullptr) {
      audit_->append(tx,
                     audit::entry(actor_id, "admin.unban", "user:" + std::to_string(telegram_id),
                                  {{"reason", lifted.reason}})
                         .with_ip(ip));
    }
    return u;
  });
}

void UserService::require_not_banned(const User& user) {
  if (!user.ban) return;
  const auto& b = *user.ban;
  throw Error(ErrorCode::kUserBanned,
              b.until ? "you are banned until " + format_rfc3339(*b.until) + ": " + b.reason
                      : "you are banned: " + b.reason,
              {{"reason", b.reason},
               {"until", b.until ? nlohmann::json(format_rfc3339(*b.until)) : nullptr}});
}

void UserService::require_not_banned(int64_t telegram_id) {
  if (const auto u = find(telegram_id)) require_not_banned(*u);
}

}  // namespace lucas::users
