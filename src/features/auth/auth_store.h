// SQL of the auth feature (prepared statements only).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "features/auth/auth.h"

namespace lucas::auth::sql {

// `origin`: "console" or "api"; a pending client has a code hash and when the code expires.
void insert_client(store::Tx& tx, const Client& c, const std::string& secret_hash,
                   const std::string& origin, const std::optional<std::string>& code_hash);
std::optional<Client> find_client(store::Tx& tx, const std::string& client_id);
std::optional<std::string> client_secret_hash(store::Tx& tx, const std::string& client_id);
// The client whose confirmation code hashes to `code_hash` (whatever its status now).
std::optional<Client> find_client_by_code(store::Tx& tx, const std::string& code_hash);
// The user's active console client (`lucas token create` issues through it).
std::optional<std::string> console_client(store::Tx& tx, int64_t user_id);
std::vector<Client> clients_of(store::Tx& tx, int64_t user_id);
// Clients that are active, or pending with a code that has not expired at `now`.
int64_t live_clients(store::Tx& tx, int64_t user_id, Micros now);
// Pending -> active; false if it was not pending any more (a concurrent confirmation won).
bool activate_client(store::Tx& tx, const std::string& client_id, Micros now);
void revoke_client(store::Tx& tx, const std::string& client_id, Micros now);
void touch_client(store::Tx& tx, const std::string& client_id, Micros now);

// `scopes`: space-separated; nullopt (NULL): full access.
void insert_token(store::Tx& tx, const std::string& token_hash, const std::string& client_id,
                  int64_t user_id, Micros issued_at, Micros expires_at,
                  const std::optional<std::string>& scopes);
struct TokenRow {
  std::string client_id;
  int64_t user_id = 0;
  Micros expires_at = 0;
  bool revoked = false;
  std::optional<std::string> scopes;  // space-separated; nullopt: full access
};
std::optional<TokenRow> find_token(store::Tx& tx, const std::string& token_hash);
// Hashes of the client's tokens that are neither revoked nor expired at `now`.
std::vector<std::string> live_token_hashes(store::Tx& tx, const std::string& client_id, Micros now);
int64_t delete_tokens_expired_before(store::Tx& tx, Micros t);

// The named secret (32 random bytes, hex), created by whichever node asks first.
std::string key(store::Tx& tx, const std::string& name, Micros now);

}  // namespace lucas::auth::sql
