#include <gtest/gtest.h>

#include <unistd.h>
#include <cstdio>
#include <fstream>
#include <set>

#include "base/config.h"

namespace lucas {
namespace {

EnvLookup env_of(std::map<std::string, std::string> vars) {
  return [vars](const std::string& name) -> std::optional<std::string> {
    auto it = vars.find(name);
    if (it == vars.end()) return std::nullopt;
    return it->second;
  };
}

struct TempFile {
  explicit TempFile(const std::string& content) {
    char tmpl[] = "/tmp/lucas-config-XXXXXX";
    const int fd = mkstemp(tmpl);
    close(fd);
    path = tmpl;
    std::ofstream(path) << content;
  }
  ~TempFile() { std::remove(path.c_str()); }
  std::string path;
};

std::string error_of(const ConfigSources& s) {
  try {
    load_config(s);
  } catch (const ConfigError& e) {
    return e.setting() + " | " + e.what();
  }
  return "no error";
}

TEST(Config, DefaultsServeOnSqliteUnderTheDataDirectory) {
  const Config c = load_config({});
  EXPECT_EQ(c.http_port, 8080);
  EXPECT_EQ(c.effective_database_url(), "sqlite:data/lucas.db");
  EXPECT_EQ(c.log_level, "info");
}

// docs/configuration.md documents these; they were missing from the settings table (so 0 did not
// turn the API limit off).
TEST(Config, RateLimitsAreSettings) {
  EXPECT_EQ(load_config({}).http_rate_limit_per_minute, 100);
  ConfigSources s;
  s.env = env_of({{"LUCAS_HTTP_RATE_LIMIT_PER_MINUTE", "0"}});
  s.flags = {{"telegram.rate_limit_per_minute", "30"}};
  const Config c = load_config(s);
  EXPECT_EQ(c.http_rate_limit_per_minute, 0);
  EXPECT_EQ(c.bot_rate_limit_per_minute, 30);
  s.env = env_of({{"LUCAS_HTTP_RATE_LIMIT_PER_MINUTE", "-1"}});
  EXPECT_NE(error_of(s).find("http.rate_limit_per_minute"), std::string::npos);
}

// The web app's settings: defaults, and a login domain is a host name, not a URL.
TEST(Config, WebSettings) {
  const Config d = load_config({});
  EXPECT_EQ(d.web_dir, "");
  EXPECT_EQ(d.web_login_domain, "");
  EXPECT_EQ(d.web_session_idle_days, 30);
  EXPECT_EQ(d.web_init_data_max_age_s, 86400);
  ConfigSources s;
  s.env = env_of({{"LUCAS_WEB_LOGIN_DOMAIN", "bank.example.org"}, {"LUCAS_WEB_DIR", "/srv/web"}});
  s.flags = {{"web.session_idle_days", "7"}};
  const Config c = load_config(s);
  EXPECT_EQ(c.web_login_domain, "bank.example.org");
  EXPECT_EQ(c.web_dir, "/srv/web");
  EXPECT_EQ(c.web_session_idle_days, 7);
  s.env = env_of({{"LUCAS_WEB_LOGIN_DOMAIN", "https://bank.example.org"}});
  EXPECT_NE(error_of(s).find("web.login_domain"), std::string::npos);
  s.env = env_of({});
  s.flags = {{"web.session_idle_days", "0"}};
  EXPECT_NE(error_of(s).find("web.session_idle_days"), std::string::npos);
}

TEST(Config, FileThenEnvironmentThenFlagsInRisingPrecedence) {
  TempFile f(
      "data_dir = \"/srv/lucas\"\n[http]\nport = 9000\nio_threads = 3\n[log]\nlevel = \"debug\"\n");
  ConfigSources s;
  s.file = f.path;
  Config c = load_config(s);
  EXPECT_EQ(c.http_port, 9000);
  EXPECT_EQ(c.http_io_threads, 3);
  EXPECT_EQ(c.log_level, "debug");
  EXPECT_EQ(c.effective_database_url(), "sqlite:/srv/lucas/lucas.db");

  s.env = env_of({{"LUCAS_HTTP_PORT", "9100"}, {"LUCAS_LOG_LEVEL", "warn"}});
  c = load_config(s);
  EXPECT_EQ(c.http_port, 9100);
  EXPECT_EQ(c.log_level, "warn");
  EXPECT_EQ(c.http_io_threads, 3);  // untouched by the environment

  s.flags = {{"http.port", "9200"}};
  c = load_config(s);
  EXPECT_EQ(c.http_port, 9200);
  EXPECT_EQ(c.log_level, "warn");
}

TEST(Config, WrongValuesNameTheSettingTheSourceAndTheAcceptedValues) {
  ConfigSources s;
  s.env = env_of({{"LUCAS_HTTP_PORT", "http"}});
  EXPECT_EQ(error_of(s),
            "http.port | invalid value 'http' for http.port (from LUCAS_HTTP_PORT): expected an "
            "integer from 0 to 65535");
  s.env = env_of({});
  s.flags = {{"log.level", "loud"}};
  EXPECT_EQ(error_of(s),
            "log.level | invalid value 'loud' for log.level (from --log-level): expected trace, "
            "debug, info, warn, error or off");
  s.flags = {{"database.url", "mysql://x"}};
  EXPECT_NE(error_of(s).find("sqlite:PATH, postgresql://"), std::string::npos);
  s.flags = {{"http.port", "65536"}};
  EXPECT_NE(error_of(s).find("http.port"), std::string::npos);
  s.flags = {{"http.access_log", "maybe"}};
  EXPECT_NE(error_of(s).find("true or false"), std::string::npos);
}

TEST(Config, UnknownOrMistypedFileSettingsAreRefused) {
  TempFile unknown("[http]\nprot = 1\n");
  ConfigSources s;
  s.file = unknown.path;
  EXPECT_NE(error_of(s).find("unknown setting 'http.prot'"), std::string::npos);
  TempFile broken("[http\nport = 1\n");
  s.file = broken.path;
  EXPECT_NE(error_of(s).find("cannot read config file"), std::string::npos);
  TempFile wrong_type("[http]\nport = \"eighty\"\n");
  s.file = wrong_type.path;
  EXPECT_NE(error_of(s).find("invalid value 'eighty' for http.port"), std::string::npos);
}

TEST(Config, RedisAndNodeSettings) {
  ConfigSources s;
  s.env = env_of({{"LUCAS_REDIS_URL", "redis://:pw@10.0.0.9:6380/2"}, {"LUCAS_NODE_ID", "node-a"}});
  auto c = load_config(s);
  EXPECT_EQ(c.redis_url, "redis://:pw@10.0.0.9:6380/2");
  EXPECT_EQ(c.node_id, "node-a");
  EXPECT_EQ(c.redis_timeout_ms, 500);
  EXPECT_TRUE(load_config({}).redis_url.empty());  // no Redis: everything in-process
  s.env = env_of({{"LUCAS_REDIS_URL", "http://:hunter2@cache"}});
  const std::string err = error_of(s);
  EXPECT_NE(err.find("redis.url"), std::string::npos);
  EXPECT_EQ(err.find("hunter2"), std::string::npos);  // a URL may hold a password
  s.env = env_of({{"LUCAS_NODE_ID", "a b"}});
  EXPECT_NE(error_of(s).find("node.id"), std::string::npos);
}

TEST(Config, EverySettingHasDistinctEnvAndFlagNames) {
  std::set<std::string> envs, flags;
  for (const auto& spec : setting_specs()) {
    EXPECT_TRUE(envs.insert(spec.env).second) << spec.env;
    EXPECT_TRUE(flags.insert(spec.flag).second) << spec.flag;
    EXPECT_EQ(spec.env.rfind("LUCAS_", 0), 0u);
    EXPECT_FALSE(spec.accepted.empty());
  }
  EXPECT_TRUE(envs.count("LUCAS_DATABASE_URL"));
  EXPECT_TRUE(flags.count("--http-port"));
}

}  // namespace
}  // namespace lucas
