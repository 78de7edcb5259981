// Issue 15 point 4 on SQLite and PostgreSQL: OAuth scopes (a token carries a subset of its
// client's, every endpoint checks them), clients made through the API wait for their user's
// confirmation in a private chat with the bot, and admins manage only the users ranked below them.
// The hostile cases try to get around each rule.
#include <gtest/gtest.h>

#include <set>

#include "base/i18n.h"
#include "base/ids.h"
#include "features/auth/auth_bot.h"
#include "infra/store/migrate.h"
#include "tests/features/auth/auth_world.h"

namespace lucas::auth {
namespace {

using testing::Api;
using testing::code_of;
using testing::error_code;
using testing::World;
using users::Actor;
const Actor kConsole = Actor::console_operator();

class AuthScopes : public ::testing::TestWithParam<store::Engine> {};

TEST_P(AuthScopes, ATokenCarriesASubsetOfItsClientsScopes) {
  World w(GetParam());
  const auto c = w.auth.create_client(kConsole, 101, "reader", {{"history:read", "balance:read"}});
  EXPECT_EQ(c.client.scopes, (std::vector<std::string>{"balance:read", "history:read"}));
  EXPECT_EQ(c.client.status, "active");  // made at the console
  // Nothing asked for: everything granted.
  auto t = w.auth.issue_token(c.client.client_id, c.secret, "ip");
  EXPECT_EQ(t.scopes, c.client.scopes);
  EXPECT_EQ(w.auth.authenticate(t.token, "ip").scopes, c.client.scopes);
  // A subset.
  t = w.auth.issue_token(c.client.client_id, c.secret, "ip", "balance:read");
  EXPECT_EQ(w.auth.authenticate(t.token, "ip").scopes, (std::vector<std::string>{"balance:read"}));
  // More than granted, or a name that does not exist: invalid_scope, and no token.
  for (const char* asked : {"balance:read admin", "profile:read", "nonsense"}) {
    try {
      w.auth.issue_token(c.client.client_id, c.secret, "ip", asked);
      ADD_FAILURE() << asked;
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), ErrorCode::kInvalidArgument) << asked;
      EXPECT_EQ(e.details()["error"], "invalid_scope") << asked;
    }
  }
  EXPECT_EQ(code_of([&] { w.auth.create_client(kConsole, 101, "x", {{"root"}}); }),
            ErrorCode::kInvalidArgument);
  // Console tokens: full access unless narrowed.
  EXPECT_FALSE(w.auth.authenticate(w.auth.issue_console_token(101, 60).token, "ip").scopes);
  EXPECT_EQ(w.auth.authenticate(w.auth.issue_console_token(101, 60, {{"ws"}}).token, "ip").scopes,
            (std::vector<std::string>{"ws"}));

  // Over HTTP: scope in the form, echoed in the answer (RFC 6749 5.1).
  Api api(w);
  auto r = api.call("POST", "/api/v1/oauth/token", "",
                    "grant_type=client_credentials&client_id=" + c.client.client_id +
                        "&client_secret=" + c.secret + "&scope=history%3Aread");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(nlohmann::json::parse(r.body)["scope"], "history:read");
  r = api.call("POST", "/api/v1/oauth/token", "",
               "grant_type=client_credentials&client_id=" + c.client.client_id +
                   "&client_secret=" + c.secret + "&scope=admin");
  EXPECT_EQ(r.status, 400);
  EXPECT_NE(r.body.find("invalid_scope"), std::string::npos);
  r = api.call("GET", "/api/v1/oauth/scopes");
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(nlohmann::json::parse(r.body)["items"].size(), users::scope_catalog().size());
}

