#include "features/sessions/sessions.h"

#include "base/ids.h"
#include "features/sessions/sessions_store.h"

namespace lucas::sessions {
namespace {

constexpr size_t kMaxUserAgent = 256;
constexpr size_t kMaxInitData = 8192;
constexpr Micros kDay = 86'400'000'000;

// At most `max` bytes, cut on a UTF-8 character boundary, control characters dropped.
std::string clip(const std::string& s, size_t max) {
  std::string out;
  for (unsigned char c : s) {
    if (c >= 0x20 && c != 0x7F) out += static_cast<char>(c);
  }
  if (out.size() <= max) return out;
  size_t cut = max;
  while (cut > 0 && (static_cast<unsigned char>(out[cut]) & 0xC0) == 0x80) --cut;
  return out.substr(0, cut);
}

bool live(const Session& s, Micros now) {
  return !s.revoked_at && s.expires_at > now;
}

}  // namespace

nlohmann::json to_json(const Session& s) {
  return {{"id", s.id},
          {"user_id", s.user_id},
          {"method", s.method},
          {"created_at", format_rfc3339(s.created_at)},
          {"last_seen_at", format_rfc3339(s.last_seen_at)},
          {"expires_at", format_rfc3339(s.expires_at)},
          {"ip", s.ip},
          {"last_ip", s.last_ip},
          {"user_agent", s.user_agent}};
}

SessionService::SessionService(store::Database& db, users::UserService& users, const Clock& clock,
                               audit::AuditLog* audit, Options options)
    : db_(db), users_(users), clock_(clock), audit_(audit), options_(std::move(options)) {}

bool SessionService::secure_cookies() const {
  return options_.public_url.rfind("https://", 0) == 0;
}

std::string SessionService::csrf_token(const std::string& cookie) {
  return sha256_hex("lucas-csrf-v1:" + cookie).substr(0, 48);
}

void SessionService::audit_entry(store::Tx& tx, int64_t actor, const std::string& action,
                                 const std::string& target, const std::string& ip,
                                 const std::string& result, nlohmann::json details) {
  if (audit_ == nullptr) return;
  audit_->append(tx, audit::entry(actor, action, target, std::move(details), result).with_ip(ip));
}

void SessionService::throttle(const Client& client) {
  if (options_.limiter == nullptr) return;
  const auto d = options_.limiter->check("websignin:" + client.ip,
                                         {"auth", options_.attempts_per_minute, 60'000'000});
  if (d.allowed) return;
  const int retry = ratelimit::retry_after_s(d);
  if (d.first_refusal) {
    db_.transact([&](store::Tx& tx) {
      audit_entry(tx, 0, "auth.web.signin", "ip:" + client.ip, client.ip, "throttled",
                  {{"retry_after_s", retry},
                   {"limit_per_minute", options_.attempts_per_minute},
                   {"user_agent", clip(client.user_agent, kMaxUserAgent)}});
    });
  }
  throw Error(ErrorCode::kRateLimited, "too many failed sign-ins; try again later",
              {{"retry_after_s", retry}}, retry);
}

void SessionService::refuse(std::string_view method, int64_t user_id, const Client& client,
                            const std::string& reason, Error error) {
  throttle(client);  // past the limit: RATE_LIMITED, audited once
  db_.transact([&](store::Tx& tx) {
    audit_entry(tx, user_id, "auth.web.signin",
                user_id != 0 ? "user:" + std::to_string(user_id) : "ip:" + client.ip, client.ip,
                "denied",
                {{"method", std::string(method)},
                 {"reason", reason},
                 {"user_agent", clip(client.user_agent, kMaxUserAgent)}});
  });
  throw error;
}

Started SessionService::start(store::Tx& tx, int64_t user_id, std::string_view method,
                              const Client& client) {
  const Micros now = clock_.now();
  Started out;
  out.cookie = "lss_" + random_hex(32);
  out.csrf_token = csrf_token(out.cookie);
  Session& s = out.session;
  s.id = "ws_" + random_hex(12);
  s.user_id = user_id;
  s.method = std::string(method);
  s.created_at = s.last_seen_at = now;
  s.expires_at = now + options_.idle;
  s.ip = s.last_ip = clip(client.ip, 64);
  s.user_agent = clip(client.user_agent, kMaxUserAgent);
  sql::insert_session(tx, s, sha256_hex(out.cookie));
  audit_entry(tx, user_id, "auth.web.signin", "user:" + std::to_string(user_id), client.ip, "ok",
              {{"method", std::string(method)}, {"session", s.id}, {"user_agent", s.user_agent}});
  return out;
}

Started SessionService::sign_in_telegram(const LoginCheck& check, std::string_view method,
                                         const Client& client) {
  if (!check.ok()) {
    const std::string reason(refusal_name(check.refusal));
    refuse(method, check.user.id, client, reason,
           Error(ErrorCode::kUnauthorized, "Telegram's sign-in data was refused: " + reason,
                 {{"error", "invalid_grant"}, {"reason", reason}}));
  }
  try {
    users_.require_not_banned(check.user.id);  // banned users do not sign in
  } catch (const Error& e) {
    refuse(method, check.user.id, client, "banned", e);
  }
  return db_.transact([&](store::Tx& tx) {
    const auto& t = check.user;
    std::string language = t.language_code;
    if (language.empty()) {  // the widget does not say: keep what we know
      const auto known = users_.find(tx, t.id);
      language = known ? known->language : "ru";
    }
    auto user = users_.upsert(tx, users::UserUpdate{t.id, t.username, t.display_name(), language});
    Started out = start(tx, t.id, method, client);
    out.user = std::move(user);
    return out;
  });
}

Started SessionService::sign_in_webapp(const std::string& init_data, const Client& client) {
  if (init_data.size() > kMaxInitData) {
    refuse(
        kWebApp, 0, client, "too_long",
        Error(ErrorCode::kInvalidArgument, "init_data is too long", {{"max_bytes", kMaxInitData}}));
  }
  return sign_in_telegram(check_webapp_init_data(init_data, options_.bot_token, clock_.now(),
                                                 options_.init_data_max_age),
                          kWebApp, client);
}

Started SessionService::sign_in_widget(const std::map<std::string, std::string>& fields,
                                       const Client& client) {
  if (!options_.widget_enabled) {
    throw Error(ErrorCode::kNotFound,
                "the Telegram Login Widget is not enabled here (web.login_domain is not set)");
  }
  return sign_in_telegram(
      check_login_widget(fields, options_.bot_token, clock_.now(), options_.init_data_max_age),
      kWidget, client);
}

std::string SessionService::create_login_link(int64_t user_id) {
  const std::string token = random_hex(32);
  db_.transact([&](store::Tx& tx) {
    const Micros now = clock_.now();
    sql::insert_link(tx, sha256_hex(token), user_id, now, now + options_.link_ttl);
    audit_entry(tx, user_id, "auth.web.login_link", "user:" + std::to_string(user_id), "", "ok",
                {{"expires_at", format_rfc3339(now + options_.link_ttl)}});
  });
  std::string base = options_.public_url;
  while (!base.empty() && base.back() == '/') base.pop_back();
  return base + "/login#token=" + token;
}

Started SessionService::sign_in_link(const std::string& token, const Client& client) {
  const bool plausible =
      token.size() == 64 && token.find_first_not_of("0123456789abcdef") == std::string::npos;
  std::optional<Started> started;
  int64_t refused_user = 0;  // the link was good, but its user is gone or banned
  std::optional<Error> refusal;
  if (plausible) {
    started = db_.transact([&](store::Tx& tx) -> std::optional<Started> {
      refused_user = 0;
      refusal.reset();
      const auto user = sql::consume_link(tx, sha256_hex(token), clock_.now());
      if (!user) return std::nullopt;
      const auto found = users_.find(tx, *user);
      try {
        if (!found) throw Error(ErrorCode::kNotFound, "the link's user no longer exists");
        users::UserService::require_not_banned(*found);
      } catch (const Error& e) {
        refused_user = *user;
        refusal = e;
        return std::nullopt;  // the link is used up all the same
      }
      Started out = start(tx, *user, kLink, client);
      out.user = *found;
      return out;
    });
  }
  if (refusal) refuse(kLink, refused_user, client, "banned_or_unknown_user", *refusal);
  if (!started) {
    refuse(kLink, 0, client, plausible ? "unknown_used_or_expired" : "malformed",
           Error(ErrorCode::kUnauthorized,
                 "this login link is not valid: it was used already, has expired, or was never "
                 "issued; ask the bot for a new one with /login",
                 {{"error", "invalid_grant"}}));
  }
  return std::move(*started);
}

std::optional<Resolved> SessionService::resolve(const std::string& cookie, const std::string& ip) {
  if (cookie.size() != 68 || cookie.rfind("lss_", 0) != 0) return std::nullopt;
  const Micros now = clock_.now();
  const std::string hash = sha256_hex(cookie);
  auto s = db_.read([&](store::Tx& tx) { return sql::find_by_token(tx, hash); });
  if (!s || !live(*s, now)) return std::nullopt;
  if (now - s->last_seen_at >= options_.touch_every || s->last_ip != ip) {
    s->last_seen_at = now;
    s->last_ip = clip(ip, 64);
    s->expires_at = now + options_.idle;
    db_.transact([&](store::Tx& tx) { sql::touch(tx, s->id, now, s->last_ip, s->expires_at); });
  }
  auto user = users_.find(s->user_id);
  if (!user) return std::nullopt;
  return Resolved{std::move(*s), std::move(*user), csrf_token(cookie)};
}

void SessionService::require_manager(store::Tx& tx, const users::Actor& actor, int64_t user_id,
                                     std::string_view what) {
  actor.require_scope(users::scope::kSessions);  // API clients need the scope for sign-ins
  if (actor.console || actor.user_id == user_id) return;
  users_.require_admin(tx, actor.user_id, what);
  // ... and outrank the user (admins manage users and moderators; the owner everyone).
  const auto me = users_.find(tx, actor.user_id);
  const auto target = users_.find(tx, user_id);
  if (me && target && !users::may_administer(me->role, target->role)) {
    throw Error(ErrorCode::kForbidden, "you may not " + std::string(what) + " of this user",
                {{"user_id", user_id}});
  }
}

std::vector<Session> SessionService::list(const users::Actor& actor, int64_t user_id) {
  return db_.read([&](store::Tx& tx) {
    require_manager(tx, actor, user_id, "see the sessions");
    return sql::live_of(tx, user_id, clock_.now());
  });
}

void SessionService::revoke(const users::Actor& actor, const std::string& session_id,
                            const std::string& ip) {
  db_.transact([&](store::Tx& tx) {
    const auto s = sql::find_by_id(tx, session_id);
    const Micros now = clock_.now();
    bool allowed = false;
    if (s) {
      try {
        require_manager(tx, actor, s->user_id, "end the sessions");
        allowed = true;
      } catch (const Error& e) {
        if (e.code() == ErrorCode::kInsufficientScope) throw;
        // Someone else's session is "not found" to whoever may not end it: ids are not
        // confirmed to others.
      }
    }
    if (!s || !live(*s, now) || !allowed) {
      throw Error(ErrorCode::kNotFound, "no such session", {{"id", session_id.substr(0, 64)}});
    }
    sql::revoke(tx, session_id, now);
    audit_entry(tx, actor.user_id, "auth.web.session_revoke", "user:" + std::to_string(s->user_id),
                ip, "ok", {{"session", session_id}});
  });
}

bool SessionService::logout(const std::string& cookie, const std::string& ip) {
  if (cookie.empty()) return false;
  return db_.transact([&](store::Tx& tx) {
    const auto s = sql::find_by_token(tx, sha256_hex(cookie));
    if (!s || !sql::revoke(tx, s->id, clock_.now())) return false;
    audit_entry(tx, s->user_id, "auth.web.logout", "user:" + std::to_string(s->user_id), ip, "ok",
                {{"session", s->id}});
    return true;
  });
}

int64_t SessionService::revoke_all(store::Tx& tx, int64_t user_id, const std::string& reason) {
  const int64_t n = sql::revoke_all(tx, user_id, clock_.now());
  if (n > 0) {
    audit_entry(tx, 0, "auth.web.revoke_all", "user:" + std::to_string(user_id), "", "ok",
                {{"sessions", n}, {"reason", reason}});
  }
  return n;
}

int64_t SessionService::revoke_all(int64_t user_id, const std::string& reason) {
  return db_.transact([&](store::Tx& tx) { return revoke_all(tx, user_id, reason); });
}

int64_t SessionService::prune() {
  return db_.transact([&](store::Tx& tx) {
    const Micros before = clock_.now() - kDay;
    return sql::delete_ended_before(tx, before) + sql::delete_links_before(tx, before);
  });
}

}  // namespace lucas::sessions
