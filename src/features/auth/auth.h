// API authentication: OAuth 2.0 client credentials (RFC 6749 section 4.4). A user (or an admin
// for them) registers an API client and gets a client id and a secret, shown once. The client
// trades them at POST /api/v1/oauth/token for a short-lived bearer access token, and sends
// `Authorization: Bearer <token>` with its requests; the request then acts as the client's user,
// within the token's scopes (features/users/access.h lists them). Secrets and tokens are stored
// only as SHA-256 hashes and never logged.
//
// Clients and who makes them: the console (`lucas client create`) makes active clients. Through
// the API (a bearer token with clients:write) a client is made *pending*: its secret is shown once,
// with a one-time confirmation code, and it gets no token until its user sends
// `/confirm_client CODE` to the bot in a private chat within 10 minutes. So a stolen token cannot
// mint itself a long-lived client. An admin manages the clients of users ranked below them only
// (users::may_administer); the client still waits for that user's confirmation.
//
// Scopes: a client is granted a set (default: the three read scopes); a token request may ask for
// a subset (`scope`, RFC 6749 3.3) and the token carries what was granted. Console tokens
// (`lucas token create`) have full access unless given scopes. Clients that existed before scopes
// (migration auth/2) were granted every scope of that time, which is what they could do before.
//
// Audit (Property 32): every authentication attempt — every token request, successful or not,
// and every request that presents an unknown, expired or revoked bearer token — is appended to
// the audit log with the user (when known), the IP address, the time and the result. A valid
// bearer token on an ordinary request is the use of an authentication already recorded, not a new
// attempt, so it is not logged again (the client's last_used_at is its last token request).
// Client creation, confirmation (and refused confirmations) and revocation are audited too.
//
// Brute force: failed token requests are counted per IP address (20 a minute, then progressively
// longer penalties); successful ones are not. Once an address is over the limit every token
// request from it is refused with RATE_LIMITED, right credentials included, until the penalty
// ends, so a guesser learns nothing. Failed bearer tokens are counted likewise. Only the first
// refusal is audited, so a flood cannot flood the audit log. (Access tokens carry 256 random
// bits: they are not guessable.)
//
// Cache (enable_cache): a cached token entry carries an HMAC-SHA256 under a key kept in the
// database (the same on every node, never in the cache), checked on every read; an entry that
// fails it is dropped and the token is read from the database. A fill re-reads the token's row
// after storing it and erases the entry if the token was revoked meanwhile, so a revocation that
// commits while another node fills cannot be undone by that fill (the revoking node erases after
// its commit; a fill that stored later sees the revocation).
#pragma once

#include <nlohmann/json.hpp>

#include <memory>
#include <mutex>
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

inline constexpr Micros kConfirmWindow = 600'000'000;  // a pending client's code: 10 minutes

struct Client {
  std::string client_id;  // public: "lc_" + 24 hex
  int64_t user_id = 0;    // the user the client acts as
  std::string name;
  Micros created_at = 0;
  std::optional<Micros> revoked_at;
  std::optional<Micros> last_used_at;
  std::vector<std::string> scopes;       // granted, sorted
  std::string status = "active";         // "active", or "pending" until its user confirms it
  std::optional<Micros> confirm_before;  // pending: when the confirmation code expires
};
nlohmann::json to_json(const Client& c);

struct NewClient {
  Client client;
  std::string secret;  // "lcs_" + 64 hex; shown once, stored hashed
  // Pending clients: the one-time code the user sends to the bot (/confirm_client CODE).
  std::optional<std::string> confirmation_code;
};

struct AccessToken {
  std::string token;  // "lat_" + 64 hex
  int64_t expires_in_s = 0;
  Micros expires_at = 0;
  int64_t user_id = 0;
  std::optional<std::vector<std::string>> scopes;  // granted; nullopt: full access
};

// Who a request acts as.
using Principal = users::Actor;

struct Options {
  int64_t token_ttl_s = 3600;  // access tokens live an hour
  int max_clients_per_user = 10;
  ratelimit::Limiter* limiter = nullptr;  // failed attempts per IP; none: unlimited
  int attempts_per_minute = 20;           // failed token requests, and failed bearer tokens, per IP
};

class AuthService {
 public:
  AuthService(store::Database& db, users::UserService& users, const Clock& clock,
              audit::AuditLog* audit, Options options = {});
  ~AuthService();

