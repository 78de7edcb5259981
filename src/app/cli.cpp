// The command line: the settings, `serve`, `migrate` and `version` here; every other command is
// declared by a module (the features' <feature>_cli.cpp, the platform's app/*_cli.cpp) and put on
// CLI11 by ModuleCli. CLI11 is heavy to compile, so only this file and module_cli include it.
#include "app/cli.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <CLI/CLI.hpp>

#include <functional>
#include <iostream>

#include "app/app.h"
#include "app/module_cli.h"
#include "base/log.h"
#include "infra/http/server.h"

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

int cmd_serve(const Config& config, const std::vector<module::Module>& modules) {
  App app(config, modules);
  const auto report = app.migrate();  // not open_migrated: the applied migrations are logged
  for (const auto& m : report.applied) spdlog::info("migration applied: {}", m);
  // Routes first: a wiring mistake stops the start before any background thread runs.
  http::Router router;
  app.register_routes(router);
  app.start_background();
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

int cmd_migrate(const Config& config, const std::vector<module::Module>& modules,
                bool status_only) {
  App app(config, modules);
  if (status_only) {
    const auto pending = store::pending_migrations(*app.db, all_migrations(modules));
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
  bool telegram_poll = false;
  serve->add_flag("--telegram-poll", telegram_poll,
                  "receive Telegram updates by long polling instead of a webhook");
  auto* migrate = cli.add_subcommand("migrate", "apply pending database migrations");
  bool status_only = false;
  migrate->add_flag("--status", status_only, "list pending migrations without applying them");
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
    if (serve->parsed()) return cmd_serve(config, modules);
    if (migrate->parsed()) return cmd_migrate(config, modules, status_only);
    if (const auto code = module_cli.run(config, modules)) return *code;
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
