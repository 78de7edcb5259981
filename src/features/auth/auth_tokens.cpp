// Tokens: the token endpoint, console tokens, bearer authentication, the failure lockout and the
// signed token cache (auth.h says the rules).
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <cctype>

#include "base/decode_memo.h"
#include "base/ids.h"
#include "features/auth/auth.h"
#include "features/auth/auth_store.h"
#include "infra/cache/cache.h"
#include "infra/events/outbox.h"

namespace lucas::auth {
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

const std::string kTokenKeyPrefix = "authtoken:";
const std::string kBearerKeyPrefix = "authbearer:";

}  // namespace

std::optional<Error> AuthService::throttled(const ratelimit::Decision& d, const std::string& action,
                                            const std::string& ip, int64_t user_id) {
  if (d.allowed) return std::nullopt;
  const int retry = ratelimit::retry_after_s(d);
  if (d.first_refusal && audit_ != nullptr) {
    db_.transact([&](store::Tx& tx) {
      audit_->append(tx, audit::entry(user_id, action, "ip:" + ip,
                                      {{"retry_after_s", retry},
                                       {"limit_per_minute", options_.attempts_per_minute}},
                                      "throttled")
                             .with_ip(ip));
    });
  }
  return Error(ErrorCode::kRateLimited, "too many authentication attempts; try again later",
               {{"retry_after_s", retry}}, retry);
}

void AuthService::refuse_if_locked_out(const std::string& ip) {
  if (options_.limiter == nullptr) return;
  const ratelimit::Policy policy{"auth", options_.attempts_per_minute, 60'000'000};
  if (options_.limiter->peek(kTokenKeyPrefix + ip, policy).allowed) return;
  // Over the limit: this refusal is recorded (and audited once per penalty) like any other.
  if (auto e =
          throttled(options_.limiter->check(kTokenKeyPrefix + ip, policy), "auth.token", ip, 0)) {
    throw *e;
  }
}

void AuthService::fail(const std::string& action, int64_t user_id, const std::string& target,
                       const std::string& ip, nlohmann::json details, Error error) {
  if (options_.limiter != nullptr) {
    // The failure counts; past the limit it is answered (and audited once) as throttled.
    const ratelimit::Policy policy{"auth", options_.attempts_per_minute, 60'000'000};
    const std::string& prefix = action == "auth.bearer" ? kBearerKeyPrefix : kTokenKeyPrefix;
    if (auto e = throttled(options_.limiter->check(prefix + ip, policy), action, ip, user_id)) {
      throw *e;
    }
  }
  if (audit_ != nullptr) {
    db_.transact([&](store::Tx& tx) {
      audit_->append(tx, audit::entry(user_id, action, target, details, "failed").with_ip(ip));
    });
  }
  throw error;
}

AccessToken AuthService::insert_token(const std::string& client_id, int64_t user_id, int64_t ttl_s,
                                      const std::optional<std::vector<std::string>>& scopes,
                                      const std::string& ip, int64_t audit_actor,
                                      nlohmann::json details) {
  const Micros now = clock_.now();
  AccessToken t{"lat_" + random_hex(32), ttl_s, now + ttl_s * 1'000'000, user_id, scopes};
  const std::optional<std::string> stored =
      scopes ? std::optional<std::string>(users::join_scopes(*scopes)) : std::nullopt;
  details["scope"] = stored ? nlohmann::json(*stored) : nlohmann::json("(full access)");
  db_.transact([&](store::Tx& tx) {
    sql::insert_token(tx, sha256_hex(t.token), client_id, user_id, now, t.expires_at, stored);
    sql::touch_client(tx, client_id, now);
    audit_ok(tx, audit_actor, "auth.token", "client:" + client_id, ip, details);
  });
  return t;
}

AccessToken AuthService::issue_token(const std::string& client_id, const std::string& secret,
                                     const std::string& ip,
                                     const std::optional<std::string>& scope) {
  refuse_if_locked_out(ip);
  std::string reason;
  int64_t user_id = 0;
  std::optional<Client> client;
  if (!well_formed(client_id, "lc_", 24)) {
    reason = "malformed client_id";
  } else {
    std::string secret_hash;
    db_.read([&](store::Tx& tx) {
      client = sql::find_client(tx, client_id);
      if (client) secret_hash = *sql::client_secret_hash(tx, client_id);
    });
    if (!client) {
      reason = "unknown client";
    } else {
      user_id = client->user_id;
      // Compare hashes in constant time (both are 64 hex characters).
      if (!equal_constant_time(sha256_hex(secret), secret_hash) ||
          !well_formed(secret, "lcs_", 64)) {
        reason = "wrong secret";
      } else if (client->revoked_at) {
        reason = "client revoked";
      } else if (client->status != "active") {
        reason = "client pending confirmation";
      }
    }
  }
  // A malformed client id might be a pasted secret: keep only its length.
  const std::string shown = well_formed(client_id, "lc_", 24)
                                ? client_id
                                : "(malformed, " + std::to_string(client_id.size()) + " bytes)";
  nlohmann::json details{{"client_id", shown}, {"grant", "client_credentials"}};
  const std::string target = "client:" + shown;
  const auto because = [&](const std::string& why) {
    nlohmann::json d = details;
    d["reason"] = why;
    return d;
  };
  if (reason == "client pending confirmation") {
    fail("auth.token", user_id, target, ip, because(reason),
         Error(ErrorCode::kForbidden,
               "this client waits for its user's confirmation: the user sends /confirm_client "
               "CODE to the bot in a private chat",
               {{"error", "unauthorized_client"}}));
  }
  if (!reason.empty()) {
    fail("auth.token", user_id, target, ip, because(reason),
         Error(ErrorCode::kUnauthorized, "invalid client credentials",
               {{"error", "invalid_client"}}));
  }
  // RFC 6749 3.3: a subset of what the client was granted; nothing asked for: all of it.
  std::vector<std::string> granted = client->scopes;
  if (scope && !users::split_scopes(*scope).empty()) {
    try {
      granted = users::parse_scopes(*scope);
    } catch (const Error& e) {
      fail("auth.token", user_id, target, ip, because("unknown scope"), e);
    }
    for (const auto& s : granted) {
      if (std::find(client->scopes.begin(), client->scopes.end(), s) == client->scopes.end()) {
        fail(
            "auth.token", user_id, target, ip, because("scope not granted"),
            Error(ErrorCode::kInvalidArgument, "the client was not granted the scope \"" + s + "\"",
                  {{"error", "invalid_scope"}, {"scope", s}}));
      }
    }
  }
  return insert_token(client_id, user_id, options_.token_ttl_s, granted, ip, user_id, details);
}

