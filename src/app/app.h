// Composition root: builds every module from the configuration and wires them together.
#pragma once

#include <memory>
#include <vector>

#include "base/clock.h"
#include "base/config.h"
#include "features/bank/bank.h"
#include "features/users/users.h"
#include "infra/events/outbox.h"
#include "infra/http/http.h"
#include "infra/store/db.h"
#include "infra/store/migrate.h"
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
  std::unique_ptr<events::Outbox> outbox;
  std::unique_ptr<ledger::Ledger> ledger;
  std::unique_ptr<users::UserService> users;
  std::unique_ptr<bank::BankService> bank;

  store::MigrationReport migrate();
  // Health, readiness, metrics and every feature's routes.
  void register_routes(http::Router& router);
};

}  // namespace lucas::app
