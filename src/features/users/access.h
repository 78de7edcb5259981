// Who is asking, what their token lets them do, and whose data they may read. The services take
// an Actor and decide; the faces only build it (from the bearer token, the bot's verified sender
// or the console) and pass it on.
//
// OAuth scopes (the one list, with descriptions, is scope_catalog()): a token from an API client
// carries the scopes its client was granted (or the subset it asked for); a token without scopes
// (nullopt: the console's `lucas token create`, the bot acting for the sender, later a web session)
// has full access. Scopes only ever narrow what the user's role allows, never widen it.
//
// Reading private data (balance, history, the full profile), decided by read_access():
//   - the console operator reads everything;
//   - nobody without credentials reads private data (UNAUTHORIZED); public profile fields
//     (id, display name, created_at) are open to anyone;
//   - the user themself, with the data's scope (balance:read, history:read, profile:read);
//   - an admin for a user ranked below them (the owner for everyone), with the data's scope and,
//     through an API client, the `admin` scope as well;
//   - anyone else: FORBIDDEN (the profile falls back to its public fields).
// Transaction metadata carries private chat ids, message ids, repliers and admin notes: it is
// shown whole only with full access (the user's own unscoped access, or an admin); a scoped API
// client reading its own user's history sees only the safe keys (safe_metadata()).
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace lucas::users {

enum class Role;

namespace scope {
inline constexpr std::string_view kProfileRead = "profile:read";
inline constexpr std::string_view kBalanceRead = "balance:read";
inline constexpr std::string_view kHistoryRead = "history:read";
inline constexpr std::string_view kLinksWrite = "links:write";
inline constexpr std::string_view kClientsRead = "clients:read";
inline constexpr std::string_view kClientsWrite = "clients:write";
inline constexpr std::string_view kParserParse = "parser:parse";
inline constexpr std::string_view kWs = "ws";
inline constexpr std::string_view kSessions = "sessions";
inline constexpr std::string_view kAdmin = "admin";
inline constexpr std::string_view kInventoryRead = "inventory:read";
inline constexpr std::string_view kShopBuy = "shop:buy";
inline constexpr std::string_view kTradeRead = "trade:read";
inline constexpr std::string_view kTradeWrite = "trade:write";
inline constexpr std::string_view kAuctionWrite = "auction:write";
}  // namespace scope

struct ScopeInfo {
  std::string_view name;
  std::string_view description;
};
// Every scope, in a stable order, each with what it allows.
const std::vector<ScopeInfo>& scope_catalog();
bool known_scope(std::string_view name);
// What a new client gets when it asks for nothing: the three read scopes.
std::vector<std::string> default_scopes();
// "a b  c" (RFC 6749 3.3: space-separated) -> {a, b, c}, sorted, without repeats. INVALID_ARGUMENT
// (details: error "invalid_scope", scope) for an unknown name; an empty list is refused too.
std::vector<std::string> parse_scopes(std::string_view text);
// Splits on spaces without checking the names (scopes read back from storage).
std::vector<std::string> split_scopes(std::string_view text);
// Validates and normalises a list the same way.
std::vector<std::string> normalize_scopes(const std::vector<std::string>& names);
std::string join_scopes(const std::vector<std::string>& scopes);

// Who a request or a command acts as.
struct Actor {
  int64_t user_id = 0;    // 0: nobody (anonymous) unless `console`
  Role role{};            // the user's role when the request was authenticated
  std::string client_id;  // the API client the token was issued to; empty: none
  std::optional<std::vector<std::string>> scopes;  // nullopt: full access
  bool console = false;                            // the operator at the console: everything

  static Actor console_operator();
  static Actor anonymous();
  // The user with full access (the bot acting for the sender whom Telegram vouches for).
  static Actor user(int64_t user_id, Role role);

  bool is_anonymous() const { return !console && user_id == 0; }
  bool has_scope(std::string_view name) const;
  // UNAUTHORIZED when anonymous; INSUFFICIENT_SCOPE naming `name` when the token lacks it.
  void require_scope(std::string_view name) const;
};

// Whether someone of role `actor` may administer (act for, read the private data of, manage the
// API clients of) a user of role `target`: admins for users ranked below them, the owner for
// everyone (there is no one above).
bool may_administer(Role actor, Role target);

enum class Data { kProfile, kBalance, kHistory };
enum class Access {
  kPublic,  // public profile fields only
  kScoped,  // the data, with transaction metadata cut to its safe keys
  kFull,    // everything
};
// The read decision for `actor` reading `what` of the user `target_id` whose role is
// `target_role`. Throws UNAUTHORIZED, INSUFFICIENT_SCOPE or FORBIDDEN; for kProfile it never
// throws (the public fields are open to anyone).
Access read_access(const Actor& actor, int64_t target_id, Role target_role, Data what);

// The keys of a transfer's metadata that anyone reading the history may see: the game, the kind
// of event, the game's own currency and amount and the conversion rate. Everything else (chat and
// message ids, the replier, the player's nickname, an admin's actor id and note, legacy ids) is
// private.
nlohmann::json safe_metadata(const nlohmann::json& metadata);

}  // namespace lucas::users
