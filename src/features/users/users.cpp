#include "features/users/users.h"

#include "base/blocking.h"
#include "base/decode_memo.h"
#include "base/money.h"
#include "features/users/users_store.h"
#include "infra/cache/cache.h"
#include "infra/events/outbox.h"

#include <charconv>

namespace lucas::users {

std::string_view role_name(Role r) {
  switch (r) {
    case Role::kUser:
      return "user";
    case Role::kModerator:
      return "moderator";
    case Role::kAdmin:
      return "admin";
    case Role::kOwner:
      return "owner";
  }
  return "user";
}

std::optional<Role> parse_role(std::string_view s) {
  if (s == "user") return Role::kUser;
  if (s == "moderator") return Role::kModerator;
  if (s == "admin") return Role::kAdmin;
  if (s == "owner") return Role::kOwner;
  return std::nullopt;
}

namespace {
nlohmann::json ban_json(const std::optional<Ban>& ban) {
  if (!ban) return nullptr;
  return {{"reason", ban->reason},
          {"banned_by", ban->banned_by},
          {"banned_at", format_rfc3339(ban->banned_at)},
          {"until", ban->until ? nlohmann::json(format_rfc3339(*ban->until)) : nullptr}};
}
}  // namespace

nlohmann::json to_json(const User& u) {
  return {{"id", u.telegram_id},
          {"username", u.username},
          {"display_name", u.display_name},
          {"language", u.language},
          {"role", role_name(u.role)},
          {"created_at", format_rfc3339(u.created_at)},
          {"last_active_at", format_rfc3339(u.last_active_at)},
          {"ban", ban_json(u.ban)}};
}

nlohmann::json public_json(const User& u) {
  return {{"id", u.telegram_id},
          {"display_name", u.display_name},
          {"created_at", format_rfc3339(u.created_at)}};
}

namespace {
void validate_id(int64_t id) {
  if (id <= 0) {
    throw Error(ErrorCode::kInvalidArgument, "a Telegram user id is a positive integer",
                {{"id", id}});
  }
}

// Keeps text valid and bounded: names come from Telegram but may also arrive from the API.
std::string clip(const std::string& s, size_t max_bytes, const char* field) {
  if (s.size() > max_bytes) {
    throw Error(ErrorCode::kInvalidArgument, std::string(field) + " is too long",
                {{"field", field}, {"max_bytes", max_bytes}});
  }
  for (unsigned char c : s) {
    if (c < 0x20) {
      throw Error(ErrorCode::kInvalidArgument, std::string(field) + " contains control characters",
                  {{"field", field}});
    }
  }
  return s;
}
}  // namespace

// ---------------------------------------------------------------- cache

struct UserService::Caches {
  Caches(cache::Cache& c, telemetry::Registry* m)
      : users(c, "user", 60'000'000, m),
        accounts(c, "account", 3'600'000'000, m),
        balances(c, "balance", 30'000'000, m) {}
  cache::CacheSpace users;     // telegram id -> the user
  cache::CacheSpace accounts;  // "<telegram id>:<currency>" -> account id (never changes)
  cache::CacheSpace balances;  // account id -> "<currency> <scale> <amount>"
};

namespace {

std::string encode_user(const User& u) {
  nlohmann::json ban = nullptr;
  if (u.ban) {
    ban = {u.ban->reason, u.ban->banned_by, u.ban->banned_at,
           u.ban->until ? nlohmann::json(*u.ban->until) : nullptr};
  }
  return nlohmann::json{u.telegram_id,
                        u.username,
                        u.display_name,
                        u.language,
                        static_cast<int>(u.role),
                        u.created_at,
                        u.last_active_at,
                        ban}
      .dump();
}

// An entry without the ban (8th field) is another version's: read through.
std::optional<User> decode_user(const std::string& s) {
  const auto j = nlohmann::json::parse(s, nullptr, false);
  if (!j.is_array() || j.size() != 8) return std::nullopt;
  try {
    User u;
    u.telegram_id = j[0].get<int64_t>();
    u.username = j[1].get<std::string>();
    u.display_name = j[2].get<std::string>();
    u.language = j[3].get<std::string>();
    u.role = static_cast<Role>(j[4].get<int>());
    u.created_at = j[5].get<int64_t>();
    u.last_active_at = j[6].get<int64_t>();
    if (!j[7].is_null()) {
      const auto& b = j[7];
      u.ban = Ban{b.at(0).get<std::string>(), b.at(1).get<int64_t>(), b.at(2).get<int64_t>(),
                  b.at(3).is_null() ? std::nullopt : std::optional<Micros>(b.at(3).get<int64_t>())};
    }
    return u;
  } catch (const nlohmann::json::exception&) {
    return std::nullopt;
  }
}

}  // namespace

UserService::UserService(store::Database& db, ledger::Ledger& ledger, const Clock& clock,
                         NameKeyFn name_key, audit::AuditLog* audit)
    : db_(db), ledger_(ledger), clock_(clock), name_key_(std::move(name_key)), audit_(audit) {}

UserService::~UserService() = default;

void UserService::enable_cache(cache::Cache& cache, events::Outbox& outbox,
                               telemetry::Registry* metrics) {
  caches_ = std::make_shared<Caches>(cache, metrics);
  outbox_ = &outbox;
  // The subscriptions keep the spaces alive: the outbox may deliver after this service is gone.
  auto c = caches_;
  outbox.subscribe_everywhere("users.changed", [c](const events::Event& ev) {
    c->users.erase(std::to_string(ev.payload.value("telegram_id", int64_t{0})));
  });
  outbox.subscribe_everywhere("ledger.transfer", [c](const events::Event& ev) {
    for (const auto& leg : ev.payload.value("legs", nlohmann::json::array())) {
      if (leg.contains("account")) c->balances.erase(std::to_string(leg["account"].get<int64_t>()));
    }
  });
}

User UserService::upsert(const UserUpdate& update) {
  return db_.transact([&](store::Tx& tx) { return upsert(tx, update); });
}

User UserService::upsert(store::Tx& tx, const UserUpdate& update) {
  validate_id(update.telegram_id);
  std::string username = update.username;
  if (!username.empty() && username.front() == '@') username.erase(0, 1);
  const Micros now = clock_.now();
  User u = sql::find(tx, update.telegram_id).value_or(User{});
  const User before = u;
  if (u.telegram_id == 0) {
    u.telegram_id = update.telegram_id;
    u.created_at = now;
  }
  u.username = clip(username, 64, "username");
  u.display_name = clip(update.display_name, 256, "display_name");
  u.language = update.language.rfind("en", 0) == 0 ? "en" : "ru";
  u.last_active_at = now;
  sql::upsert(tx, u, name_key_ ? name_key_(u.display_name) : u.display_name);
  if (caches_) {
    if (before.telegram_id == 0 || before.username != u.username ||
        before.display_name != u.display_name || before.language != u.language) {
      outbox_->publish(tx, "users.changed", {{"telegram_id", u.telegram_id}});
    } else {
      tx.after_commit([c = caches_, id = u.telegram_id] { c->users.erase(std::to_string(id)); });
    }
  }
  return *current(std::move(u));
}

std::vector<User> UserService::find_by_name_key(store::Tx& tx, const std::string& key) {
  return sql::find_by_name_key(tx, key);
}

std::optional<User> UserService::find(int64_t telegram_id) {
  // An inline read (no writes can happen inside it) asks for the same user up to three times:
  // the token's owner, the guard's ban check, the target; the first answer serves the rest.
  struct Memo {
    uint64_t attempt = 0;
    int64_t id = 0;
    std::optional<User> user;
  };
  thread_local Memo memo;
  const uint64_t attempt = InlineAttempt::current();
  if (attempt != 0 && memo.attempt == attempt && memo.id == telegram_id) return memo.user;
  auto found = find_cached(telegram_id);
  if (attempt != 0) memo = {attempt, telegram_id, found};
  return found;
}

std::optional<User> UserService::find_cached(int64_t telegram_id) {
  const auto read = [&] {
    return current(db_.read([&](store::Tx& tx) { return sql::find(tx, telegram_id); }));
  };
  if (!caches_) return read();
  const auto cached =
      caches_->users.get_or_load(std::to_string(telegram_id), [&]() -> std::optional<std::string> {
        const auto u = read();
        if (!u) return std::nullopt;
        return encode_user(*u);
      });
  if (!cached) return std::nullopt;
  thread_local DecodeMemo<User> decoded;  // a request reads its user three times
  if (auto u = decoded.get({}, *cached, decode_user)) return current(std::move(u));
  caches_->users.erase(std::to_string(telegram_id));  // not ours: read through
  return read();
}

std::optional<User> UserService::find(store::Tx& tx, int64_t telegram_id) {
  return current(sql::find(tx, telegram_id));
}

User UserService::get(int64_t telegram_id) {
  validate_id(telegram_id);
  auto u = find(telegram_id);
  if (!u) {
    throw Error(ErrorCode::kNotFound, "user " + std::to_string(telegram_id) + " not found",
                {{"id", telegram_id}});
  }
  return *u;
}

User UserService::set_role(int64_t actor_id, int64_t telegram_id, Role role) {
  validate_id(telegram_id);
  return db_.transact([&](store::Tx& tx) {
    auto target = sql::find(tx, telegram_id);
    if (!target) {
      throw Error(ErrorCode::kNotFound, "user " + std::to_string(telegram_id) + " not found");
    }
    if (actor_id != 0) {  // 0 is the operator at the console
      auto actor = sql::find(tx, actor_id);
      const Role actor_role = actor ? actor->role : Role::kUser;
      if (actor_role <= target->role || actor_role <= role) {
        throw Error(ErrorCode::kForbidden, "you may only change roles below your own",
                    {{"actor_role", role_name(actor_role)}});
      }
    }
    sql::set_role(tx, telegram_id, role);
    if (outbox_ != nullptr) {
      // With the roles: a demoted user's WebSocket connections are closed on every node.
      outbox_->publish(tx, "users.changed",
                       {{"telegram_id", telegram_id},
                        {"role", role_name(role)},
                        {"previous_role", role_name(target->role)}});
    }
    if (audit_ != nullptr) {
      audit_->append(tx,
                     audit::entry(actor_id, "admin.set_role", "user:" + std::to_string(telegram_id),
                                  {{"from", role_name(target->role)}, {"to", role_name(role)}}));
    }
    target->role = role;
    return *target;
  });
}

Access UserService::authorize_read(const Actor& actor, int64_t telegram_id, Data what) {
  validate_id(telegram_id);
  // Without credentials nothing private is answered, not even whether the user exists.
  if (actor.is_anonymous() && what != Data::kProfile) {
    return read_access(actor, telegram_id, Role::kUser, what);
  }
  return read_access(actor, telegram_id, get(telegram_id).role, what);
}

Profile UserService::profile(const Actor& actor, int64_t telegram_id) {
  validate_id(telegram_id);
  User u = get(telegram_id);
  return {u, read_access(actor, telegram_id, u.role, Data::kProfile) != Access::kPublic};
}

User UserService::me(const Actor& actor) {
  actor.require_scope(scope::kProfileRead);
  if (actor.console) throw Error(ErrorCode::kInvalidArgument, "the console is not a user");
  return get(actor.user_id);
}

Balance UserService::balance(const Actor& actor, int64_t telegram_id, std::string_view currency) {
  authorize_read(actor, telegram_id, Data::kBalance);
  return balance(telegram_id, currency);
}

ledger::HistoryPage UserService::transactions(const Actor& actor, int64_t telegram_id,
                                              const std::optional<std::string>& cursor, int limit,
                                              std::string_view currency) {
  const Access access = authorize_read(actor, telegram_id, Data::kHistory);
  auto page = transactions(telegram_id, cursor, limit, currency);
  if (access != Access::kFull) {
    for (auto& item : page.items) item.metadata = safe_metadata(item.metadata);
  }
  return page;
}

int UserService::currency_scale(std::string_view currency) {
  return db_.read([&](store::Tx& tx) { return ledger_.currency(tx, currency).scale; });
}

Balance UserService::balance(int64_t telegram_id, std::string_view currency) {
  validate_id(telegram_id);
  if (!caches_) return balance_from_db(telegram_id, currency, nullptr);
  // The account, from the cache or from the database (then remembered: it never changes).
  const std::string account_key = std::to_string(telegram_id) + ":" + std::string(currency);
  std::optional<ledger::AccountId> account;
  ledger::AccountId cached_account = 0;
  if (auto a = caches_->accounts.get(account_key);
      a && std::from_chars(a->data(), a->data() + a->size(), cached_account).ec == std::errc()) {
    account = cached_account;
  } else {
    ledger::AccountId found = 0;
    const Balance b = balance_from_db(telegram_id, currency, &found);
    if (found == 0) return b;  // never received this currency: nothing worth caching
    caches_->accounts.set(account_key, std::to_string(found));
    account = found;
  }
  const auto cached =
      caches_->balances.get_or_load(std::to_string(*account), [&]() -> std::optional<std::string> {
        return db_.read([&](store::Tx& tx) {
          const auto cur = ledger_.currency(tx, currency);
          return cur.code + " " + std::to_string(cur.scale) + " " +
                 std::to_string(ledger_.account(tx, *account).balance);
        });
      });
  // "CODE SCALE AMOUNT"
  Balance b;
  const std::string_view text = *cached;
  const size_t s1 = text.find(' ');
  const size_t s2 = s1 == std::string_view::npos ? s1 : text.find(' ', s1 + 1);
  if (s2 != std::string_view::npos && text.substr(0, s1) == currency) {
    b.currency = std::string(currency);
    const char* end = text.data() + text.size();
    const auto scale = std::from_chars(text.data() + s1 + 1, text.data() + s2, b.scale);
    const auto amount = std::from_chars(text.data() + s2 + 1, end, b.amount);
    if (scale.ec == std::errc() && scale.ptr == text.data() + s2 && amount.ec == std::errc() &&
        amount.ptr == end) {
      return b;
    }
  }
  caches_->balances.erase(std::to_string(*account));  // not what we wrote: read through
  return balance_from_db(telegram_id, currency, nullptr);
}

Balance UserService::balance_from_db(int64_t telegram_id, std::string_view currency,
                                     ledger::AccountId* account) {
  return db_.read([&](store::Tx& tx) {
    if (!sql::find(tx, telegram_id)) {
      throw Error(ErrorCode::kNotFound, "user " + std::to_string(telegram_id) + " not found",
                  {{"id", telegram_id}});
    }
    const auto cur = ledger_.currency(tx, currency);
    Balance b{cur.code, cur.scale, 0};
    if (auto acc = ledger_.find_user_account(tx, telegram_id, currency)) {
      b.amount = ledger_.account(tx, *acc).balance;
      if (account != nullptr) *account = *acc;
    }
    return b;
  });
}

ledger::HistoryPage UserService::transactions(int64_t telegram_id,
                                              const std::optional<std::string>& cursor, int limit,
                                              std::string_view currency) {
  validate_id(telegram_id);
  // History tolerates replication lag: the read replica serves it when there is one.
  return db_.read_replica([&](store::Tx& tx) {
    if (!sql::find(tx, telegram_id)) {
      throw Error(ErrorCode::kNotFound, "user " + std::to_string(telegram_id) + " not found",
                  {{"id", telegram_id}});
    }
    ledger_.currency(tx, currency);
    auto acc = ledger_.find_user_account(tx, telegram_id, currency);
    if (!acc) {
      if (limit < 1 || limit > 200) {
        throw Error(ErrorCode::kInvalidArgument, "limit must be between 1 and 200",
                    {{"limit", limit}});
      }
      return ledger::HistoryPage{};  // never received money: nothing to page through
    }
    return ledger_.history(tx, *acc, cursor, limit);
  });
}

ledger::Transfer UserService::adjust(int64_t actor_id, const std::string& key, int64_t telegram_id,
                                     int64_t amount, std::string_view currency,
                                     const std::string& note, const std::string& ip) {
  validate_id(telegram_id);
  if (amount == 0) throw Error(ErrorCode::kInvalidAmount, "the amount must not be zero");
  if (note.size() > 500) {
    throw Error(ErrorCode::kInvalidArgument, "the reason is too long", {{"max_bytes", 500}});
  }
  if (actor_id != 0 && note.find_first_not_of(" \t\r\n") == std::string::npos) {
    throw Error(ErrorCode::kInvalidArgument, "an adjustment needs a reason");
  }
  for (unsigned char c : note) {
    if (c < 0x20 && c != '\n') {
      throw Error(ErrorCode::kInvalidArgument, "the reason contains control characters");
    }
  }
  return db_.transact([&](store::Tx& tx) {
    require_admin(tx, actor_id, "adjust balances");
    auto target = current(sql::find(tx, telegram_id));
    if (!target) {
      throw Error(ErrorCode::kNotFound, "user " + std::to_string(telegram_id) + " not found",
                  {{"id", telegram_id}});
    }
    require_adjust_rights(tx, actor_id, *target);
    if (amount > 0 && target->ban) {
      throw Error(ErrorCode::kConflict,
                  "user " + std::to_string(telegram_id) + " is banned: lift the ban to credit them",
                  {{"id", telegram_id}});
    }
    const auto mint = ledger_.system_account(tx, "mint:admin", currency, true);
    const auto user = ledger_.user_account(tx, telegram_id, currency);
    const nlohmann::json meta{{"actor", actor_id}, {"note", note}};
    auto t = amount > 0 ? ledger_.move(tx, key, mint, user, amount, currency, "admin.grant", meta)
                        : ledger_.move(tx, key, user, mint, checked_neg(amount), currency,
                                       "admin.debit", meta);
    if (audit_ != nullptr && !t.replayed) {
      audit_->append(tx, audit::entry(actor_id, amount > 0 ? "admin.grant" : "admin.debit",
                                      "user:" + std::to_string(telegram_id),
                                      {{"amount", amount},
                                       {"currency", std::string(currency)},
                                       {"note", note},
                                       {"transfer_id", t.id}})
                             .with_ip(ip));
    }
    return t;
  });
}

void UserService::require_adjust_rights(store::Tx& tx, int64_t actor_id, const User& target) {
  if (actor_id == 0) return;  // the operator at the console
  if (actor_id == target.telegram_id) {
    throw Error(ErrorCode::kForbidden, "nobody may adjust their own balance",
                {{"id", target.telegram_id}});
  }
  const auto actor = sql::find(tx, actor_id);
  const Role role = actor ? actor->role : Role::kUser;
  if (!may_administer(role, target.role)) {
    throw Error(ErrorCode::kForbidden,
                "only admins may adjust balances, and only of users below their own role",
                {{"actor_role", role_name(role)}, {"user_role", role_name(target.role)}});
  }
}

bool UserService::may_adjust(int64_t actor_id, const User& target) {
  if (actor_id == 0) return true;
  if (actor_id == target.telegram_id) return false;
  const auto actor = find(actor_id);
  return actor && may_administer(actor->role, target.role);
}

void UserService::require_admin(store::Tx& tx, int64_t actor_id, std::string_view what) {
  if (actor_id == 0) return;
  auto actor = sql::find(tx, actor_id);
  if (!actor || actor->role < Role::kAdmin) {
    throw Error(ErrorCode::kForbidden, "only admins may " + std::string(what));
  }
}

void UserService::require_admin(int64_t actor_id, std::string_view what) {
  db_.read([&](store::Tx& tx) { require_admin(tx, actor_id, what); });
}

std::vector<User> UserService::admins() {
  return db_.read([](store::Tx& tx) { return sql::admins(tx); });
}

int64_t UserService::count() {
  return db_.read([](store::Tx& tx) { return sql::count(tx); });
}

std::optional<User> UserService::find_by_username(const std::string& username) {
  std::string name = username;
  if (!name.empty() && name.front() == '@') name.erase(0, 1);
  if (name.empty()) return std::nullopt;
  return db_.read([&](store::Tx& tx) { return sql::find_by_username(tx, name); });
}

}  // namespace lucas::users
