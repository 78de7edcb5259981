#include <gtest/gtest.h>

#include "base/blocking.h"
#include "infra/http/http.h"

namespace lucas::http {
namespace {

Request get(const std::string& path, const std::string& method = "GET") {
  Request r;
  r.method = method;
  r.path = path;
  r.request_id = "test-id";
  return r;
}

struct RouterTest : ::testing::Test {
  RouterTest() {
    router.add("GET", "/api/v1/users/{id}", [](const Request& r) {
      return Response::json(200, {{"route", "user"}, {"id", r.int_param("id")}});
    });
    router.add("GET", "/api/v1/users/me", [](const Request&) {
      return Response::json(200, {{"route", "me"}});
    });
    router.add("GET", "/api/v1/users/{id}/balance", [](const Request& r) {
      return Response::json(200, {{"route", "balance"}, {"id", r.params.at("id")}});
    });
    router.add("POST", "/api/v1/users/{id}",
               [](const Request&) { return Response::json(201, {}); });
    router.add("GET", "/boom", [](const Request&) -> Response {
      throw Error(ErrorCode::kInsufficientFunds, "not enough", {{"need", 5}}, 7);
    });
    router.add("GET", "/crash", [](const Request&) -> Response {
      throw std::runtime_error("secret internal detail");
    });
    router.add("GET", "/db", [](const Request&) -> Response {
      throw Error(ErrorCode::kStorage, "SELECT password FROM secrets failed");
    });
  }
  nlohmann::json body(const Response& r) { return nlohmann::json::parse(r.body); }
  Router router;
  ManualClock clock{1'767'225'600'000'000};
};

TEST_F(RouterTest, MatchesParamsAndPrefersLiterals) {
  auto req = get("/api/v1/users/42");
  std::string route;
  auto res = router.dispatch(req, clock, &route);
  EXPECT_EQ(res.status, 200);
  EXPECT_EQ(body(res)["id"], 42);
  EXPECT_EQ(route, "/api/v1/users/{id}");
  req = get("/api/v1/users/me");
  EXPECT_EQ(body(router.dispatch(req, clock))["route"], "me");
  req = get("/api/v1/users/7/balance");
  EXPECT_EQ(body(router.dispatch(req, clock))["id"], "7");
}

TEST_F(RouterTest, UnknownPathIs404WithTheErrorBody) {
  auto req = get("/nope");
  std::string route;
  auto res = router.dispatch(req, clock, &route);
  EXPECT_EQ(res.status, 404);
  EXPECT_EQ(route, "unmatched");
  auto b = body(res);
  EXPECT_EQ(b["error_code"], "NOT_FOUND");
  EXPECT_TRUE(b.contains("message"));
  EXPECT_TRUE(b.contains("details"));
  EXPECT_TRUE(b["retry_after"].is_null());
  EXPECT_EQ(b["timestamp"], "2026-01-01T00:00:00Z");
  req = get("/api/v1/users");  // a prefix of a route is not a match
  EXPECT_EQ(router.dispatch(req, clock).status, 404);
  req = get("/api/v1/users//balance");  // an empty parameter is not a match
  EXPECT_EQ(router.dispatch(req, clock).status, 404);
}

TEST_F(RouterTest, WrongMethodIs405WithAllow) {
  auto req = get("/api/v1/users/42", "DELETE");
  auto res = router.dispatch(req, clock);
  EXPECT_EQ(res.status, 405);
  EXPECT_EQ(body(res)["error_code"], "METHOD_NOT_ALLOWED");
  bool has_allow = false;
  for (const auto& [k, v] : res.headers) {
    if (k == "Allow") {
      has_allow = true;
      EXPECT_NE(v.find("GET"), std::string::npos);
      EXPECT_NE(v.find("POST"), std::string::npos);
    }
  }
  EXPECT_TRUE(has_allow);
}

TEST_F(RouterTest, HandlerErrorsKeepTheirCodeAndRetryAfter) {
  auto req = get("/boom");
  auto res = router.dispatch(req, clock);
  EXPECT_EQ(res.status, 409);
  auto b = body(res);
  EXPECT_EQ(b["error_code"], "INSUFFICIENT_FUNDS");
  EXPECT_EQ(b["details"]["need"], 5);
  EXPECT_EQ(b["retry_after"], 7);
  bool retry_header = false;
  for (const auto& [k, v] : res.headers) retry_header |= (k == "Retry-After" && v == "7");
  EXPECT_TRUE(retry_header);
}

TEST_F(RouterTest, InternalFailuresRevealNothing) {
  for (const char* path : {"/crash", "/db"}) {
    auto req = get(path);
    auto res = router.dispatch(req, clock);
    EXPECT_EQ(res.status, 500) << path;
    EXPECT_EQ(res.body.find("secret"), std::string::npos) << res.body;
    EXPECT_EQ(res.body.find("SELECT"), std::string::npos) << res.body;
    EXPECT_NE(res.body.find("test-id"), std::string::npos) << "the request id helps support";
  }
}

TEST_F(RouterTest, IntParamRejectsNonIntegers) {
  for (const char* bad :
       {"/api/v1/users/abc", "/api/v1/users/1.5", "/api/v1/users/99999999999999999999"}) {
    auto req = get(bad);
    auto res = router.dispatch(req, clock);
    EXPECT_EQ(res.status, 400) << bad;
    EXPECT_EQ(body(res)["error_code"], "INVALID_ARGUMENT");
  }
}

// The server's inline attempt (RouteOptions::inline_first): a dispatch stopped by WouldBlock
// carries on from the step that blocked, so the authenticator and the guard run once per
// request and the guard's headers are sent once; the guard's effects are allowed in the attempt,
// a handler's are not.
TEST(RouterInline, ADispatchStoppedByWouldBlockCarriesOnFromTheStepThatBlocked) {
  ManualClock clock{1'767'225'600'000'000};
  Router router;
  int authenticated = 0;
  int guarded = 0;
  int handled = 0;
  router.set_authenticator([&](Request& req) {
    if (req.header("x-auth-blocks") == "1") may_block();  // e.g. a token the cache lacks
    ++authenticated;
    req.auth_user_id = 7;
  });
  router.set_guard([&](const Request&, auto& headers) -> std::optional<Response> {
    side_effect();  // counting against a limit: allowed here, even inside an attempt
    ++guarded;
    headers.emplace_back("X-Guarded", std::to_string(guarded));
    return std::nullopt;
  });
  router.add(
      "GET", "/read/{id}",
      [&](const Request& req) {
        if (req.query_param("block") == "1") may_block();  // a cache miss: the database
        if (req.query_param("effect") == "1") side_effect();
        ++handled;
        return Response::json(200, {{"id", req.params.at("id")}, {"user", req.auth_user_id}});
      },
      RouteOptions{.inline_first = true});
  const auto run = [&](Request req) {
    authenticated = guarded = handled = 0;
    const Router::Match m = router.match(req.method, req.path);
    EXPECT_TRUE(m.inline_first);
    Router::Progress progress;
    std::string route;
    bool blocked = false;
    Response res;
    try {
      const InlineAttempt attempt;
      res = router.dispatch(req, m, clock, &route, &progress);
    } catch (const WouldBlock&) {
      blocked = true;
      EXPECT_FALSE(InlineAttempt::active());
      res = router.dispatch(req, m, clock, &route, &progress);  // the pool's turn
    }
    EXPECT_EQ(res.status, 200) << res.body;
    EXPECT_EQ(nlohmann::json::parse(res.body)["id"], "5");
    EXPECT_EQ(nlohmann::json::parse(res.body)["user"], 7);
    EXPECT_EQ(route, "/read/{id}");
    int guard_headers = 0;
    for (const auto& [k, v] : res.headers) guard_headers += k == "X-Guarded";
    EXPECT_EQ(guard_headers, 1);
    return blocked;
  };
  EXPECT_FALSE(run(get("/read/5")));  // everything in memory: answered inline
  EXPECT_EQ(authenticated, 1);
  EXPECT_EQ(guarded, 1);
  EXPECT_EQ(handled, 1);

  Request miss = get("/read/5");
  miss.query["block"] = "1";
  EXPECT_TRUE(run(miss));  // the handler blocked: only the handler ran again
  EXPECT_EQ(authenticated, 1);
  EXPECT_EQ(guarded, 1);
  EXPECT_EQ(handled, 1);

  Request effect = get("/read/5");
  effect.query["effect"] = "1";
  EXPECT_TRUE(run(effect));  // a handler's effect is not for the attempt
  EXPECT_EQ(guarded, 1);
  EXPECT_EQ(handled, 1);

  Request token = get("/read/5");
  token.headers["x-auth-blocks"] = "1";
  EXPECT_TRUE(run(token));  // the authenticator blocked: everything runs on the pool, once
  EXPECT_EQ(authenticated, 1);
  EXPECT_EQ(guarded, 1);
  EXPECT_EQ(handled, 1);

  // Outside an attempt nothing is refused.
  EXPECT_NO_THROW(may_block());
  EXPECT_NO_THROW(side_effect());
  {
    const InlineAttempt attempt;
    EXPECT_THROW(may_block(), WouldBlock);
    const InlineSideEffects effects;
    EXPECT_NO_THROW(side_effect());
    EXPECT_THROW(may_block(), WouldBlock);
  }
  EXPECT_FALSE(InlineAttempt::active());
}

}  // namespace
}  // namespace lucas::http
