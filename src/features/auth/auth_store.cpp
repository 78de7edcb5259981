#include "features/auth/auth_store.h"

namespace lucas::auth::sql {
namespace {

using store::Value;

Client client_of(const store::Row& r) {
  return Client{r.str(0), r.i64(1), r.str(2), r.i64(3), r.opt_i64(4), r.opt_i64(5)};
}

constexpr const char* kClientColumns =
    "client_id, user_id, name, created_at, revoked_at, last_used_at";

}  // namespace

void insert_client(store::Tx& tx, const Client& c, const std::string& secret_hash) {
  tx.exec(
      "INSERT INTO api_clients (client_id, user_id, name, secret_hash, created_at)"
      " VALUES ($1, $2, $3, $4, $5)",
      {Value{c.client_id}, Value{c.user_id}, Value{c.name}, Value{secret_hash},
       Value{c.created_at}});
}

std::optional<Client> find_client(store::Tx& tx, const std::string& client_id) {
  const auto r =
      tx.exec(std::string("SELECT ") + kClientColumns + " FROM api_clients WHERE client_id = $1",
              {Value{client_id}});
  if (r.empty()) return std::nullopt;
  return client_of(r.one());
}

std::optional<std::string> client_secret_hash(store::Tx& tx, const std::string& client_id) {
  const auto r =
      tx.exec("SELECT secret_hash FROM api_clients WHERE client_id = $1", {Value{client_id}});
  if (r.empty()) return std::nullopt;
  return r.one().str(0);
}

std::vector<Client> clients_of(store::Tx& tx, int64_t user_id) {
  const auto r = tx.exec(std::string("SELECT ") + kClientColumns +
                             " FROM api_clients WHERE user_id = $1 ORDER BY created_at, client_id",
                         {Value{user_id}});
  std::vector<Client> out;
  for (const auto& row : r.rows) out.push_back(client_of(row));
  return out;
}

int64_t active_clients(store::Tx& tx, int64_t user_id) {
  return tx
      .exec("SELECT COUNT(*) FROM api_clients WHERE user_id = $1 AND revoked_at IS NULL",
            {Value{user_id}})
      .one()
      .i64(0);
}

void revoke_client(store::Tx& tx, const std::string& client_id, Micros now) {
  tx.exec("UPDATE api_clients SET revoked_at = $1 WHERE client_id = $2 AND revoked_at IS NULL",
          {Value{now}, Value{client_id}});
  tx.exec("UPDATE access_tokens SET revoked = 1 WHERE client_id = $1", {Value{client_id}});
}

void touch_client(store::Tx& tx, const std::string& client_id, Micros now) {
  tx.exec("UPDATE api_clients SET last_used_at = $1 WHERE client_id = $2",
          {Value{now}, Value{client_id}});
}

void insert_token(store::Tx& tx, const std::string& token_hash, const std::string& client_id,
                  int64_t user_id, Micros issued_at, Micros expires_at) {
  tx.exec(
      "INSERT INTO access_tokens (token_hash, client_id, user_id, issued_at, expires_at, revoked)"
      " VALUES ($1, $2, $3, $4, $5, 0)",
      {Value{token_hash}, Value{client_id}, Value{user_id}, Value{issued_at}, Value{expires_at}});
}

std::optional<TokenRow> find_token(store::Tx& tx, const std::string& token_hash) {
  const auto r = tx.exec(
      "SELECT client_id, user_id, expires_at, revoked FROM access_tokens WHERE token_hash = $1",
      {Value{token_hash}});
  if (r.empty()) return std::nullopt;
  const auto& row = r.one();
  return TokenRow{row.str(0), row.i64(1), row.i64(2), row.i64(3) != 0};
}

std::vector<std::string> live_token_hashes(store::Tx& tx, const std::string& client_id,
                                           Micros now) {
  std::vector<std::string> out;
  const auto r = tx.exec(
      "SELECT token_hash FROM access_tokens WHERE client_id = $1 AND revoked = 0"
      " AND expires_at > $2",
      {Value{client_id}, Value{now}});
  for (const auto& row : r.rows) out.push_back(row.str(0));
  return out;
}

int64_t delete_tokens_expired_before(store::Tx& tx, Micros t) {
  return tx.exec("DELETE FROM access_tokens WHERE expires_at < $1", {Value{t}}).affected;
}

}  // namespace lucas::auth::sql