AccessToken AuthService::issue_console_token(
    int64_t user_id, int64_t ttl_s, const std::optional<std::vector<std::string>>& scopes) {
  if (ttl_s <= 0 || ttl_s > 366 * 86'400) {
    throw Error(ErrorCode::kInvalidArgument, "a token lives 1 s to 366 days", {{"ttl_s", ttl_s}});
  }
  const auto granted = scopes ? std::optional(users::normalize_scopes(*scopes)) : std::nullopt;
  auto client_id = db_.read([&](store::Tx& tx) { return sql::console_client(tx, user_id); });
  if (!client_id) {
    std::vector<std::string> all;
    for (const auto& s : users::scope_catalog()) all.emplace_back(s.name);
    client_id =
        create_client(users::Actor::console_operator(), user_id, "console", all).client.client_id;
  }
  return insert_token(
      *client_id, user_id, ttl_s, granted, "", 0,
      {{"client_id", *client_id}, {"grant", "console"}, {"user_id", user_id}, {"ttl_s", ttl_s}});
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
      if (row->scopes) p.scopes = users::split_scopes(*row->scopes);
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

int64_t AuthService::prune_expired() {
  return db_.transact([&](store::Tx& tx) {
    return sql::delete_tokens_expired_before(tx, clock_.now() - 86'400'000'000LL);
  });
}

// ---------------------------------------------------------------- the token cache

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

const std::string& AuthService::cache_key() {
  // Read on first use (the table exists once migrations ran), the same on every node.
  std::call_once(key_once_, [this] {
    key_ = db_.transact([&](store::Tx& tx) { return sql::key(tx, "token_cache", clock_.now()); });
  });
  return key_;
}

std::string AuthService::sign(const std::string& hash, const std::string& payload) {
  const std::string& key = cache_key();
  const std::string message = "lucas-token-cache|" + hash + "|" + payload;
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(message.data()), message.size(), mac, &len);
  return to_hex(std::string_view(reinterpret_cast<const char*>(mac), len));
}

std::optional<sql::TokenRow> AuthService::find_token(const std::string& hash) {
  const auto read = [&] {
    return db_.read([&](store::Tx& tx) { return sql::find_token(tx, hash); });
  };
  if (!tokens_) return read();
  const auto payload_of = [](const sql::TokenRow& r) {
    return nlohmann::json{r.client_id, r.user_id, r.expires_at,
                          r.scopes ? nlohmann::json(*r.scopes) : nlohmann::json(nullptr)}
        .dump();
  };
  if (const auto cached = tokens_->get(hash)) {
    // [client_id, user_id, expires_at, scopes|null, mac]: trusted only if the mac is ours. The
    // memo keys by the token's hash too: the mac binds the entry to it.
    const auto verify = [&](const std::string& raw) -> std::optional<sql::TokenRow> {
      const auto j = nlohmann::json::parse(raw, nullptr, false);
      if (j.is_array() && j.size() == 5 && j[0].is_string() && j[1].is_number_integer() &&
          j[2].is_number_integer() && (j[3].is_string() || j[3].is_null()) && j[4].is_string()) {
        sql::TokenRow row{
            j[0].get<std::string>(), j[1].get<int64_t>(), j[2].get<int64_t>(), false,
            j[3].is_null() ? std::nullopt : std::optional<std::string>(j[3].get<std::string>())};
        if (equal_constant_time(sign(hash, payload_of(row)), j[4].get<std::string>())) {
          return row;
        }
      }
      return std::nullopt;
    };
    thread_local DecodeMemo<sql::TokenRow> verified;
    if (auto row = verified.get(hash, *cached, verify)) return row;
    spdlog::warn("auth: a cached token entry failed its integrity check; reading the database");
    tokens_->erase(hash);
  }
  // Only live tokens are cached; unknown and revoked ones are read every time.
  const auto row = read();
  if (!row || row->revoked) return row;
  const std::string payload = payload_of(*row);
  auto entry = nlohmann::json::parse(payload);
  entry.push_back(sign(hash, payload));
  tokens_->set(hash, entry.dump());
  // A revocation that commits after our read either erases (after its commit) what we just
  // stored, or committed before this second read, which sees it: the entry never outlives it.
  auto again = read();
  if (!again || again->revoked) tokens_->erase(hash);
  return again;
}

}  // namespace lucas::auth
