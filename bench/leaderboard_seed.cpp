// Seeds a database with a coin board for wrk (bench/http_leaderboard.sh): users 1001.. with
// three game wins each, committed through the real ledger and applied by the coin board from the
// outbox, as in production.
//
//   leaderboard_seed --db URL [--users N]
#include <spdlog/spdlog.h>

#include <iostream>
#include <map>
#include <random>
#include <string>

#include "features/leaderboards/leaderboards.h"
#include "features/users/users.h"
#include "infra/events/outbox.h"
#include "infra/jobs/jobs.h"
#include "infra/store/migrate.h"
#include "ledger/ledger.h"

using namespace lucas;

namespace {

std::string arg(int argc, char** argv, const std::string& name, const std::string& fallback) {
  for (int i = 1; i + 1 < argc; ++i) {
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

}  // namespace

int main(int argc, char** argv) {
  spdlog::set_level(spdlog::level::warn);
  const std::string url = arg(argc, argv, "--db", "");
  if (url.empty()) {
    std::cerr << "usage: leaderboard_seed --db URL [--users N]\n";
    return 2;
  }
  auto db = store::Database::open(url);
  SystemClock clock;
  store::migrate(*db, sets(), clock);
  return seed(*db, std::stoi(arg(argc, argv, "--users", "1000")));
}
