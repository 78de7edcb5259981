#include "app/app.h"

#include "base/ids.h"
#include "base/secret_file.h"
#include "features/auth/auth_http.h"
#include "features/legacy/legacy_import.h"
#include "features/parser/parser.h"
#include "features/sessions/sessions_http.h"
#include "features/users/users_bot.h"

#include <spdlog/spdlog.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>

#include <thread>
#include "base/names.h"
#include "infra/backup/backup_jobs.h"
#include "infra/cache/redis_sorted_sets.h"
#include "infra/events/redis_bus.h"
#include "infra/http/forwarded.h"
#include "infra/http/openapi.h"
#include "infra/ratelimit/address_key.h"
#include "infra/telegram/webhook.h"

namespace lucas::app {
namespace {

std::vector<std::string> trusted_proxies(const Config& config) {
  try {
    return http::parse_address_list(config.http_trusted_proxies);
  } catch (const std::invalid_argument& e) {
    throw Error(ErrorCode::kInvalidArgument,
                std::string("http.trusted_proxies: not an address: ") + e.what());
  }
}

std::string default_node_id() {
  char host[256] = {};
  if (gethostname(host, sizeof host - 1) != 0 || host[0] == '\0')
    std::snprintf(host, sizeof host, "node");
  return std::string(host) + "-" + std::to_string(getpid());
}

}  // namespace

parser::ServiceOptions parser_service_options(const Config& config) {
  parser::ServiceOptions o;
  o.model_dir = config.effective_parser_model_dir();
  o.review_threshold = config.parser_review_threshold_pct / 100.0;
  o.cache_entries = static_cast<size_t>(config.parser_cache_entries);
  o.cache_ttl = int64_t{config.parser_cache_ttl_s} * 1'000'000;
  o.breaker_cooldown = int64_t{config.parser_breaker_cooldown_s} * 1'000'000;
  return o;
}

App::App(const Config& c, std::vector<module::Module> m) : config(c), modules(std::move(m)) {
  store::Options options;
  options.pool_size = config.db_pool_size;
  options.busy_timeout_ms = config.db_busy_timeout_ms;
  db = store::Database::open(config.effective_database_url(), options);
  if (!config.database_read_url.empty()) {
    if (db->engine() != store::Engine::kPostgres) {
      throw Error(ErrorCode::kInvalidArgument, "database.read_url needs a PostgreSQL database.url");
    }
    db->attach_replica(config.database_read_url);
    const auto stats = db->replica_stats();
    const std::string help = "Read-only units of work by where they ran.";
    metrics.gauge("lucas_db_replica_reads", help,
                  [stats] { return static_cast<double>(stats->on_replica.load()); },
                  {{"on", "replica"}});
    metrics.gauge("lucas_db_replica_reads", help,
                  [stats] { return static_cast<double>(stats->on_primary.load()); },
                  {{"on", "primary"}});
    metrics.gauge("lucas_db_replica_up", "1 while the read replica answers.",
                  [stats] { return stats->up.load() ? 1.0 : 0.0; });
  }
  node_id = config.node_id.empty() ? default_node_id() : config.node_id;
  if (!config.redis_url.empty()) {
    redis::Url url;
    try {
      url = redis::parse_url(config.redis_url);
    } catch (const std::invalid_argument& e) {
      throw Error(ErrorCode::kInvalidArgument, std::string("redis.url: ") + e.what());
    }
    redis::Options ro;
    ro.command_timeout = std::chrono::milliseconds(config.redis_timeout_ms);
    ro.connect_timeout = std::chrono::milliseconds(std::max(config.redis_timeout_ms, 1000));
    redis = std::make_unique<redis::Client>(url, ro, &metrics);
    // Not required: without it everything falls back in-process until Redis answers.
    redis->wait_up(ro.connect_timeout);
    bus = std::make_unique<events::RedisBus>(*redis, node_id, &metrics);
    // Each node keeps what it reads in its own memory for a few seconds in front of Redis (a
    // Redis round trip costs more than an embedded read); changes erase both on every node.
    shared_cache = std::make_unique<cache::RedisCache>(*redis);
    node_cache = std::make_unique<cache::MemoryCache>(clock);
    cache = std::make_unique<cache::TieredCache>(*node_cache, *shared_cache,
                                                 cache::TieredCache::kNearTtl);
  } else {
    bus = std::make_unique<events::LocalBus>();
    cache = std::make_unique<cache::MemoryCache>(clock);
  }
  outbox = std::make_unique<events::Outbox>(*db, clock,
                                            events::OutboxOptions{bus.get(), node_id, &metrics});
  leadership = std::make_unique<jobs::DbLeadership>(*db);
  scheduler = std::make_unique<jobs::Scheduler>(*db, clock, *leadership, &metrics, node_id);
  // Dispatched events are kept a week (catch-up and diagnostics), then pruned by the leader.
  scheduler->add("outbox.prune", jobs::Schedule::every(3'600'000'000), [this](const jobs::Run&) {
    const int64_t n = outbox->prune(clock.now() - 7 * 24 * 3'600'000'000LL);
    if (n > 0) spdlog::info("outbox: pruned {} dispatched events older than 7 days", n);
  });
  // Handled Telegram updates are kept a week (Telegram's retries of them are refused as
  // duplicates meanwhile), then pruned by the leader; failed ones stay for the admins.
  scheduler->add("telegram.prune", jobs::Schedule::daily(3, 45), [this](const jobs::Run&) {
    const int64_t n = telegram::prune_updates(*db, clock.now() - 7 * 86'400'000'000LL);
    if (n > 0) spdlog::info("telegram: pruned {} handled updates older than 7 days", n);
  });
  ledger = std::make_unique<ledger::Ledger>(clock, outbox.get(), &metrics);
  if (redis) {
    limiter = std::make_unique<ratelimit::RedisLimiter>(*redis, clock, &metrics);
  } else {
    limiter = std::make_unique<ratelimit::MemoryLimiter>(clock);
  }
  audit = std::make_unique<audit::AuditLog>(clock);
  if (!config.audit_signing_key_file.empty()) {
    audit->set_signing_key(audit::signing_key_from_seed_hex(read_secret_file(
                               config.audit_signing_key_file, "audit.signing_key_file")),
                           config.audit_checkpoint_interval);
  }
  audit->follow_ledger(*outbox, *db);  // every committed transfer lands in the audit chain
  users =
      std::make_unique<users::UserService>(*db, *ledger, clock, lucas::normalize_name, audit.get());
  users->enable_cache(*cache, *outbox, &metrics);
  auth::Options auth_options;
  auth_options.limiter = limiter.get();
  auth = std::make_unique<auth::AuthService>(*db, *users, clock, audit.get(), auth_options);
  admin = std::make_unique<admin::AdminService>(*db, *users, *audit, *outbox);
  auth->enable_cache(*cache, *outbox, &metrics);
  if (!config.backup_key_file.empty()) setup_backups();
  bank::Options bank_options;
  bank_options.max_message_age = int64_t{config.bank_max_message_age_h} * 3'600'000'000LL;
  bank_options.unclaimed_ttl = int64_t{config.bank_unclaimed_days} * 86'400'000'000LL;
  bank = std::make_unique<bank::BankService>(*db, *ledger, *users, clock, lucas::normalize_name,
                                             audit.get(), bank_options);
  ai_parser =
      std::make_unique<parser::ParserService>(clock, parser_service_options(config), &metrics);
  parser_review = std::make_unique<review::ReviewService>(*db, *bank, *users, clock, audit.get());
  parser_drift = std::make_unique<parser::DriftMonitor>(*db, *ai_parser, *users, clock, &metrics,
                                                        config.parser_drift_alert_pct / 100.0);
  parser_retrainer = std::make_unique<review::Retrainer>(
      *db, *parser_review, *ai_parser, *audit, clock,
      review::RetrainOptions{parser_service_options(config), config.parser_gate_data,
                             config.parser_auto_train},
      [this](const review::Retrainer::LocalizedText& text) { tell_admins(text); });
  // The parser's jobs: a weekly retrain (when admins corrected something since the last model),
  // hot-swapped by the watcher; a daily drift check that alerts the admins above the threshold.
  scheduler->add("parser.retrain", jobs::Schedule::weekly(1, 3, 30),
                 [this](const jobs::Run&) { parser_retrainer->retrain(); });
  scheduler->add("parser.drift", jobs::Schedule::daily(5, 0),
                 [this](const jobs::Run&) { parser_drift->run(clock.now()); });
  parser_drift->on_alert([this](const parser::DriftReport& r) {
    tell_admins([&](const std::string& language) { return parser::drift_alert_text(language, r); });
  });
  // Set before the bot below: with the bot off nobody is alerted.
  outbox->on_given_up([this](const std::vector<events::GivenUp>& g) {
    if (given_up_alert) given_up_alert->alert(g);
  });
  failed_updates = std::make_unique<telegram::FailedUpdates>(*db, *audit, clock);
  // With Redis the index is shared by every node; while Redis is down the leaderboards answer
  // from the database and rebuild the index when it is back (no per-node fallback set).
  if (redis) {
    sorted_sets = std::make_unique<cache::RedisSortedSets>(*redis);
  } else {
    sorted_sets = std::make_unique<cache::MemorySortedSets>();
  }
  leaderboards = std::make_unique<leaderboards::LeaderboardService>(
      *db, *sorted_sets, clock, bus.get(), [this](const std::vector<int64_t>& ids) {
        std::map<int64_t, std::string> names;
        db->read([&](store::Tx& tx) {
          for (int64_t id : ids) {
            if (auto u = users->find(tx, id)) {
              names[id] = !u->display_name.empty() ? u->display_name
                          : u->username.empty()    ? std::string()
                                                   : "@" + u->username;
            }
          }
        });
        return names;
      });
  coin_board = std::make_unique<leaderboards::CoinBoard>(*leaderboards, *ledger, *db);
  coin_board->follow(*outbox);
  realtime::HubOptions hub_options;
  hub_options.node_id = node_id;
  hub = std::make_unique<realtime::Hub>(clock, &metrics, hub_options);
  hub->listen(*bus);  // every node delivers what any node pushes to its own connections
  if (redis) {
    // The per-user connection limit counts every node's connections.
    ws_registry = std::make_unique<realtime::RedisConnectionRegistry>(*redis);
    hub->use_registry(*ws_registry);
  }
  notifier = std::make_unique<realtime::Notifier>(*db, *bus, clock);
  notifications = std::make_unique<notifications::NotificationService>(
      *db, *ledger, *notifier,
      notifications::TokenOptions{config.ws_token_secret,
                                  int64_t{config.ws_token_ttl_s} * 1'000'000},
      audit.get(), clock);
  notifications->follow_ledger(*outbox);
  wire_access_guards();
  scheduler->add("realtime.prune", jobs::Schedule::daily(3, 30), [this](const jobs::Run&) {
    notifier->prune(clock.now() - int64_t{config.ws_retention_days} * 86'400'000'000);
  });
  setup_health();  // the health series and the admin's jobs and backups (health.cpp)
  setup_web();     // web sessions and the built app (web.cpp)
  wire_modules();  // modules.cpp
  if (!config.telegram_token.empty() && config.telegram_mode != "off") {
    bot_api =
        std::make_unique<telegram::HttpBotApi>(config.telegram_api_url, config.telegram_token);
    sender = std::make_unique<telegram::Sender>(*bot_api, clock);
    services.put(*sender);  // features' private messages (infra/telegram/direct.h)
    review::DeskOptions desk_options{review::default_game_bots()};
    for (const auto& [name, game] : parse_pairs(config.telegram_game_bots)) {
      desk_options.game_bots[name] = game;
    }
    desk_options.ai = {ai_parser.get(), parser_review.get(), parser_drift.get()};
    credit_desk = std::make_unique<review::CreditDesk>(*db, *bank, desk_options);
    services.put(*credit_desk);
    bank_bot = std::make_unique<bank::BankBot>(*bank, *users);
    services.put(*bank_bot);
    // Every module's commands and triggers, behind one door (infra/telegram/front_door.h).
    front_door = std::make_unique<telegram::FrontDoor>(
        telegram::FrontDoorOptions{config.telegram_bot_username, limiter.get(),
                                   config.bot_rate_limit_per_minute},
        users::identify(*users), module::bot_commands(modules, services),
        module::bot_triggers(modules, services));
    // Each stored update is handled in one transaction that the bot's units of work join; its
    // replies are queued on the sender after the commit.
    updates = std::make_unique<telegram::UpdateQueue>(
        *db, clock, [this](const telegram::Update& u) { return front_door->handle(u); },
        [this](const telegram::Outgoing& o) { sender->enqueue(o); },
        telegram::update_failure_reply);
    if (config.telegram_mode == "poll") {
      poll_api = std::make_unique<telegram::HttpBotApi>(config.telegram_api_url,
                                                        config.telegram_token, 40);
      poller = std::make_unique<telegram::Poller>(*poll_api, *updates);
    }
    given_up_alert = std::make_unique<events::GivenUpAlert>(
        clock, [this] { return outbox->given_up_count(); },
        [this](const events::GivenUpAlert::LocalizedText& text) { tell_admins(text); });
  }
}

void App::setup_backups() {
  backup::Options options;
  options.key_hex = read_secret_file(config.backup_key_file, "backup.key_file");
  const std::string dirs =
      config.backup_dirs.empty() ? config.data_dir + "/backups" : config.backup_dirs;
  for (size_t start = 0;;) {
    const size_t comma = dirs.find(',', start);
    options.dirs.push_back(dirs.substr(start, comma == std::string::npos ? comma : comma - start));
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  // The tables that only grow: an incremental backup carries only their new rows.
  options.append_only = {"transfers", "entries", "audit_log", "audit_checkpoints",
                         "legacy_transactions"};
  backups = std::make_unique<backup::BackupService>(*db, all_migrations(modules), clock, options);
  scheduler->add("backup.full", jobs::Schedule::every(6 * 3'600'000'000LL),
                 [this](const jobs::Run&) { backup::full_checked(*backups); });
  scheduler->add("backup.incremental", jobs::Schedule::every(3'600'000'000LL),
                 [this](const jobs::Run& run) { backup::hourly_checked(*backups, run.started); });
  scheduler->add("backup.prune", jobs::Schedule::daily(3, 30),
                 [this](const jobs::Run&) { backups->prune(); });
  scheduler->add("backup.restore_test", jobs::Schedule::monthly(1, 4),
                 [this](const jobs::Run&) { backup::restore_test(*backups, *db, *audit); });
}

nlohmann::json App::readiness() {
  if (!db->ping()) {
    throw Error(ErrorCode::kUnavailable, "database is not reachable", nullptr, 5);
  }
  // Redis being down does not make a node unready: every feature falls back without it. The
  // database is named by its engine only (no host, user or path for whoever probes).
  return {{"status", "ready"},
          {"database", std::string(store::engine_name(db->engine()))},
          {"node", node_id},
          {"redis", !redis        ? "off"
                    : redis->up() ? "up"
                                  : "down"}};
}

std::string App::webhook_path() const {
  return telegram::webhook_path(config.telegram_token);
}

bool App::tell_admins(const std::function<std::string(const std::string& language)>& text) {
  if (!telegram_enabled()) return false;
  for (const auto& who : users->admins()) {
    sender->enqueue(telegram::Outgoing{who.telegram_id, text(who.language), 0, 0});
  }
  return true;
}

void App::start_background() {
  // Telegram sends the secret back with every webhook update: without it anyone who learns the
  // path could post updates.
  if (telegram_enabled() && config.telegram_mode == "webhook" &&
      config.telegram_webhook_secret.empty()) {
    throw Error(ErrorCode::kInvalidArgument,
                "telegram.webhook_secret is not set (LUCAS_TELEGRAM_WEBHOOK_SECRET, "
                "--telegram-webhook-secret): webhook mode (telegram.mode) needs it — 1-256 "
                "characters of A-Z, a-z, 0-9, _ and -; or use telegram.mode = poll");
  }
  outbox->start();
  scheduler->start();
  health_sampler->start();
  log_stream->start();
  parser_drift->refresh();
  // Model upkeep off the request path: swaps, canary changes, recovery after the breaker.
  parser_watcher_.start({.period = 2'000'000}, [this]() -> std::optional<Micros> {
    ai_parser->maintain();
    return std::nullopt;
  });
  parser_trainer_ = std::thread([this] {
    try {
      if (parser_retrainer->train_default()) ai_parser->maintain();
    } catch (const std::exception& e) {
      spdlog::error("parser: default training failed ({}); the rules keep parsing", e.what());
    }
  });
  leaderboards->start();
  // On Redis every process publishes to every node; alone, the notifications a console command
  // stored reach the connected clients through this.
  if (!redis) {
    notification_catch_up_.start({.period = 1'000'000, .run_at_start = true},
                                 [this]() -> std::optional<Micros> {
                                   notifier->catch_up();
                                   return std::nullopt;
                                 });
  }
  if (!telegram_enabled()) return;
  sender->start();
  updates->start();
  if (poller) {
    // Polling and a webhook exclude each other at Telegram.
    bot_api->call("deleteWebhook", {{"drop_pending_updates", false}});
    poller->start(10);
  }
  // The command menus from the modules' registry (lucas bot set-commands does the same):
  // everyone's in Russian and English, each admin's own. Telegram being slow or down does not
  // hold the start up.
  menu_publisher_ = std::thread([this] {
    try {
      spdlog::info("telegram: {} command menus published", publish_bot_commands());
    } catch (const std::exception& e) {
      spdlog::warn("telegram: the command menus were not published: {}", e.what());
    }
  });
}

void App::stop_background() {
  parser_watcher_.stop();
  notification_catch_up_.stop();
  if (parser_trainer_.joinable()) parser_trainer_.join();
  if (menu_publisher_.joinable()) menu_publisher_.join();
  if (poller) poller->stop();
  if (updates) updates->stop();
  if (sender) sender->stop();
  scheduler->stop();
  health_sampler->stop();
  log_stream->stop();
  leaderboards->stop();
  outbox->stop();
}

store::MigrationReport App::migrate() {
  return store::migrate(*db, all_migrations(modules), clock);
}

std::unique_ptr<App> open_migrated(const Config& config, std::vector<module::Module> modules) {
  auto app = std::make_unique<App>(config, std::move(modules));
  app->migrate();
  return app;
}

void App::register_websocket(http::Server& server) {
  http::WebSocketOptions ws;
  ws.hub = hub.get();
  ws.heartbeat_s = config.ws_heartbeat_s;
  ws.client_messages_per_minute = config.ws_client_messages_per_minute;
  ws.admit = [this, proxies = trusted_proxies(config)](const http::Request& req) {
    // Behind nginx the client is the X-Forwarded-For address, as for the REST API.
    const std::string ip = proxies.empty() ? req.remote_addr : http::client_address(req, proxies);
    if (config.http_rate_limit_per_minute > 0) {
      // The same per-client budget as the REST API: an upgrade is a request.
      const auto d = limiter->check(ratelimit::address_key(ip),
                                    {"api", config.http_rate_limit_per_minute, 60'000'000});
      if (!d.allowed) {
        const int retry = ratelimit::retry_after_s(d);
        throw Error(ErrorCode::kRateLimited,
                    "too many requests; try again in " + std::to_string(retry) + " s",
                    {{"limit", d.limit}, {"window_s", 60}}, retry);
      }
    }
    // Banned users and revoked clients are refused (notifications' admission check); one closed
    // while this handshake goes on is closed as soon as it attaches.
    const uint64_t closures = hub->closures();
    auto who = notifications->admit(req.query_param("token").value_or(""), ip);
    who.closures_seen = closures;
    return who;
  };
  ws.missed = [this](int64_t user, int64_t after, int limit) {
    return notifier->missed(user, after, limit);
  };
  server.set_websocket(std::move(ws));
}

void App::register_routes(http::Router& router) {
  // Behind trusted proxies the client is who they say (X-Forwarded-For); then a valid bearer
  // token makes the request act as its user, and a bad one is refused (audited).
  router.set_authenticator([this, proxies = trusted_proxies(config)](http::Request& req) {
    if (!proxies.empty()) req.remote_addr = http::client_address(req, proxies);
    auth::authenticate_request(*auth, req);
    sessions::authenticate_request(*web_sessions, req);  // the web app's cookie, with CSRF
    if (req.authenticated()) users->require_not_banned(req.auth_user_id);  // USER_BANNED, 403
  });
  if (config.http_rate_limit_per_minute > 0) {
    // Clients are told their budget on every answer (X-RateLimit-* and the IETF RateLimit
    // fields); the 101st request within a minute gets 429 with Retry-After. Probes and
    // Telegram's webhook are not limited.
    const ratelimit::Policy policy = ratelimit::api_policy(config.http_rate_limit_per_minute);
    router.set_guard([this, policy](const http::Request& req,
                                    auto& headers) -> std::optional<http::Response> {
      // The web app's files are served from memory: not counted against the API budget.
      if (req.path == "/healthz" || req.path == "/readyz" || req.path == "/metrics" ||
          req.path.rfind("/telegram/webhook/", 0) == 0 ||
          (req.method == "GET" && !http::reserved_path(req.path))) {
        return std::nullopt;
      }
      // Authenticated clients are limited per user, anonymous ones per address (IPv6 by /64).
      const auto d = limiter->check(req.authenticated() ? "user:" + std::to_string(req.auth_user_id)
                                                        : ratelimit::address_key(req.remote_addr),
                                    policy);
      const auto reset_s = std::to_string((d.reset_in + 999'999) / 1'000'000);
      headers.emplace_back("X-RateLimit-Limit", std::to_string(d.limit));
      headers.emplace_back("X-RateLimit-Remaining", std::to_string(d.remaining));
      headers.emplace_back("X-RateLimit-Reset", reset_s);
      headers.emplace_back("RateLimit-Policy", "\"api\";q=" + std::to_string(d.limit) + ";w=60");
      headers.emplace_back("RateLimit",
                           "\"api\";r=" + std::to_string(d.remaining) + ";t=" + reset_s);
      if (d.allowed) return std::nullopt;
      const int retry = ratelimit::retry_after_s(d);
      return http::Response::error(
          Error(ErrorCode::kRateLimited,
                "too many requests; try again in " + std::to_string(retry) + " s",
                {{"limit", d.limit}, {"window_s", 60}, {"penalty_level", d.penalty_level}}, retry),
          clock.now());
    });
  }
  router.add(
      "GET", "/healthz",
      [](const http::Request&) {
        return http::Response::json(200, {{"status", "ok"}});
      },
      http::RouteOptions{.on_io_thread = true});
  router.add("GET", "/readyz",
             [this](const http::Request&) { return http::Response::json(200, readiness()); });
  router.add("GET", "/metrics", [this](const http::Request&) {
    return http::Response::text(200, metrics.render(), "text/plain; version=0.0.4; charset=utf-8");
  });
  for (const auto& m : modules) {
    for (const auto& routes : m.route_sets()) routes(router, services);
  }
  // The document is made once; the answer is the same text for every request.
  const auto document = api_document(modules);
  router.add(
      "GET", "/api/v1/openapi.json",
      [text = document.dump()](const http::Request&) {
        auto r = http::Response::text(200, text, "application/json");
        r.headers.emplace_back("Cache-Control", "public, max-age=300");
        return r;
      },
      http::RouteOptions{.on_io_thread = true});
  for (const auto& problem : http::check_routes(router, document, served_outside_router())) {
    spdlog::warn("OpenAPI document: {}", problem);  // the module contract test fails on these
  }
  router.set_fallback([this](const http::Request& req) { return web_site->serve(req); });
  if (telegram_enabled() && config.telegram_mode == "webhook") {
    telegram::register_webhook(router, config.telegram_token, config.telegram_webhook_secret,
                               *updates);
  }
}

}  // namespace lucas::app
