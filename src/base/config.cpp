#include "base/config.h"

#include <toml++/toml.h>

#include <fmt/format.h>
#include <charconv>
#include <cstdlib>

namespace lucas {
namespace {

int64_t parse_int(const std::string& v, int64_t lo, int64_t hi) {
  int64_t out = 0;
  const char* end = v.data() + v.size();
  auto [p, ec] = std::from_chars(v.data(), end, out);
  if (ec != std::errc() || p != end || out < lo || out > hi) throw std::invalid_argument(v);
  return out;
}

bool parse_bool(const std::string& v) {
  if (v == "true" || v == "1" || v == "yes" || v == "on") return true;
  if (v == "false" || v == "0" || v == "no" || v == "off") return false;
  throw std::invalid_argument(v);
}

std::string one_of(const std::string& v, std::initializer_list<const char*> allowed) {
  for (const char* a : allowed) {
    if (v == a) return v;
  }
  throw std::invalid_argument(v);
}

SettingSpec int_setting(std::string key, std::string desc, int64_t lo, int64_t hi,
                        std::function<void(Config&, int64_t)> set) {
  std::string env = "LUCAS_";
  std::string flag = "--";
  for (char c : key) {
    env += c == '.' ? '_' : static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    flag += (c == '.' || c == '_') ? '-' : c;
  }
  return SettingSpec{
      key,
      env,
      flag,
      fmt::format("an integer from {} to {}", lo, hi),
      std::move(desc),
      [lo, hi, set](Config& c, const std::string& v) { set(c, parse_int(v, lo, hi)); }};
}

SettingSpec text_setting(std::string key, std::string desc, std::string accepted,
                         std::function<void(Config&, const std::string&)> set) {
  std::string env = "LUCAS_";
  std::string flag = "--";
  for (char c : key) {
    env += c == '.' ? '_' : static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    flag += (c == '.' || c == '_') ? '-' : c;
  }
  return SettingSpec{key, env, flag, std::move(accepted), std::move(desc), std::move(set)};
}

std::vector<SettingSpec> make_specs() {
  std::vector<SettingSpec> s;
  s.push_back(text_setting("data_dir", "directory for the embedded database and local files",
                           "a non-empty directory path", [](Config& c, const std::string& v) {
                             if (v.empty()) throw std::invalid_argument(v);
                             c.data_dir = v;
                           }));
  s.push_back(text_setting(
      "database.url", "database URL (default: sqlite:<data_dir>/lucas.db)",
      "sqlite:PATH, postgresql://... or postgres://...", [](Config& c, const std::string& v) {
        if (!(v.rfind("sqlite:", 0) == 0 && v.size() > 7) && v.rfind("postgresql://", 0) != 0 &&
            v.rfind("postgres://", 0) != 0) {
          throw std::invalid_argument(v);
        }
        c.database_url = v;
      }));
  s.push_back(text_setting(
      "database.read_url",
      "PostgreSQL read replica for lag-tolerant reads (falls back to the primary)",
      "empty, or postgresql://... or postgres://...", [](Config& c, const std::string& v) {
        if (!v.empty() && v.rfind("postgresql://", 0) != 0 && v.rfind("postgres://", 0) != 0) {
          throw std::invalid_argument("read url");  // may hold a password: never echoed
        }
        c.database_read_url = v;
      }));
  s.push_back(int_setting("database.pool_size", "database connections in the pool", 1, 256,
                          [](Config& c, int64_t v) { c.db_pool_size = static_cast<int>(v); }));
  s.push_back(
      int_setting("database.busy_timeout_ms", "SQLite busy timeout", 0, 600000,
                  [](Config& c, int64_t v) { c.db_busy_timeout_ms = static_cast<int>(v); }));
  s.push_back(text_setting("http.host", "address to listen on", "an IPv4 or IPv6 address",
                           [](Config& c, const std::string& v) {
                             if (v.empty() || v.find_first_not_of("0123456789abcdefABCDEF.:") !=
                                                  std::string::npos) {
                               throw std::invalid_argument(v);
                             }
                             c.http_host = v;
                           }));
  s.push_back(int_setting("http.port", "TCP port to listen on (0 picks a free one)", 0, 65535,
                          [](Config& c, int64_t v) { c.http_port = static_cast<int>(v); }));
  s.push_back(int_setting("http.io_threads", "threads running network I/O", 1, 64,
                          [](Config& c, int64_t v) { c.http_io_threads = static_cast<int>(v); }));
  s.push_back(
      int_setting("http.worker_threads", "threads running handlers (database work)", 1, 256,
                  [](Config& c, int64_t v) { c.http_worker_threads = static_cast<int>(v); }));
  s.push_back(int_setting("http.max_body_bytes", "largest accepted request body", 0,
                          int64_t{1} << 30,
                          [](Config& c, int64_t v) { c.http_max_body_bytes = v; }));
  s.push_back(
      int_setting("http.read_timeout_s", "seconds a client has to send a request", 1, 3600,
                  [](Config& c, int64_t v) { c.http_read_timeout_s = static_cast<int>(v); }));
  s.push_back(
      int_setting("http.idle_timeout_s", "seconds an idle keep-alive connection lives", 1, 3600,
                  [](Config& c, int64_t v) { c.http_idle_timeout_s = static_cast<int>(v); }));
  s.push_back(
      text_setting("http.access_log", "log every request", "true or false",
                   [](Config& c, const std::string& v) { c.http_access_log = parse_bool(v); }));
  s.push_back(int_setting(
      "http.rate_limit_per_minute", "API requests per minute per client (0 turns it off)", 0,
      1'000'000, [](Config& c, int64_t v) { c.http_rate_limit_per_minute = static_cast<int>(v); }));
  s.push_back(
      int_setting("telegram.rate_limit_per_minute", "bot commands per minute per user", 1, 10'000,
                  [](Config& c, int64_t v) { c.bot_rate_limit_per_minute = static_cast<int>(v); }));
  s.push_back(text_setting(
      "http.trusted_proxies",
      "reverse proxies (nginx) whose X-Forwarded-For names the client (rate limits, audit)",
      "IPv4 or IPv6 addresses separated by commas", [](Config& c, const std::string& v) {
        if (v.find_first_not_of("0123456789abcdefABCDEF.:, ") != std::string::npos) {
          throw std::invalid_argument(v);
        }
        c.http_trusted_proxies = v;
      }));
  s.push_back(
      text_setting("log.level", "log level", "trace, debug, info, warn, error or off",
                   [](Config& c, const std::string& v) {
                     c.log_level = one_of(v, {"trace", "debug", "info", "warn", "error", "off"});
                   }));
  s.push_back(text_setting("log.format", "log line format", "text or json",
                           [](Config& c, const std::string& v) {
                             c.log_format = one_of(v, {"text", "json"});
                           }));
  s.push_back(
      text_setting("telegram.token", "Telegram bot token (secret; enables the bot)",
                   "a bot token such as 123456:ABC-def", [](Config& c, const std::string& v) {
                     const size_t colon = v.find(':');
                     if (!v.empty() &&
                         (colon == std::string::npos || colon == 0 ||
                          v.substr(0, colon).find_first_not_of("0123456789") != std::string::npos ||
                          colon + 1 >= v.size())) {
                       throw std::invalid_argument("token");  // never echo the secret
                     }
                     c.telegram_token = v;
                   }));
  s.push_back(text_setting("telegram.api_url",
                           "Bot API base URL (real API, local server, emulator)",
                           "an http:// or https:// URL", [](Config& c, const std::string& v) {
                             if (v.rfind("http://", 0) != 0 && v.rfind("https://", 0) != 0) {
                               throw std::invalid_argument(v);
                             }
                             c.telegram_api_url = v;
                           }));
  s.push_back(text_setting(
      "telegram.webhook_secret", "secret token Telegram sends with webhooks",
      "1-256 characters of A-Z, a-z, 0-9, _ and -", [](Config& c, const std::string& v) {
        if (v.size() > 256 || v.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrst"
                                                  "uvwxyz0123456789_-") != std::string::npos) {
          throw std::invalid_argument("secret");
        }
        c.telegram_webhook_secret = v;
      }));
  s.push_back(text_setting("telegram.bot_username", "our bot's username (for /cmd@bot)",
                           "a Telegram username", [](Config& c, const std::string& v) {
                             if (v.empty() || v.size() > 64) throw std::invalid_argument(v);
                             c.telegram_bot_username = v.front() == '@' ? v.substr(1) : v;
                           }));
  s.push_back(text_setting("telegram.mode", "how updates arrive", "webhook, poll or off",
                           [](Config& c, const std::string& v) {
                             c.telegram_mode = one_of(v, {"webhook", "poll", "off"});
                           }));
  s.push_back(text_setting(
      "telegram.game_bots", "extra game bots: username=game,...",
      "username=game pairs separated by commas, game one of gd_cards, "
      "shmalala, true_mafia, bunker_rp, gusya_cards",
      [](Config& c, const std::string& v) {
        for (const auto& [name, game] : parse_pairs(v)) {
          (void)name;
          one_of(game, {"gd_cards", "shmalala", "true_mafia", "bunker_rp", "gusya_cards"});
        }
        c.telegram_game_bots = v;
      }));
  s.push_back(int_setting(
      "bank.max_message_age_h", "game messages older than this (hours, by origin) credit nothing",
      1, 24 * 365, [](Config& c, int64_t v) { c.bank_max_message_age_h = static_cast<int>(v); }));
  s.push_back(int_setting(
      "bank.unclaimed_days", "days an unclaimed credit waits for its nickname's link", 1, 3650,
      [](Config& c, int64_t v) { c.bank_unclaimed_days = static_cast<int>(v); }));
  s.push_back(text_setting("audit.signing_key_file",
                           "file with the hex Ed25519 seed that signs audit checkpoints",
                           "a readable file path (create one with lucas audit keygen)",
                           [](Config& c, const std::string& v) {
                             if (v.empty()) throw std::invalid_argument(v);
                             c.audit_signing_key_file = v;
                           }));
  s.push_back(
      int_setting("audit.checkpoint_interval", "entries between signed checkpoints", 1, 1'000'000,
                  [](Config& c, int64_t v) { c.audit_checkpoint_interval = static_cast<int>(v); }));
  s.push_back(text_setting("backup.dirs", "directories every backup is written to",
                           "directory paths separated by commas",
                           [](Config& c, const std::string& v) {
                             if (v.empty() || v.front() == ',' || v.back() == ',') {
                               throw std::invalid_argument(v);
                             }
                             c.backup_dirs = v;
                           }));
  s.push_back(text_setting("backup.key_file", "file with the hex key that encrypts backups",
                           "a readable file path (create one with lucas backup keygen)",
                           [](Config& c, const std::string& v) {
                             if (v.empty()) throw std::invalid_argument(v);
                             c.backup_key_file = v;
                           }));
  s.push_back(text_setting("parser.model_dir", "directory of the versioned parser models",
                           "a directory path (default <data_dir>/models/parser)",
                           [](Config& c, const std::string& v) {
                             if (v.empty()) throw std::invalid_argument(v);
                             c.parser_model_dir = v;
                           }));
  s.push_back(int_setting(
      "parser.review_threshold_pct", "parses below this confidence (%) go to the review queue", 0,
      100, [](Config& c, int64_t v) { c.parser_review_threshold_pct = static_cast<int>(v); }));
  s.push_back(
      int_setting("parser.cache_ttl_s", "seconds a cached parse result lives", 0, 365 * 24 * 3600,
                  [](Config& c, int64_t v) { c.parser_cache_ttl_s = static_cast<int>(v); }));
  s.push_back(int_setting(
      "parser.cache_entries", "parse results kept in the cache (0: no cache)", 0, 10'000'000,
      [](Config& c, int64_t v) { c.parser_cache_entries = static_cast<int>(v); }));
  s.push_back(int_setting(
      "parser.breaker_cooldown_s", "seconds the rules serve alone after a model failure", 1, 86400,
      [](Config& c, int64_t v) { c.parser_breaker_cooldown_s = static_cast<int>(v); }));
  s.push_back(text_setting(
      "parser.auto_train", "train a default model at the first serve without one", "true or false",
      [](Config& c, const std::string& v) { c.parser_auto_train = parse_bool(v); }));
  s.push_back(int_setting(
      "parser.drift_alert_pct", "PSI (in hundredths) above which admins are alerted", 1, 1000,
      [](Config& c, int64_t v) { c.parser_drift_alert_pct = static_cast<int>(v); }));
  s.push_back(text_setting(
      "parser.gate_data", "labelled JSONL a retrained model must do as well on as the active one",
      "a file path (used when it exists), or empty for the synthetic gate set alone",
      [](Config& c, const std::string& v) { c.parser_gate_data = v; }));
  s.push_back(text_setting(
      "redis.url", "Redis for cache, rate limits, leaderboards and the bus between nodes",
      "empty, or redis://[:password@]host[:port][/db]", [](Config& c, const std::string& v) {
        if (!v.empty() && (v.rfind("redis://", 0) != 0 || v.size() == 8)) {
          throw std::invalid_argument("redis url");  // may hold a password: never echoed
        }
        c.redis_url = v;
      }));
  s.push_back(int_setting("redis.timeout_ms", "Redis command and connect timeout", 10, 60000,
                          [](Config& c, int64_t v) { c.redis_timeout_ms = static_cast<int>(v); }));
  s.push_back(text_setting(
      "node.id", "this node's name in logs, metrics and job records (default <hostname>-<pid>)",
      "1-64 characters of A-Z, a-z, 0-9, ., _ and -", [](Config& c, const std::string& v) {
        if (v.empty() || v.size() > 64 ||
            v.find_first_not_of(
                "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._-") !=
                std::string::npos) {
          throw std::invalid_argument(v);
        }
        c.node_id = v;
      }));
  s.push_back(text_setting("public_url", "the base URL clients reach this platform at",
                           "an http:// or https:// URL", [](Config& c, const std::string& v) {
                             if (v.rfind("http://", 0) != 0 && v.rfind("https://", 0) != 0) {
                               throw std::invalid_argument(v);
                             }
                             c.public_url = v;
                           }));
  s.push_back(text_setting("ws.token_secret",
                           "key that signs WebSocket tokens, the same on every node (secret)",
                           "at least 32 characters", [](Config& c, const std::string& v) {
                             if (v.size() < 32) throw std::invalid_argument("secret");
                             c.ws_token_secret = v;
                           }));
  s.push_back(int_setting("ws.token_ttl_s", "seconds a WebSocket token stays valid", 10, 86400,
                          [](Config& c, int64_t v) { c.ws_token_ttl_s = static_cast<int>(v); }));
  s.push_back(int_setting(
      "ws.heartbeat_s", "WebSocket heartbeat: ping after half of it idle, close after all of it", 2,
      3600, [](Config& c, int64_t v) { c.ws_heartbeat_s = static_cast<int>(v); }));
  s.push_back(int_setting(
      "ws.client_messages_per_minute",
      "client messages per WebSocket connection per minute (over it ignored, at twice closed; 0: "
      "unlimited)",
      0, 100'000,
      [](Config& c, int64_t v) { c.ws_client_messages_per_minute = static_cast<int>(v); }));
  s.push_back(int_setting("ws.retention_days", "days stored notifications are kept for resume", 1,
                          365,
                          [](Config& c, int64_t v) { c.ws_retention_days = static_cast<int>(v); }));
  s.push_back(text_setting("web.dir",
                           "directory of the built web app (default: web/ beside the binary, then "
                           "../share/lucas/web)",
                           "a directory path",
                           [](Config& c, const std::string& v) { c.web_dir = v; }));
  s.push_back(text_setting(
      "web.login_domain", "domain of the Telegram Login Widget (set with @BotFather /setdomain)",
      "empty, or a host name such as bank.example.org", [](Config& c, const std::string& v) {
        if (v.find_first_of("/:@ ") != std::string::npos) throw std::invalid_argument(v);
        c.web_login_domain = v;
      }));
  s.push_back(
      int_setting("web.session_idle_days", "days an unused web session stays signed in", 1, 365,
                  [](Config& c, int64_t v) { c.web_session_idle_days = static_cast<int>(v); }));
  s.push_back(
      int_setting("web.init_data_max_age_s",
                  "oldest Telegram sign-in data (auth_date) accepted, in seconds", 60, 7 * 86400,
                  [](Config& c, int64_t v) { c.web_init_data_max_age_s = static_cast<int>(v); }));
  return s;
}

const SettingSpec* find_spec(const std::string& key) {
  for (const auto& s : setting_specs()) {
    if (s.key == key) return &s;
  }
  return nullptr;
}

void apply(Config& c, const SettingSpec& spec, const std::string& value, const std::string& from) {
  try {
    spec.apply(c, value);
  } catch (const std::invalid_argument&) {
    // Secrets are never echoed back, not even when they are wrong.
    const bool secret = spec.key == "telegram.token" || spec.key == "telegram.webhook_secret" ||
                        spec.key == "redis.url" || spec.key == "ws.token_secret" ||
                        spec.key == "database.read_url";
    throw ConfigError(spec.key, fmt::format("invalid value '{}' for {} (from {}): expected {}",
                                            secret ? "***" : value, spec.key, from, spec.accepted));
  }
}

void flatten(const toml::table& table, const std::string& prefix,
             std::vector<std::pair<std::string, std::string>>& out, const std::string& file) {
  for (const auto& [k, node] : table) {
    std::string key = prefix.empty() ? std::string(k.str()) : prefix + "." + std::string(k.str());
    if (const auto* sub = node.as_table()) {
      flatten(*sub, key, out, file);
    } else if (const auto* str = node.as_string()) {
      out.emplace_back(key, str->get());
    } else if (const auto* i = node.as_integer()) {
      out.emplace_back(key, std::to_string(i->get()));
    } else if (const auto* b = node.as_boolean()) {
      out.emplace_back(key, b->get() ? "true" : "false");
    } else {
      throw ConfigError(key, fmt::format("unsupported value type for {} in {}", key, file));
    }
  }
}

}  // namespace

