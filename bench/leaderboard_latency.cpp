// Property 26's figure: how long a game win takes from its ledger commit to being visible on the
// coin board (the real outbox dispatcher thread, the coin board's transaction, the index write),
// on SQLite and PostgreSQL, with the in-process index and with Redis. Prints p50 / p99 / max.
//
//   leaderboard_latency [changes per configuration, default 2000]
#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <iostream>
#include <thread>

#include "features/leaderboards/leaderboards.h"
#include "infra/cache/redis_sorted_sets.h"
#include "infra/events/outbox.h"
#include "infra/jobs/jobs.h"
#include "infra/store/migrate.h"
#include "ledger/ledger.h"
#include "tests/support/databases.h"
#include "tests/support/pg_harness.h"
#include "tests/support/redis_harness.h"

using namespace lucas;
using Steady = std::chrono::steady_clock;

namespace {

void run(store::Engine engine, bool on_redis, int changes) {
  auto t = testing::fresh_database(engine);
  SystemClock clock;
  store::migrate(
      *t.db,
      {events::migrations(), jobs::migrations(), ledger::migrations(), leaderboards::migrations()},
      clock);
  std::unique_ptr<redis::Client> client;
  std::unique_ptr<cache::SortedSets> index;
  if (on_redis) {
    client = std::make_unique<redis::Client>(redis::parse_url(
        testing::RedisServer::shared().url(engine == store::Engine::kSqlite ? 1 : 2)));
    client->wait_up(std::chrono::seconds(10));
    client->command({"FLUSHDB"});
    index = std::make_unique<cache::RedisSortedSets>(*client);
  } else {
    index = std::make_unique<cache::MemorySortedSets>();
  }
  events::Outbox outbox(*t.db, clock);
  ledger::Ledger ledger(clock, &outbox);
  leaderboards::LeaderboardService service(*t.db, *index, clock, nullptr, {});
  leaderboards::CoinBoard coins(service, ledger, *t.db);
  coins.follow(outbox);
  outbox.start();
  std::map<int64_t, int64_t> expected;
  std::vector<double> ms;
  for (int i = 0; i < changes; ++i) {
    const int64_t user = 1 + i % 100;
    const int64_t amount = 1 + i % 997;
    const auto t0 = Steady::now();
    t.db->transact([&](store::Tx& tx) {
      const auto mint = ledger.system_account(tx, "mint:gd_cards", ledger::kCoin, true);
      ledger.move(tx, "l" + std::to_string(i), mint, ledger.user_account(tx, user, ledger::kCoin),
                  amount, ledger::kCoin, "bank.accrual");
    });
    const int64_t want = expected[user] += amount;
    while (service.position("coins", leaderboards::Period::kDaily, user).score != want) {
      if (Steady::now() - t0 > std::chrono::seconds(30)) {
        std::cerr << "change " << i << " not visible after 30 s\n";
        std::exit(1);
      }
      std::this_thread::sleep_for(std::chrono::microseconds(50));
    }
    ms.push_back(std::chrono::duration<double, std::milli>(Steady::now() - t0).count());
  }
  outbox.stop();
  std::sort(ms.begin(), ms.end());
  const auto q = [&](double p) { return ms[static_cast<size_t>(p * (ms.size() - 1))]; };
  std::printf("%-10s %-7s %5d changes: commit to visible p50 %.2f ms, p99 %.2f ms, max %.2f ms\n",
              testing::engine_label(engine).c_str(), on_redis ? "redis" : "memory", changes, q(0.5),
              q(0.99), ms.back());
}

}  // namespace

int main(int argc, char** argv) {
  spdlog::set_level(spdlog::level::warn);
  const int changes = argc > 1 ? std::stoi(argv[1]) : 2000;
  testing::PostgresServer::shared(testing::PgHarnessOptions{true});
  for (auto engine : {store::Engine::kSqlite, store::Engine::kPostgres}) {
    for (bool on_redis : {false, true}) run(engine, on_redis, changes);
  }
  return 0;
}
