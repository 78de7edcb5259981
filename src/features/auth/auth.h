// API authentication: OAuth 2.0 client credentials (RFC 6749 section 4.4). A user (or an admin
// for them) registers an API client and gets a client id and a secret, shown once. The client
// trades them at POST /api/v1/oauth/token for a short-lived bearer access token, and sends
// `Authorization: Bearer <token>` with its requests; the request then acts as the client's user.
// Secrets and tokens are stored only as SHA-256 hashes and never logged.
//
// Audit (Property 32): every authentication attempt — every token request, successful or not,
// and every request that presents an unknown, expired or revoked bearer token — is appended to
// the audit log with the user (when known), the IP address, the time and the result. A valid
// bearer token on an ordinary request is the use of an authentication already recorded, not a new
// attempt, so it is not logged again (the client's last_used_at is its last token request).
//
// Brute force: token requests are limited per IP address (20 a minute, then progressively longer
// penalties), counted before the credentials are checked; failed bearer tokens likewise. Past the
// limit a request is refused with RATE_LIMITED and only the first refusal is audited, so a flood
// cannot flood the audit log. (Access tokens carry 256 random bits: they are not guessable.)
#pragma once

#include <nlohmann/json.hpp>

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "base/clock.h"
#include "features/users/users.h"
#include "infra/audit/audit.h"
#include "infra/ratelimit/limiter.h"
#include "infra/store/db.h"
#include "infra/store/migrate.h"

namespace lucas::cache {
class Cache;
class CacheSpace;
}  // namespace lucas::cache
namespace lucas::events {
class Outbox;
}

namespace lucas::auth {
namespace sql {
struct TokenRow;
}

store::MigrationSet migrations();

struct Client {
  std::string client_id;  // public: "lc_" + 24 hex
  int64_t user_id = 0;    // the user the client acts as
  std::string name;
  Micros created_at = 0;
  std::optional<Micros> revoked_at;
  std::optional<Micros> last_used_at;
};
nlohmann::json to_json(const Client& c);

struct NewClient {
  Client client;
  std::string secret;  // "lcs_" + 64 hex; shown once, stored hashed
};

struct AccessToken {
  std::string token;  // "lat_" + 64 hex
  int64_t expires_in_s = 0;
  Micros expires_at = 0;
  int64_t user_id = 0;
};

// Who a request acts as.
struct Principal {
  int64_t user_id = 0;
  users::Role role = users::Role::kUser;
  std::string client_id;
};

struct Options {
  int64_t token_ttl_s = 3600;  // access tokens live an hour
  int max_clients_per_user = 10;
  ratelimit::Limiter* limiter = nullptr;  // failed attempts per IP; none: unlimited
  int attempts_per_minute = 20;           // token requests, and failed bearer tokens, per IP
};

class AuthService {
 public:
  AuthService(store::Database& db, users::UserService& users, const Clock& clock,
              audit::AuditLog* audit, Options options = {});

  // A new API client acting as `user_id`. The actor must be that user or an admin (0: the
  // console operator). NOT_FOUND for an unknown user; CONFLICT past max_clients_per_user.
  NewClient create_client(int64_t actor, int64_t user_id, const std::string& name);
  // Revokes the client and every token issued to it (the actor: its user or an admin).
  void revoke_client(int64_t actor, const std::string& client_id);
  std::vector<Client> clients(int64_t actor, int64_t user_id);

  // The token endpoint: UNAUTHORIZED (invalid_client) for an unknown or revoked client or a
  // wrong secret. Every call is audited.
  AccessToken issue_token(const std::string& client_id, const std::string& secret,
                          const std::string& ip);
  // The console operator's shortcut (`lucas token create`): an access token for `user_id`
  // without a secret, issued to the user's "console" client (created on first use). Audited.
  AccessToken issue_console_token(int64_t user_id, int64_t ttl_s);
  // Resolves a bearer token. UNAUTHORIZED for an unknown, expired or revoked token (audited).
  Principal authenticate(const std::string& token, const std::string& ip);

  // Deletes tokens that expired more than a day ago (a daily job); returns how many.
  int64_t prune_expired();

  // Serves bearer-token lookups from `cache` (5 minutes; expiry is still checked on every use,
  // and the role comes from the users service). Revoking a client publishes
  // "auth.client_revoked" with its tokens' hashes, and every node drops them.
  void enable_cache(cache::Cache& cache, events::Outbox& outbox,
                    telemetry::Registry* metrics = nullptr);

 private:
  void require_self_or_admin(store::Tx& tx, int64_t actor, int64_t user_id, std::string_view what);
  // Audits a failed attempt and throws UNAUTHORIZED — or, past the per-IP failure limit,
  // RATE_LIMITED (audited once per penalty).
  [[noreturn]] void fail(const std::string& action, int64_t user_id, const std::string& target,
                         const std::string& ip, nlohmann::json details, Error error);
  // Token requests: every attempt counts against the per-IP limit before anything is checked, so
  // a guessing client learns nothing once it is over the limit.
  void throttle_token_requests(const std::string& ip);
  std::optional<Error> throttled(const std::string& key, const std::string& action,
                                 const std::string& ip, int64_t user_id);
  store::Database& db_;
  users::UserService& users_;
  const Clock& clock_;
  audit::AuditLog* audit_;
  Options options_;
  std::optional<sql::TokenRow> find_token(const std::string& hash);  // through the cache
  std::shared_ptr<cache::CacheSpace> tokens_;  // shared with the outbox's subscriber
  events::Outbox* outbox_ = nullptr;
};

// Extracts the token from an Authorization header value ("Bearer abc" -> "abc"); nullopt when
// the header is absent or uses another scheme. Scheme names are case-insensitive.
std::optional<std::string> bearer_token(std::string_view authorization);

}  // namespace lucas::auth
