// Configuration: defaults < TOML file < LUCAS_* environment < command-line flags.
// Every setting has one dotted key ("http.port"), one environment name (LUCAS_HTTP_PORT) and one
// flag (--http-port). A wrong value raises ConfigError naming the setting and what it accepts.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace lucas {

struct Config {
  std::string data_dir = "data";
  std::string database_url;       // empty: sqlite:<data_dir>/lucas.db
  std::string database_read_url;  // a streaming replica for lag-tolerant reads; empty: none
  int db_pool_size = 8;
  int db_busy_timeout_ms = 5000;
  std::string http_host = "0.0.0.0";
  int http_port = 8080;
  int http_io_threads = 2;
  int http_worker_threads = 4;
  int64_t http_max_body_bytes = 1 << 20;
  int http_read_timeout_s = 15;
  int http_idle_timeout_s = 60;
  bool http_access_log = true;
  std::string http_trusted_proxies;  // comma-separated addresses whose X-Forwarded-For is trusted
  int http_rate_limit_per_minute = 100;  // per client; 0 turns the API limit off
  int bot_rate_limit_per_minute = 20;    // bot commands per user
  std::string log_level = "info";
  std::string log_format = "text";
  // Telegram: off unless a token is configured.
  std::string telegram_token;  // secret: never logged
  std::string telegram_api_url = "https://api.telegram.org";
  std::string telegram_webhook_secret;  // checked against X-Telegram-Bot-Api-Secret-Token
  std::string telegram_bot_username = "lucas_bank_bot";
  std::string telegram_mode = "webhook";  // webhook, poll or off
  std::string telegram_game_bots;
  // The bank's trust rules: a game message older than this (by its origin date) credits nothing;
  // a credit for a player nobody is known to be waits this long for the nickname's link.
  int bank_max_message_age_h = 48;
  int bank_unclaimed_days = 30;
  std::string audit_signing_key_file;  // hex Ed25519 seed; enables signed checkpoints
  int audit_checkpoint_interval = 1000;
  std::string backup_dirs;      // comma-separated; empty: <data_dir>/backups
  std::string backup_key_file;  // hex secretstream key (lucas backup keygen)
  // Scale-out: Redis (empty: every feature stays in-process) and this node's name.
  std::string redis_url;  // redis://[:password@]host[:port][/db]; the password is never logged
  int redis_timeout_ms = 500;
  std::string node_id;  // empty: <hostname>-<pid>
  // Real time (WebSocket /api/v1/ws).
  std::string public_url = "http://localhost:8080";  // how clients reach us (for /web's URL)
  std::string ws_token_secret;  // secret, >= 32 bytes; empty: a key kept in the database
  int ws_token_ttl_s = 300;
  int ws_heartbeat_s = 30;
  int ws_client_messages_per_minute = 120;  // per connection; 0: unlimited
  int ws_retention_days = 7;                // stored notifications kept for resume

  // The AI message parser.
  std::string parser_model_dir;          // empty: <data_dir>/models/parser
  int parser_review_threshold_pct = 80;  // confidence below this (in %) goes to the review queue
  int parser_cache_ttl_s = 7 * 24 * 3600;
  int parser_cache_entries = 100'000;
  int parser_breaker_cooldown_s = 60;
  bool parser_auto_train = true;    // the first serve with no model trains a default one
  int parser_drift_alert_pct = 25;  // PSI above 0.25 alerts the admins
  // Labelled real messages the weekly retrain must not do worse on (when the file exists).
  std::string parser_gate_data = "../shared/data/game_messages/labeled.jsonl";

  // The web app and its sessions.
  std::string web_dir;             // built app; empty: <binary dir>/web, then ../share/lucas/web
  std::string web_login_domain;    // the Login Widget's domain (set at @BotFather); empty: off
  int web_session_idle_days = 30;  // a web session unused this long ends
  int web_init_data_max_age_s = 86400;  // oldest Mini App / widget auth_date accepted

  std::string effective_database_url() const;
  std::string effective_parser_model_dir() const;
};

class ConfigError : public std::runtime_error {
 public:
  ConfigError(std::string setting, std::string message)
      : std::runtime_error(std::move(message)), setting_(std::move(setting)) {}
  const std::string& setting() const { return setting_; }

 private:
  std::string setting_;
};

struct SettingSpec {
  std::string key;                                         // "http.port"
  std::string env;                                         // "LUCAS_HTTP_PORT"
  std::string flag;                                        // "--http-port"
  std::string accepted;                                    // "an integer from 1 to 65535"
  std::string description;                                 // for --help
  std::function<void(Config&, const std::string&)> apply;  // throws std::invalid_argument
};

const std::vector<SettingSpec>& setting_specs();

// "a=x,b=y" -> {{"a","x"},{"b","y"}}; std::invalid_argument on a malformed pair.
std::map<std::string, std::string> parse_pairs(const std::string& text);

// Reads the environment; injectable so tests do not depend on the process environment.
using EnvLookup = std::function<std::optional<std::string>(const std::string&)>;
EnvLookup process_env();

struct ConfigSources {
  std::optional<std::string> file;           // TOML path (must exist when given)
  EnvLookup env;                             // may be empty: no environment
  std::map<std::string, std::string> flags;  // key -> value, from the command line
};

// Builds the configuration. Throws ConfigError on an unreadable file, an unknown key in the file,
// or any invalid value (the message names the setting, its source and the accepted values).
Config load_config(const ConfigSources& sources);

}  // namespace lucas