TEST_P(AuthScopes, EachAuthEndpointChecksItsScope) {
  World w(GetParam());
  Api api(w);
  const std::string none_of_them = w.token_for(101, {"ws"});
  const std::string all = w.token_for(101, {"profile:read", "clients:read", "clients:write"});
  struct Case {
    std::string method, path, body, scope;
  };
  const std::vector<Case> cases = {
      {"GET", "/api/v1/me", "", "profile:read"},
      {"GET", "/api/v1/users/101/clients", "", "clients:read"},
      {"POST", "/api/v1/users/101/clients", R"({"name":"n"})", "clients:write"},
      {"DELETE", "/api/v1/clients/lc_000000000000000000000000", "", "clients:write"},
  };
  for (const auto& c : cases) {
    const auto refused = api.call(c.method, c.path, none_of_them, c.body);
    EXPECT_EQ(refused.status, 403) << c.path;
    EXPECT_EQ(error_code(refused), "INSUFFICIENT_SCOPE") << c.path;
    EXPECT_EQ(nlohmann::json::parse(refused.body)["details"]["scope"], c.scope) << c.path;
    bool challenged = false;
    for (const auto& [k, v] : refused.headers) {
      challenged |= k == "WWW-Authenticate" && v.find("insufficient_scope") != std::string::npos &&
                    v.find(c.scope) != std::string::npos;
    }
    EXPECT_TRUE(challenged) << c.path;
    const auto anonymous = api.call(c.method, c.path, "", c.body);
    EXPECT_EQ(anonymous.status, 401) << c.path;
    const auto allowed = api.call(c.method, c.path, all, c.body);
    EXPECT_TRUE(allowed.status < 300 || allowed.status == 404) << c.path << " " << allowed.body;
  }
}

TEST_P(AuthScopes, HostilePendingClientCannotGetAToken) {
  World w(GetParam());
  // A stolen token with clients:write tries to mint itself a long-lived client.
  const auto made = w.auth.create_client(w.as(101), 101, "backdoor", {{"balance:read"}});
  ASSERT_EQ(made.client.status, "pending");
  ASSERT_TRUE(made.confirmation_code);
  try {
    w.auth.issue_token(made.client.client_id, made.secret, "6.6.6.6");
    ADD_FAILURE() << "a pending client got a token";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kForbidden);
    EXPECT_EQ(e.details()["error"], "unauthorized_client");
  }
  const auto refusals = w.audit_of("auth.token");
  ASSERT_FALSE(refusals.empty());
  EXPECT_EQ(refusals.back().result, "failed");
  // Its user confirms it in a private chat: now it works.
  const auto confirmed = w.auth.confirm_client(101, *made.confirmation_code, true);
  EXPECT_EQ(confirmed.status, "active");
  EXPECT_EQ(
      w.auth.authenticate(w.auth.issue_token(made.client.client_id, made.secret, "ip").token, "ip")
          .user_id,
      101);
}

