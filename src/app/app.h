// Composition root: builds every module from the configuration and wires them together.
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "app/modules.h"
#include "base/clock.h"
#include "base/config.h"
#include "features/admin/admin.h"
#include "features/auth/auth.h"
#include "features/bank/bank.h"
#include "features/bank/bank_bot.h"
#include "features/health/health.h"
#include "features/health/log_stream.h"
#include "features/health/sampler.h"
#include "features/leaderboards/leaderboards.h"
#include "features/notifications/notifications.h"
#include "features/parser/ai_parser.h"
#include "features/parser/drift.h"
#include "features/review/credit_desk.h"
#include "features/review/retrain.h"
#include "features/review/review.h"
#include "features/sessions/sessions.h"
#include "features/users/users.h"
#include "infra/audit/audit.h"
#include "infra/backup/backup.h"
#include "infra/cache/cache.h"
#include "infra/cache/sorted_set.h"
#include "infra/events/bus.h"
#include "infra/events/given_up_alert.h"
#include "infra/events/outbox.h"
#include "infra/http/http.h"
#include "infra/http/server.h"
#include "infra/http/static_site.h"
#include "infra/jobs/jobs.h"
#include "infra/ratelimit/limiter.h"
#include "infra/realtime/hub.h"
#include "infra/realtime/notifier.h"
#include "infra/redis/redis.h"
#include "infra/store/db.h"
#include "infra/store/migrate.h"
#include "infra/telegram/failed_updates.h"
#include "infra/telegram/front_door.h"
#include "infra/telegram/sender.h"
#include "infra/telegram/updates.h"
#include "infra/telemetry/metrics.h"
#include "infra/worker/worker.h"
#include "ledger/ledger.h"

namespace lucas::app {

// The parser service's settings from the configuration.
parser::ServiceOptions parser_service_options(const Config& config);

struct App {
  // Opens the database (does not migrate), builds the platform and wires the modules.
  explicit App(const Config& config, std::vector<module::Module> modules = default_modules());

  Config config;
  // The feature modules (app/modules.cpp) and the parts they use by type (module::Services).
  std::vector<module::Module> modules;
  SystemClock clock;
  telemetry::Registry metrics;
  std::unique_ptr<store::Database> db;
  // This node's name (node.id, or <hostname>-<pid>), and Redis when redis.url is set.
  std::string node_id;
  std::unique_ptr<redis::Client> redis;
  // Hot data: in Redis when configured, in-process otherwise (declared before what uses it).
  // With Redis: node_cache in front of shared_cache (a TieredCache); without: a MemoryCache.
  std::unique_ptr<cache::Cache> shared_cache;
  std::unique_ptr<cache::MemoryCache> node_cache;
  std::unique_ptr<cache::Cache> cache;
  // Between nodes: Redis pub/sub when Redis is configured, in-process otherwise.
  std::unique_ptr<events::Bus> bus;
  std::unique_ptr<events::Outbox> outbox;
  // Scheduled jobs run on exactly one node (the PostgreSQL advisory-lock leader).
  std::unique_ptr<jobs::DbLeadership> leadership;
  std::unique_ptr<jobs::Scheduler> scheduler;
  std::unique_ptr<audit::AuditLog> audit;
  std::unique_ptr<ratelimit::Limiter> limiter;
  std::unique_ptr<ledger::Ledger> ledger;
  std::unique_ptr<users::UserService> users;
  std::unique_ptr<auth::AuthService> auth;
  std::unique_ptr<admin::AdminService> admin;
  // Encrypted backups, when backup.key_file is set: full every 6 h, incremental hourly, pruned
  // daily, a restore test monthly (jobs).
  std::unique_ptr<backup::BackupService> backups;
  std::unique_ptr<bank::BankService> bank;
  // The AI message parser, its review queue and drift monitor; its training runs (the default
  // model at the first start, the weekly retrain and its gate: features/review/retrain.h).
  std::unique_ptr<parser::ParserService> ai_parser;
  std::unique_ptr<review::ReviewService> parser_review;
  std::unique_ptr<parser::DriftMonitor> parser_drift;
  std::unique_ptr<review::Retrainer> parser_retrainer;
  // Telegram updates that failed every attempt, for the console (`lucas telegram failed|retry`).
  std::unique_ptr<telegram::FailedUpdates> failed_updates;
  // Leaderboards: sorted sets in-process unless Redis is configured; the coin board follows the
  // ledger's events.
  std::unique_ptr<cache::SortedSets> sorted_sets;
  std::unique_ptr<leaderboards::LeaderboardService> leaderboards;
  std::unique_ptr<leaderboards::CoinBoard> coin_board;
  // Real time: this node's WebSocket hub (fed by the bus; with Redis, its connections counted in
  // a registry shared by every node), the push API, notifications + tokens.
  std::unique_ptr<realtime::ConnectionRegistry> ws_registry;
  std::unique_ptr<realtime::Hub> hub;
  std::unique_ptr<realtime::Notifier> notifier;
  std::unique_ptr<notifications::NotificationService> notifications;
  // Web sessions (Mini App, Login Widget, login links; the cookie the web app signs in with).
  std::unique_ptr<sessions::SessionService> web_sessions;
  // The built web app served at / (read from web_dir() at start).
  std::unique_ptr<http::StaticSite> web_site;
  // This node's health series (a ring of 24 h sampled every minute) and the admin panel's
  // health, jobs and backups service (health.cpp).
  std::unique_ptr<health::Sampler> health_sampler;
  std::unique_ptr<health::HealthService> health;
  std::unique_ptr<health::LogStream> log_stream;  // this node's log lines to "admin.logs"

