// SQL of the auth feature (prepared statements only).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "features/auth/auth.h"

namespace lucas::auth::sql {

void insert_client(store::Tx& tx, const Client& c, const std::string& secret_hash);
std::optional<Client> find_client(store::Tx& tx, const std::string& client_id);
std::optional<std::string> client_secret_hash(store::Tx& tx, const std::string& client_id);
std::vector<Client> clients_of(store::Tx& tx, int64_t user_id);
int64_t active_clients(store::Tx& tx, int64_t user_id);
void revoke_client(store::Tx& tx, const std::string& client_id, Micros now);
void touch_client(store::Tx& tx, const std::string& client_id, Micros now);

void insert_token(store::Tx& tx, const std::string& token_hash, const std::string& client_id,
                  int64_t user_id, Micros issued_at, Micros expires_at);
struct TokenRow {
  std::string client_id;
  int64_t user_id = 0;
  Micros expires_at = 0;
  bool revoked = false;
};
std::optional<TokenRow> find_token(store::Tx& tx, const std::string& token_hash);
// Hashes of the client's tokens that are neither revoked nor expired at `now`.
std::vector<std::string> live_token_hashes(store::Tx& tx, const std::string& client_id, Micros now);
int64_t delete_tokens_expired_before(store::Tx& tx, Micros t);

}  // namespace lucas::auth::sql
