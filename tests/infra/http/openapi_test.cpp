// The OpenAPI document's assembly: fragments merge into one document, a fragment that breaks the
// rules (two owners of an operation or an operationId, one component defined two ways, unknown
// keys) is refused by name, and check_routes finds routes without an operation and operations
// without a route.
#include <gtest/gtest.h>

#include "base/error.h"
#include "infra/http/openapi.h"

namespace lucas::http {
namespace {

std::string operation(const std::string& id) {
  return R"({"operationId": ")" + id + R"(", "summary": "s", "responses": {}})";
}

ApiFragment fragment(const std::string& name, const std::string& path, const std::string& id,
                     const std::string& schema = R"({"type": "string", "description": "d"})") {
  return {name, R"({"tags": [{"name": "T", "description": "t"}], "paths": {")" + path +
                    R"(": {"get": )" + operation(id) +
                    R"(}}, "components": {"schemas": {"Thing": )" + schema + "}}}"};
}

TEST(OpenApi, MergesFragmentsWithThePlatformsSharedParts) {
  const ApiInfo info{"T", "1.2.3", "d", {{"a:read", "read a"}, {"b:write", "write b"}}};
  const auto doc =
      build_openapi(info, {fragment("one", "/a", "getA"), fragment("two", "/b", "getB")});
  EXPECT_EQ(doc["openapi"], "3.1.0");
  EXPECT_EQ(doc["info"]["version"], "1.2.3");
  EXPECT_EQ(doc["paths"]["/a"]["get"]["operationId"], "getA");
  EXPECT_EQ(doc["paths"]["/b"]["get"]["operationId"], "getB");
  EXPECT_EQ(doc["tags"].size(), 1u) << "a tag declared twice is listed once";
  // The platform's fragment: the error body, money and the standard answers.
  EXPECT_TRUE(doc["components"]["schemas"].contains("Error"));
  EXPECT_TRUE(doc["components"]["schemas"].contains("Money"));
  EXPECT_TRUE(doc["components"]["responses"].contains("RateLimited"));
  const auto& scopes =
      doc["components"]["securitySchemes"]["oauth2"]["flows"]["clientCredentials"]["scopes"];
  EXPECT_EQ(scopes, (nlohmann::json{{"a:read", "read a"}, {"b:write", "write b"}}));
}

TEST(OpenApi, RefusesFragmentsThatBreakTheRules) {
  const ApiInfo info{"T", "1", "d", {}};
  // One operation documented by two modules.
  EXPECT_THROW(build_openapi(info, {fragment("one", "/a", "x"), fragment("two", "/a", "y")}),
               Error);
  // One operationId on two operations.
  EXPECT_THROW(build_openapi(info, {fragment("one", "/a", "x"), fragment("two", "/b", "x")}),
               Error);
  // One component name with two meanings (the same definition twice is fine).
  EXPECT_THROW(build_openapi(info, {fragment("one", "/a", "x"),
                                    fragment("two", "/b", "y", R"({"type": "integer"})")}),
               Error);
  EXPECT_NO_THROW(build_openapi(info, {fragment("one", "/a", "x"), fragment("two", "/b", "y")}));
  // Not JSON, not an object, an unknown key, an operation without an id.
  EXPECT_THROW(build_openapi(info, {{"bad", "{"}}), Error);
  EXPECT_THROW(build_openapi(info, {{"bad", "[]"}}), Error);
  EXPECT_THROW(build_openapi(info, {{"bad", R"({"info": {}})"}}), Error);
  EXPECT_THROW(build_openapi(info, {{"bad", R"({"paths": {"/a": {"get": {}}}})"}}), Error);
  try {
    build_openapi(info, {{"shop", R"({"servers": []})"}});
    FAIL() << "an unknown key passed";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("shop"), std::string::npos) << e.what();
  }
}

TEST(OpenApi, CheckRoutesFindsEachSideMissing) {
  Router router;
  const auto ok = [](const Request&) { return Response::json(200, {}); };
  router.add("GET", "/a", ok);
  router.add("POST", "/c/{id}", ok);
  router.add("POST", "/secret/xyz", ok, RouteOptions{.undocumented = true});
  const auto doc = build_openapi({"T", "1", "d", {}},
                                 {fragment("one", "/a", "getA"), fragment("two", "/b", "getB")});
  const auto problems = check_routes(router, doc);
  EXPECT_EQ(problems, (std::vector<std::string>{
                          "POST /c/{id}: no operation documents this route",
                          "GET /b: documented, but no route answers it",
                      }));
  EXPECT_EQ(check_routes(router, doc, {"GET /b"}).size(), 1u) << "served elsewhere";
}

TEST(OpenApi, IoThreadRoutesSkipTheAuthenticatorAndTheGuard) {
  Router router;
  int authenticated = 0;
  int guarded = 0;
  router.set_authenticator([&](Request&) {
    ++authenticated;
    throw Error(ErrorCode::kUnauthorized, "bad token");
  });
  router.set_guard([&](const Request&, auto&) -> std::optional<Response> {
    ++guarded;
    return std::nullopt;
  });
  router.add(
      "GET", "/healthz",
      [](const Request&) {
        return Response::json(200, {{"status", "ok"}});
      },
      RouteOptions{.on_io_thread = true});
  router.add("GET", "/api", [](const Request&) { return Response::json(200, {}); });
  SystemClock clock;
  Request health;
  health.method = "GET";
  health.path = "/healthz";
  EXPECT_TRUE(router.match("GET", "/healthz").on_io_thread);
  EXPECT_FALSE(router.match("GET", "/api").on_io_thread);
  EXPECT_EQ(router.dispatch(health, clock).status, 200);
  EXPECT_EQ(authenticated + guarded, 0);
  Request api;
  api.method = "GET";
  api.path = "/api";
  EXPECT_EQ(router.dispatch(api, clock).status, 401);
  EXPECT_EQ(authenticated, 1);
}

}  // namespace
}  // namespace lucas::http
