#include "features/users/users_store.h"

namespace lucas::users {

store::MigrationSet migrations() {
  return {"users",
          {{1, "users",
            R"(
CREATE TABLE users (
  telegram_id BIGINT PRIMARY KEY,
  username TEXT NOT NULL DEFAULT '',
  display_name TEXT NOT NULL DEFAULT '',
  language TEXT NOT NULL DEFAULT 'ru' CHECK (language IN ('ru', 'en')),
  role TEXT NOT NULL DEFAULT 'user' CHECK (role IN ('user', 'moderator', 'admin', 'owner')),
  created_at BIGINT NOT NULL,
  last_active_at BIGINT NOT NULL,
  name_key TEXT NOT NULL DEFAULT ''
);
CREATE INDEX users_by_username ON users (username);
CREATE INDEX users_by_name_key ON users (name_key);
)"},
           {2, "bans",
            R"(
ALTER TABLE users ADD COLUMN ban_reason TEXT;
ALTER TABLE users ADD COLUMN banned_by BIGINT;
ALTER TABLE users ADD COLUMN banned_at BIGINT;
ALTER TABLE users ADD COLUMN banned_until BIGINT;
)"}}};
}

}  // namespace lucas::users

namespace lucas::users::sql {
using store::Value;

namespace {
constexpr const char* kColumns =
    "SELECT telegram_id, username, display_name, language, role, created_at, last_active_at,"
    " ban_reason, banned_by, banned_at, banned_until FROM users";

User from_row(const store::Row& row) {
  User u{
      row.i64(0), row.str(1), row.str(2), row.str(3), parse_role(row.str(4)).value_or(Role::kUser),
      row.i64(5), row.i64(6)};
  if (!row.is_null(7)) {
    u.ban =
        Ban{row.str(7), row.opt_i64(8).value_or(0), row.opt_i64(9).value_or(0), row.opt_i64(10)};
  }
  return u;
}
}  // namespace

std::optional<User> find(store::Tx& tx, int64_t telegram_id) {
  auto r = tx.exec(std::string(kColumns) + " WHERE telegram_id = $1", {Value{telegram_id}});
  if (r.empty()) return std::nullopt;
  return from_row(r.one());
}

std::vector<User> find_by_name_key(store::Tx& tx, const std::string& key) {
  std::vector<User> out;
  for (const auto& row :
       tx.exec(std::string(kColumns) + " WHERE name_key = $1 ORDER BY telegram_id LIMIT 10",
               {Value{key}})
           .rows) {
    out.push_back(from_row(row));
  }
  return out;
}

std::vector<User> admins(store::Tx& tx) {
  std::vector<User> out;
  for (const auto& row :
       tx.exec(std::string(kColumns) +
               " WHERE role IN ('admin', 'owner') ORDER BY telegram_id LIMIT 1000")
           .rows) {
    out.push_back(from_row(row));
  }
  return out;
}

std::optional<User> find_by_username(store::Tx& tx, const std::string& username) {
  auto r = tx.exec(std::string(kColumns) + " WHERE lower(username) = lower($1) LIMIT 1",
                   {Value{username}});
  if (r.empty()) return std::nullopt;
  return from_row(r.one());
}

namespace {
// A LIKE pattern matching `text` literally ('!' escapes the wildcards and itself).
std::string like_escaped(const std::string& text) {
  std::string out;
  for (char c : text) {
    if (c == '%' || c == '_' || c == '!') out += '!';
    out += c;
  }
  return out;
}
Value opt_text(const std::optional<std::string>& s, const std::string& before,
               const std::string& after) {
  return s ? Value{before + like_escaped(*s) + after} : Value{};
}
}  // namespace

std::vector<std::pair<int, User>> search(store::Tx& tx, const SearchTerms& terms,
                                         const SearchAfter& after, int limit) {
  // $1 id, $2 username, $3 name key (exact); $4/$5 their prefixes, $6/$7 their substrings.
  const std::string sql =
      "SELECT * FROM (SELECT telegram_id, username, display_name, language, role, created_at,"
      " last_active_at, ban_reason, banned_by, banned_at, banned_until, CASE"
      " WHEN telegram_id = $1 THEN 0"
      " WHEN lower(username) = $2 THEN 1"
      " WHEN name_key = $3 THEN 2"
      " WHEN lower(username) LIKE $4 ESCAPE '!' THEN 3"
      " WHEN name_key LIKE $5 ESCAPE '!' THEN 4"
      " ELSE 5 END AS match_rank FROM users"
      " WHERE telegram_id = $1 OR lower(username) LIKE $6 ESCAPE '!'"
      " OR name_key LIKE $7 ESCAPE '!') AS m"
      " WHERE m.match_rank > $8 OR (m.match_rank = $8 AND m.telegram_id > $9)"
      " ORDER BY m.match_rank, m.telegram_id LIMIT " +
      std::to_string(limit);
  std::vector<std::pair<int, User>> out;
  for (const auto& row :
       tx.exec(sql, {terms.telegram_id ? Value{*terms.telegram_id} : Value{},
                     terms.username ? Value{*terms.username} : Value{},
                     terms.name_key ? Value{*terms.name_key} : Value{},
                     opt_text(terms.username, "", "%"), opt_text(terms.name_key, "", "%"),
                     opt_text(terms.username, "%", "%"), opt_text(terms.name_key, "%", "%"),
                     Value{int64_t{after.rank}}, Value{after.telegram_id}})
           .rows) {
    out.emplace_back(static_cast<int>(row.i64(11)), from_row(row));
  }
  return out;
}

int64_t count(store::Tx& tx) {
  return tx.exec("SELECT COUNT(*) FROM users").one().i64(0);
}

void upsert(store::Tx& tx, const User& u, const std::string& name_key) {
  tx.exec(
      "INSERT INTO users (telegram_id, username, display_name, language, role, created_at,"
      " last_active_at, name_key) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)"
      " ON CONFLICT (telegram_id) DO UPDATE SET username = excluded.username,"
      " display_name = excluded.display_name, language = excluded.language,"
      " last_active_at = excluded.last_active_at, name_key = excluded.name_key",
      {Value{u.telegram_id}, Value{u.username}, Value{u.display_name}, Value{u.language},
       Value{std::string(role_name(u.role))}, Value{u.created_at}, Value{u.last_active_at},
       Value{name_key}});
}

void set_role(store::Tx& tx, int64_t telegram_id, Role role) {
  tx.exec("UPDATE users SET role = $1 WHERE telegram_id = $2",
          {Value{std::string(role_name(role))}, Value{telegram_id}});
}

void set_ban(store::Tx& tx, int64_t telegram_id, const std::optional<Ban>& ban) {
  if (!ban) {
    tx.exec(
        "UPDATE users SET ban_reason = NULL, banned_by = NULL, banned_at = NULL,"
        " banned_until = NULL WHERE telegram_id = $1",
        {Value{telegram_id}});
    return;
  }
  tx.exec(
      "UPDATE users SET ban_reason = $1, banned_by = $2, banned_at = $3, banned_until = $4"
      " WHERE telegram_id = $5",
      {Value{ban->reason}, Value{ban->banned_by}, Value{ban->banned_at},
       ban->until ? Value{*ban->until} : Value{}, Value{telegram_id}});
}

}  // namespace lucas::users::sql
