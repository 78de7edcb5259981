// The command line. CLI11 is heavy to compile, so it is included here only.
#include "app/cli.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <CLI/CLI.hpp>

#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>
#include <set>

#include "app/admin_cli.h"
#include "app/app.h"
#include "app/module_cli.h"
#include "app/parser_cli.h"
#include "app/telegram_intake.h"
#include "base/log.h"
#include "base/money.h"
#include "features/legacy/legacy_import.h"
#include "features/parser/parser.h"
#include "infra/backup/backup.h"
#include "infra/http/server.h"
#include "infra/store/copy.h"

#ifndef LUCAS_VERSION
#define LUCAS_VERSION "dev"
#endif

namespace lucas::app {
namespace {

struct Settings {
  std::optional<std::string> config_file;
  std::map<std::string, std::string> values;  // key -> flag value
  std::vector<std::pair<std::string, CLI::Option*>> options;
};

void add_setting_flags(CLI::App& cli, Settings& s) {
  cli.add_option("-c,--config", s.config_file, "TOML configuration file (also LUCAS_CONFIG)")
      ->check(CLI::ExistingFile);
  for (const auto& spec : setting_specs()) {
    std::string names = spec.flag;
    if (spec.key == "http.port") names += ",-p,--port";
    if (spec.key == "database.url") names += ",--db";
    if (spec.key == "redis.url") names += ",--redis";
    auto* opt =
        cli.add_option(names, s.values[spec.key],
                       fmt::format("{} [{}; env {}]", spec.description, spec.key, spec.env));
    s.options.emplace_back(spec.key, opt);
  }
}

Config resolve(const Settings& s) {
  ConfigSources sources;
  sources.env = process_env();
  sources.file = s.config_file;
  if (!sources.file) {
    if (auto f = sources.env("LUCAS_CONFIG")) sources.file = *f;
  }
  for (const auto& [key, opt] : s.options) {
    if (opt->count() > 0) sources.flags[key] = s.values.at(key);
  }
  return load_config(sources);
}

int cmd_serve(const Config& config) {
  App app(config);
  const auto report = app.migrate();
  for (const auto& m : report.applied) spdlog::info("migration applied: {}", m);
  app.start_background();
  http::Router router;
  app.register_routes(router);
  http::ServerOptions options;
  options.host = config.http_host;
  options.port = static_cast<uint16_t>(config.http_port);
  options.io_threads = config.http_io_threads;
  options.worker_threads = config.http_worker_threads;
  options.max_body_bytes = config.http_max_body_bytes;
  options.read_timeout_s = config.http_read_timeout_s;
  options.idle_timeout_s = config.http_idle_timeout_s;
  options.access_log = config.http_access_log;
  http::Server server(options, router, app.clock, app.metrics);
  app.register_websocket(server);
  const uint16_t port = server.start();
  spdlog::info("lucas {} listening on http://{}:{} (database {})", LUCAS_VERSION, config.http_host,
               port, app.db->describe());
  // A machine-readable line for scripts that start lucas on port 0.
  std::cout << "listening " << port << std::endl;
  if (app.telegram_enabled()) {
    spdlog::info("telegram bot @{} in {} mode", config.telegram_bot_username, config.telegram_mode);
  }
  server.run_until_signal();
  app.stop_background();
  spdlog::info("lucas stopped");
  return 0;
}

int cmd_migrate(const Config& config, bool status_only) {
  App app(config);
  if (status_only) {
    const auto pending = store::pending_migrations(*app.db, all_migrations());
    if (pending.empty()) std::cout << "database is up to date (" << app.db->describe() << ")\n";
    for (const auto& p : pending) std::cout << "pending: " << p << "\n";
    return 0;
  }
  const auto report = app.migrate();
  for (const auto& m : report.applied) std::cout << "applied: " << m << "\n";
  std::cout << fmt::format("{} applied, {} already applied ({})\n", report.applied.size(),
                           report.already_applied, app.db->describe());
  return 0;
}

int cmd_ledger_check(const Config& config) {
  App app(config);
  app.migrate();
  const auto report = app.db->read([&](store::Tx& tx) { return app.ledger->check(tx); });
  std::cout << fmt::format("accounts {}, transfers {}, entries {}\n", report.accounts,
                           report.transfers, report.entries);
  for (const auto& [currency, sum] : report.currency_sums) {
    std::cout << fmt::format("currency {} sums to {}\n", currency, sum);
  }
  for (const auto& p : report.problems) std::cout << "PROBLEM: " << p << "\n";
  std::cout << (report.ok() ? "ledger OK\n" : "ledger BROKEN\n");
  return report.ok() ? 0 : 1;
}

}  // namespace

int run_cli(int argc, char** argv) {
  return run_cli(argc, argv, default_registrations());
}

int run_cli(int argc, char** argv, const Registrations& registrations) {
  const auto modules = module::declare(registrations);
  CLI::App cli{"lucas — the Lucas community platform: bank, games, economy and API", "lucas"};
  cli.require_subcommand(1);
  Settings settings;
  add_setting_flags(cli, settings);

  auto* serve = cli.add_subcommand("serve", "run the HTTP API (migrates the database first)");
  auto* migrate = cli.add_subcommand("migrate", "apply pending database migrations");
  bool status_only = false;
  migrate->add_flag("--status", status_only, "list pending migrations without applying them");

  auto* ledger = cli.add_subcommand("ledger", "ledger tools");
  ledger->require_subcommand(1);
  auto* check = ledger->add_subcommand("check", "verify every ledger invariant (exit 1 if broken)");
  auto* grant = ledger->add_subcommand(
      "grant", "credit (or, with a negative amount, debit) a user through the admin mint");
  int64_t grant_user = 0;
  std::string grant_amount;
  std::string grant_currency(ledger::kCoin);
  std::string grant_key;
  std::string grant_note;
  grant->add_option("--user", grant_user, "Telegram id of the user")->required();
  grant->add_option("--amount", grant_amount, "exact decimal amount, e.g. 12.50")->required();
  grant->add_option("--currency", grant_currency, "currency code")->capture_default_str();
  grant->add_option("--key", grant_key, "idempotency key (a repeat moves nothing)")->required();
  grant->add_option("--note", grant_note, "why");

  auto* user = cli.add_subcommand("user", "user administration");
  user->require_subcommand(1);
  auto* user_add = user->add_subcommand("add", "create or update a user");
  users::UserUpdate add;
  std::string add_role;
  user_add->add_option("--id", add.telegram_id, "Telegram user id")->required();
  user_add->add_option("--username", add.username, "Telegram username");
  user_add->add_option("--name", add.display_name, "display name");
  user_add->add_option("--language", add.language, "Telegram language code (ru, en, ...)");
  user_add->add_option("--role", add_role, "user, moderator, admin or owner")
      ->check(CLI::IsMember({"user", "moderator", "admin", "owner"}));
  auto* user_ban =
      user->add_subcommand("ban", "ban a user: the bot, API and WebSocket refuse them");
  auto* user_unban = user->add_subcommand("unban", "lift a user's ban");
  int64_t ban_id = 0;
  std::string ban_reason, ban_until;
  user_ban->add_option("id", ban_id, "Telegram user id")->required();
  user_ban->add_option("--reason", ban_reason, "why (the user is told)")->required();
  user_ban->add_option("--until", ban_until, "end: 2026-12-31 or RFC 3339 UTC (default: none)");
  user_unban->add_option("id", ban_id, "Telegram user id")->required();

  auto* parse = cli.add_subcommand(
      "parse",
      "classify game-bot messages with the model (rules without one): JSONL {id, text} in, "
      "{id, game_type, kind, confidence, entities, model_version, events} out");
  std::string parse_input = "-";
  parse->add_option("input", parse_input, "JSONL file, or - for standard input")
      ->capture_default_str();

  auto* parser_cmd = cli.add_subcommand("parser", "the AI message parser's models");
  parser_cmd->require_subcommand(1);
  parser_cli::TrainArgs train_args;
  auto* parser_train = parser_cmd->add_subcommand(
      "train", "train a new model version (synthetic data + stored corrections) and activate it");
  auto* parser_retrain = parser_cmd->add_subcommand(
      "retrain", "as train; with --canary SHARE the new version starts as a canary instead");
  double canary_share = 0;
  for (auto* sub : {parser_train, parser_retrain}) {
    sub->add_option("--seed", train_args.seed, "generator seed")->capture_default_str();
    sub->add_option("--messages", train_args.messages, "synthetic training messages")
        ->capture_default_str();
    sub->add_option("--epochs", train_args.epochs, "fastText epochs")->capture_default_str();
    sub->add_option("--bucket", train_args.bucket, "fastText hash buckets (model size)")
        ->capture_default_str();
    sub->add_option("--dim", train_args.dim, "vector dimension")->capture_default_str();
    sub->add_option("--extra", train_args.extra, "labelled JSONL to train on as well")
        ->check(CLI::ExistingFile);
    sub->add_flag("!--no-corrections", train_args.corrections, "leave the admins' corrections out");
  }
  parser_train->add_flag("!--no-activate", train_args.activate, "only write the new version");
  parser_retrain->add_option("--canary", canary_share,
                             "serve the new version to this share of messages (0..1)");
  auto* parser_eval = parser_cmd->add_subcommand(
      "eval", "accuracy, macro-F1, event precision/recall/exact match, ECE, confusion matrix");
  std::string eval_data, eval_model;
  bool eval_json = false;
  parser_eval->add_option("--data", eval_data, "labelled JSONL (as labeled.jsonl)")
      ->required()
      ->check(CLI::ExistingFile);
  parser_eval->add_option("--model", eval_model, "vN, or rules (default: the active model)");
  parser_eval->add_flag("--json", eval_json, "one JSON object instead of the table");
  auto* parser_status =
      parser_cmd->add_subcommand("status", "models, the active one, canary, review queue");
  auto* parser_canary =
      parser_cmd->add_subcommand("canary", "route a share of messages to a candidate version");
  int canary_version = 0;
  parser_canary->add_option("--version", canary_version, "candidate model version")->required();
  parser_canary->add_option("--share", canary_share, "share of messages, e.g. 0.1")->required();
  auto* parser_promote =
      parser_cmd->add_subcommand("promote", "make the canary candidate the active model");
  auto* parser_rollback = parser_cmd->add_subcommand("rollback", "withdraw the canary candidate");
  auto* parser_drift = parser_cmd->add_subcommand(
      "drift", "compute the PSI drift check now (as the daily job), or chart the past ones");
  int drift_history = 0;
  parser_drift
      ->add_option("--history", drift_history,
                   "chart the last N daily checks instead of running one (1-365)")
      ->check(CLI::Range(1, 365));
  auto* parser_generate =
      parser_cmd->add_subcommand("generate", "write synthetic labelled messages as JSONL");
  uint64_t generate_seed = 1;
  int generate_count = 1000;
  std::string generate_output;
  parser_generate->add_option("--seed", generate_seed, "generator seed")->capture_default_str();
  parser_generate->add_option("--count", generate_count, "messages")->capture_default_str();
  parser_generate->add_option("--output", generate_output, "file (default: standard output)");

  bool telegram_poll = false;
  serve->add_flag("--telegram-poll", telegram_poll,
                  "receive Telegram updates by long polling instead of a webhook");

  auto* bot = cli.add_subcommand("bot", "Telegram bot administration");
  bot->require_subcommand(1);
  auto* set_webhook =
      bot->add_subcommand("set-webhook", "point Telegram at URL (our public base URL)");
  std::string webhook_base;
  set_webhook
      ->add_option("url", webhook_base, "public https base URL, e.g. https://bank.example.org")
      ->required();
  auto* delete_webhook = bot->add_subcommand("delete-webhook", "stop webhook delivery");
  auto* set_commands = bot->add_subcommand(
      "set-commands", "publish the command menus (ru, en, and each admin's) from the modules");

  auto* audit_cmd = cli.add_subcommand("audit", "the tamper-evident audit log");
  audit_cmd->require_subcommand(1);
  auto* audit_verify = audit_cmd->add_subcommand(
      "verify", "check the hash chain; names the first modified, inserted or deleted entry");
  auto* audit_search = audit_cmd->add_subcommand("search", "entries by actor, action, time range");
  auto* audit_keygen = audit_cmd->add_subcommand(
      "keygen", "create an Ed25519 signing key file for checkpoints (prints the public key)");
  std::string keygen_output;
  audit_keygen->add_option("--output", keygen_output, "key file to create (mode 0600)")->required();
  auto* audit_checkpoint =
      audit_cmd->add_subcommand("checkpoint", "sign the current end of the chain now");
  auto* audit_export = audit_cmd->add_subcommand("export", "every entry as JSONL or CSV");
  audit::Query audit_query;
  std::string since, until, audit_format = "jsonl", audit_output;
  for (auto* sub : {audit_search, audit_export}) {
    sub->add_option("--format", audit_format, "jsonl or csv")
        ->check(CLI::IsMember({"jsonl", "csv"}))
        ->capture_default_str();
  }
  audit_search->add_option("--actor", audit_query.actor, "Telegram id of who acted (0: system)");
  audit_search->add_option("--action", audit_query.action, "action or prefix, e.g. admin.");
  audit_search->add_option("--since", since, "from (inclusive): 2026-11-01 or RFC 3339 UTC");
  audit_search->add_option("--until", until, "to (exclusive)");
  audit_search->add_option("--limit", audit_query.limit, "at most this many")
      ->capture_default_str();
  audit_export->add_option("--output", audit_output, "file to write (default: standard output)");

  auto* db_cmd = cli.add_subcommand("db", "database tools");
  db_cmd->require_subcommand(1);
  auto* db_copy = db_cmd->add_subcommand(
      "copy", "copy the whole platform database (SQLite <-> PostgreSQL) and verify it");
  std::string copy_from, copy_to;
  bool copy_replace = false;
  db_copy->add_option("--from", copy_from, "source URL (sqlite:PATH or postgresql://...)")
      ->required();
  db_copy->add_option("--to", copy_to, "target URL")->required();
  db_copy->add_flag("--replace", copy_replace, "overwrite a target that already has data");

  auto* backup_cmd = cli.add_subcommand("backup", "encrypted, verified backups");
  backup_cmd->require_subcommand(1);
  auto* backup_keygen = backup_cmd->add_subcommand("keygen", "create the backup key file");
  std::string backup_key_output;
  backup_keygen->add_option("--output", backup_key_output, "key file to create (mode 0600)")
      ->required();
  auto* backup_create = backup_cmd->add_subcommand(
      "create", "a full (or --incremental) backup to every directory, then verified");
  bool backup_incremental = false;
  backup_create->add_flag("--incremental", backup_incremental,
                          "only the journal rows added since the newest full backup");
  auto* backup_list = backup_cmd->add_subcommand("list", "backups, newest first");
  auto* backup_verify =
      backup_cmd->add_subcommand("verify", "check every copy and restore into a scratch database");
  auto* backup_restore = backup_cmd->add_subcommand("restore", "restore a backup");
  auto* backup_prune =
      backup_cmd->add_subcommand("prune", "keep 30 days of backups and a year of weeklies");
  std::string backup_id;
  bool backup_replace = false;
  backup_verify->add_option("id", backup_id, "backup id (see list)")->required();
  backup_restore->add_option("id", backup_id, "backup id (see list)")->required();
  backup_restore->add_flag("--replace", backup_replace, "overwrite a database that has data");

  auto* import_legacy = cli.add_subcommand(
      "import-legacy", "import users, balances, history and aliases from the legacy bot's SQLite");
  std::string legacy_path;
  import_legacy->add_option("path", legacy_path, "the legacy database file (read only)")
      ->required()
      ->check(CLI::ExistingFile);

  auto* client_cmd = cli.add_subcommand("client", "API clients (OAuth 2.0 client credentials)");
  client_cmd->require_subcommand(1);
  auto* client_create =
      client_cmd->add_subcommand("create", "a client for a user (secret shown once)");
  auto* client_list = client_cmd->add_subcommand("list", "a user's clients");
  auto* client_revoke = client_cmd->add_subcommand("revoke", "revoke a client and its tokens");
  int64_t client_user = 0;
  std::string client_name, client_id;
  client_create->add_option("--user", client_user, "Telegram id of the user it acts as")
      ->required();
  client_create->add_option("--name", client_name, "what the client is")->required();
  std::string client_scope, token_scope;
  client_create->add_option("--scope", client_scope,
                            "space-separated scopes (default: profile:read balance:read "
                            "history:read; GET /api/v1/oauth/scopes lists them)");
  client_list->add_option("--user", client_user, "Telegram id")->required();
  client_revoke->add_option("client_id", client_id, "lc_...")->required();
  auto* token_cmd = cli.add_subcommand("token", "access tokens");
  token_cmd->require_subcommand(1);
  auto* token_create =
      token_cmd->add_subcommand("create", "an access token for a user, for scripts and tests");
  int64_t token_user = 0, token_ttl = 3600;
  token_create->add_option("--user", token_user, "Telegram id")->required();
  token_create->add_option("--ttl-s", token_ttl, "lifetime in seconds")->capture_default_str();
  token_create->add_option("--scope", token_scope, "space-separated scopes (default: full access)");

  auto* jobs_cmd = cli.add_subcommand("jobs", "scheduled jobs (run on one node: the leader)");
  jobs_cmd->require_subcommand(1);
  jobs_cmd->add_subcommand("list", "every job: schedule, next and last run");
  auto* jobs_run = jobs_cmd->add_subcommand("run", "run one job now, whatever its schedule");
  std::string job_name;
  jobs_run->add_option("name", job_name, "job name (see list)")->required();

  auto* outbox_cmd = cli.add_subcommand("outbox", "events whose subscribers kept failing");
  outbox_cmd->require_subcommand(1);
  auto* outbox_given_up =
      outbox_cmd->add_subcommand("given-up", "given-up events with their last error (JSON lines)");
  auto* outbox_retry = outbox_cmd->add_subcommand(
      "retry", "dispatch given-up events again once the cause is fixed (audited)");
  int64_t outbox_after = 0, outbox_limit = 100, outbox_id = 0;
  bool outbox_all = false;
  outbox_given_up->add_option("--after", outbox_after, "only ids above this (paging)");
  outbox_given_up->add_option("--limit", outbox_limit, "at most this many (1-1000)")
      ->capture_default_str();
  auto* outbox_id_opt = outbox_retry->add_option("id", outbox_id, "the event's id");
  outbox_retry->add_flag("--all", outbox_all, "every given-up event")->excludes(outbox_id_opt);

  auto* telegram_cmd = cli.add_subcommand("telegram", "incoming updates that kept failing");
  telegram_cmd->require_subcommand(1);
  auto* telegram_failed = telegram_cmd->add_subcommand(
      "failed", "failed updates with their last error (JSON lines; audited)");
  auto* telegram_retry = telegram_cmd->add_subcommand(
      "retry", "handle failed updates again once the cause is fixed (audited)");
  int64_t telegram_after = 0, telegram_limit = 100, telegram_id = 0;
  bool telegram_all = false;
  telegram_failed->add_option("--after", telegram_after, "only update ids above this (paging)");
  telegram_failed->add_option("--limit", telegram_limit, "at most this many (1-1000)")
      ->capture_default_str();
  auto* telegram_id_opt = telegram_retry->add_option("id", telegram_id, "the update_id");
  telegram_retry->add_flag("--all", telegram_all, "every failed update")->excludes(telegram_id_opt);

  auto* ws_cmd = cli.add_subcommand("ws", "WebSocket tools");
  ws_cmd->require_subcommand(1);
  auto* ws_token = ws_cmd->add_subcommand(
      "token", "issue a short-lived WebSocket token for a user (audited; prints token and URL)");
  int64_t ws_user = 0;
  ws_token->add_option("--user", ws_user, "Telegram id of the user")->required();

  auto* version = cli.add_subcommand("version", "print the version");

  const ModuleCli module_cli(cli, modules);

  // Settings (--data-dir, --db, ...) belong to the top level but may follow any subcommand.
  const std::function<void(CLI::App*)> let_settings_through = [&](CLI::App* app) {
    for (auto* sub : app->get_subcommands({})) {
      sub->fallthrough();
      let_settings_through(sub);
    }
  };
  let_settings_through(&cli);

  try {
    cli.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return cli.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return cli.exit(e);
  } catch (const CLI::ParseError& e) {
    cli.exit(e);
    return 2;
  }

  if (version->parsed()) {
    std::cout << "lucas " << LUCAS_VERSION << "\n";
    return 0;
  }
  if (parser_generate->parsed()) {
    return parser_cli::generate(generate_seed, generate_count, generate_output);
  }

  Config config;
  try {
    config = resolve(settings);
    if (telegram_poll) config.telegram_mode = "poll";
  } catch (const ConfigError& e) {
    std::cerr << "lucas: " << e.what() << "\n";
    return 2;
  }
  setup_logging(config.log_level, config.log_format);

  try {
    if (const auto code = module_cli.run(config, modules)) return *code;
    if (parse->parsed()) return parser_cli::parse(config, parse_input);
    if (parser_train->parsed()) return parser_cli::train(config, train_args);
    if (parser_retrain->parsed()) {
      if (canary_share > 0) train_args.canary = canary_share;
      return parser_cli::train(config, train_args);
    }
    if (parser_eval->parsed()) return parser_cli::eval(config, eval_data, eval_model, eval_json);
    if (parser_status->parsed()) return parser_cli::status(config);
    if (parser_canary->parsed()) return parser_cli::canary(config, canary_version, canary_share);
    if (parser_promote->parsed()) return parser_cli::promote(config);
    if (parser_rollback->parsed()) return parser_cli::rollback(config);
    if (parser_drift->parsed()) return parser_cli::drift(config, drift_history);
    if (serve->parsed()) return cmd_serve(config);
    if (migrate->parsed()) return cmd_migrate(config, status_only);
    if (check->parsed()) return cmd_ledger_check(config);
    if (ws_token->parsed()) {
      App app(config);
      app.migrate();
      if (!app.users->find(ws_user)) {
        std::cerr << "lucas: no user " << ws_user << "\n";
        return 1;
      }
      const auto t = app.notifications->issue_token(ws_user, "cli", "");
      std::cout << nlohmann::json{{"token", t.token},
                                  {"expires_at", format_rfc3339(t.expires_at)},
                                  {"url", notifications::websocket_url(config.public_url)}}
                       .dump()
                << "\n";
      return 0;
    }
    if (grant->parsed()) {
      App app(config);
      app.migrate();
      const int scale = app.users->currency_scale(grant_currency);
      const int64_t amount = parse_amount(grant_amount, scale);
      const auto t =
          app.users->adjust(0, grant_key, grant_user, amount, grant_currency, grant_note);
      app.outbox->drain();  // the transfer's audit entry is written now, not at the next start
      std::cout << fmt::format("{} transfer {}: {} {} to user {}\n",
                               t.replayed ? "already done:" : "done:", t.id,
                               format_amount(amount, scale), grant_currency, grant_user);
      return 0;
    }
    if (set_commands->parsed()) {
      App app(config);
      app.migrate();
      std::cout << "published " << app.publish_bot_commands() << " command menus\n";
      return 0;
    }
    if (set_webhook->parsed() || delete_webhook->parsed()) {
      if (config.telegram_token.empty()) {
        std::cerr << "lucas: telegram.token is not set (LUCAS_TELEGRAM_TOKEN)\n";
        return 2;
      }
      App app(config);
      telegram::ApiResult r;
      if (set_webhook->parsed()) {
        if (webhook_base.rfind("https://", 0) != 0) {
          std::cerr << "lucas: the webhook URL must start with https://\n";
          return 2;
        }
        if (config.telegram_webhook_secret.empty()) {
          std::cerr
              << "lucas: telegram.webhook_secret is not set (LUCAS_TELEGRAM_WEBHOOK_SECRET)\n";
          return 2;
        }
        while (!webhook_base.empty() && webhook_base.back() == '/') webhook_base.pop_back();
        r = app.bot_api->call("setWebhook", {{"url", webhook_base + app.webhook_path()},
                                             {"secret_token", config.telegram_webhook_secret},
                                             {"allowed_updates", {"message", "edited_message"}}});
      } else {
        r = app.bot_api->call("deleteWebhook", {{"drop_pending_updates", false}});
      }
      if (!r.ok) {
        std::cerr << "lucas: Telegram refused: " << r.error_code << " " << r.description << "\n";
        return 1;
      }
      std::cout << "ok\n";
      return 0;
    }
    if (backup_keygen->parsed()) return admin_cli::keygen("backup", backup_key_output);
    if (audit_keygen->parsed()) return admin_cli::keygen("audit", keygen_output);
    if (backup_cmd->parsed()) {
      if (config.backup_key_file.empty()) {
        std::cerr << "lucas: backup.key_file is not set (create one with lucas backup keygen)\n";
        return 2;
      }
      App app(config);
      app.migrate();
      app.outbox->drain();
      backup::BackupService& svc = *app.backups;
      const auto show = [](const std::string& line) {
        std::cerr << "\r\033[K" << line << std::flush;
      };
      if (backup_create->parsed()) {
        const auto m = backup_incremental ? svc.create_incremental(show) : svc.create(show);
        std::cerr << "\r\033[K";
        int64_t rows = 0;
        for (const auto& t : m.tables) rows += t.rows;
        std::cout << m.kind << " backup " << m.id << ": " << rows << " rows, " << m.bytes
                  << " bytes, written to " << svc.locations() << " location(s)\n";
        const auto v = svc.verify(m.id, show);
        std::cerr << "\r\033[K";
        std::cout << (v.ok ? "verified" : "VERIFY FAILED: " + v.problem) << "\n";
        return v.ok ? 0 : 1;
      }
      if (backup_list->parsed()) {
        for (const auto& m : svc.list()) {
          int64_t rows = 0;
          for (const auto& t : m.tables) rows += t.rows;
          std::cout << m.id << "  " << format_rfc3339(m.created_at) << "  " << m.kind << "  "
                    << rows << " rows  " << m.bytes << " bytes"
                    << (m.base.empty() ? "" : "  (on " + m.base + ")") << "\n";
        }
        return 0;
      }
      if (backup_verify->parsed()) {
        const auto v = svc.verify(backup_id, show);
        std::cerr << "\r\033[K";
        std::cout << backup_id << ": " << (v.ok ? "verified" : "DAMAGED: " + v.problem) << " ("
                  << fmt::format("{:.2f}", v.seconds) << " s)\n";
        return v.ok ? 0 : 1;
      }
      if (backup_restore->parsed()) {
        const auto r = svc.restore(backup_id, *app.db, backup_replace, show);
        std::cerr << "\r\033[K";
        app.db->transact([&](store::Tx& tx) {
          app.audit->append(tx, audit::entry(0, "admin.backup_restore", "backup:" + backup_id,
                                             {{"rows", r.rows}, {"seconds", r.seconds}}));
        });
        std::cout << "restored " << r.rows << " rows from " << backup_id << " into "
                  << app.db->describe() << " in " << fmt::format("{:.2f}", r.seconds) << " s\n";
        return 0;
      }
      if (backup_prune->parsed()) {
        const auto removed = svc.prune();
        for (const auto& id : removed) std::cout << "removed " << id << "\n";
        std::cout << removed.size() << " removed\n";
        return 0;
      }
    }
    if (import_legacy->parsed()) {
      App app(config);
      app.migrate();
      legacy::Importer importer(*app.db, *app.ledger, *app.users, *app.bank, app.clock);
      const auto r = importer.run(legacy_path, [](const std::string& line) {
        std::cerr << "\r\033[K" << line << std::flush;
      });
      std::cerr << "\r\033[K";
      app.outbox->drain();  // the opening transfers join the audit chain now
      std::cout << "layout: users " << r.users_layout << ", transactions " << r.transactions_layout
                << "\n";
      std::set<std::string> tables;
      for (const auto& [table, n] : r.read) tables.insert(table);
      for (const auto& [table, n] : r.imported) tables.insert(table);
      for (const auto& table : tables) {
        const auto read = r.read.find(table);
        const auto imported = r.imported.find(table);
        std::cout << fmt::format(
            "{:<20} read {:>8}  imported now {:>8}\n", table,
            read == r.read.end() ? std::string("-") : std::to_string(read->second),
            imported == r.imported.end() ? 0 : imported->second);
      }
      for (const auto& s : r.skipped) {
        std::cout << "skipped " << s.table << " " << s.row << ": " << s.reason << "\n";
      }
      for (const auto& s : r.rounded) {
        std::cout << "rounded " << s.table << " " << s.row << ": " << s.reason << "\n";
      }
      std::cout << "legacy balances " << format_amount(r.legacy_total_minor, 2)
                << ", opening balances in the ledger " << format_amount(r.credited_total_minor, 2)
                << (r.legacy_total_minor == r.credited_total_minor ? " (equal)" : " (DIFFERENT)")
                << "\n";
      return r.legacy_total_minor == r.credited_total_minor ? 0 : 1;
    }
    if (db_copy->parsed()) {
      store::Options options;
      auto from = store::Database::open(copy_from, options);
      auto to = store::Database::open(copy_to, options);
      SystemClock clock;
      const auto report = store::copy_database(
          *from, *to, all_migrations(), clock, copy_replace,
          [](const std::string& line) { std::cerr << "\r\033[K" << line << std::flush; });
      std::cerr << "\r\033[K";
      std::cout << fmt::format("{:<24} {:>10} {:>10}  {}\n", "table", "source", "target",
                               "content");
      for (const auto& t : report.tables) {
        std::cout << fmt::format("{:<24} {:>10} {:>10}  {}\n", t.table, t.source.rows,
                                 t.target.rows, t.matches() ? "identical" : "DIFFERENT");
      }
      std::cout << fmt::format("{} rows copied from {} to {} in {:.2f} s ({:.0f} rows/s): {}\n",
                               report.rows, from->describe(), to->describe(), report.seconds,
                               report.seconds > 0 ? report.rows / report.seconds : 0.0,
                               report.ok() ? "verified" : "MISMATCH");
      return report.ok() ? 0 : 1;
    }
    if (audit_checkpoint->parsed()) {
      App app(config);
      app.migrate();
      app.outbox->drain();
      if (config.audit_signing_key_file.empty()) {
        std::cerr << "lucas: audit.signing_key_file is not set\n";
        return 2;
      }
      const auto seq = app.db->transact([&](store::Tx& tx) { return app.audit->checkpoint(tx); });
      std::cout << (seq ? "signed entry " + std::to_string(*seq) : std::string("nothing to sign"))
                << "\n";
      return 0;
    }
    if (audit_verify->parsed() || audit_search->parsed() || audit_export->parsed()) {
      App app(config);
      app.migrate();
      app.outbox->drain();  // transfers committed by earlier commands join the chain first
      if (audit_verify->parsed()) {
        const auto r = app.db->read([&](store::Tx& tx) {
          return app.audit->verify(tx, [](int64_t n) {
            std::cerr << "\r\033[Kchecked " << n << " entries" << std::flush;
          });
        });
        std::cerr << "\r\033[K";
        std::cout << r.entries << " entries and " << r.checkpoints
                  << " signed checkpoints checked: "
                  << (r.ok() ? "chain intact"
                             : "BROKEN at entry " + std::to_string(*r.first_bad_seq) + ": " +
                                   r.problem)
                  << "\n";
        return r.ok() ? 0 : 1;
      }
      for (auto [text, slot] :
           {std::pair{&since, &audit_query.since}, {&until, &audit_query.until}}) {
        if (text->empty()) continue;
        *slot = parse_rfc3339(*text);
        if (!*slot) {
          std::cerr << "lucas: invalid time '" << *text
                    << "': expected 2026-11-24 or 2026-11-24T10:00:00Z\n";
          return 2;
        }
      }
      std::ofstream file;
      std::ostream* out = &std::cout;
      if (!audit_output.empty()) {
        file.open(audit_output);
        if (!file) {
          std::cerr << "lucas: cannot write " << audit_output << "\n";
          return 2;
        }
        out = &file;
      }
      if (audit_format == "csv") *out << audit::csv_header() << "\n";
      if (audit_export->parsed()) audit_query = audit::Query{};
      int64_t total = 0;
      const int64_t wanted = audit_search->parsed() ? audit_query.limit : INT64_MAX;
      audit_query.limit = static_cast<int>(std::min<int64_t>(wanted, 5000));
      for (;;) {
        const auto page =
            app.db->read([&](store::Tx& tx) { return app.audit->search(tx, audit_query); });
        for (const auto& e : page) {
          *out << (audit_format == "csv" ? audit::to_csv(e) : audit::to_json(e).dump()) << "\n";
        }
        total += static_cast<int64_t>(page.size());
        if (page.empty() || total >= wanted || audit_search->parsed()) break;
        audit_query.after_seq = page.back().seq;
        if (!audit_output.empty()) std::cerr << "\rexported " << total << " entries" << std::flush;
      }
      if (!audit_output.empty()) std::cerr << "\rexported " << total << " entries\n";
      return 0;
    }
    if (client_cmd->parsed() || token_cmd->parsed()) {
      App app(config);
      app.migrate();
      if (client_create->parsed()) {
        const auto console = users::Actor::console_operator();
        const auto scopes =
            client_scope.empty() ? std::nullopt : std::optional(users::parse_scopes(client_scope));
        const auto c = app.auth->create_client(console, client_user, client_name, scopes);
        std::cout << "client_id     " << c.client.client_id << "\nclient_secret " << c.secret
                  << "\nscope         " << users::join_scopes(c.client.scopes)
                  << "\n(the secret is shown only now; trade both at POST /api/v1/oauth/token)\n";
      } else if (client_list->parsed()) {
        for (const auto& c : app.auth->clients(users::Actor::console_operator(), client_user)) {
          std::cout << auth::to_json(c).dump() << "\n";
        }
      } else if (client_revoke->parsed()) {
        app.auth->revoke_client(users::Actor::console_operator(), client_id);
        std::cout << "revoked " << client_id << "\n";
      } else if (token_create->parsed()) {
        const auto t = app.auth->issue_console_token(
            token_user, token_ttl,
            token_scope.empty() ? std::nullopt : std::optional(users::parse_scopes(token_scope)));
        std::cout << t.token << "\n";
      }
      app.outbox->drain();
      return 0;
    }
    if (outbox_cmd->parsed()) {
      App app(config);
      app.migrate();
      if (outbox_given_up->parsed()) {
        for (const auto& g :
             app.admin->given_up_events(0, "", outbox_after, static_cast<int>(outbox_limit))) {
          std::cout << events::to_json(g).dump() << "\n";
        }
        return 0;
      }
      if (!outbox_all && outbox_id_opt->count() == 0) {
        std::cerr << "lucas: outbox retry needs an event id or --all\n";
        return 2;
      }
      const int64_t n = app.admin->retry_events(
          0, "", outbox_all ? std::nullopt : std::optional<int64_t>(outbox_id));
      const int dispatched = app.outbox->drain();
      std::cout << "retried " << n << "; " << dispatched
                << " pending event(s) dispatched now (one that fails again is retried with backoff"
                   " and given up after 10 more attempts: see the log)\n";
      return 0;
    }
    if (telegram_cmd->parsed()) {
      if (telegram_failed->parsed())
        return telegram_failed_command(config, telegram_after, telegram_limit);
      if (!telegram_all && telegram_id_opt->count() == 0) {
        std::cerr << "lucas: telegram retry needs an update id or --all\n";
        return 2;
      }
      return telegram_retry_command(
          config, telegram_all ? std::nullopt : std::optional<int64_t>(telegram_id));
    }
    if (jobs_cmd->parsed()) {
      App app(config);
      app.migrate();
      if (jobs_run->parsed()) {
        app.scheduler->run_now(job_name);
        app.outbox->drain();
        std::cout << "job " << job_name << " done\n";
        return 0;
      }
      const auto opt_time = [](const std::optional<Micros>& t) {
        return t ? format_rfc3339(*t) : std::string("-");
      };
      std::cout << fmt::format("{:<24} {:<26} {:<22} {:<22} {}\n", "job", "schedule", "next due",
                               "last started", "last result");
      for (const auto& j : app.scheduler->status()) {
        std::cout << fmt::format("{:<24} {:<26} {:<22} {:<22} {}{} ({} runs, {} failed{})\n",
                                 j.name, j.schedule, format_rfc3339(j.next_due),
                                 opt_time(j.last_started),
                                 j.last_result.empty() ? "never run" : j.last_result,
                                 j.last_error.empty() ? "" : ": " + j.last_error, j.runs,
                                 j.failures, j.last_node.empty() ? "" : ", on " + j.last_node);
      }
      return 0;
    }
    if (user_ban->parsed()) return admin_cli::ban(config, ban_id, ban_reason, ban_until);
    if (user_unban->parsed()) return admin_cli::unban(config, ban_id);
    if (user_add->parsed()) {
      App app(config);
      app.migrate();
      auto u = app.users->upsert(add);
      if (!add_role.empty())
        u = app.users->set_role(0, u.telegram_id, *users::parse_role(add_role));
      std::cout << users::to_json(u).dump() << "\n";
      return 0;
    }
  } catch (const Error& e) {
    std::cerr << "lucas: " << error_code_name(e.code()) << ": " << e.what() << "\n";
    return e.code() == ErrorCode::kInvalidArgument || e.code() == ErrorCode::kInvalidAmount ? 2 : 1;
  } catch (const std::exception& e) {
    std::cerr << "lucas: " << e.what() << "\n";
    return 1;
  }
  return 2;
}

}  // namespace lucas::app
