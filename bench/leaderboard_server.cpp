// Seeds a database with a coin board and serves the leaderboard REST routes, for wrk
// (bench/http_leaderboard.sh).
//
//   leaderboard_server seed  --db URL [--users N]    users 1001.. with three game wins each,
//                                                    through the real ledger, outbox and coin
//                                                    board; then exits
//   leaderboard_server serve --db URL [--redis URL]  GET /api/v1/leaderboards/... on the
//                                                    in-process index or on Redis; prints
//                                                    "listening PORT"; runs until SIGINT/SIGTERM
//
// `lucas serve` serves the same routes on the in-process index; this program exists because
// `lucas serve` cannot be pointed at Redis yet.
#include <spdlog/spdlog.h>

#include <cstdlib>
#include <iostream>
#include <map>
#include <memory>
#include <random>
#include <string>

#include "features/leaderboards/leaderboards.h"
#include "features/leaderboards/leaderboards_http.h"
#include "features/users/users.h"
#include "infra/cache/redis_sorted_sets.h"
#include "infra/events/outbox.h"
#include "infra/http/server.h"
#include "infra/jobs/jobs.h"
#include "infra/store/migrate.h"
#include "ledger/ledger.h"

using namespace lucas;

namespace {

std::string arg(int argc, char** argv, const std::string& name, const std::string& fallback) {
  for (int i = 2; i + 1 < argc; ++i) {
    if (argv[i] == name) return argv[i + 1];
  }
  return fallback;
}

std::vector<store::MigrationSet> sets() {
  return {events::migrations(), jobs::migrations(), ledger::migrations(), users::migrations(),
          leaderboards::migrations()};
}

leaderboards::NamesFn names() {
  return [](const std::vector<int64_t>& ids) {
    std::map<int64_t, std::string> out;
    for (int64_t id : ids) out[id] = "Игрок " + std::to_string(id);
    return out;
  };
}

int seed(store::Database& db, int users) {
  SystemClock clock;
  events::Outbox outbox(db, clock);
  ledger::Ledger ledger(clock, &outbox);
  cache::MemorySortedSets index;
  leaderboards::LeaderboardService service(db, index, clock, nullptr, names());
  leaderboards::CoinBoard coins(service, ledger, db);
  coins.follow(outbox);
  users::UserService people(db, ledger, clock);
  std::mt19937_64 rng(42);
  int transfers = 0;
  for (int u = 1; u <= users; ++u) {
    people.upsert(users::UserUpdate{1000 + u, "", "Игрок " + std::to_string(1000 + u), "ru"});
    for (int i = 0; i < 3; ++i) {
      const int64_t amount = 1 + static_cast<int64_t>(rng() % 100'000);
      db.transact([&](store::Tx& tx) {
        const auto mint = ledger.system_account(tx, "mint:gd_cards", ledger::kCoin, true);
        ledger.move(tx, "seed:" + std::to_string(u) + ":" + std::to_string(i), mint,
                    ledger.user_account(tx, 1000 + u, ledger::kCoin), amount, ledger::kCoin,
                    "bank.accrual");
      });
      ++transfers;
    }
  }
  const int dispatched = outbox.drain();
  std::cout << "seeded " << users << " users, " << transfers << " transfers, " << dispatched
            << " events dispatched\n";
  return 0;
}

int serve(store::Database& db, const std::string& redis_url) {
  SystemClock clock;
  telemetry::Registry metrics;
  std::unique_ptr<redis::Client> client;
  std::unique_ptr<cache::SortedSets> index;
  if (redis_url.empty()) {
    index = std::make_unique<cache::MemorySortedSets>();
  } else {
    client = std::make_unique<redis::Client>(redis::parse_url(redis_url));
    if (!client->wait_up(std::chrono::seconds(10))) {
      std::cerr << "redis does not answer at " << redis_url << "\n";
      return 1;
    }
    index = std::make_unique<cache::RedisSortedSets>(*client);
  }
  leaderboards::LeaderboardService service(db, *index, clock, nullptr, names());
  service.register_board(leaderboards::coin_board_spec());
  service.start();  // rebuilds the index from the database
  http::Router router;
  leaderboards::register_http(router, service, clock);
  http::ServerOptions options;
  options.host = "127.0.0.1";
  options.port = 0;
  options.access_log = false;
  http::Server server(options, router, clock, metrics);
  const uint16_t port = server.start();
  std::cout << "listening " << port << std::endl;
  server.run_until_signal();
  service.stop();
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  spdlog::set_level(spdlog::level::warn);
  const std::string cmd = argc > 1 ? argv[1] : "";
  const std::string url = arg(argc, argv, "--db", "");
  if ((cmd != "seed" && cmd != "serve") || url.empty()) {
    std::cerr << "usage: leaderboard_server seed --db URL [--users N]\n"
                 "       leaderboard_server serve --db URL [--redis URL]\n";
    return 2;
  }
  auto db = store::Database::open(url);
  SystemClock clock;
  store::migrate(*db, sets(), clock);
  if (cmd == "seed") return seed(*db, std::stoi(arg(argc, argv, "--users", "1000")));
  return serve(*db, arg(argc, argv, "--redis", ""));
}
