// Web sessions: how a player signs in to the web app and stays signed in.
//
// Sign-in (each one audited as "auth.web.signin" with the IP, the user agent, the method and, when
// refused, why — whether it succeeds or not):
//   - Telegram Mini App: the `initData` Telegram gives the app (telegram_login.h), no older than
//     Options::init_data_max_age (a day by default).
//   - Telegram Login Widget, only when a login domain is configured (web.login_domain).
//   - A one-time login link the bot sends in a private chat (/login): single use, valid 5 minutes,
//     `<public_url>/login#token=...` (a fragment: the token never reaches logs or Referer headers).
// The user is created or refreshed from what Telegram sent, as the bot does.
//
// A session is server-side: the cookie carries 256 random bits that are stored only as their
// SHA-256; the session has its own public id (for the list and revoking). Sessions slide: every
// use pushes the expiry to `idle` from now (30 days by default). The CSRF token is derived from the
// cookie (SHA-256 of a domain tag and the cookie value): it is returned at sign-in and by
// GET /api/v1/auth/session, and every state-changing request made with the cookie must send it in
// X-CSRF-Token (sessions_http.h enforces it).
//
// Failed sign-ins count against a per-IP limit (20 a minute, then progressively longer) when a
// limiter is given; only the first refusal of a flood is audited.
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "base/clock.h"
#include "features/sessions/telegram_login.h"
#include "features/users/users.h"
#include "infra/audit/audit.h"
#include "infra/ratelimit/limiter.h"
#include "infra/store/db.h"
#include "infra/store/migrate.h"

namespace lucas::sessions {

store::MigrationSet migrations();

struct Options {
  std::string bot_token;  // empty: Telegram sign-ins are refused (there is no bot to vouch)
  std::string public_url = "http://localhost:8080";
  bool widget_enabled = false;                // web.login_domain is set
  Micros init_data_max_age = 86'400'000'000;  // Mini App / widget auth_date: a day
  Micros idle = 30LL * 86'400'000'000;        // a session unused this long ends
  Micros link_ttl = 300'000'000;              // login links: 5 minutes
  Micros touch_every = 60'000'000;            // sliding writes at most once a minute
  ratelimit::Limiter* limiter = nullptr;      // failed sign-ins per IP; none: unlimited
  int attempts_per_minute = 20;
};

// How a session was started.
inline constexpr std::string_view kWebApp = "webapp";
inline constexpr std::string_view kWidget = "widget";
inline constexpr std::string_view kLink = "link";

struct Session {
  std::string id;  // public: "ws_" + 24 hex
  int64_t user_id = 0;
  std::string method;  // webapp, widget, link
  Micros created_at = 0;
  Micros last_seen_at = 0;
  Micros expires_at = 0;
  std::string ip;          // where it signed in
  std::string last_ip;     // where it was last used
  std::string user_agent;  // at sign-in, at most 256 bytes
  std::optional<Micros> revoked_at;
};
nlohmann::json to_json(const Session& s);

// Who the caller is, for sign-in and revocation.
struct Client {
  std::string ip;
  std::string user_agent;
};

struct Started {
  std::string cookie;  // the secret cookie value: "lss_" + 64 hex
  std::string csrf_token;
  Session session;
  users::User user;
};

struct Resolved {
  Session session;
  users::User user;
  std::string csrf_token;
};

class SessionService {
 public:
  SessionService(store::Database& db, users::UserService& users, const Clock& clock,
                 audit::AuditLog* audit, Options options);

  // UNAUTHORIZED (details.reason = refusal_name) when Telegram's signature, freshness or user is
  // wrong; every attempt audited. RATE_LIMITED past the per-IP limit of failures.
  Started sign_in_webapp(const std::string& init_data, const Client& client);
  // NOT_FOUND when the widget is not configured.
  Started sign_in_widget(const std::map<std::string, std::string>& fields, const Client& client);
  // A new single-use token for `user_id` (the bot's /login); audited. Returns the link URL.
  std::string create_login_link(int64_t user_id);
  // Consumes the token once; UNAUTHORIZED for an unknown, used or expired token.
  Started sign_in_link(const std::string& token, const Client& client);

  // The live session a cookie value names (sliding its expiry), or nullopt when the cookie is
  // unknown, revoked or expired. Not audited: a stale cookie is ordinary.
  std::optional<Resolved> resolve(const std::string& cookie, const std::string& ip);
  // The CSRF token that belongs to a cookie value.
  static std::string csrf_token(const std::string& cookie);

  // The user's live sessions, newest use first. The actor is the user, or an admin who outranks
  // them (FORBIDDEN otherwise); an API client's token needs the "sessions" scope
  // (INSUFFICIENT_SCOPE).
  std::vector<Session> list(const users::Actor& actor, int64_t user_id);
  // Ends a live session of the actor's own (or, for an admin, of a user they outrank); NOT_FOUND
  // when there is no such session the actor may end. The same scope rule. Audited.
  void revoke(const users::Actor& actor, const std::string& session_id, const std::string& ip);
  // Ends the session this cookie names; false when there was none. Audited.
  bool logout(const std::string& cookie, const std::string& ip);
  // Ends every live session of the user (THE HOOK FOR BANS: call it when a user is banned, in or
  // after the ban's transaction). Returns how many ended; audited once when any did.
  int64_t revoke_all(int64_t user_id, const std::string& reason);
  int64_t revoke_all(store::Tx& tx, int64_t user_id, const std::string& reason);

  // Deletes sessions expired or revoked more than a day ago and used or expired login links (a
  // daily job); returns how many rows went.
  int64_t prune();

  const Options& options() const { return options_; }
  // "; Secure" when the public URL is https.
  bool secure_cookies() const;

 private:
  Started start(store::Tx& tx, int64_t user_id, std::string_view method, const Client& client);
  Started sign_in_telegram(const LoginCheck& check, std::string_view method, const Client& client);
  // Whether the actor may see and end the user's sessions (see list).
  void require_manager(store::Tx& tx, const users::Actor& actor, int64_t user_id,
                       std::string_view what);
  [[noreturn]] void refuse(std::string_view method, int64_t user_id, const Client& client,
                           const std::string& reason, Error error);
  void throttle(const Client& client);
  void audit_entry(store::Tx& tx, int64_t actor, const std::string& action,
                   const std::string& target, const std::string& ip, const std::string& result,
                   nlohmann::json details);

  store::Database& db_;
  users::UserService& users_;
  const Clock& clock_;
  audit::AuditLog* audit_;
  Options options_;
};

}  // namespace lucas::sessions
