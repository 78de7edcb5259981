// Users keyed by Telegram id, their roles, and their money as the API shows it.
#pragma once

#include <nlohmann/json.hpp>

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "base/clock.h"
#include "base/money_json.h"
#include "features/users/access.h"
#include "features/users/grants.h"
#include "infra/audit/audit.h"
#include "infra/store/db.h"
#include "infra/store/migrate.h"
#include "ledger/ledger.h"

namespace lucas::cache {
class Cache;
}
namespace lucas::events {
class Outbox;
}
namespace lucas::telemetry {
class Registry;
}

namespace lucas::users {

store::MigrationSet migrations();

enum class Role { kUser = 0, kModerator = 1, kAdmin = 2, kOwner = 3 };
std::string_view role_name(Role r);
std::optional<Role> parse_role(std::string_view s);

// A ban: the user is refused by every face (bot, REST, WebSocket) until it ends or is lifted.
struct Ban {
  std::string reason;
  int64_t banned_by = 0;  // 0: the console operator
  Micros banned_at = 0;
  std::optional<Micros> until;  // none: until unbanned
};

struct User {
  int64_t telegram_id = 0;
  std::string username;  // without '@'; may be empty
  std::string display_name;
  std::string language = "ru";  // "ru" or "en": replies are Russian unless English was chosen
  Role role = Role::kUser;
  Micros created_at = 0;
  Micros last_active_at = 0;
  // Set while the user is banned; UserService drops a timed ban that has ended (by its clock).
  std::optional<Ban> ban = std::nullopt;
};

struct UserUpdate {
  int64_t telegram_id = 0;
  std::string username;
  std::string display_name;
  std::string language;  // Telegram's language_code; anything but "en*" is stored as "ru"
};

struct Balance {
  std::string currency;
  int scale = 2;
  int64_t amount = 0;  // minor units
};

// The user record; "ban" is null or {"reason", "banned_by", "banned_at", "until"} (admins see it).
nlohmann::json to_json(const User& u);
// Only what anyone may see: id, display name, created_at.
nlohmann::json public_json(const User& u);

// A user as `actor` may see them: `full` false means only public_json's fields.
struct Profile {
  User user;
  bool full = false;
};

// A search of the user directory by staff (UserService::search).
struct UserSearch {
  std::string q;   // a Telegram id, @username (or its start), or part of a display name
  int limit = 20;  // 1-100
  std::optional<std::string> cursor;  // next_cursor of the previous page (of the same q)
};
struct UserPage {
  std::vector<User> items;  // best matches first: the id, the username, the name, then the rest
  std::optional<std::string> next_cursor;
};

// What an admin adjustment did (UserService::adjust_balance): the user's side of the transfer.
struct Adjustment {
  int64_t transfer_id = 0;
  bool replayed = false;  // the key had been used for this very request: nothing moved this time
  int64_t user_id = 0;
  std::string currency;
  int scale = 2;
  int64_t amount = 0;  // signed: positive credited, negative debited
  int64_t balance_after = 0;
  Micros at = 0;
};

// Normalises a display name for matching; identity when not given.
using NameKeyFn = std::function<std::string(std::string_view)>;

class UserService {
 public:
  UserService(store::Database& db, ledger::Ledger& ledger, const Clock& clock,
              NameKeyFn name_key = {}, audit::AuditLog* audit = nullptr);
  ~UserService();

  // Serves find/get and balance from `cache` (users 60 s, balances 30 s, the user -> account
  // mapping 1 h) and keeps it fresh on every node: a change of a user's names, language or role
  // publishes "users.changed", and every node drops what a "users.changed" or "ledger.transfer"
  // event touches (outbox everywhere-subscriptions; at once on the node that committed it). A
  // user's last_active_at alone publishes nothing: it is dropped from this node's cache only, so
  // other nodes' in-process caches may show it up to 60 s old.
  void enable_cache(cache::Cache& cache, events::Outbox& outbox,
                    telemetry::Registry* metrics = nullptr);

