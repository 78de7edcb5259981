#include "features/sessions/sessions_store.h"

namespace lucas::sessions {

store::MigrationSet migrations() {
  return {"sessions",
          {{1, "web sessions and one-time login links",
            R"(
CREATE TABLE web_sessions (
  id TEXT PRIMARY KEY,
  token_hash TEXT NOT NULL UNIQUE,
  user_id BIGINT NOT NULL REFERENCES users (telegram_id),
  method TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  last_seen_at BIGINT NOT NULL,
  expires_at BIGINT NOT NULL,
  ip TEXT NOT NULL,
  last_ip TEXT NOT NULL,
  user_agent TEXT NOT NULL,
  revoked_at BIGINT
);
CREATE INDEX web_sessions_by_user ON web_sessions (user_id);
CREATE INDEX web_sessions_by_expiry ON web_sessions (expires_at);
CREATE TABLE web_login_links (
  token_hash TEXT PRIMARY KEY,
  user_id BIGINT NOT NULL REFERENCES users (telegram_id),
  created_at BIGINT NOT NULL,
  expires_at BIGINT NOT NULL,
  used_at BIGINT
);
CREATE INDEX web_login_links_by_expiry ON web_login_links (expires_at);
)"}}};
}

namespace sql {
namespace {

using store::Value;

constexpr const char* kColumns =
    "id, user_id, method, created_at, last_seen_at, expires_at, ip, last_ip, user_agent, "
    "revoked_at";

Session session_of(const store::Row& r) {
  return Session{r.str(0), r.i64(1), r.str(2), r.i64(3), r.i64(4),
                 r.i64(5), r.str(6), r.str(7), r.str(8), r.opt_i64(9)};
}

std::optional<Session> one_session(const store::Result& r) {
  if (r.empty()) return std::nullopt;
  return session_of(r.one());
}

}  // namespace

void insert_session(store::Tx& tx, const Session& s, const std::string& token_hash) {
  tx.exec(
      "INSERT INTO web_sessions (id, token_hash, user_id, method, created_at, last_seen_at,"
      " expires_at, ip, last_ip, user_agent) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
      {Value{s.id}, Value{token_hash}, Value{s.user_id}, Value{s.method}, Value{s.created_at},
       Value{s.last_seen_at}, Value{s.expires_at}, Value{s.ip}, Value{s.last_ip},
       Value{s.user_agent}});
}

std::optional<Session> find_by_token(store::Tx& tx, const std::string& token_hash) {
  return one_session(
      tx.exec(std::string("SELECT ") + kColumns + " FROM web_sessions WHERE token_hash = $1",
              {Value{token_hash}}));
}

std::optional<Session> find_by_id(store::Tx& tx, const std::string& id) {
  return one_session(
      tx.exec(std::string("SELECT ") + kColumns + " FROM web_sessions WHERE id = $1", {Value{id}}));
}

void touch(store::Tx& tx, const std::string& id, Micros now, const std::string& ip,
           Micros expires_at) {
  tx.exec(
      "UPDATE web_sessions SET last_seen_at = $1, last_ip = $2, expires_at = $3"
      " WHERE id = $4 AND revoked_at IS NULL",
      {Value{now}, Value{ip}, Value{expires_at}, Value{id}});
}

std::vector<Session> live_of(store::Tx& tx, int64_t user_id, Micros now) {
  const auto r = tx.exec(std::string("SELECT ") + kColumns +
                             " FROM web_sessions WHERE user_id = $1 AND revoked_at IS NULL"
                             " AND expires_at > $2 ORDER BY last_seen_at DESC, id",
                         {Value{user_id}, Value{now}});
  std::vector<Session> out;
  for (const auto& row : r.rows) out.push_back(session_of(row));
  return out;
}

bool revoke(store::Tx& tx, const std::string& id, Micros now) {
  return tx.exec(
               "UPDATE web_sessions SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL"
               " AND expires_at > $1",
               {Value{now}, Value{id}})
             .affected == 1;
}

int64_t revoke_all(store::Tx& tx, int64_t user_id, Micros now) {
  return tx
      .exec(
          "UPDATE web_sessions SET revoked_at = $1 WHERE user_id = $2 AND revoked_at IS NULL"
          " AND expires_at > $1",
          {Value{now}, Value{user_id}})
      .affected;
}

int64_t delete_ended_before(store::Tx& tx, Micros t) {
  return tx.exec("DELETE FROM web_sessions WHERE expires_at < $1 OR revoked_at < $1", {Value{t}})
      .affected;
}

void insert_link(store::Tx& tx, const std::string& token_hash, int64_t user_id, Micros created_at,
                 Micros expires_at) {
  tx.exec(
      "INSERT INTO web_login_links (token_hash, user_id, created_at, expires_at)"
      " VALUES ($1, $2, $3, $4)",
      {Value{token_hash}, Value{user_id}, Value{created_at}, Value{expires_at}});
}

std::optional<int64_t> consume_link(store::Tx& tx, const std::string& token_hash, Micros now) {
  // One UPDATE decides: of two racing requests only one finds the link unused.
  const auto r = tx.exec(
      "UPDATE web_login_links SET used_at = $1 WHERE token_hash = $2 AND used_at IS NULL"
      " AND expires_at > $1",
      {Value{now}, Value{token_hash}});
  if (r.affected != 1) return std::nullopt;
  return tx.exec("SELECT user_id FROM web_login_links WHERE token_hash = $1", {Value{token_hash}})
      .one()
      .i64(0);
}

int64_t delete_links_before(store::Tx& tx, Micros t) {
  return tx.exec("DELETE FROM web_login_links WHERE expires_at < $1", {Value{t}}).affected;
}

}  // namespace sql
}  // namespace lucas::sessions
