// The module contract end to end: a throwaway "echo" feature, added by one registration line, gets
// its migration, its service, its REST route, its bot command (with who/where and its /help
// line), its job and its CLI subcommand; and every default module's declarations are complete
// (each bot command has help text in Russian and English).
#include <gtest/gtest.h>

#include <atomic>

#include "app/app.h"
#include "app/cli.h"
#include "base/i18n.h"
#include "infra/http/openapi.h"
#include "tests/support/databases.h"

namespace lucas {
namespace {

struct EchoService {
  explicit EchoService(store::Database& database) : db(database) {}
  void note(const std::string& text) {
    db.transact([&](store::Tx& tx) {
      tx.exec("INSERT INTO echo_notes (text) VALUES ($1)", {store::Value{text}});
    });
  }
  std::vector<std::string> notes() {
    return db.read([](store::Tx& tx) {
      std::vector<std::string> out;
      for (const auto& r : tx.exec("SELECT text FROM echo_notes ORDER BY id").rows) {
        out.push_back(r.str(0));
      }
      return out;
    });
  }
  store::Database& db;
  std::atomic<int> ticks{0};
};

// The module's API document: its one route, as the OpenAPI document will show it.
constexpr const char* kEchoApi = R"({
  "tags": [{"name": "Echo", "description": "notes"}],
  "paths": {"/api/v1/echo": {"post": {
    "operationId": "postEcho", "tags": ["Echo"], "summary": "Note a text",
    "description": "Notes the body.", "security": [],
    "requestBody": {"required": true, "content": {"text/plain": {"schema": {"type": "string"}}}},
    "responses": {"200": {"description": "Noted.", "content": {"application/json": {
      "schema": {"type": "object", "properties": {
        "echo": {"type": "string", "description": "the body"},
        "notes": {"type": "integer", "description": "notes so far"}}},
      "example": {"echo": "hi", "notes": 1}}}}}}}}
})";

void register_echo(module::Module& m) {
  m.api(kEchoApi);
  m.migrations([] {
     return store::MigrationSet{
         "echo", {{1, "echo notes", "CREATE TABLE echo_notes (id {{id}}, text TEXT NOT NULL)"}}};
   })
      .provide([](module::Services& s) {
        s.put(std::make_unique<EchoService>(s.get<store::Database>()));
      })
      .routes([](http::Router& router, module::Services& s) {
        router.add("POST", "/api/v1/echo", [&echo = s.get<EchoService>()](const http::Request& r) {
          echo.note(r.body);
          return http::Response::json(200, {{"echo", r.body}, {"notes", echo.notes().size()}});
        });
      })
      .command({"echo", "ping", module::Who::kEveryone, module::Where::kPrivate,
                [](module::Services& s, const module::CommandCall& c) {
                  s.get<EchoService>().note(c.args);
                  return "echo " + c.args + " (" + c.language + ")";
                }})
      .command({"echoadmin", "help_cmd_web", module::Who::kAdmin, module::Where::kAnywhere,
                [](module::Services&, const module::CommandCall&) { return std::string("ok"); }})
      .job({"echo.tick", jobs::Schedule::every(60'000'000),
            [](module::Services& s, const jobs::Run&) { ++s.get<EchoService>().ticks; }})
      .cli({{"echo", "say"},
            "note a text",
            {{"--text", "what to note", true, ""}},
            [](const module::CliRun& run) {
              run.open().get<EchoService>().note(run.option("--text"));
              return 0;
            }});
}

app::Registrations with_echo() {
  auto list = app::default_registrations();
  list.emplace_back("echo", &register_echo);  // the one line a new feature adds
  return list;
}

Config echo_config(const std::string& dir) {
  Config c;
  c.data_dir = dir;
  c.http_rate_limit_per_minute = 0;
  c.telegram_token = "4242:echo-test";
  c.telegram_mode = "poll";  // the bot is built; nothing is started
  c.telegram_bot_username = "lucas_bot";
  c.parser_auto_train = false;
  return c;
}

