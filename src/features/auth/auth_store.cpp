#include "features/auth/auth_store.h"

#include "base/ids.h"

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
)"},
           // Clients from before scopes could do whatever their user could: they get every scope
           // of this version, and so do their live tokens (console tokens keep full access).
           {2, "client scopes, pending clients, token scopes, the token cache key",
            R"(
ALTER TABLE api_clients ADD COLUMN scopes TEXT NOT NULL DEFAULT '';
UPDATE api_clients SET scopes =
  'admin balance:read clients:read clients:write history:read links:write parser:parse profile:read ws';
ALTER TABLE api_clients ADD COLUMN status TEXT NOT NULL DEFAULT 'active';
ALTER TABLE api_clients ADD COLUMN origin TEXT NOT NULL DEFAULT 'api';
UPDATE api_clients SET origin = 'console' WHERE name = 'console';
ALTER TABLE api_clients ADD COLUMN confirm_code_hash TEXT;
ALTER TABLE api_clients ADD COLUMN confirm_expires_at BIGINT;
ALTER TABLE api_clients ADD COLUMN confirmed_at BIGINT;
CREATE INDEX api_clients_by_confirm_code ON api_clients (confirm_code_hash);
ALTER TABLE access_tokens ADD COLUMN scopes TEXT;
UPDATE access_tokens SET scopes =
  'admin balance:read clients:read clients:write history:read links:write parser:parse profile:read ws'
  WHERE client_id IN (SELECT client_id FROM api_clients WHERE origin <> 'console');
CREATE TABLE auth_keys (
  name TEXT PRIMARY KEY,
  value TEXT NOT NULL,
  created_at BIGINT NOT NULL
);
)"}}};
}

}  // namespace lucas::auth

namespace lucas::auth::sql {
namespace {

using store::Value;

Client client_of(const store::Row& r) {
  Client c;
  c.client_id = r.str(0);
  c.user_id = r.i64(1);
  c.name = r.str(2);
  c.created_at = r.i64(3);
  c.revoked_at = r.opt_i64(4);
  c.last_used_at = r.opt_i64(5);
  c.scopes = users::split_scopes(r.str(6));
  c.status = r.str(7);
  if (c.status == "pending") c.confirm_before = r.opt_i64(8);
  return c;
}

constexpr const char* kClientColumns =
    "client_id, user_id, name, created_at, revoked_at, last_used_at, scopes, status,"
    " confirm_expires_at";

std::string select_clients(const char* where) {
  return std::string("SELECT ") + kClientColumns + " FROM api_clients WHERE " + where;
}

}  // namespace

void insert_client(store::Tx& tx, const Client& c, const std::string& secret_hash,
                   const std::string& origin, const std::optional<std::string>& code_hash) {
  tx.exec(
      "INSERT INTO api_clients (client_id, user_id, name, secret_hash, created_at, scopes, status,"
      " origin, confirm_code_hash, confirm_expires_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9,"
      " $10)",
      {Value{c.client_id}, Value{c.user_id}, Value{c.name}, Value{secret_hash}, Value{c.created_at},
       Value{users::join_scopes(c.scopes)}, Value{c.status}, Value{origin},
       code_hash ? Value{*code_hash} : Value{},
       c.confirm_before ? Value{*c.confirm_before} : Value{}});
}

std::optional<Client> find_client(store::Tx& tx, const std::string& client_id) {
  const auto r = tx.exec(select_clients("client_id = $1"), {Value{client_id}});
  if (r.empty()) return std::nullopt;
  return client_of(r.one());
}

std::optional<std::string> client_secret_hash(store::Tx& tx, const std::string& client_id) {
  const auto r =
      tx.exec("SELECT secret_hash FROM api_clients WHERE client_id = $1", {Value{client_id}});
  if (r.empty()) return std::nullopt;
  return r.one().str(0);
}

std::optional<Client> find_client_by_code(store::Tx& tx, const std::string& code_hash) {
  const auto r = tx.exec(select_clients("confirm_code_hash = $1"), {Value{code_hash}});
  if (r.rows.size() != 1) return std::nullopt;
  return client_of(r.one());
}

std::optional<std::string> console_client(store::Tx& tx, int64_t user_id) {
  const auto r = tx.exec(
      "SELECT client_id FROM api_clients WHERE user_id = $1 AND origin = 'console'"
      " AND name = 'console' AND status = 'active' AND revoked_at IS NULL"
      " ORDER BY created_at LIMIT 1",
      {Value{user_id}});
  if (r.empty()) return std::nullopt;
  return r.one().str(0);
}

std::vector<Client> clients_of(store::Tx& tx, int64_t user_id) {
  const auto r =
      tx.exec(select_clients("user_id = $1 ORDER BY created_at, client_id"), {Value{user_id}});
  std::vector<Client> out;
  for (const auto& row : r.rows) out.push_back(client_of(row));
  return out;
}

int64_t live_clients(store::Tx& tx, int64_t user_id, Micros now) {
  return tx
      .exec(
          "SELECT COUNT(*) FROM api_clients WHERE user_id = $1 AND revoked_at IS NULL"
          " AND (status = 'active' OR confirm_expires_at > $2)",
          {Value{user_id}, Value{now}})
      .one()
      .i64(0);
}

bool activate_client(store::Tx& tx, const std::string& client_id, Micros now) {
  return tx.exec(
               "UPDATE api_clients SET status = 'active', confirmed_at = $1"
               " WHERE client_id = $2 AND status = 'pending' AND revoked_at IS NULL",
               {Value{now}, Value{client_id}})
             .affected == 1;
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
                  int64_t user_id, Micros issued_at, Micros expires_at,
                  const std::optional<std::string>& scopes) {
  tx.exec(
      "INSERT INTO access_tokens (token_hash, client_id, user_id, issued_at, expires_at, revoked,"
      " scopes) VALUES ($1, $2, $3, $4, $5, 0, $6)",
      {Value{token_hash}, Value{client_id}, Value{user_id}, Value{issued_at}, Value{expires_at},
       scopes ? Value{*scopes} : Value{}});
}

std::optional<TokenRow> find_token(store::Tx& tx, const std::string& token_hash) {
  const auto r = tx.exec(
      "SELECT client_id, user_id, expires_at, revoked, scopes FROM access_tokens"
      " WHERE token_hash = $1",
      {Value{token_hash}});
  if (r.empty()) return std::nullopt;
  const auto& row = r.one();
  return TokenRow{row.str(0), row.i64(1), row.i64(2), row.i64(3) != 0, row.opt_str(4)};
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

std::string key(store::Tx& tx, const std::string& name, Micros now) {
  tx.exec(
      "INSERT INTO auth_keys (name, value, created_at) VALUES ($1, $2, $3)"
      " ON CONFLICT (name) DO NOTHING",
      {Value{name}, Value{random_hex(32)}, Value{now}});
  return tx.exec("SELECT value FROM auth_keys WHERE name = $1", {Value{name}}).one().str(0);
}

}  // namespace lucas::auth::sql
