// Shop purchases per second (a quote and its purchase: two committed transactions, two ledger
// transfers) next to one plain ledger transfer per iteration, in the same run, on SQLite (WAL)
// and PostgreSQL (a local server), with 1 and 4 threads. The goal is >= 2,000 purchases/s of an
// unlimited item on SQLite; the ratio to the transfer rate says what the shop adds.
//   build/release/bench/shop_bench --benchmark_min_time=3
#include <benchmark/benchmark.h>

#include <atomic>
#include <map>
#include <memory>
#include <mutex>

#include "bench/bench_db.h"
#include "features/economy/economy.h"
#include "infra/audit/audit.h"
#include "infra/events/outbox.h"
#include "infra/store/migrate.h"

namespace {
using namespace lucas;

constexpr int kBuyers = 1'000;

struct World {
  explicit World(store::Engine engine) {
    auto opened = bench::open_bench_database(engine);
    dir = std::move(opened.dir);
    db = std::move(opened.db);
    outbox = std::make_unique<events::Outbox>(*db, clock);
    ledger = std::make_unique<ledger::Ledger>(clock, outbox.get(), nullptr);
    audit = std::make_unique<audit::AuditLog>(clock);
    store::migrate(
        *db,
        {events::migrations(), ledger::migrations(), audit::migrations(), economy::migrations()},
        clock);
    shop = std::make_unique<economy::EconomyService>(*db, *ledger, audit.get(), clock);
    economy::ItemDraft d;
    d.slug = "gem";
    d.name_ru = d.name_en = "Gem";
    d.category = "bench";
    d.rarity = "common";
    d.base_price = d.min_price = d.max_price = 100;
    item = shop->create_item(users::Actor::console_operator(), d).id;
    db->transact([&](store::Tx& tx) {
      const auto mint = ledger->system_account(tx, "mint:bench", ledger::kCoin, true);
      for (int i = 0; i < kBuyers; ++i) {
        const auto a = ledger->user_account(tx, 1'000'000 + i, ledger::kCoin);
        accounts.push_back(a);
        ledger->move(tx, "fund-" + std::to_string(i), mint, a, 1'000'000'000'000, ledger::kCoin,
                     "bench");
      }
    });
  }
  SystemClock clock;
  std::unique_ptr<testing::TempDir> dir;
  std::unique_ptr<store::Database> db;
  std::unique_ptr<events::Outbox> outbox;
  std::unique_ptr<ledger::Ledger> ledger;
  std::unique_ptr<audit::AuditLog> audit;
  std::unique_ptr<economy::EconomyService> shop;
  int64_t item = 0;
  std::vector<ledger::AccountId> accounts;
  std::atomic<int64_t> serial{0};
};

World& world(store::Engine engine) {
  static std::mutex mu;
  static std::map<store::Engine, std::unique_ptr<World>> worlds;
  std::lock_guard lock(mu);
  auto& w = worlds[engine];
  if (!w) w = std::make_unique<World>(engine);
  return *w;
}

void BM_LedgerTransfer(benchmark::State& state, store::Engine engine) {
  World& w = world(engine);
  for (auto _ : state) {
    const int64_t n = w.serial.fetch_add(1);
    const auto a = w.accounts[static_cast<size_t>(n % kBuyers)];
    const auto b = w.accounts[static_cast<size_t>((n + 1) % kBuyers)];
    w.db->transact([&](store::Tx& tx) {
      w.ledger->move(tx, "t-" + std::to_string(n), a, b, 100, ledger::kCoin, "bench");
    });
  }
  state.counters["transfers/s"] =
      benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
}

void BM_ShopPurchase(benchmark::State& state, store::Engine engine) {
  World& w = world(engine);
  for (auto _ : state) {
    const int64_t n = w.serial.fetch_add(1);
    const auto buyer = users::Actor::user(1'000'000 + n % kBuyers, users::Role::kUser);
    const auto q = w.shop->quote(buyer, w.item, 1);
    benchmark::DoNotOptimize(w.shop->buy(buyer, q.id, "p-" + std::to_string(n)));
  }
  state.counters["purchases/s"] =
      benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
}

BENCHMARK_CAPTURE(BM_LedgerTransfer, sqlite, store::Engine::kSqlite)
    ->Threads(1)
    ->Threads(4)
    ->UseRealTime();
BENCHMARK_CAPTURE(BM_ShopPurchase, sqlite, store::Engine::kSqlite)
    ->Threads(1)
    ->Threads(4)
    ->UseRealTime();
BENCHMARK_CAPTURE(BM_LedgerTransfer, postgres, store::Engine::kPostgres)
    ->Threads(1)
    ->Threads(4)
    ->UseRealTime();
BENCHMARK_CAPTURE(BM_ShopPurchase, postgres, store::Engine::kPostgres)
    ->Threads(1)
    ->Threads(4)
    ->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