std::map<std::string, std::string> parse_pairs(const std::string& text) {
  std::map<std::string, std::string> out;
  size_t start = 0;
  while (start < text.size()) {
    const size_t comma = text.find(',', start);
    const std::string pair = text.substr(start, comma == std::string::npos ? comma : comma - start);
    const size_t eq = pair.find('=');
    if (eq == std::string::npos || eq == 0 || eq + 1 == pair.size()) {
      throw std::invalid_argument(pair);
    }
    out[pair.substr(0, eq)] = pair.substr(eq + 1);
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return out;
}

std::string Config::effective_database_url() const {
  if (!database_url.empty()) return database_url;
  return "sqlite:" + data_dir + "/lucas.db";
}

std::string Config::effective_parser_model_dir() const {
  if (!parser_model_dir.empty()) return parser_model_dir;
  return data_dir + "/models/parser";
}

const std::vector<SettingSpec>& setting_specs() {
  static const std::vector<SettingSpec> specs = make_specs();
  return specs;
}

EnvLookup process_env() {
  return [](const std::string& name) -> std::optional<std::string> {
    const char* v = std::getenv(name.c_str());
    if (v == nullptr) return std::nullopt;
    return std::string(v);
  };
}

Config load_config(const ConfigSources& sources) {
  Config c;
  if (sources.file) {
    toml::table table;
    try {
      table = toml::parse_file(*sources.file);
    } catch (const toml::parse_error& e) {
      throw ConfigError("config", fmt::format("cannot read config file {}: {}", *sources.file,
                                              std::string(e.description())));
    }
    std::vector<std::pair<std::string, std::string>> values;
    flatten(table, "", values, *sources.file);
    for (const auto& [key, value] : values) {
      const SettingSpec* spec = find_spec(key);
      if (spec == nullptr) {
        std::string known;
        for (const auto& s : setting_specs()) known += (known.empty() ? "" : ", ") + s.key;
        throw ConfigError(key, fmt::format("unknown setting '{}' in {}; known settings: {}", key,
                                           *sources.file, known));
      }
      apply(c, *spec, value, *sources.file);
    }
  }
  if (sources.env) {
    for (const auto& spec : setting_specs()) {
      if (auto v = sources.env(spec.env)) apply(c, spec, *v, spec.env);
    }
  }
  for (const auto& [key, value] : sources.flags) {
    const SettingSpec* spec = find_spec(key);
    if (spec == nullptr) throw ConfigError(key, "unknown setting '" + key + "'");
    apply(c, *spec, value, spec->flag);
  }
  return c;
}

}  // namespace lucas
