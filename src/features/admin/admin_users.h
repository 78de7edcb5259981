// The admin panel's page of one user: everything the admin tools show about them, each part read
// through its own service's rule — so a moderator sees the record and the nickname links, and an
// admin over the user also the balances, web sessions and audit trail. A part the actor may not
// read is absent (nullopt), never an error for the whole page.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "features/admin/admin.h"
#include "features/bank/bank.h"
#include "features/sessions/sessions.h"
#include "features/users/users.h"

namespace lucas::admin {

struct UserOverview {
  users::User user;
  std::optional<std::vector<users::Balance>> balances;  // every currency held
  std::optional<bank::BankService::PlayerLinks> links;  // game nicknames, claims, waiting credits
  std::optional<std::vector<sessions::Session>> sessions;  // live web sign-ins
  std::optional<std::vector<audit::Entry>> audit;  // newest first: by the user or to the user
  // What the actor may do to the user (the services' own rules, asked ahead: the panel shows the
  // forms for these only; the services still refuse anything else).
  bool may_adjust = false;
  bool may_ban = false;
  std::vector<users::Role> roles;  // the roles the actor may give the user
};

class UserDesk {
 public:
  UserDesk(users::UserService& users, AdminService& admin, bank::BankService& bank,
           sessions::SessionService& sessions)
      : users_(users), admin_(admin), bank_(bank), sessions_(sessions) {}

  // Staff only (UserService::lookup: moderators and above, the `admin` scope); NOT_FOUND for an
  // unknown user. Reading the audit trail is itself audited (AdminService::search_audit).
  static constexpr int kAuditEntries = 20;
  UserOverview overview(const users::Actor& actor, int64_t telegram_id, const std::string& ip);

 private:
  users::UserService& users_;
  AdminService& admin_;
  bank::BankService& bank_;
  sessions::SessionService& sessions_;
};

}  // namespace lucas::admin
