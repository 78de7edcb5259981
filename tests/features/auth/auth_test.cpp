// API authentication on SQLite and PostgreSQL: OAuth 2.0 client credentials, bearer tokens,
// expiry from the injected clock, revocation, authorization of client management, brute-force
// throttling, the HTTP face, and Property 32 (every authentication attempt is audited with the
// user, IP address, time and result).
#include <gtest/gtest.h>
#include <rapidcheck.h>

#include "base/ids.h"
#include "tests/features/auth/auth_world.h"

namespace lucas::auth {
namespace {

using testing::code_of;
using testing::World;
const users::Actor kConsole = users::Actor::console_operator();

TEST(BearerHeader, ParsesTheSchemeCaseInsensitively) {
  EXPECT_EQ(bearer_token("Bearer abc"), "abc");
  EXPECT_EQ(bearer_token("bearer   abc  "), "abc");
  EXPECT_EQ(bearer_token("BEARER x"), "x");
  EXPECT_FALSE(bearer_token("Basic abc").has_value());
  EXPECT_FALSE(bearer_token("Bearer").has_value());
  EXPECT_FALSE(bearer_token("Bearer    ").has_value());
  EXPECT_FALSE(bearer_token("").has_value());
  EXPECT_FALSE(bearer_token("Bearerabc").has_value());
}

class AuthTest : public ::testing::TestWithParam<store::Engine> {};

TEST_P(AuthTest, ClientCredentialsGiveATokenThatActsAsTheUser) {
  World w(GetParam());
  const auto c = w.auth.create_client(kConsole, 101, "my bot");
  EXPECT_EQ(c.client.client_id.rfind("lc_", 0), 0u);
  EXPECT_EQ(c.secret.size(), 68u);
  const auto t = w.auth.issue_token(c.client.client_id, c.secret, "10.0.0.1");
  EXPECT_EQ(t.expires_in_s, 3600);
  const auto p = w.auth.authenticate(t.token, "10.0.0.1");
  EXPECT_EQ(p.user_id, 101);
  EXPECT_EQ(p.role, users::Role::kUser);
  EXPECT_EQ(p.client_id, c.client.client_id);
  // The secret and the token are stored only hashed.
  const auto stored = w.t.db->read([](store::Tx& tx) {
    return tx.exec("SELECT secret_hash FROM api_clients").one().str(0) + " " +
           tx.exec("SELECT token_hash FROM access_tokens").one().str(0);
  });
  EXPECT_EQ(stored.find(c.secret), std::string::npos);
  EXPECT_EQ(stored.find(t.token), std::string::npos);
  EXPECT_NE(stored.find(sha256_hex(c.secret)), std::string::npos);
}

TEST_P(AuthTest, WrongUnknownRevokedAndExpiredCredentialsAreRefused) {
  World w(GetParam());
  const auto c = w.auth.create_client(kConsole, 101, "app");
  EXPECT_EQ(code_of([&] { w.auth.issue_token(c.client.client_id, c.secret + "0", "ip"); }),
            ErrorCode::kUnauthorized);
  EXPECT_EQ(code_of([&] { w.auth.issue_token("lc_000000000000000000000000", c.secret, "ip"); }),
            ErrorCode::kUnauthorized);
  EXPECT_EQ(code_of([&] { w.auth.issue_token("'; DROP TABLE users; --", "x", "ip"); }),
            ErrorCode::kUnauthorized);
  EXPECT_EQ(code_of([&] { w.auth.authenticate("lat_nope", "ip"); }), ErrorCode::kUnauthorized);

  const auto t = w.auth.issue_token(c.client.client_id, c.secret, "ip");
  w.clock.advance(3599'000'000);
  EXPECT_EQ(w.auth.authenticate(t.token, "ip").user_id, 101);
  w.clock.advance(1'000'000);  // exactly at expiry
  EXPECT_EQ(code_of([&] { w.auth.authenticate(t.token, "ip"); }), ErrorCode::kUnauthorized);

  const auto t2 = w.auth.issue_token(c.client.client_id, c.secret, "ip");
  w.auth.revoke_client(w.as(101), c.client.client_id);
  EXPECT_EQ(code_of([&] { w.auth.authenticate(t2.token, "ip"); }), ErrorCode::kUnauthorized);
  EXPECT_EQ(code_of([&] { w.auth.issue_token(c.client.client_id, c.secret, "ip"); }),
            ErrorCode::kUnauthorized);
  // Expired tokens are pruned a day after expiry.
  w.clock.advance(2 * 86'400'000'000LL);
  EXPECT_EQ(w.auth.prune_expired(), 2);
}

TEST_P(AuthTest, OnlyTheUserOrAnAdminManagesTheUsersClients) {
  World w(GetParam());
  EXPECT_EQ(code_of([&] { w.auth.create_client(w.as(102), 101, "not mine"); }),
            ErrorCode::kForbidden);
  const auto c = w.auth.create_client(w.as(900), 101, "made by an admin");
  EXPECT_EQ(c.client.status, "pending");  // Alice confirms it, not the admin
  EXPECT_EQ(code_of([&] { w.auth.clients(w.as(102), 101); }), ErrorCode::kForbidden);
  EXPECT_EQ(code_of([&] { w.auth.revoke_client(w.as(102), c.client.client_id); }),
            ErrorCode::kForbidden);
  EXPECT_EQ(code_of([&] { w.auth.clients(users::Actor::anonymous(), 101); }),
            ErrorCode::kUnauthorized);
  EXPECT_EQ(w.auth.clients(w.as(101), 101).size(), 1u);
  EXPECT_EQ(code_of([&] { w.auth.create_client(kConsole, 555, "no such user"); }),
            ErrorCode::kNotFound);
  EXPECT_EQ(code_of([&] { w.auth.create_client(w.as(101), 101, ""); }),
            ErrorCode::kInvalidArgument);
  for (int i = 1; i < 10; ++i) w.auth.create_client(w.as(101), 101, "c" + std::to_string(i));
  EXPECT_EQ(code_of([&] { w.auth.create_client(w.as(101), 101, "eleventh"); }),
            ErrorCode::kConflict);
  // Pending clients whose code expired no longer count against the limit.
  w.clock.advance(kConfirmWindow);
  EXPECT_NO_THROW(w.auth.create_client(w.as(101), 101, "eleventh"));
  // Client management is audited.
  EXPECT_EQ(w.audit_of("auth.client_create").size(), 11u);
}

TEST_P(AuthTest, GuessingIsThrottledPerIpAndTheFloodIsAuditedOnce) {
  World w(GetParam(), /*limited=*/true);
  const auto c = w.auth.create_client(kConsole, 101, "app");
  for (int i = 0; i < 20; ++i) {
    EXPECT_EQ(code_of([&] { w.auth.issue_token(c.client.client_id, "guess", "6.6.6.6"); }),
              ErrorCode::kUnauthorized);
  }
  // Over the limit even the right secret is refused: a guesser learns nothing more.
  for (int i = 0; i < 5; ++i) {
    EXPECT_EQ(code_of([&] { w.auth.issue_token(c.client.client_id, c.secret, "6.6.6.6"); }),
              ErrorCode::kRateLimited);
  }
  const auto entries = w.audit_of("auth.token");
  int failed = 0, throttled = 0;
  for (const auto& e : entries) {
    failed += e.result == "failed";
    throttled += e.result == "throttled";
  }
  EXPECT_EQ(failed, 20);
  EXPECT_EQ(throttled, 1);
  // Another address is not affected.
  EXPECT_NO_THROW(w.auth.issue_token(c.client.client_id, c.secret, "1.2.3.4"));
}

// Issue 15 point 6: only failed token requests count toward the lockout. A busy, honest client
// (here 3x the limit within a minute) is never locked out; failures still are counted, and once
// over the limit even the right secret is refused until the window or the penalty ends.
TEST_P(AuthTest, SuccessfulTokenRequestsDoNotCountTowardTheLockout) {
  World w(GetParam(), /*limited=*/true);
  const auto c = w.auth.create_client(kConsole, 101, "busy app");
  for (int i = 0; i < 60; ++i) {
    ASSERT_NO_THROW(w.auth.issue_token(c.client.client_id, c.secret, "7.7.7.7")) << i;
  }
  for (int i = 0; i < 19; ++i) {
    EXPECT_EQ(code_of([&] { w.auth.issue_token(c.client.client_id, "guess", "7.7.7.7"); }),
              ErrorCode::kUnauthorized);
  }
  // 19 failures: still under the limit, and successes in between do not add to them.
  for (int i = 0; i < 5; ++i)
    EXPECT_NO_THROW(w.auth.issue_token(c.client.client_id, c.secret, "7.7.7.7"));
  EXPECT_EQ(code_of([&] { w.auth.issue_token(c.client.client_id, "guess", "7.7.7.7"); }),
            ErrorCode::kUnauthorized);  // the 20th failure
  EXPECT_EQ(code_of([&] { w.auth.issue_token(c.client.client_id, c.secret, "7.7.7.7"); }),
            ErrorCode::kRateLimited);
  w.clock.advance(60'000'001);  // the failures leave the window
  EXPECT_NO_THROW(w.auth.issue_token(c.client.client_id, c.secret, "7.7.7.7"));
}

TEST_P(AuthTest, TheHttpFaceSpeaksOAuth) {
  World w(GetParam());
  http::Router router;
  router.set_authenticator([&](http::Request& req) { authenticate_request(w.auth, req); });
  register_http(router, w.auth, w.users);
  const auto c = w.auth.create_client(kConsole, 101, "app");
  const auto call = [&](const std::string& method, const std::string& path, std::string body,
                        std::map<std::string, std::string> headers = {}) {
    http::Request req;
    req.method = method;
    req.path = path;
    req.body = std::move(body);
    req.headers = std::move(headers);
    req.remote_addr = "127.0.0.1";
    return router.dispatch(req, w.clock);
  };
  auto r = call("POST", "/api/v1/oauth/token",
                "grant_type=client_credentials&client_id=" + c.client.client_id +
                    "&client_secret=" + c.secret,
                {{"content-type", "application/x-www-form-urlencoded"}});
  ASSERT_EQ(r.status, 200) << r.body;
  const auto token = nlohmann::json::parse(r.body)["access_token"].get<std::string>();
  EXPECT_EQ(nlohmann::json::parse(r.body)["token_type"], "Bearer");

  const std::string basic = "Basic " + [&] {
    // Standard base64 of "id:secret" (only [0-9a-z_] characters, so no padding surprises).
    std::string b = base64url_encode(c.client.client_id + ":" + c.secret);
    while (b.size() % 4 != 0) b += '=';
    return b;
  }();
  r = call("POST", "/api/v1/oauth/token", R"({"grant_type":"client_credentials"})",
           {{"content-type", "application/json"}, {"authorization", basic}});
  EXPECT_EQ(r.status, 200) << r.body;
  r = call("POST", "/api/v1/oauth/token", "grant_type=password&username=a&password=b");
  EXPECT_EQ(r.status, 400);
  EXPECT_NE(r.body.find("unsupported_grant_type"), std::string::npos);
  r = call("POST", "/api/v1/oauth/token", "grant_type=client_credentials");
  EXPECT_EQ(r.status, 401);

  r = call("GET", "/api/v1/me", "", {{"authorization", "Bearer " + token}});
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(nlohmann::json::parse(r.body)["id"], 101);
  r = call("GET", "/api/v1/me", "");
  EXPECT_EQ(r.status, 401);
  r = call("GET", "/api/v1/me", "", {{"authorization", "Bearer lat_forged"}});
  EXPECT_EQ(r.status, 401);
  bool challenged = false;
  for (const auto& [k, v] : r.headers) challenged |= k == "WWW-Authenticate";
  EXPECT_TRUE(challenged);

  // The default client may not make clients (clients:write); a console token may, pending.
  r = call("POST", "/api/v1/users/101/clients", R"({"name":"second"})",
           {{"authorization", "Bearer " + token}});
  EXPECT_EQ(r.status, 403) << r.body;
  EXPECT_NE(r.body.find("clients:write"), std::string::npos);
  const std::string console = w.auth.issue_console_token(101, 600).token;
  r = call("POST", "/api/v1/users/101/clients", R"({"name":"second","scopes":["ws"]})",
           {{"authorization", "Bearer " + console}});
  ASSERT_EQ(r.status, 201) << r.body;
  const auto made = nlohmann::json::parse(r.body);
  EXPECT_EQ(made["client_secret"].get<std::string>().rfind("lcs_", 0), 0u);
  EXPECT_EQ(made["status"], "pending");
  EXPECT_EQ(made["scopes"], nlohmann::json::array({"ws"}));
  EXPECT_EQ(made["confirmation"]["command"],
            "/confirm_client " + made["confirmation"]["code"].get<std::string>());
  EXPECT_EQ(made["confirmation"]["expires_at"], "2026-01-01T00:10:00Z");
  r = call("POST", "/api/v1/users/101/clients", R"({"name":"x","scopes":["root"]})",
           {{"authorization", "Bearer " + console}});
  EXPECT_EQ(r.status, 400);
  EXPECT_NE(r.body.find("invalid_scope"), std::string::npos);
  r = call("POST", "/api/v1/users/102/clients", R"({"name":"bob's"})",
           {{"authorization", "Bearer " + console}});
  EXPECT_EQ(r.status, 403);
  r = call("GET", "/api/v1/users/101/clients", "", {{"authorization", "Bearer " + console}});
  EXPECT_EQ(nlohmann::json::parse(r.body)["items"].size(), 3u);  // app, console, second
}

// Property 32: for any sequence of authentication attempts — right and wrong secrets, unknown
// clients, valid, forged, expired and revoked tokens, from any IP — each attempt leaves exactly
// one audit entry with the user (when known), the IP, the clock time and the right result.
TEST_P(AuthTest, Property32EveryAuthenticationAttemptIsAudited) {
  World w(GetParam());
  const auto c = w.auth.create_client(kConsole, 101, "app");
  const auto good = w.auth.issue_token(c.client.client_id, c.secret, "0.0.0.0");
  const bool ok = rc::check("every attempt audited", [&] {
    const auto before = w.audit_of("auth.").size();
    const int n = *rc::gen::inRange(1, 12);
    struct Expect {
      int64_t user;
      std::string ip, result;
      Micros at;
    };
    std::vector<Expect> expected;
    for (int i = 0; i < n; ++i) {
      w.clock.advance(*rc::gen::inRange<int64_t>(1, 5'000'000));
      const std::string ip = "10.0." + std::to_string(*rc::gen::inRange(0, 3)) + "." +
                             std::to_string(*rc::gen::inRange(1, 255));
      const int kind = *rc::gen::inRange(0, 5);
      bool succeeded = false;
      int64_t user = 101;
      try {
        switch (kind) {
          case 0:
            w.auth.issue_token(c.client.client_id, c.secret, ip);
            break;
          case 1:
            w.auth.issue_token(c.client.client_id, "lcs_" + random_hex(32), ip);
            break;
          case 2:
            user = 0;
            w.auth.issue_token("lc_" + random_hex(12), c.secret, ip);
            break;
          case 3:
            user = 0;
            w.auth.authenticate("lat_" + random_hex(32), ip);
            break;
          default:
            w.auth.authenticate(good.token, ip);  // a use, not an attempt: not audited
            continue;
        }
        succeeded = true;
      } catch (const Error& e) {
        RC_ASSERT(e.code() == ErrorCode::kUnauthorized);
      }
      RC_ASSERT(succeeded == (kind == 0));
      expected.push_back({user, ip, succeeded ? "ok" : "failed", w.clock.now()});
    }
    const auto entries = w.audit_of("auth.");
    RC_ASSERT(entries.size() == before + expected.size());
    for (size_t i = 0; i < expected.size(); ++i) {
      const auto& e = entries[before + i];
      RC_ASSERT(e.actor == expected[i].user);
      RC_ASSERT(e.ip == expected[i].ip);
      RC_ASSERT(e.result == expected[i].result);
      RC_ASSERT(e.at == expected[i].at);
    }
  });
  EXPECT_TRUE(ok);
  EXPECT_TRUE(w.t.db->read([&](store::Tx& tx) { return w.log.verify(tx); }).ok());
}

INSTANTIATE_TEST_SUITE_P(Engines, AuthTest,
                         ::testing::Values(store::Engine::kSqlite, store::Engine::kPostgres),
                         [](const auto& p) { return lucas::testing::engine_label(p.param); });

}  // namespace
}  // namespace lucas::auth
