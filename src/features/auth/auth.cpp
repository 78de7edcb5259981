#include "features/auth/auth.h"

#include <spdlog/spdlog.h>

#include <cctype>

#include "base/ids.h"
#include "features/auth/auth_store.h"
#include "infra/cache/cache.h"
#include "infra/events/outbox.h"

namespace lucas::auth {

store::MigrationSet migrations() {
  return {"auth",
          {{1, "oauth clients and access tokens",
            R"(
CREATE TABLE api_clients (
  client_id TEXT PRIMARY KEY,
  user_id BIGINT NOT NULL REFERENCES users (telegram_id),
  name TEXT NOT NULL,
  secret_hash TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  revoked_at BIGINT,
  last_used_at BIGINT
);
CREATE INDEX api_clients_by_user ON api_clients (user_id);
CREATE TABLE access_tokens (
  token_hash TEXT PRIMARY KEY,
  client_id TEXT NOT NULL REFERENCES api_clients (client_id),
  user_id BIGINT NOT NULL,
  issued_at BIGINT NOT NULL,
  expires_at BIGINT NOT NULL,
  revoked INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX access_tokens_by_client ON access_tokens (client_id);
CREATE INDEX access_tokens_by_expiry ON access_tokens (expires_at);
)"}}};
}

nlohmann::json to_json(const Client& c) {
  const auto opt_time = [](const std::optional<Micros>& t) {
    return t ? nlohmann::json(format_rfc3339(*t)) : nlohmann::json(nullptr);
  };
  return {{"client_id", c.client_id},
          {"user_id", c.user_id},
          {"name", c.name},
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

namespace {

// Tokens and secrets have a fixed shape: anything else is refused before any database work.
bool well_formed(std::string_view s, std::string_view prefix, size_t hex_len) {
  if (s.size() != prefix.size() + hex_len || s.substr(0, prefix.size()) != prefix) return false;
  for (char c : s.substr(prefix.size())) {
    if (!std::isxdigit(static_cast<unsigned char>(c)) ||
        std::isupper(static_cast<unsigned char>(c)))
      return false;
  }
  return true;
}

}  // namespace

AuthService::AuthService(store::Database& db, users::UserService& users, const Clock& clock,
                         audit::AuditLog* audit, Options options)
    : db_(db), users_(users), clock_(clock), audit_(audit), options_(options) {}

void AuthService::require_self_or_admin(store::Tx& tx, int64_t actor, int64_t user_id,
                                        std::string_view what) {
  if (actor == user_id && actor != 0) return;
  users_.require_admin(tx, actor, what);
}

std::optional<Error> AuthService::throttled(const std::string& key, const std::string& action,
                                            const std::string& ip, int64_t user_id) {
  if (options_.limiter == nullptr) return std::nullopt;
  const ratelimit::Policy policy{"auth", options_.attempts_per_minute, 60'000'000};
  const auto d = options_.limiter->check(key + ip, policy);
  if (d.allowed) return std::nullopt;
  const int retry = static_cast<int>((d.retry_after + 999'999) / 1'000'000);
  if (d.first_refusal && audit_ != nullptr) {
    db_.transact([&](store::Tx& tx) {
      audit_->append(tx, audit::Entry{0,
                                      0,
                                      user_id,
                                      action,
                                      "ip:" + ip,
                                      ip,
                                      "throttled",
                                      {{"retry_after_s", retry},
                                       {"limit_per_minute", options_.attempts_per_minute}},
                                      "",
                                      "",
                                      ""});
    });
  }
  return Error(ErrorCode::kRateLimited, "too many authentication attempts; try again later",
               {{"retry_after_s", retry}}, retry);
}

void AuthService::throttle_token_requests(const std::string& ip) {
  if (auto e = throttled("authtoken:", "auth.token", ip, 0)) throw *e;
}

void AuthService::fail(const std::string& action, int64_t user_id, const std::string& target,
                       const std::string& ip, nlohmann::json details, Error error) {
  if (action == "auth.bearer") {
    if (auto e = throttled("authbearer:", action, ip, user_id)) throw *e;
  }
  if (audit_ != nullptr) {
    db_.transact([&](store::Tx& tx) {
      audit_->append(
          tx, audit::Entry{0, 0, user_id, action, target, ip, "failed", details, "", "", ""});
    });
  }
  throw error;
}

NewClient AuthService::create_client(int64_t actor, int64_t user_id, const std::string& name) {
  if (name.empty() || name.size() > 100) {
    throw Error(ErrorCode::kInvalidArgument, "a client name is 1 to 100 bytes", {{"name", name}});
  }
  for (unsigned char c : name) {
    if (c < 0x20) throw Error(ErrorCode::kInvalidArgument, "client name has control characters");
  }
  return db_.transact([&](store::Tx& tx) {
    require_self_or_admin(tx, actor, user_id, "create API clients for other users");
    if (!users_.find(tx, user_id)) {
      throw Error(ErrorCode::kNotFound, "user " + std::to_string(user_id) + " not found");
    }
    if (sql::active_clients(tx, user_id) >= options_.max_clients_per_user) {
      throw Error(ErrorCode::kConflict, "this user already has the maximum number of API clients",
                  {{"max", options_.max_clients_per_user}});
    }
    NewClient out;
    out.client = Client{"lc_" + random_hex(12), user_id, name, clock_.now(), {}, {}};
    out.secret = "lcs_" + random_hex(32);
    sql::insert_client(tx, out.client, sha256_hex(out.secret));
    if (audit_ != nullptr) {
      audit_->append(tx, audit::Entry{0,
                                      0,
                                      actor,
                                      "auth.client_create",
                                      "user:" + std::to_string(user_id),
                                      "",
                                      "ok",
                                      {{"client_id", out.client.client_id}, {"name", name}},
                                      "",
                                      "",
                                      ""});
    }
    return out;
  });
}

void AuthService::revoke_client(int64_t actor, const std::string& client_id) {
  db_.transact([&](store::Tx& tx) {
    const auto c = sql::find_client(tx, client_id);
    if (!c) throw Error(ErrorCode::kNotFound, "no such API client");
    require_self_or_admin(tx, actor, c->user_id, "revoke other users' API clients");
    if (outbox_ != nullptr) {
      // Every node drops these tokens from its cache (at once on this one, after commit).
      outbox_->publish(tx, "auth.client_revoked",
                       {{"client_id", client_id},
                        {"token_hashes", sql::live_token_hashes(tx, client_id, clock_.now())}});
    }
    sql::revoke_client(tx, client_id, clock_.now());
    if (audit_ != nullptr) {
      audit_->append(tx, audit::Entry{0,
                                      0,
                                      actor,
                                      "auth.client_revoke",
                                      "user:" + std::to_string(c->user_id),
                                      "",
                                      "ok",
                                      {{"client_id", client_id}},
                                      "",
                                      "",
                                      ""});
    }
  });
}

std::vector<Client> AuthService::clients(int64_t actor, int64_t user_id) {
  return db_.read([&](store::Tx& tx) {
    require_self_or_admin(tx, actor, user_id, "see other users' API clients");
    return sql::clients_of(tx, user_id);
  });
}

AccessToken AuthService::issue_token(const std::string& client_id, const std::string& secret,
                                     const std::string& ip) {
  throttle_token_requests(ip);
  const Micros now = clock_.now();
  std::string reason;
  int64_t user_id = 0;
  if (!well_formed(client_id, "lc_", 24)) {
    reason = "malformed client_id";
  } else {
    const auto found = db_.read([&](store::Tx& tx) {
      std::optional<std::pair<Client, std::string>> r;
      if (auto c = sql::find_client(tx, client_id))
        r.emplace(*c, *sql::client_secret_hash(tx, client_id));
      return r;
    });
    if (!found) {
      reason = "unknown client";
    } else {
      user_id = found->first.user_id;
      const std::string got = sha256_hex(secret);
      // Compare hashes in constant time (both are 64 hex characters).
      unsigned diff = got.size() == found->second.size() ? 0 : 1;
      for (size_t i = 0; i < got.size() && i < found->second.size(); ++i) {
        diff |= static_cast<unsigned>(got[i] ^ found->second[i]);
      }
      if (found->first.revoked_at) {
        reason = "client revoked";
      } else if (diff != 0 || !well_formed(secret, "lcs_", 64)) {
        reason = "wrong secret";
      }
    }
  }
  // A malformed client id might be a pasted secret: keep only its length.
  const std::string shown = well_formed(client_id, "lc_", 24)
                                ? client_id
                                : "(malformed, " + std::to_string(client_id.size()) + " bytes)";
  const nlohmann::json details{{"client_id", shown}, {"grant", "client_credentials"}};
  if (!reason.empty()) {
    nlohmann::json d = details;
    d["reason"] = reason;
    fail("auth.token", user_id, "client:" + shown, ip, d,
         Error(ErrorCode::kUnauthorized, "invalid client credentials",
               {{"error", "invalid_client"}}));
  }
  AccessToken t;
  t.token = "lat_" + random_hex(32);
  t.expires_in_s = options_.token_ttl_s;
  t.expires_at = now + options_.token_ttl_s * 1'000'000;
  t.user_id = user_id;
  db_.transact([&](store::Tx& tx) {
    sql::insert_token(tx, sha256_hex(t.token), client_id, user_id, now, t.expires_at);
    sql::touch_client(tx, client_id, now);
    if (audit_ != nullptr) {
      audit_->append(tx, audit::Entry{0, 0, user_id, "auth.token", "client:" + client_id, ip, "ok",
                                      details, "", "", ""});
    }
  });
  return t;
}

AccessToken AuthService::issue_console_token(int64_t user_id, int64_t ttl_s) {
  if (ttl_s <= 0 || ttl_s > 366 * 86'400) {
    throw Error(ErrorCode::kInvalidArgument, "a token lives 1 s to 366 days", {{"ttl_s", ttl_s}});
  }
  std::string client_id;
  const auto existing = clients(0, user_id);
  for (const auto& c : existing) {
    if (c.name == "console" && !c.revoked_at) client_id = c.client_id;
  }
  if (client_id.empty()) client_id = create_client(0, user_id, "console").client.client_id;
  const Micros now = clock_.now();
  AccessToken t{"lat_" + random_hex(32), ttl_s, now + ttl_s * 1'000'000, user_id};
  db_.transact([&](store::Tx& tx) {
    sql::insert_token(tx, sha256_hex(t.token), client_id, user_id, now, t.expires_at);
    sql::touch_client(tx, client_id, now);
    if (audit_ != nullptr) {
      audit_->append(tx, audit::Entry{0,
                                      0,
                                      0,
                                      "auth.token",
                                      "client:" + client_id,
                                      "",
                                      "ok",
                                      {{"client_id", client_id},
                                       {"grant", "console"},
                                       {"user_id", user_id},
                                       {"ttl_s", ttl_s}},
                                      "",
                                      "",
                                      ""});
    }
  });
  return t;
}

Principal AuthService::authenticate(const std::string& token, const std::string& ip) {
  std::string reason;
  Principal p;
  if (!well_formed(token, "lat_", 64)) {
    reason = "malformed token";
  } else {
    const auto row = find_token(sha256_hex(token));
    if (!row) {
      reason = "unknown token";
    } else if (row->revoked) {
      reason = "revoked token";
      p.user_id = row->user_id;
    } else if (row->expires_at <= clock_.now()) {
      reason = "expired token";
      p.user_id = row->user_id;
    } else {
      p.user_id = row->user_id;
      p.client_id = row->client_id;
      const auto u = users_.find(row->user_id);
      if (!u) {
        reason = "the token's user no longer exists";
      } else {
        p.role = u->role;
      }
    }
  }
  if (!reason.empty()) {
    fail("auth.bearer", p.user_id, "bearer", ip, {{"reason", reason}},
         Error(ErrorCode::kUnauthorized, "invalid or expired access token",
               {{"error", "invalid_token"}}));
  }
  return p;
}

void AuthService::enable_cache(cache::Cache& cache, events::Outbox& outbox,
                               telemetry::Registry* metrics) {
  tokens_ = std::make_shared<cache::CacheSpace>(cache, "token", 300'000'000, metrics);
  outbox_ = &outbox;
  outbox.subscribe_everywhere("auth.client_revoked", [t = tokens_](const events::Event& ev) {
    for (const auto& h : ev.payload.value("token_hashes", nlohmann::json::array())) {
      if (h.is_string()) t->erase(h.get<std::string>());
    }
  });
}

std::optional<sql::TokenRow> AuthService::find_token(const std::string& hash) {
  const auto read = [&] {
    return db_.read([&](store::Tx& tx) { return sql::find_token(tx, hash); });
  };
  if (!tokens_) return read();
  // Only live tokens are cached; unknown and revoked ones are read every time.
  std::optional<sql::TokenRow> loaded;
  const auto cached = tokens_->get_or_load(hash, [&]() -> std::optional<std::string> {
    loaded = read();
    if (!loaded || loaded->revoked) return std::nullopt;
    return nlohmann::json{loaded->client_id, loaded->user_id, loaded->expires_at}.dump();
  });
  if (loaded || !cached) return loaded;
  const auto j = nlohmann::json::parse(*cached, nullptr, false);
  if (j.is_array() && j.size() == 3 && j[0].is_string() && j[1].is_number_integer() &&
      j[2].is_number_integer()) {
    return sql::TokenRow{j[0].get<std::string>(), j[1].get<int64_t>(), j[2].get<int64_t>(), false};
  }
  tokens_->erase(hash);  // not what we wrote: read through
  return read();
}

int64_t AuthService::prune_expired() {
  return db_.transact([&](store::Tx& tx) {
    return sql::delete_tokens_expired_before(tx, clock_.now() - 86'400'000'000LL);
  });
}

}  // namespace lucas::auth
