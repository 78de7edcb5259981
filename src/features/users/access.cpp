#include "features/users/access.h"

#include <algorithm>

#include "base/error.h"
#include "features/users/users.h"

namespace lucas::users {

const std::vector<ScopeInfo>& scope_catalog() {
  static const std::vector<ScopeInfo> kAll = {
      {scope::kProfileRead, "read the user's full profile: username, language, role, activity"},
      {scope::kBalanceRead, "read the user's balances"},
      {scope::kHistoryRead, "read the user's transactions (metadata cut to its safe keys)"},
      {scope::kLinksWrite,
       "claim a game nickname for the user (verified by a game bot or an admin)"},
      {scope::kClientsRead, "list the user's API clients"},
      {scope::kClientsWrite,
       "create API clients for the user (each waits for the user's confirmation in the bot) and "
       "revoke them"},
      {scope::kParserParse, "parse game messages (POST /api/v1/parser/parse)"},
      {scope::kWs,
       "the user's notifications: a WebSocket token for the live ones, the stored list "
       "(GET /api/v1/me/notifications) and marking them read"},
      {scope::kSessions, "see the user's web sign-ins (devices, addresses) and end them"},
      {scope::kAdmin,
       "use the admin API and read other users' private data, as far as the user's role allows"},
      {scope::kInventoryRead, "read the user's items (GET /api/v1/users/{id}/inventory)"},
      {scope::kShopBuy,
       "buy in the shop for the user: quotes and purchases, paid from the user's"
       " coins"},
      {scope::kTradeRead, "read the user's trades (offers made and received, finished ones)"},
      {scope::kTradeWrite,
       "trade for the user: make, change, accept, decline and cancel offers of the user's items"
       " and coins"},
      {scope::kAuctionWrite,
       "sell and bid at auctions for the user: put the user's items up, bid (holding the user's"
       " coins until outbid or the end), withdraw an auction without bids"},
  };
  return kAll;
}

bool known_scope(std::string_view name) {
  const auto& all = scope_catalog();
  return std::any_of(all.begin(), all.end(), [&](const ScopeInfo& s) { return s.name == name; });
}

std::vector<std::string> default_scopes() {
  return {std::string(scope::kBalanceRead), std::string(scope::kHistoryRead),
          std::string(scope::kProfileRead)};
}

std::vector<std::string> normalize_scopes(const std::vector<std::string>& names) {
  std::vector<std::string> out;
  for (const auto& n : names) {
    if (!known_scope(n)) {
      throw Error(ErrorCode::kInvalidArgument, "unknown scope \"" + n.substr(0, 64) + "\"",
                  {{"error", "invalid_scope"}, {"scope", n.substr(0, 64)}});
    }
    out.push_back(n);
  }
  if (out.empty()) {
    throw Error(ErrorCode::kInvalidArgument, "the scope list is empty",
                {{"error", "invalid_scope"}});
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

std::vector<std::string> split_scopes(std::string_view text) {
  std::vector<std::string> names;
  size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && text[i] == ' ') ++i;
    const size_t start = i;
    while (i < text.size() && text[i] != ' ') ++i;
    if (i > start) names.emplace_back(text.substr(start, i - start));
  }
  return names;
}

std::vector<std::string> parse_scopes(std::string_view text) {
  return normalize_scopes(split_scopes(text));
}

std::string join_scopes(const std::vector<std::string>& scopes) {
  std::string out;
  for (const auto& s : scopes) out += (out.empty() ? "" : " ") + s;
  return out;
}

Actor Actor::console_operator() {
  Actor a;
  a.console = true;
  a.role = Role::kOwner;
  return a;
}

Actor Actor::anonymous() {
  return Actor{};
}

Actor Actor::user(int64_t user_id, Role role) {
  Actor a;
  a.user_id = user_id;
  a.role = role;
  return a;
}

bool Actor::has_scope(std::string_view name) const {
  if (console) return true;
  if (user_id == 0) return false;
  return !scopes || std::find(scopes->begin(), scopes->end(), name) != scopes->end();
}

void Actor::require_scope(std::string_view name) const {
  if (is_anonymous()) {
    throw Error(ErrorCode::kUnauthorized, "this needs an access token",
                {{"error", "invalid_request"}, {"token_endpoint", "/api/v1/oauth/token"}});
  }
  if (!has_scope(name)) throw insufficient_scope(name);
}

bool may_administer(Role actor, Role target) {
  return actor == Role::kOwner || (actor >= Role::kAdmin && actor > target);
}

namespace {
std::string_view scope_of(Data what) {
  switch (what) {
    case Data::kProfile:
      return scope::kProfileRead;
    case Data::kBalance:
      return scope::kBalanceRead;
    case Data::kHistory:
      return scope::kHistoryRead;
  }
  return scope::kProfileRead;
}
}  // namespace

Access read_access(const Actor& actor, int64_t target_id, Role target_role, Data what) {
  if (actor.console) return Access::kFull;
  const bool profile = what == Data::kProfile;
  if (actor.is_anonymous()) {
    if (profile) return Access::kPublic;
    actor.require_scope(scope_of(what));  // throws UNAUTHORIZED
  }
  const bool self = actor.user_id == target_id;
  const bool admin = !self && may_administer(actor.role, target_role);
  if (!self && !admin) {
    if (profile) return Access::kPublic;
    throw Error(ErrorCode::kForbidden, "only the user themself or an admin may read this",
                {{"user_id", target_id}});
  }
  // The data's scope; an admin reading someone else's through an API client needs `admin` too.
  for (const std::string_view needed : {scope_of(what), admin ? scope::kAdmin : scope_of(what)}) {
    if (!actor.has_scope(needed)) {
      if (profile) return Access::kPublic;
      throw insufficient_scope(needed);
    }
  }
  return admin || !actor.scopes ? Access::kFull : Access::kScoped;
}

nlohmann::json safe_metadata(const nlohmann::json& metadata) {
  static const char* const kSafe[] = {"game", "kind", "game_currency", "game_amount", "k"};
  nlohmann::json out = nlohmann::json::object();
  if (!metadata.is_object()) return out;
  for (const char* key : kSafe) {
    if (auto it = metadata.find(key); it != metadata.end()) out[key] = *it;
  }
  return out;
}

}  // namespace lucas::users
