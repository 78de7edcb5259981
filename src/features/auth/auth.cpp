#include "features/auth/auth.h"

#include <cctype>

#include "base/ids.h"
#include "features/auth/auth_store.h"

namespace lucas::auth {

nlohmann::json to_json(const Client& c) {
  const auto opt_time = [](const std::optional<Micros>& t) {
    return t ? nlohmann::json(format_rfc3339(*t)) : nlohmann::json(nullptr);
  };
  return {{"client_id", c.client_id},
          {"user_id", c.user_id},
          {"name", c.name},
          {"scopes", c.scopes},
          {"status", c.status},
          {"confirm_before", opt_time(c.confirm_before)},
          {"created_at", format_rfc3339(c.created_at)},
          {"revoked_at", opt_time(c.revoked_at)},
          {"last_used_at", opt_time(c.last_used_at)}};
}

std::optional<std::string> bearer_token(std::string_view authorization) {
  size_t i = 0;
  while (i < authorization.size() && authorization[i] == ' ') ++i;
  constexpr std::string_view kScheme = "bearer";
  if (authorization.size() < i + kScheme.size() + 1) return std::nullopt;
  for (size_t k = 0; k < kScheme.size(); ++k) {
    if (std::tolower(static_cast<unsigned char>(authorization[i + k])) != kScheme[k]) {
      return std::nullopt;
    }
  }
  i += kScheme.size();
  if (authorization[i] != ' ') return std::nullopt;
  while (i < authorization.size() && authorization[i] == ' ') ++i;
  size_t end = authorization.size();
  while (end > i && authorization[end - 1] == ' ') --end;
  if (end == i) return std::nullopt;
  return std::string(authorization.substr(i, end - i));
}

AuthService::AuthService(store::Database& db, users::UserService& users, const Clock& clock,
                         audit::AuditLog* audit, Options options)
    : db_(db), users_(users), clock_(clock), audit_(audit), options_(options) {}

AuthService::~AuthService() = default;

void AuthService::audit_ok(store::Tx& tx, int64_t actor, const std::string& action,
                           const std::string& target, const std::string& ip,
                           nlohmann::json details) {
  if (audit_ == nullptr) return;
  audit_->append(tx, audit::entry(actor, action, target, std::move(details)).with_ip(ip));
}

void AuthService::require_manager(store::Tx& tx, const users::Actor& actor, int64_t user_id,
                                  std::string_view scope, std::string_view what) {
  actor.require_scope(scope);
  if (actor.console || actor.user_id == user_id) return;
  // Roles as they are now, not as they were when the token was checked.
  const auto me = users_.find(tx, actor.user_id);
  const auto target = users_.find(tx, user_id);
  if (!users::may_administer(me ? me->role : users::Role::kUser,
                             target ? target->role : users::Role::kUser)) {
    throw Error(ErrorCode::kForbidden,
                "only an admin may " + std::string(what) + ", and only of users ranked below them",
                {{"user_id", user_id}});
  }
  actor.require_scope(users::scope::kAdmin);
}

NewClient AuthService::create_client(const users::Actor& actor, int64_t user_id,
                                     const std::string& name,
                                     const std::optional<std::vector<std::string>>& scopes) {
  if (name.empty() || name.size() > 100) {
    throw Error(ErrorCode::kInvalidArgument, "a client name is 1 to 100 bytes", {{"name", name}});
  }
  for (unsigned char c : name) {
    if (c < 0x20) throw Error(ErrorCode::kInvalidArgument, "client name has control characters");
  }
  const auto granted = scopes ? users::normalize_scopes(*scopes) : users::default_scopes();
  return db_.transact([&](store::Tx& tx) {
    require_manager(tx, actor, user_id, users::scope::kClientsWrite,
                    "create API clients for other users");
    if (!users_.find(tx, user_id)) {
      throw Error(ErrorCode::kNotFound, "user " + std::to_string(user_id) + " not found");
    }
    const Micros now = clock_.now();
    if (sql::live_clients(tx, user_id, now) >= options_.max_clients_per_user) {
      throw Error(ErrorCode::kConflict, "this user already has the maximum number of API clients",
                  {{"max", options_.max_clients_per_user}});
    }
    NewClient out;
    out.client.client_id = "lc_" + random_hex(12);
    out.client.user_id = user_id;
    out.client.name = name;
    out.client.created_at = now;
    out.client.scopes = granted;
    out.secret = "lcs_" + random_hex(32);
    std::optional<std::string> code_hash;
    if (!actor.console) {  // through the API: the user confirms it in the bot
      out.client.status = "pending";
      out.client.confirm_before = now + kConfirmWindow;
      out.confirmation_code = random_hex(6);
      code_hash = sha256_hex(*out.confirmation_code);
    }
    sql::insert_client(tx, out.client, sha256_hex(out.secret), actor.console ? "console" : "api",
                       code_hash);
    audit_ok(tx, actor.user_id, "auth.client_create", "user:" + std::to_string(user_id), "",
             {{"client_id", out.client.client_id},
              {"name", name},
              {"scopes", granted},
              {"status", out.client.status},
              {"via", actor.console ? "console" : actor.client_id}});
    return out;
  });
}

Client AuthService::confirm_client(int64_t telegram_user_id, const std::string& code,
                                   bool private_chat) {
  const Micros now = clock_.now();
  std::string reason;
  std::optional<Client> found;
  std::string code_text = code;
  while (!code_text.empty() && code_text.back() == ' ') code_text.pop_back();
  while (!code_text.empty() && code_text.front() == ' ') code_text.erase(0, 1);
  if (!private_chat) {
    reason = "group";
  } else {
    db_.transact([&](store::Tx& tx) {
      reason.clear();  // a transaction may run again after a conflict
      found = sql::find_client_by_code(tx, sha256_hex(code_text));
      // Another user's code is answered like an unknown one: it says nothing about the client.
      if (!found || found->user_id != telegram_user_id) {
        reason = "unknown";
      } else if (found->revoked_at) {
        reason = "revoked";
      } else if (found->status != "pending") {
        reason = "used";
      } else if (!found->confirm_before || now >= *found->confirm_before) {
        reason = "expired";
      } else if (!sql::activate_client(tx, found->client_id, now)) {
        reason = "used";  // a concurrent confirmation won
      } else {
        audit_ok(tx, telegram_user_id, "auth.client_confirm", "client:" + found->client_id, "",
                 {{"client_id", found->client_id}, {"via", "telegram"}});
        found->status = "active";
        found->confirm_before.reset();
      }
    });
  }
  if (reason.empty()) return *found;
  if (audit_ != nullptr) {
    const std::string target = found ? "client:" + found->client_id : "code";
    nlohmann::json details{{"reason", reason}, {"private_chat", private_chat}};
    if (found) details["client_user_id"] = found->user_id;
    db_.transact([&](store::Tx& tx) {
      audit_->append(
          tx, audit::entry(telegram_user_id, "auth.client_confirm", target, details, "failed"));
    });
  }
  const ErrorCode ec = reason == "group"     ? ErrorCode::kForbidden
                       : reason == "unknown" ? ErrorCode::kNotFound
                                             : ErrorCode::kConflict;
  throw Error(ec, "the client cannot be confirmed: " + reason, {{"reason", reason}});
}

void AuthService::revoke_client(const users::Actor& actor, const std::string& client_id) {
  db_.transact([&](store::Tx& tx) {
    actor.require_scope(users::scope::kClientsWrite);
    const auto c = sql::find_client(tx, client_id);
    if (!c) throw Error(ErrorCode::kNotFound, "no such API client");
    require_manager(tx, actor, c->user_id, users::scope::kClientsWrite,
                    "revoke other users' API clients");
    if (outbox_ != nullptr) {
      // Every node drops these tokens from its cache (at once on this one, after commit).
      outbox_->publish(tx, "auth.client_revoked",
                       {{"client_id", client_id},
                        {"token_hashes", sql::live_token_hashes(tx, client_id, clock_.now())}});
    }
    sql::revoke_client(tx, client_id, clock_.now());
    audit_ok(tx, actor.user_id, "auth.client_revoke", "user:" + std::to_string(c->user_id), "",
             {{"client_id", client_id}});
  });
}

std::vector<Client> AuthService::clients(const users::Actor& actor, int64_t user_id) {
  return db_.read([&](store::Tx& tx) {
    require_manager(tx, actor, user_id, users::scope::kClientsRead, "see other users' API clients");
    return sql::clients_of(tx, user_id);
  });
}

bool AuthService::client_active(const std::string& client_id, int64_t user_id) {
  return db_.read([&](store::Tx& tx) {
    const auto c = sql::find_client(tx, client_id);
    return c && c->user_id == user_id && !c->revoked_at && c->status == "active";
  });
}

}  // namespace lucas::auth