  // Every part above, by type, and what the modules provide (destroyed before the parts above).
  module::Services services;

  // Telegram, when a token is configured (telegram.mode decides webhook, poll or off).
  std::unique_ptr<telegram::BotApi> bot_api;
  std::unique_ptr<telegram::Sender> sender;
  std::unique_ptr<bank::BankBot> bank_bot;
  std::unique_ptr<review::CreditDesk> credit_desk;  // the parse trigger's service
  std::unique_ptr<telegram::FrontDoor> front_door;
  std::unique_ptr<telegram::UpdateQueue> updates;
  std::unique_ptr<telegram::BotApi> poll_api;
  std::unique_ptr<telegram::Poller> poller;
  // Events the outbox gave up reach every admin, at most once per 10 minutes.
  std::unique_ptr<events::GivenUpAlert> given_up_alert;
  bool telegram_enabled() const { return bot_api != nullptr; }
  // Sends every admin, over Telegram, the text made in their language. Returns false (nobody
  // told) when the bot is off.
  bool tell_admins(const std::function<std::string(const std::string& language)>& text);
  // Publishes the bot's command menus from the modules (setMyCommands): everyone's in Russian and
  // in English, and each admin's full list in their private chat. Returns how many menus.
  int publish_bot_commands();
  // The secret webhook path, derived from the token: /telegram/webhook/<32 hex>.
  std::string webhook_path() const;

  // What GET /readyz answers (and the admin health page shows): UNAVAILABLE when the database
  // does not answer.
  nlohmann::json readiness();
  store::MigrationReport migrate();
  // Outbox dispatcher, job scheduler, Telegram sender, update worker and (poll mode) the poller;
  // the parser's model watcher, and (first start without a model) its default training in the
  // background.
  void start_background();
  void stop_background();
  // Health, readiness, metrics and every feature's routes.
  void register_routes(http::Router& router);
  // The WebSocket endpoint /api/v1/ws on the server (before it starts).
  void register_websocket(http::Server& server);

 private:
  void setup_backups();
  void setup_health();
  void setup_web();
  // Bans and revocations at every face: the WebSocket admission check, and the hub closing
  // connections on "users.banned", a demotion ("users.changed") and "auth.client_revoked".
  void wire_access_guards();
  // Puts the platform's parts into `services`, lets each module provide its own, and wires the
  // modules' jobs and event subscriptions.
  void wire_modules();
  worker::Worker parser_watcher_{"parser-watch"};
  // One node (no Redis): publishes the notifications console commands stored (Notifier::catch_up).
  worker::Worker notification_catch_up_{"ws-catch-up"};
  std::thread parser_trainer_;
  std::thread menu_publisher_;  // publishes the command menus at the start of serving
};

// The one way a console command opens the platform: built from `config` and migrated.
std::unique_ptr<App> open_migrated(const Config& config,
                                   std::vector<module::Module> modules = default_modules());

// Where the built web app is: web.dir, else web/ beside the binary, else ../share/lucas/web beside
// it (the installed layout); the first that holds an index.html, or the first candidate.
std::string web_dir(const Config& config);
// The web app's Content-Security-Policy: our own scripts and styles only (no inline script), API
// and WebSocket on our origin, framed only by Telegram's web clients; the Login Widget's frame when
// web.login_domain is set.
std::string web_csp(const Config& config);

}  // namespace lucas::app
