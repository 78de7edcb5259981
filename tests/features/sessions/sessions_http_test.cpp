// The HTTP face of web sessions on SQLite and PostgreSQL: sign-in sets the cookie (HttpOnly,
// SameSite=Lax, Path=/, Secure behind HTTPS), the cookie authenticates every /api/ endpoint, a
// state-changing request with the cookie needs X-CSRF-Token (403 without or with a wrong one),
// GET /api/v1/auth/session, my sessions, revoke and logout.
#include <gtest/gtest.h>

#include "base/names.h"
#include "features/parser/parser.h"
#include "features/sessions/sessions.h"
#include "features/sessions/sessions_http.h"
#include "tests/support/databases.h"

namespace lucas::sessions {
namespace {

constexpr char kToken[] = "424242:session-test-token";

struct Web {
  explicit Web(store::Engine e, std::string url = "http://localhost:8080")
      : t(lucas::testing::fresh_database(e)),
        clock(1'767'225'600'000'000),
        log(clock),
        outbox(*t.db, clock),
        ledger(clock, &outbox),
        users(*t.db, ledger, clock, lucas::normalize_name, &log),
        sessions(*t.db, users, clock, &log, options(std::move(url))) {
    store::migrate(*t.db,
                   {events::migrations(), audit::migrations(), ledger::migrations(),
                    users::migrations(), migrations()},
                   clock);
    router.set_authenticator([this](http::Request& req) { authenticate_request(sessions, req); });
    register_http(router, sessions, {"lucas_bank_bot", ""});
    // Stand-ins for every other endpoint: who the request acts as.
    for (const char* method : {"GET", "POST", "PUT", "PATCH", "DELETE"}) {
      router.add(method, "/api/v1/probe", [](const http::Request& req) {
        return http::Response::json(200, {{"user", req.require_user()}, {"role", req.auth_role}});
      });
    }
  }
  static Options options(std::string url) {
    Options o;
    o.bot_token = kToken;
    o.public_url = std::move(url);
    return o;
  }
  http::Response call(const std::string& method, const std::string& path, std::string body = "",
                      std::map<std::string, std::string> headers = {}) {
    http::Request req;
    req.method = method;
    req.path = req.target = path;
    req.body = std::move(body);
    req.headers = std::move(headers);
    req.headers["user-agent"] = "test-browser/1.0";
    req.remote_addr = "10.1.1.1";
    return router.dispatch(req, clock);
  }
  // Signs in with initData; returns {cookie header value, csrf token}.
  std::pair<std::string, std::string> sign_in() {
    const std::string data =
        sign_webapp_init_data({{"auth_date", std::to_string(clock.now() / 1'000'000)},
                               {"user", R"({"id":101,"first_name":"Alice","language_code":"ru"})"}},
                              kToken);
    const auto r =
        call("POST", "/api/v1/auth/telegram/webapp", nlohmann::json{{"init_data", data}}.dump());
    EXPECT_EQ(r.status, 200) << r.body;
    std::string set_cookie;
    for (const auto& [k, v] : r.headers) {
      if (k == "Set-Cookie") set_cookie = v;
    }
    last_set_cookie = set_cookie;
    return {set_cookie.substr(0, set_cookie.find(';')),
            nlohmann::json::parse(r.body)["csrf_token"].get<std::string>()};
  }
  lucas::testing::TestDatabase t;
  ManualClock clock;
  audit::AuditLog log;
  events::Outbox outbox;
  ledger::Ledger ledger;
  users::UserService users;
  SessionService sessions;
  http::Router router;
  std::string last_set_cookie;
};

std::string header_of(const http::Response& r, const std::string& name) {
  for (const auto& [k, v] : r.headers) {
    if (k == name) return v;
  }
  return "";
}

class SessionsHttpTest : public ::testing::TestWithParam<store::Engine> {};

TEST_P(SessionsHttpTest, SignInSetsAnHttpOnlyLaxCookieThatAuthenticatesTheApi) {
  Web w(GetParam());
  const auto [cookie, csrf] = w.sign_in();
  EXPECT_EQ(cookie.rfind("lucas_session=lss_", 0), 0u) << cookie;
  EXPECT_NE(w.last_set_cookie.find("; Path=/"), std::string::npos);
  EXPECT_NE(w.last_set_cookie.find("; HttpOnly"), std::string::npos);
  EXPECT_NE(w.last_set_cookie.find("; SameSite=Lax"), std::string::npos);
  EXPECT_EQ(w.last_set_cookie.find("Secure"), std::string::npos);  // plain http here
  EXPECT_EQ(w.call("GET", "/api/v1/probe").status, 401);
  const auto me = w.call("GET", "/api/v1/probe", "", {{"cookie", "a=b; " + cookie + "; c=d"}});
  EXPECT_EQ(me.status, 200) << me.body;
  EXPECT_EQ(nlohmann::json::parse(me.body)["user"], 101);
  const auto s = w.call("GET", "/api/v1/auth/session", "", {{"cookie", cookie}});
  ASSERT_EQ(s.status, 200);
  EXPECT_EQ(nlohmann::json::parse(s.body)["csrf_token"], csrf);
  EXPECT_EQ(header_of(s, "Cache-Control"), "no-store");
  EXPECT_EQ(w.call("GET", "/api/v1/auth/session").status, 401);
  EXPECT_EQ(w.call("GET", "/api/v1/probe", "", {{"cookie", "lucas_session=lss_nope"}}).status, 401);
}

TEST_P(SessionsHttpTest, StateChangingRequestsWithTheCookieNeedTheCsrfToken) {
  Web w(GetParam());
  const auto [cookie, csrf] = w.sign_in();
  for (const char* method : {"POST", "PUT", "PATCH", "DELETE"}) {
    const auto none = w.call(method, "/api/v1/probe", "{}", {{"cookie", cookie}});
    EXPECT_EQ(none.status, 403) << method;
    EXPECT_EQ(nlohmann::json::parse(none.body)["details"]["error"], "csrf");
    const auto wrong =
        w.call(method, "/api/v1/probe", "{}", {{"cookie", cookie}, {"x-csrf-token", csrf + "0"}});
    EXPECT_EQ(wrong.status, 403) << method;
    const auto right =
        w.call(method, "/api/v1/probe", "{}", {{"cookie", cookie}, {"x-csrf-token", csrf}});
    EXPECT_EQ(right.status, 200) << method << right.body;
  }
  // Another session's token does not do.
  const auto [other_cookie, other_csrf] = w.sign_in();
  EXPECT_NE(other_csrf, csrf);
  EXPECT_EQ(
      w.call("POST", "/api/v1/probe", "{}", {{"cookie", cookie}, {"x-csrf-token", other_csrf}})
          .status,
      403);
  // Logout is state-changing too.
  EXPECT_EQ(w.call("POST", "/api/v1/auth/logout", "", {{"cookie", cookie}}).status, 403);
  const auto out =
      w.call("POST", "/api/v1/auth/logout", "", {{"cookie", cookie}, {"x-csrf-token", csrf}});
  EXPECT_EQ(out.status, 200);
  EXPECT_EQ(nlohmann::json::parse(out.body)["signed_out"], true);
  EXPECT_NE(header_of(out, "Set-Cookie").find("Max-Age=0"), std::string::npos);
  EXPECT_EQ(w.call("GET", "/api/v1/probe", "", {{"cookie", cookie}}).status, 401);
}

TEST_P(SessionsHttpTest, MySessionsListAndRevoke) {
  Web w(GetParam());
  const auto [first, first_csrf] = w.sign_in();
  const auto [second, second_csrf] = w.sign_in();
  const auto list = w.call("GET", "/api/v1/me/sessions", "", {{"cookie", second}});
  ASSERT_EQ(list.status, 200) << list.body;
  const auto items = nlohmann::json::parse(list.body)["items"];
  ASSERT_EQ(items.size(), 2u);
  int current = 0;
  std::string other_id;
  for (const auto& s : items) {
    current += s["current"].get<bool>() ? 1 : 0;
    if (!s["current"].get<bool>()) other_id = s["id"];
    EXPECT_EQ(s["user_agent"], "test-browser/1.0");
    EXPECT_EQ(s["method"], "webapp");
  }
  EXPECT_EQ(current, 1);
  EXPECT_EQ(w.call("DELETE", "/api/v1/me/sessions/" + other_id, "", {{"cookie", second}}).status,
            403);
  const auto gone = w.call("DELETE", "/api/v1/me/sessions/" + other_id, "",
                           {{"cookie", second}, {"x-csrf-token", second_csrf}});
  EXPECT_EQ(gone.status, 200) << gone.body;
  EXPECT_EQ(w.call("GET", "/api/v1/probe", "", {{"cookie", first}}).status, 401);
  EXPECT_EQ(w.call("DELETE", "/api/v1/me/sessions/ws_nope", "",
                   {{"cookie", second}, {"x-csrf-token", second_csrf}})
                .status,
            404);
  EXPECT_EQ(w.call("GET", "/api/v1/me/sessions").status, 401);
}

TEST_P(SessionsHttpTest, BadSignInBodiesGetClearErrors) {
  Web w(GetParam());
  EXPECT_EQ(w.call("POST", "/api/v1/auth/telegram/webapp", "not json").status, 400);
  EXPECT_EQ(w.call("POST", "/api/v1/auth/telegram/webapp", "{}").status, 400);
  const auto forged = w.call("POST", "/api/v1/auth/telegram/webapp",
                             R"({"init_data": "user=%7B%22id%22%3A1%7D&auth_date=1&hash=00"})");
  EXPECT_EQ(forged.status, 401);
  EXPECT_EQ(nlohmann::json::parse(forged.body)["details"]["reason"], "bad_hash");
  EXPECT_EQ(header_of(forged, "Set-Cookie"), "");
  EXPECT_EQ(w.call("POST", "/api/v1/auth/login-link", R"({"token": 5})").status, 400);
  EXPECT_EQ(w.call("POST", "/api/v1/auth/login-link", R"({"token": "abc"})").status, 401);
  EXPECT_EQ(w.call("POST", "/api/v1/auth/telegram/widget", R"({"id": 1})").status, 404);
  const auto config = nlohmann::json::parse(w.call("GET", "/api/v1/auth/config").body);
  EXPECT_EQ(config["bot_username"], "lucas_bank_bot");
  EXPECT_TRUE(config["widget"].is_null());
}

TEST_P(SessionsHttpTest, BehindHttpsTheCookieIsSecureAndHostPrefixed) {
  Web w(GetParam(), "https://bank.example.org");
  const auto [cookie, csrf] = w.sign_in();
  EXPECT_EQ(cookie.rfind("__Host-lucas_session=", 0), 0u) << cookie;
  EXPECT_NE(w.last_set_cookie.find("; Secure"), std::string::npos);
  EXPECT_EQ(w.call("GET", "/api/v1/probe", "", {{"cookie", cookie}}).status, 200);
}

INSTANTIATE_TEST_SUITE_P(Engines, SessionsHttpTest,
                         ::testing::Values(store::Engine::kSqlite, store::Engine::kPostgres),
                         [](const auto& p) { return lucas::testing::engine_label(p.param); });

}  // namespace
}  // namespace lucas::sessions
