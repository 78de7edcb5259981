// The composition root's smaller holes (issue 15, point 6): /readyz names no host, user or path;
// webhook mode needs its secret; key files are made and read only when private; a banned user's
// bearer token gets 403 USER_BANNED.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "app/app.h"
#include "app/cli.h"
#include "tests/support/databases.h"
#include "tests/support/pg_harness.h"

namespace lucas {
namespace {

namespace fs = std::filesystem;

Config config(const std::string& dir) {
  Config c;
  c.data_dir = dir;
  c.http_rate_limit_per_minute = 0;
  c.parser_auto_train = false;
  return c;
}

http::Response call(http::Router& router, const Clock& clock, const std::string& method,
                    const std::string& path, const std::string& token = "",
                    const std::string& body = "") {
  http::Request req;
  req.method = method;
  req.path = path;
  req.remote_addr = "10.0.0.1";
  req.body = body;
  if (!token.empty()) req.headers["authorization"] = "Bearer " + token;
  return router.dispatch(req, clock);
}

int cli(std::vector<std::string> args) {
  args.insert(args.begin(), "lucas");
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  return app::run_cli(static_cast<int>(argv.size()), argv.data());
}

TEST(AppReadiness, NamesTheDatabaseEngineOnlyNeverItsHostUserOrPath) {
  testing::TempDir dir;
  for (const bool postgres : {false, true}) {
    Config c = config(dir.path());
    if (postgres) c.database_url = testing::PostgresServer::shared().create_database();
    app::App app(c);
    app.migrate();
    http::Router router;
    app.register_routes(router);
    const auto r = call(router, app.clock, "GET", "/readyz");
    ASSERT_EQ(r.status, 200) << r.body;
    const auto body = nlohmann::json::parse(r.body);
    EXPECT_EQ(body["database"], postgres ? "postgresql" : "sqlite") << r.body;
    EXPECT_EQ(r.body.find(dir.path()), std::string::npos) << r.body;
    EXPECT_EQ(r.body.find("127.0.0.1"), std::string::npos) << r.body;
    EXPECT_EQ(r.body.find("@"), std::string::npos) << r.body;
  }
}

TEST(AppWebhook, WebhookModeRefusesToStartWithoutTheSecret) {
  testing::TempDir dir;
  Config c = config(dir.path());
  c.telegram_token = "424242:webhook-test";
  c.telegram_api_url = "http://127.0.0.1:9";
  app::App app(c);
  app.migrate();
  try {
    app.start_background();
    app.stop_background();
    FAIL() << "webhook mode started without telegram.webhook_secret";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kInvalidArgument);  // exit 2, as for any bad setting
    EXPECT_NE(std::string(e.what()).find("telegram.webhook_secret"), std::string::npos);
  }
  // And should the route be registered anyway, nothing passes it.
  http::Router router;
  app.register_routes(router);
  EXPECT_EQ(call(router, app.clock, "POST", app.webhook_path(), "", "{}").status, 401);
}

TEST(AppKeyFiles, KeygenNeverFollowsALinkAndWritesAPrivateFile) {
  testing::TempDir dir;
  const std::string link = dir.path() + "/audit.key";
  const std::string target = dir.path() + "/where-the-attacker-reads";
  fs::create_symlink(target, link);
  EXPECT_EQ(cli({"audit", "keygen", "--output", link, "--data-dir", dir.path()}), 2);
  EXPECT_FALSE(fs::exists(target)) << "the key was written through a planted link";
  const std::string key = dir.path() + "/backup.key";
  EXPECT_EQ(cli({"backup", "keygen", "--output", key, "--data-dir", dir.path()}), 0);
  EXPECT_EQ(fs::status(key).permissions() & fs::perms::mask,
            fs::perms::owner_read | fs::perms::owner_write);
  EXPECT_EQ(cli({"backup", "keygen", "--output", key, "--data-dir", dir.path()}), 2);  // exists
}

TEST(AppKeyFiles, AKeyFileOthersCanReadIsRefusedWithTheFix) {
  testing::TempDir dir;
  for (const bool audit : {true, false}) {
    const std::string key = dir.path() + (audit ? "/audit.key" : "/backup.key");
    std::ofstream(key) << std::string(64, 'a') << "\n";
    fs::permissions(key, fs::perms::owner_read | fs::perms::owner_write | fs::perms::group_read |
                             fs::perms::others_read);
    Config c = config(dir.path());
    (audit ? c.audit_signing_key_file : c.backup_key_file) = key;
    try {
      app::App app(c);
      FAIL() << key << " (mode 644) was accepted";
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), ErrorCode::kInvalidArgument);
      EXPECT_NE(std::string(e.what()).find(audit ? "audit.signing_key_file" : "backup.key_file"),
                std::string::npos)
          << e.what();
      EXPECT_NE(std::string(e.what()).find("chmod 600 " + key), std::string::npos) << e.what();
    }
    fs::permissions(key, fs::perms::owner_read | fs::perms::owner_write);
    EXPECT_NO_THROW(app::App{c});
  }
}

// The router's authenticator refuses a banned user's every request (403 USER_BANNED), whatever
// the endpoint; admins ban and unban over REST (audited in the service).
TEST(AppBans, ABannedUsersRequestsGet403AndAdminsBanOverRest) {
  testing::TempDir dir;
  app::App app(config(dir.path()));
  app.migrate();
  app.users->upsert(users::UserUpdate{1, "boss", "Boss", "en"});
  app.users->upsert(users::UserUpdate{101, "alice", "Alice", "en"});
  app.users->set_role(0, 1, users::Role::kAdmin);
  http::Router router;
  app.register_routes(router);
  const std::string admin = app.auth->issue_console_token(1, 3600).token;
  const std::string alice = app.auth->issue_console_token(101, 3600).token;
  ASSERT_EQ(call(router, app.clock, "GET", "/api/v1/me", alice).status, 200);

  EXPECT_EQ(
      call(router, app.clock, "POST", "/api/v1/admin/users/1/ban", alice, R"({"reason": "mutiny"})")
          .status,
      403);  // not an admin
  EXPECT_EQ(call(router, app.clock, "POST", "/api/v1/admin/users/101/ban", admin,
                 R"({"reason": "spam", "until": "yesterday"})")
                .status,
            400);
  auto r = call(router, app.clock, "POST", "/api/v1/admin/users/101/ban", admin,
                R"({"reason": "spam", "until": "2099-01-01"})");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(nlohmann::json::parse(r.body)["ban"]["until"], "2099-01-01T00:00:00Z");

  for (const auto& [method, path] : {std::pair<std::string, std::string>{"GET", "/api/v1/me"},
                                     {"GET", "/api/v1/users/101/balance"},
                                     {"POST", "/api/v1/ws/token"}}) {
    r = call(router, app.clock, method, path, alice);
    EXPECT_EQ(r.status, 403) << path;
    EXPECT_EQ(nlohmann::json::parse(r.body)["error_code"], "USER_BANNED") << path;
  }
  r = call(router, app.clock, "POST", "/api/v1/admin/users/101/unban", admin);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_TRUE(nlohmann::json::parse(r.body)["ban"].is_null());
  EXPECT_EQ(call(router, app.clock, "GET", "/api/v1/me", alice).status, 200);
}

}  // namespace
}  // namespace lucas