  // Creates the user or refreshes their names and language; touches last_active_at.
  User upsert(const UserUpdate& update);
  // The same inside the caller's transaction (other features' units of work).
  User upsert(store::Tx& tx, const UserUpdate& update);
  // Users whose normalised display name equals `key`.
  std::vector<User> find_by_name_key(store::Tx& tx, const std::string& key);
  std::optional<User> find(int64_t telegram_id);
  std::optional<User> find(store::Tx& tx, int64_t telegram_id);
  User get(int64_t telegram_id);  // NOT_FOUND
  // Changes a role. The actor must outrank both the user's current and new role (an owner may
  // appoint admins; only the owner role itself is set from the CLI with actor == 0).
  User set_role(int64_t actor_id, int64_t telegram_id, Role role);

  // What `actor` may read (access.h, read_access): the API's doors. UNAUTHORIZED without
  // credentials, INSUFFICIENT_SCOPE or FORBIDDEN otherwise; NOT_FOUND for an unknown user.
  // The profile of someone else is their public fields; the history's metadata is cut to its
  // safe keys for a scoped API client.
  Profile profile(const Actor& actor, int64_t telegram_id);
  // The actor's own full record (profile:read).
  User me(const Actor& actor);
  Balance balance(const Actor& actor, int64_t telegram_id,
                  std::string_view currency = ledger::kCoin);
  ledger::HistoryPage transactions(const Actor& actor, int64_t telegram_id,
                                   const std::optional<std::string>& cursor, int limit,
                                   std::string_view currency = ledger::kCoin);

  // Unchecked reads for trusted in-process callers that already act for this user (the bot's
  // own /balance, jobs). Faces that serve other people use the Actor overloads above.
  Balance balance(int64_t telegram_id, std::string_view currency = ledger::kCoin);
  ledger::HistoryPage transactions(int64_t telegram_id, const std::optional<std::string>& cursor,
                                   int limit, std::string_view currency = ledger::kCoin);
  int currency_scale(std::string_view currency);

  // Admin adjustment through the currency's admin mint: a positive amount credits the user, a
  // negative one debits them (never below zero: INSUFFICIENT_FUNDS). The actor is an admin or the
  // owner who outranks the user (the owner: everyone) and is not the user themself (FORBIDDEN);
  // 0 is the console operator, who may do anything. A banned user is not credited (CONFLICT; a
  // debit is allowed). The note is required from anyone but the console (1-500 bytes, no control
  // characters but line breaks: INVALID_ARGUMENT). Idempotent by key (a repeat returns the first
  // transfer, replayed; the same key for another request: IDEMPOTENCY_CONFLICT); the actor and
  // note are kept in the transfer's metadata; audited ("admin.grant" / "admin.debit", with `ip`)
  // in the same transaction.
  ledger::Transfer adjust(int64_t actor_id, const std::string& key, int64_t telegram_id,
                          int64_t amount, std::string_view currency, const std::string& note,
                          const std::string& ip = "");
  // The API's door to adjust(): the `admin` scope (INSUFFICIENT_SCOPE), the amount an exact
  // decimal string in the currency's scale ("-12.50"; INVALID_AMOUNT, AMOUNT_OVERFLOW), the
  // client's idempotency key (1-100 printable ASCII bytes; kept apart from other keys and other
  // actors' keys). Everything else as adjust().
  Adjustment adjust_balance(const Actor& actor, const std::string& idempotency_key,
                            int64_t telegram_id, const std::string& amount,
                            std::string_view currency, const std::string& reason,
                            const std::string& ip = "");