telegram::Update message(int64_t update_id, int64_t from, const std::string& language,
                         const std::string& chat_type, const std::string& text) {
  const int64_t chat = chat_type == "private" ? from : -100;
  return telegram::parse_update(
      {{"update_id", update_id},
       {"message",
        {{"message_id", update_id},
         {"date", 1'780'000'000},
         {"chat", {{"id", chat}, {"type", chat_type}}},
         {"from",
          {{"id", from}, {"is_bot", false}, {"first_name", "Ann"}, {"language_code", language}}},
         {"text", text}}}});
}

std::string reply(app::App& app, const telegram::Update& u) {
  const auto out = app.front_door->handle(u);
  return out.empty() ? std::string() : out.front().text;
}

TEST(ModuleContract, OneRegistrationLineWiresEveryPartOfAFeature) {
  testing::TempDir dir;
  app::App app(echo_config(dir.path()), module::declare(with_echo()));
  const auto report = app.migrate();
  EXPECT_NE(std::find(report.applied.begin(), report.applied.end(), "echo/1 echo notes"),
            report.applied.end());
  auto& echo = app.services.get<EchoService>();

  // The route.
  http::Router router;
  app.register_routes(router);
  http::Request req;
  req.method = "POST";
  req.path = "/api/v1/echo";
  req.body = "hello";
  req.remote_addr = "10.0.0.1";
  const auto res = router.dispatch(req, app.clock);
  EXPECT_EQ(res.status, 200) << res.body;
  EXPECT_EQ(echo.notes(), std::vector<std::string>{"hello"});
  // ... in the OpenAPI document that the server serves, with nothing undocumented.
  http::Request doc_req;
  doc_req.method = "GET";
  doc_req.path = "/api/v1/openapi.json";
  const auto doc = nlohmann::json::parse(router.dispatch(doc_req, app.clock).body);
  EXPECT_EQ(doc["paths"]["/api/v1/echo"]["post"]["operationId"], "postEcho");
  EXPECT_EQ(http::check_routes(router, doc, app::served_outside_router()),
            std::vector<std::string>{});

  // The bot command: in a private chat it runs, in the user's language; in a group it is refused
  // with the localized "private only" text; an admin-only command is refused to a user.
  EXPECT_EQ(reply(app, message(1, 501, "en", "private", "/echo hi there")), "echo hi there (en)");
  EXPECT_EQ(reply(app, message(2, 501, "en", "group", "/echo@lucas_bot hi")),
            i18n::text("en", "command_private_only"));
  EXPECT_EQ(reply(app, message(3, 502, "ru", "private", "/echoadmin")),
            i18n::text("ru", "error_forbidden"));
  EXPECT_EQ(echo.notes(), (std::vector<std::string>{"hello", "hi there"}));
  // /help lists the module's command for everyone, its admin command only for admins.
  const std::string help = reply(app, message(4, 501, "en", "private", "/help"));
  EXPECT_NE(help.find(i18n::text("en", "ping")), std::string::npos) << help;
  EXPECT_EQ(help.find(i18n::text("en", "help_cmd_web")),
            help.rfind(i18n::text("en", "help_cmd_web")))
      << "the admin command's line appears for a user: " << help;

  // The job.
  app.scheduler->run_now("echo.tick");
  EXPECT_EQ(echo.ticks.load(), 1);
}

TEST(ModuleContract, TheBotsCommandMenusComeFromTheRegistry) {
  testing::TempDir dir;
  app::App app(echo_config(dir.path()), module::declare(with_echo()));
  const auto menus = app.front_door->command_menus({telegram::Asker{77, 2, "en", std::nullopt}});
  ASSERT_EQ(menus.size(), 3u);
  const auto names = [](const nlohmann::json& call) {
    std::map<std::string, std::string> out;
    for (const auto& c : call.at("commands")) out[c.at("command")] = c.at("description");
    return out;
  };
  // Everyone's menu, Russian by default: the modules' commands with the text after the dash.
  EXPECT_FALSE(menus[0].contains("scope"));
  EXPECT_FALSE(menus[0].contains("language_code"));
  const auto ru = names(menus[0]);
  EXPECT_EQ(ru.count("grant"), 0u);
  EXPECT_EQ(ru.count("echoadmin"), 0u);
  ASSERT_EQ(ru.count("balance"), 1u);
  EXPECT_EQ(ru.at("balance"), "баланс");
  EXPECT_EQ(ru.count("help"), 1u);
  EXPECT_EQ(menus[1].at("language_code"), "en");
  EXPECT_EQ(names(menus[1]).at("balance"), "your balance");
  // The admin's own chat: everything they may use, in their language.
  EXPECT_EQ(menus[2].at("scope"), (nlohmann::json{{"type", "chat"}, {"chat_id", 77}}));
  const auto admin = names(menus[2]);
  EXPECT_EQ(admin.count("grant"), 1u);
  EXPECT_EQ(admin.count("echoadmin"), 1u);
  EXPECT_EQ(admin.at("stats"), "statistics");
}

// Records the Bot API calls instead of making them.
struct RecordingBotApi final : telegram::BotApi {
  std::vector<std::pair<std::string, nlohmann::json>> calls;
  telegram::ApiResult call(const std::string& method, const nlohmann::json& params) override {
    calls.emplace_back(method, params);
    telegram::ApiResult r;
    r.ok = true;
    r.result = true;
    return r;
  }
};

TEST(ModuleContract, TheMenuButtonOpensTheWebAppWhenThePublicUrlIsHttps) {
  for (const std::string public_url : {"https://lucas.example", "http://localhost:8080"}) {
    SCOPED_TRACE(public_url);
    testing::TempDir dir;
    Config config = echo_config(dir.path());
    config.public_url = public_url;
    app::App app(config, module::declare(with_echo()));
    app.migrate();
    auto real = std::move(app.bot_api);
    auto recording = std::make_unique<RecordingBotApi>();
    auto* calls = &recording->calls;
    app.bot_api = std::move(recording);
    const int published = app.publish_bot_commands();
    std::vector<std::string> methods;
    for (const auto& [method, params] : *calls) methods.push_back(method);
    if (public_url.rfind("https://", 0) == 0) {
      EXPECT_EQ(methods,
                (std::vector<std::string>{"setMyCommands", "setMyCommands", "setChatMenuButton"}));
      EXPECT_EQ(calls->back().second,
                (nlohmann::json{{"menu_button",
                                 {{"type", "web_app"},
                                  {"text", "Lucas"},
                                  {"web_app", {{"url", "https://lucas.example/"}}}}}}));
      // /web in private: the token, and a button opening the same app.
      const auto out = app.front_door->handle(message(10, 501, "en", "private", "/web"));
      ASSERT_EQ(out.size(), 1u);
      EXPECT_EQ(out[0].reply_markup["inline_keyboard"][0][0]["web_app"]["url"],
                "https://lucas.example/");
      EXPECT_NE(out[0].text.find(i18n::text("en", "web_open_app")), std::string::npos);
      EXPECT_NE(out[0].text.find("?token="), std::string::npos) << out[0].text;
    } else {
      EXPECT_EQ(methods, (std::vector<std::string>{"setMyCommands", "setMyCommands"}));
      const auto out = app.front_door->handle(message(10, 501, "en", "private", "/web"));
      ASSERT_EQ(out.size(), 1u);
      EXPECT_TRUE(out[0].reply_markup.is_null()) << out[0].reply_markup;
      EXPECT_NE(out[0].text.find("?token="), std::string::npos) << out[0].text;
    }
    EXPECT_EQ(published, static_cast<int>(calls->size()));
    // In a group /web shows neither a token nor a button.
    const auto group = app.front_door->handle(message(11, 501, "en", "group", "/web"));
    ASSERT_EQ(group.size(), 1u);
    EXPECT_TRUE(group[0].reply_markup.is_null());
    EXPECT_EQ(group[0].text, i18n::text("en", "web_private_only"));
    app.bot_api = std::move(real);
  }
}

TEST(ModuleContract, TheModuleCliSubcommandRunsOnAMigratedPlatform) {
  testing::TempDir dir;
  const std::string data = "--data-dir=" + dir.path();
  std::vector<std::string> args = {"lucas", "echo", "say", "--text", "from the console", data};
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  EXPECT_EQ(app::run_cli(static_cast<int>(argv.size()), argv.data(), with_echo()), 0);
  app::App app(echo_config(dir.path()), module::declare(with_echo()));
  EXPECT_EQ(app.services.get<EchoService>().notes(), std::vector<std::string>{"from the console"});
  // A required option missing is bad usage (2), and nothing is noted.
  std::vector<std::string> bad = {"lucas", "echo", "say", data};
  std::vector<char*> bad_argv;
  for (auto& a : bad) bad_argv.push_back(a.data());
  EXPECT_EQ(app::run_cli(static_cast<int>(bad_argv.size()), bad_argv.data(), with_echo()), 2);
  EXPECT_EQ(app.services.get<EchoService>().notes().size(), 1u);
}

TEST(ModuleContract, EveryDefaultModuleCommandHasHelpInRussianAndEnglish) {
  const auto catalogues = i18n::catalogues();
  size_t commands = 0;
  for (const auto& m : app::default_modules()) {
    for (const auto& c : m.commands()) {
      ++commands;
      for (const char* lang : {"ru", "en"}) {
        const auto& cat = catalogues.at(lang);
        const auto it = cat.find(c.help_key);
        ASSERT_NE(it, cat.end()) << m.name() << " /" << c.name << ": no " << lang << " help";
        EXPECT_NE(it->second.find("/" + c.name), std::string::npos)
            << m.name() << " /" << c.name << ": its " << lang << " help does not name it";
      }
    }
  }
  EXPECT_GE(commands, 4u);  // /top, /web, /login, /confirm_client at least
}

TEST(ModuleContract, DeclaringRefusesTwoOwnersOfOneCommandOrName) {
  const app::Registrations twice = {{"echo", &register_echo}, {"echo2", &register_echo}};
  EXPECT_THROW(module::declare(twice), Error);
  const app::Registrations same_name = {{"echo", &register_echo}, {"echo", &register_echo}};
  EXPECT_THROW(module::declare(same_name), Error);
  module::Services s;
  int x = 0;
  s.put(x);
  EXPECT_THROW(s.put(x), Error);
  EXPECT_THROW(s.get<EchoService>(), Error);
  // A second provider would replace the first silently: refused when declared.
  module::Module m("twice");
  m.provide([](module::Services&) {});
  EXPECT_THROW(m.provide([](module::Services&) {}), Error);
}

}  // namespace
}  // namespace lucas
