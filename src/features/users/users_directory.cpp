// The admin panel's user directory: staff search users and read their records; admins adjust
// balances through the API's door (adjust_balance), with the rules of adjust() (users.cpp).
#include <charconv>

#include "base/money.h"
#include "features/users/users.h"
#include "features/users/users_store.h"

namespace lucas::users {
namespace {

constexpr size_t kMaxQueryBytes = 64;
constexpr size_t kMaxClientKeyBytes = 100;

// "<rank>:<telegram id>" of the last row of a page.
sql::SearchAfter parse_cursor(const std::optional<std::string>& cursor) {
  if (!cursor) return {};
  const std::string& c = *cursor;
  const size_t colon = c.find(':');
  sql::SearchAfter after;
  const auto ok = [](const char* b, const char* e, auto& v) {
    auto [p, ec] = std::from_chars(b, e, v);
    return ec == std::errc() && p == e;
  };
  if (colon == std::string::npos || !ok(c.data(), c.data() + colon, after.rank) ||
      !ok(c.data() + colon + 1, c.data() + c.size(), after.telegram_id) || after.rank < 0 ||
      after.rank > 9 || after.telegram_id < 0) {
    throw Error(ErrorCode::kInvalidArgument, "the cursor is not one this search gave",
                {{"cursor", c.substr(0, 64)}});
  }
  return after;
}

std::string lower_ascii(std::string s) {
  for (char& c : s) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return s;
}

std::string trimmed(const std::string& s) {
  const size_t b = s.find_first_not_of(" \t\r\n");
  if (b == std::string::npos) return "";
  return s.substr(b, s.find_last_not_of(" \t\r\n") - b + 1);
}

}  // namespace

void UserService::require_staff(const Actor& actor) {
  actor.require_scope(scope::kAdmin);
  if (actor.console) return;
  const auto me = find(actor.user_id);
  if (!me || me->role < Role::kModerator) {
    throw Error(ErrorCode::kForbidden, "only moderators and admins may search users");
  }
}

UserPage UserService::search(const Actor& actor, const UserSearch& query) {
  require_staff(actor);
  if (query.limit < 1 || query.limit > 100) {
    throw Error(ErrorCode::kInvalidArgument, "limit must be between 1 and 100",
                {{"limit", query.limit}});
  }
  const std::string q = trimmed(query.q);
  if (q.empty() || q.size() > kMaxQueryBytes) {
    throw Error(ErrorCode::kInvalidArgument,
                "search by a Telegram id, @username or part of a name (1-64 bytes)",
                {{"max_bytes", kMaxQueryBytes}});
  }
  for (unsigned char c : q) {
    if (c < 0x20)
      throw Error(ErrorCode::kInvalidArgument, "the search contains control characters");
  }
  sql::SearchTerms terms;
  if (q.front() == '@') {
    terms.username = lower_ascii(q.substr(1));
    if (terms.username->empty()) {
      throw Error(ErrorCode::kInvalidArgument, "type the username after '@'");
    }
  } else {
    int64_t id = 0;
    if (auto [p, ec] = std::from_chars(q.data(), q.data() + q.size(), id);
        ec == std::errc() && p == q.data() + q.size() && id > 0) {
      terms.telegram_id = id;
    }
    terms.username = lower_ascii(q);
    const std::string key = name_key_ ? name_key_(q) : q;
    if (!key.empty()) terms.name_key = key;
  }
  const auto after = parse_cursor(query.cursor);
  return db_.read_replica([&](store::Tx& tx) {
    auto rows = sql::search(tx, terms, after, query.limit + 1);
    UserPage page;
    for (auto& [rank, user] : rows) {
      if (static_cast<int>(page.items.size()) == query.limit) {
        const auto& last = page.items.back();
        page.next_cursor = std::to_string(rows[page.items.size() - 1].first) + ":" +
                           std::to_string(last.telegram_id);
        break;
      }
      page.items.push_back(*current(std::move(user)));
    }
    return page;
  });
}

User UserService::lookup(const Actor& actor, int64_t telegram_id) {
  require_staff(actor);
  return get(telegram_id);
}

std::vector<Balance> UserService::balances(const Actor& actor, int64_t telegram_id) {
  authorize_read(actor, telegram_id, Data::kBalance);
  return db_.read([&](store::Tx& tx) {
    std::vector<Balance> out;
    bool coin = false;
    for (const auto& a : ledger_.user_accounts(tx, telegram_id)) {
      out.push_back(Balance{a.currency, ledger_.currency(tx, a.currency).scale, a.balance});
      coin = coin || a.currency == ledger::kCoin;
    }
    if (!coin) {
      out.insert(out.begin(),
                 Balance{std::string(ledger::kCoin), ledger_.currency(tx, ledger::kCoin).scale, 0});
    }
    return out;
  });
}

bool UserService::may_ban(int64_t actor_id, const User& target) {
  if (actor_id == 0) return true;
  const auto actor = find(actor_id);
  return actor && actor->role >= Role::kAdmin && actor->role > target.role;
}

std::vector<Role> UserService::assignable_roles(int64_t actor_id, const User& target) {
  const auto actor = actor_id == 0 ? std::nullopt : find(actor_id);
  const Role mine = actor_id == 0 ? Role::kOwner : actor ? actor->role : Role::kUser;
  std::vector<Role> out;
  // set_role(): the actor outranks the user's current role and the new one (the console: any).
  if (actor_id != 0 && mine <= target.role) return out;
  for (Role r : {Role::kUser, Role::kModerator, Role::kAdmin, Role::kOwner}) {
    if (actor_id == 0 || r < mine) out.push_back(r);
  }
  return out;
}

Adjustment UserService::adjust_balance(const Actor& actor, const std::string& idempotency_key,
                                       int64_t telegram_id, const std::string& amount,
                                       std::string_view currency, const std::string& reason,
                                       const std::string& ip) {
  actor.require_scope(scope::kAdmin);
  if (idempotency_key.empty() || idempotency_key.size() > kMaxClientKeyBytes) {
    throw Error(ErrorCode::kInvalidArgument,
                "an Idempotency-Key header of 1-100 printable characters is required",
                {{"max_bytes", kMaxClientKeyBytes}});
  }
  for (unsigned char c : idempotency_key) {
    if (c < 0x21 || c > 0x7e) {
      throw Error(ErrorCode::kInvalidArgument,
                  "the Idempotency-Key is made of printable ASCII characters without spaces");
    }
  }
  if (reason.find_first_not_of(" \t\r\n") == std::string::npos) {
    throw Error(ErrorCode::kInvalidArgument, "an adjustment needs a reason");
  }
  const int scale = currency_scale(currency);  // NOT_FOUND for an unknown currency
  const int64_t minor = parse_amount(amount, scale);
  // The client's key names this request among the actor's own: another actor's key, or another
  // feature's, never replays it.
  const std::string key = "admin:adjust:" + std::to_string(actor.user_id) + ":" + idempotency_key;
  const auto t = adjust(actor.user_id, key, telegram_id, minor, currency, reason, ip);
  Adjustment a;
  a.transfer_id = t.id;
  a.replayed = t.replayed;
  a.user_id = telegram_id;
  a.currency = t.currency;
  a.scale = scale;
  a.amount = minor;
  a.at = t.created_at;
  // The user's side of the two legs: the one that moved in the amount's direction.
  for (const auto& e : t.entries) {
    if ((e.amount > 0) == (minor > 0)) a.balance_after = e.balance_after;
  }
  return a;
}

}  // namespace lucas::users