  // --- The admin panel's user directory (users_directory.cpp) ---
  // Staff (moderators, admins, the owner; a token with the `admin` scope) search users by id,
  // @username or part of the display name (case-insensitive, Cyrillic too: the names' keys are
  // normalised), paged. FORBIDDEN for anyone else; INVALID_ARGUMENT for an empty or overlong q
  // (64 bytes), a limit outside 1-100 or a bad cursor. Staff see every user's full record.
  UserPage search(const Actor& actor, const UserSearch& query);
  // One user's full record for staff (the same rule); NOT_FOUND for an unknown user.
  User lookup(const Actor& actor, int64_t telegram_id);
  // Every currency the user holds (COIN always, zero included), as balance() decides who may read.
  std::vector<Balance> balances(const Actor& actor, int64_t telegram_id);
  // Bulk grants (grants.h; users_grants.cpp): admins only (the `admin` scope; FORBIDDEN
  // otherwise). INVALID_ARGUMENT for a CSV that is not one (no header, more than 1,000 rows or
  // 512 KiB); rows are checked one by one. preview() writes nothing; apply() credits each valid row
  // once (each row in its own transaction: one refused row stops nothing), CONFLICT when
  // `batch_key` is not the content's, and audits the batch ("admin.grants", with `ip`) beside each
  // row's "admin.grant".
  GrantBatch preview_grants(const Actor& actor, const std::string& csv);
  GrantBatch apply_grants(const Actor& actor, const std::string& csv, const std::string& batch_key,
                          const std::string& ip = "");
  // Whether `actor_id` may adjust the balance of `target` (adjust()'s rule, without a database
  // write): false for oneself, non-admins, and users ranked at or above them.
  bool may_adjust(int64_t actor_id, const User& target);
  // ban()'s and set_role()'s rules, asked the same way (the panel shows only what may be done).
  bool may_ban(int64_t actor_id, const User& target);
  std::vector<Role> assignable_roles(int64_t actor_id, const User& target);
  std::optional<User> find_by_username(const std::string& username);
  // Bans a user: every face refuses them (USER_BANNED) until `until` (by the clock; none: until
  // unbanned), and their open WebSocket connections are closed ("users.banned" on the outbox).
  // The actor is an admin or the owner and outranks the user (admins ban users and moderators;
  // 0 is the operator at the console): FORBIDDEN otherwise. A reason is required (1-500 bytes);
  // `until` must be in the future (INVALID_ARGUMENT); NOT_FOUND for an unknown user. Banning a
  // banned user replaces the ban. Audited ("admin.ban") in the same transaction.
  User ban(int64_t actor_id, int64_t telegram_id, const std::string& reason,
           std::optional<Micros> until, const std::string& ip = "");
  // Lifts a ban (the same authorization; CONFLICT when the user is not banned). Audited
  // ("admin.unban").
  User unban(int64_t actor_id, int64_t telegram_id, const std::string& ip = "");
  // USER_BANNED (403) while `user` is banned: the message says until when, and why.
  static void require_not_banned(const User& user);
  // The same for a user id (an unknown user is not banned).
  void require_not_banned(int64_t telegram_id);

  // FORBIDDEN unless `actor_id` is an admin or owner (0 is the operator at the console).
  void require_admin(store::Tx& tx, int64_t actor_id, std::string_view what);
  void require_admin(int64_t actor_id, std::string_view what);
  int64_t count();
  // Admins and owners (alerts go to them).
  std::vector<User> admins();

 private:
  std::optional<User> find_cached(int64_t telegram_id);  // find() without the attempt's memo
  store::Database& db_;
  ledger::Ledger& ledger_;
  const Clock& clock_;
  NameKeyFn name_key_;
  audit::AuditLog* audit_;
  // The read decision for `actor` on `what` of the user (read_access; 401 before any lookup).
  Access authorize_read(const Actor& actor, int64_t telegram_id, Data what);
  // The uncached balance; `account` (when given) receives the user's account id, 0 for none.
  Balance balance_from_db(int64_t telegram_id, std::string_view currency,
                          ledger::AccountId* account);
  // Drops a timed ban that has ended by the clock.
  std::optional<User> current(std::optional<User> u) const;
  void require_ban_rights(store::Tx& tx, int64_t actor_id, const User& target);
  // FORBIDDEN unless adjust()'s actor rule holds.
  void require_adjust_rights(store::Tx& tx, int64_t actor_id, const User& target);
  // FORBIDDEN unless the actor is staff (moderator and above) with the `admin` scope.
  void require_staff(const Actor& actor);
  // The batch parsed and every row checked for `actor_id` (status valid or invalid).
  GrantBatch check_grants(int64_t actor_id, const std::string& csv);
  struct Caches;
  std::shared_ptr<Caches> caches_;  // null: no cache (shared with the outbox's subscribers)
  events::Outbox* outbox_ = nullptr;
};

}  // namespace lucas::users
