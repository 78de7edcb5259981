// OAuth scopes as `lucas serve` wires every route (app::App's router): each authenticated
// endpoint refuses a token that lacks its scope with 403 INSUFFICIENT_SCOPE naming it (and an RFC
// 6750 challenge), and lets the same user through with the scope.
#include <gtest/gtest.h>

#include "app/app.h"
#include "tests/support/databases.h"

namespace lucas {
namespace {

struct Api {
  explicit Api(const std::string& dir) : app(config(dir)) {
    app.migrate();
    app.users->upsert(users::UserUpdate{101, "alice", "Alice", "ru"});
    app.users->set_role(0, 101, users::Role::kAdmin);
    app.users->upsert(users::UserUpdate{102, "bob", "Bob", "ru"});
    app.register_routes(router);
  }
  static Config config(const std::string& dir) {
    Config c;
    c.data_dir = dir;
    c.http_rate_limit_per_minute = 0;
    return c;
  }
  http::Response call(const std::string& method, const std::string& path, const std::string& token,
                      const std::string& body) {
    http::Request req;
    req.method = method;
    req.path = path;
    req.body = body;
    req.remote_addr = "10.0.0.1";
    req.headers["content-type"] = "application/json";
    req.headers["authorization"] = "Bearer " + token;
    return router.dispatch(req, app.clock);
  }
  app::App app;
  http::Router router;
};

TEST(AppScopes, EveryAuthenticatedEndpointChecksItsScope) {
  testing::TempDir dir;
  Api api(dir.path());
  struct Route {
    std::string method, path, body, scope;
  };
  const std::vector<Route> routes = {
      {"GET", "/api/v1/users/101/balance", "", "balance:read"},
      {"GET", "/api/v1/users/101/transactions", "", "history:read"},
      {"GET", "/api/v1/me", "", "profile:read"},
      {"GET", "/api/v1/users/101/clients", "", "clients:read"},
      {"POST", "/api/v1/users/101/clients", R"({"name":"n"})", "clients:write"},
      {"POST", "/api/v1/parser/parse", R"({"text":"hello"})", "parser:parse"},
      {"POST", "/api/v1/ws/token", "", "ws"},
      {"GET", "/api/v1/me/notifications", "", "ws"},
      {"POST", "/api/v1/me/notifications/read", R"({"up_to_id":0})", "ws"},
      {"POST", "/api/v1/ws/broadcast", R"({"topic":"news","type":"t"})", "admin"},
      {"GET", "/api/v1/admin/audit", "", "admin"},
      {"GET", "/api/v1/admin/audit/verify", "", "admin"},
      {"GET", "/api/v1/admin/outbox/given-up", "", "admin"},
      {"POST", "/api/v1/admin/outbox/given-up/retry", "", "admin"},
      {"GET", "/api/v1/admin/parser/reviews", "", "admin"},
      {"GET", "/api/v1/admin/parser/drift", "", "admin"},
      {"GET", "/api/v1/admin/parser/status", "", "admin"},
      {"POST", "/api/v1/admin/users/102/ban", R"({"reason":"spam"})", "admin"},
      {"POST", "/api/v1/admin/users/102/unban", "", "admin"},
      {"GET", "/api/v1/users/101/links", "", "profile:read"},
      {"POST", "/api/v1/users/101/links", R"({"game":"shmalala","nickname":"Alice"})",
       "links:write"},
      {"GET", "/api/v1/admin/links/claims", "", "admin"},
      {"GET", "/api/v1/admin/unclaimed", "", "admin"},
      {"POST", "/api/v1/admin/links/claims/999/reject", R"({"reason":"no"})", "admin"},
      {"GET", "/api/v1/admin/health", "", "admin"},
      {"GET", "/api/v1/admin/jobs", "", "admin"},
      {"POST", "/api/v1/admin/jobs/outbox.prune/run", "", "admin"},
      {"GET", "/api/v1/admin/backups", "", "admin"},
      {"POST", "/api/v1/admin/backups/20261207T060000Z-full/verify", "", "admin"},
  };
  std::vector<std::string> all;
  for (const auto& s : users::scope_catalog()) all.emplace_back(s.name);
  for (const auto& r : routes) {
    std::vector<std::string> others;
    for (const auto& s : all) {
      if (s != r.scope) others.push_back(s);
    }
    const auto without = api.app.auth->issue_console_token(101, 600, others).token;
    const auto refused = api.call(r.method, r.path, without, r.body);
    EXPECT_EQ(refused.status, 403) << r.path << " " << refused.body;
    const auto j = nlohmann::json::parse(refused.body, nullptr, false);
    EXPECT_EQ(j.value("error_code", ""), "INSUFFICIENT_SCOPE") << r.path;
    EXPECT_EQ(j["details"].value("scope", ""), r.scope) << r.path;
    bool challenged = false;
    for (const auto& [k, v] : refused.headers) {
      challenged |= k == "WWW-Authenticate" && v.find("insufficient_scope") != std::string::npos;
    }
    EXPECT_TRUE(challenged) << r.path;
    const auto with = api.app.auth->issue_console_token(101, 600, {{r.scope}}).token;
    const auto allowed = api.call(r.method, r.path, with, r.body);
    EXPECT_NE(allowed.status, 401) << r.path << " " << allowed.body;
    EXPECT_NE(allowed.status, 403) << r.path << " " << allowed.body;
  }
}

}  // namespace
}  // namespace lucas