  // A new API client acting as `user_id`, with `scopes` (default: users::default_scopes()). The
  // console makes it active; anyone else needs clients:write and must be that user or administer
  // them (plus the admin scope through a client), and the client is pending until the user
  // confirms it (confirm_client). NOT_FOUND for an unknown user; CONFLICT past
  // max_clients_per_user (pending clients whose code has not expired count).
  NewClient create_client(const users::Actor& actor, int64_t user_id, const std::string& name,
                          const std::optional<std::vector<std::string>>& scopes = std::nullopt);
  // Activates the pending client whose code this is, when `telegram_user_id` is its user and the
  // command came from a private chat, within kConfirmWindow, once. Refusals are FORBIDDEN or
  // NOT_FOUND with details.reason: "group", "unknown" (also another user's code, said the same
  // way), "expired", "used", "revoked". Every attempt is audited.
  Client confirm_client(int64_t telegram_user_id, const std::string& code, bool private_chat);
  // Revokes the client and every token issued to it (clients:write; its user or an admin over
  // them).
  void revoke_client(const users::Actor& actor, const std::string& client_id);
  std::vector<Client> clients(const users::Actor& actor, int64_t user_id);  // clients:read
  // Whether `client_id` is an active (confirmed, unrevoked) client of `user_id`: the platform's
  // own check (a WebSocket token obtained through that client stays good only while it is).
  bool client_active(const std::string& client_id, int64_t user_id);

  // The token endpoint: UNAUTHORIZED (invalid_client) for an unknown or revoked client or a
  // wrong secret; FORBIDDEN (unauthorized_client) for a pending one; INVALID_ARGUMENT
  // (invalid_scope) when `scope` asks for more than the client was granted. Every call is audited.
  AccessToken issue_token(const std::string& client_id, const std::string& secret,
                          const std::string& ip, const std::optional<std::string>& scope = {});
  // The console operator's shortcut (`lucas token create`): an access token for `user_id`
  // without a secret, issued to the user's "console" client (created on first use), with full
  // access unless `scopes` are given. Audited.
  AccessToken issue_console_token(
      int64_t user_id, int64_t ttl_s,
      const std::optional<std::vector<std::string>>& scopes = std::nullopt);
  // Resolves a bearer token. UNAUTHORIZED for an unknown, expired or revoked token (audited).
  Principal authenticate(const std::string& token, const std::string& ip);

  // Deletes tokens that expired more than a day ago (a daily job); returns how many.
  int64_t prune_expired();

  // Serves bearer-token lookups from `cache` (5 minutes; expiry is still checked on every use,
  // and the role comes from the users service; entries are signed, see above). Revoking a client
  // publishes "auth.client_revoked" with its tokens' hashes, and every node drops them.
  void enable_cache(cache::Cache& cache, events::Outbox& outbox,
                    telemetry::Registry* metrics = nullptr);

 private:
  // The user's role, for the administer check (FORBIDDEN unless self or administering them).
  void require_manager(store::Tx& tx, const users::Actor& actor, int64_t user_id,
                       std::string_view scope, std::string_view what);
  // Audits a failed attempt and throws `error` — or, past the per-IP failure limit,
  // RATE_LIMITED (audited once per penalty). Token requests and bearer tokens count here.
  [[noreturn]] void fail(const std::string& action, int64_t user_id, const std::string& target,
                         const std::string& ip, nlohmann::json details, Error error);
  // Token requests from an address over the failure limit are refused before anything is
  // checked (RATE_LIMITED); others are not counted.
  void refuse_if_locked_out(const std::string& ip);
  std::optional<Error> throttled(const ratelimit::Decision& d, const std::string& action,
                                 const std::string& ip, int64_t user_id);
  void audit_ok(store::Tx& tx, int64_t actor, const std::string& action, const std::string& target,
                const std::string& ip, nlohmann::json details);
  AccessToken insert_token(const std::string& client_id, int64_t user_id, int64_t ttl_s,
                           const std::optional<std::vector<std::string>>& scopes,
                           const std::string& ip, int64_t audit_actor, nlohmann::json details);
  // Through the cache when enabled: signed entries, re-validated after a fill.
  std::optional<sql::TokenRow> find_token(const std::string& hash);
  std::string sign(const std::string& hash, const std::string& payload);
  const std::string& cache_key();

  store::Database& db_;
  users::UserService& users_;
  const Clock& clock_;
  audit::AuditLog* audit_;
  Options options_;
  std::shared_ptr<cache::CacheSpace> tokens_;  // shared with the outbox's subscriber
  events::Outbox* outbox_ = nullptr;
  std::once_flag key_once_;
  std::string key_;  // the cache HMAC key, read from the database on first use
};

// Extracts the token from an Authorization header value ("Bearer abc" -> "abc"); nullopt when
// the header is absent or uses another scheme. Scheme names are case-insensitive.
std::optional<std::string> bearer_token(std::string_view authorization);

}  // namespace lucas::auth