TEST_P(AuthScopes, HostileConfirmationByAnotherUserOrInAGroupIsRefused) {
  World w(GetParam());
  const auto made = w.auth.create_client(w.as(900), 101, "made by an admin for alice");
  const std::string code = *made.confirmation_code;
  const auto reason = [&](int64_t who, const std::string& c, bool private_chat) {
    try {
      w.auth.confirm_client(who, c, private_chat);
      return std::string("confirmed");
    } catch (const Error& e) {
      return e.details().value("reason", std::string());
    }
  };
  EXPECT_EQ(reason(102, code, true), "unknown");  // Bob has the code: it is not his
  EXPECT_EQ(reason(900, code, true), "unknown");  // nor the admin's who made it
  EXPECT_EQ(reason(101, code, false), "group");   // Alice, but in a group
  EXPECT_EQ(reason(101, "000000000000", true), "unknown");
  EXPECT_EQ(code_of([&] { w.auth.issue_token(made.client.client_id, made.secret, "ip"); }),
            ErrorCode::kForbidden);  // still pending after all that
  EXPECT_EQ(reason(101, " " + code + " ", true), "confirmed");
  EXPECT_EQ(reason(101, code, true), "used");  // twice
  // Too late: a code lives 10 minutes.
  const auto late = w.auth.create_client(w.as(101), 101, "late");
  w.clock.advance(kConfirmWindow);
  EXPECT_EQ(reason(101, *late.confirmation_code, true), "expired");
  EXPECT_EQ(code_of([&] { w.auth.issue_token(late.client.client_id, late.secret, "ip"); }),
            ErrorCode::kForbidden);
  // A revoked pending client cannot be confirmed.
  const auto dropped = w.auth.create_client(w.as(101), 101, "dropped");
  w.auth.revoke_client(w.as(101), dropped.client.client_id);
  EXPECT_EQ(reason(101, *dropped.confirmation_code, true), "revoked");
  // Every attempt is audited, with who tried.
  int failed = 0, ok = 0, by_bob = 0;
  for (const auto& e : w.audit_of("auth.client_confirm")) {
    failed += e.result == "failed";
    ok += e.result == "ok";
    by_bob += e.actor == 102;
  }
  EXPECT_EQ(failed, 7);
  EXPECT_EQ(ok, 1);
  EXPECT_EQ(by_bob, 1);

  // The bot's face: localized answers, Russian by default.
  const auto confirm = confirm_client_command(w.auth);
  users::User alice = w.users.get(101);
  const auto fresh = w.auth.create_client(w.as(101), 101, "from the bot");
  EXPECT_EQ(confirm(alice, *fresh.confirmation_code, false),
            i18n::text("ru", "client_confirm_private_only"));
  EXPECT_EQ(confirm(w.users.get(102), *fresh.confirmation_code, true),
            i18n::text("en", "client_confirm_unknown"));
  EXPECT_EQ(confirm(alice, "", true), i18n::text("ru", "client_confirm_usage"));
  EXPECT_NE(confirm(alice, *fresh.confirmation_code, true).find("from the bot"), std::string::npos);
  EXPECT_EQ(confirm(alice, *fresh.confirmation_code, true),
            i18n::text("ru", "client_confirm_used"));
}

TEST_P(AuthScopes, HostileAdminCannotCreateAClientForOrManageAnOwnerOrAnotherAdmin) {
  World w(GetParam());
  const auto owners = w.auth.create_client(kConsole, 1, "owner's app");
  const auto deputys = w.auth.create_client(kConsole, 901, "deputy's app");
  // Admin 900 against the owner and against another admin: refused, nothing written.
  for (const int64_t target : {int64_t{1}, int64_t{901}}) {
    EXPECT_EQ(code_of([&] { w.auth.create_client(w.as(900), target, "act as them"); }),
              ErrorCode::kForbidden);
    EXPECT_EQ(code_of([&] { w.auth.clients(w.as(900), target); }), ErrorCode::kForbidden);
  }
  EXPECT_EQ(code_of([&] { w.auth.revoke_client(w.as(900), owners.client.client_id); }),
            ErrorCode::kForbidden);
  EXPECT_EQ(code_of([&] { w.auth.revoke_client(w.as(900), deputys.client.client_id); }),
            ErrorCode::kForbidden);
  EXPECT_EQ(w.auth.clients(kConsole, 1).size(), 1u);
  EXPECT_EQ(w.auth.clients(kConsole, 901).size(), 1u);
  // Users below the admin: allowed (the client still waits for the user).
  EXPECT_EQ(w.auth.create_client(w.as(900), 102, "for bob").client.status, "pending");
  // Through an API client the admin also needs the admin scope.
  auto scoped = w.as(900);
  scoped.scopes = std::vector<std::string>{"clients:write", "clients:read"};
  EXPECT_EQ(code_of([&] { w.auth.create_client(scoped, 102, "no admin scope"); }),
            ErrorCode::kInsufficientScope);
  // The owner is at the top: it manages everyone's.
  EXPECT_EQ(w.auth.clients(w.as(1), 901).size(), 1u);
  EXPECT_NO_THROW(w.auth.revoke_client(w.as(1), deputys.client.client_id));
  // A demoted admin loses the power at once, whatever their token said.
  auto stale = w.as(900);
  w.users.set_role(1, 900, users::Role::kUser);
  EXPECT_EQ(code_of([&] { w.auth.clients(stale, 102); }), ErrorCode::kForbidden);
}

