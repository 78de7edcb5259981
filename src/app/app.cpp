#include "app/app.h"

#include "features/parser/parser.h"
#include "features/users/users_http.h"

namespace lucas::app {

std::vector<store::MigrationSet> all_migrations() {
  return {events::migrations(), ledger::migrations(), users::migrations(), bank::migrations()};
}

App::App(const Config& c) : config(c) {
  store::Options options;
  options.pool_size = config.db_pool_size;
  options.busy_timeout_ms = config.db_busy_timeout_ms;
  db = store::Database::open(config.effective_database_url(), options);
  outbox = std::make_unique<events::Outbox>(*db, clock);
  ledger = std::make_unique<ledger::Ledger>(clock, outbox.get(), &metrics);
  users = std::make_unique<users::UserService>(*db, *ledger, clock, parser::normalize_name);
  bank = std::make_unique<bank::BankService>(*db, *ledger, *users, clock, parser::normalize_name);
}

store::MigrationReport App::migrate() {
  return store::migrate(*db, all_migrations(), clock);
}

void App::register_routes(http::Router& router) {
  router.add("GET", "/healthz", [](const http::Request&) {
    return http::Response::json(200, {{"status", "ok"}});
  });
  router.add("GET", "/readyz", [this](const http::Request&) {
    if (!db->ping()) {
      throw Error(ErrorCode::kUnavailable, "database is not reachable", nullptr, 5);
    }
    return http::Response::json(200, {{"status", "ready"}, {"database", db->describe()}});
  });
  router.add("GET", "/metrics", [this](const http::Request&) {
    return http::Response::text(200, metrics.render(), "text/plain; version=0.0.4; charset=utf-8");
  });
  users::register_http(router, *users);
}

}  // namespace lucas::app
