// Composition root: builds every module from the configuration and wires them together.
#pragma once

#include <memory>
#include <vector>

#include "base/clock.h"
#include "base/config.h"
#include "features/auth/auth.h"
#include "features/bank/bank.h"
#include "features/bank/bank_bot.h"
#include "features/users/users.h"
#include "infra/audit/audit.h"
#include "infra/backup/backup.h"
#include "infra/cache/cache.h"
#include "infra/events/bus.h"
#include "infra/events/outbox.h"
#include "infra/http/http.h"
#include "infra/jobs/jobs.h"
#include "infra/ratelimit/limiter.h"
#include "infra/redis/redis.h"
#include "infra/store/db.h"
#include "infra/store/migrate.h"
#include "infra/telegram/sender.h"
#include "infra/telegram/updates.h"
#include "infra/telemetry/metrics.h"
#include "ledger/ledger.h"

namespace lucas::app {

// Every module's migrations, in dependency order. Adding a feature adds one line here.
std::vector<store::MigrationSet> all_migrations();

struct App {
  explicit App(const Config& config);  // opens the database; does not migrate

  Config config;
  SystemClock clock;
  telemetry::Registry metrics;
  std::unique_ptr<store::Database> db;
  // This node's name (node.id, or <hostname>-<pid>), and Redis when redis.url is set.
  std::string node_id;
  std::unique_ptr<redis::Client> redis;
  // Hot data: in Redis when configured, in-process otherwise (declared before what uses it).
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
  // Encrypted backups, when backup.key_file is set: full every 6 h, incremental hourly, pruned
  // daily, a restore test monthly (jobs).
  std::unique_ptr<backup::BackupService> backups;
  std::unique_ptr<bank::BankService> bank;

  // Telegram, when a token is configured (telegram.mode decides webhook, poll or off).
  std::unique_ptr<telegram::BotApi> bot_api;
  std::unique_ptr<telegram::Sender> sender;
  std::unique_ptr<bank::BankBot> bank_bot;
  std::unique_ptr<telegram::UpdateQueue> updates;
  std::unique_ptr<telegram::BotApi> poll_api;
  std::unique_ptr<telegram::Poller> poller;
  bool telegram_enabled() const { return bot_api != nullptr; }
  // The secret webhook path, derived from the token: /telegram/webhook/<32 hex>.
  std::string webhook_path() const;

  store::MigrationReport migrate();
  // The monthly restore test (also `lucas jobs run backup.restore_test`).
  void restore_test();
  // Outbox dispatcher, job scheduler, Telegram sender, update worker and (poll mode) the poller.
  void start_background();
  void stop_background();
  // Health, readiness, metrics and every feature's routes.
  void register_routes(http::Router& router);

 private:
  void setup_backups();
};

}  // namespace lucas::app