// Clients from before scopes keep what they could do: every scope of migration auth/2, and their
// live tokens too; console clients' tokens keep full access.
TEST_P(AuthScopes, ExistingClientsKeepWorkingAfterTheMigration) {
  auto t = lucas::testing::fresh_database(GetParam());
  ManualClock clock(1'767'225'600'000'000);
  auto v1 = migrations();
  v1.migrations.resize(1);
  store::migrate(
      *t.db,
      {events::migrations(), audit::migrations(), ledger::migrations(), users::migrations(), v1},
      clock);
  const std::string secret = "lcs_" + std::string(64, 'a');
  const std::string token = "lat_" + std::string(64, 'b');
  const std::string console_token = "lat_" + std::string(64, 'c');
  t.db->transact([&](store::Tx& tx) {
    tx.exec("INSERT INTO users (telegram_id, created_at, last_active_at) VALUES (101, 0, 0)");
    for (const char* id : {"lc_000000000000000000000001", "lc_000000000000000000000002"}) {
      const bool console = id[26] == '2';
      tx.exec(
          "INSERT INTO api_clients (client_id, user_id, name, secret_hash, created_at)"
          " VALUES ($1, 101, $2, $3, 0)",
          {store::Value{std::string(id)}, store::Value{std::string(console ? "console" : "old")},
           store::Value{sha256_hex(secret)}});
      tx.exec(
          "INSERT INTO access_tokens (token_hash, client_id, user_id, issued_at, expires_at)"
          " VALUES ($1, $2, 101, 0, $3)",
          {store::Value{sha256_hex(console ? console_token : token)}, store::Value{std::string(id)},
           store::Value{clock.now() + 3'600'000'000}});
    }
  });
  store::migrate(*t.db, {migrations()}, clock);
  audit::AuditLog log(clock);
  events::Outbox outbox(*t.db, clock);
  ledger::Ledger ledger(clock, &outbox);
  users::UserService users(*t.db, ledger, clock);
  AuthService auth(*t.db, users, clock, &log);
  const auto p = auth.authenticate(token, "ip");
  ASSERT_TRUE(p.scopes);
  // Every scope there was at the migration; a scope added since (sessions, the shop's) is never
  // granted to an existing client silently.
  const std::set<std::string_view> added_since = {
      users::scope::kSessions,  users::scope::kInventoryRead, users::scope::kShopBuy,
      users::scope::kTradeRead, users::scope::kTradeWrite,    users::scope::kAuctionWrite};
  for (const auto& s : users::scope_catalog()) {
    EXPECT_EQ(p.has_scope(s.name), added_since.count(s.name) == 0) << s.name;
  }
  EXPECT_FALSE(auth.authenticate(console_token, "ip").scopes);
  const auto fresh = auth.issue_token("lc_000000000000000000000001", secret, "ip");
  EXPECT_EQ(fresh.scopes->size(), users::scope_catalog().size() - added_since.size());
  // `lucas token create` goes on using the old console client.
  EXPECT_EQ(auth.clients(kConsole, 101).size(), 2u);
  auth.issue_console_token(101, 60);
  EXPECT_EQ(auth.clients(kConsole, 101).size(), 2u);
}

INSTANTIATE_TEST_SUITE_P(Engines, AuthScopes,
                         ::testing::Values(store::Engine::kSqlite, store::Engine::kPostgres),
                         [](const auto& p) { return lucas::testing::engine_label(p.param); });

}  // namespace
}  // namespace lucas::auth
