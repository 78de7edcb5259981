// The market per second next to one plain ledger transfer per iteration, in the same run, on
// SQLite (WAL) and PostgreSQL (a local server), with 1 and 4 threads (the ratio to the transfer
// rate says what each adds):
//   - shop purchases (a quote and its purchase: two committed transactions, two ledger
//     transfers); the goal is >= 2,000 purchases/s of an unlimited item on SQLite;
//   - trades: an offer (the initiator's coins held, the trade row, its notification) and its
//     acceptance (both sides moved, the hold posted with the fee): two committed transactions;
//   - bids on one hot auction: each bid locks the auction, holds the bidder's coins and releases
//     the outbid's hold. With several threads some bids lose the race (bid_too_low): both the
//     accepted bids/s and the refused ones are counted.
//   build/release/bench/shop_bench --benchmark_min_time=3
#include <benchmark/benchmark.h>

#include <atomic>
#include <map>
#include <memory>
#include <mutex>

#include "bench/bench_db.h"
#include "features/economy/auction.h"
#include "features/economy/economy.h"
#include "features/economy/trade.h"
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
    store::migrate(*db,
                   {events::migrations(), ledger::migrations(), audit::migrations(),
                    users::migrations(), economy::migrations()},
                   clock);
    users = std::make_unique<users::UserService>(*db, *ledger, clock);
    shop = std::make_unique<economy::EconomyService>(*db, *ledger, audit.get(), clock);
    trades =
        std::make_unique<economy::TradeService>(*db, *ledger, *users, outbox.get(), nullptr, clock);
    auctions =
        std::make_unique<economy::AuctionService>(*db, *ledger, outbox.get(), nullptr, clock);
    economy::ItemDraft d;
    d.slug = "gem";
    d.name_ru = d.name_en = "Gem";
    d.category = "bench";
    d.rarity = "common";
    d.base_price = d.min_price = d.max_price = 100;
    const auto gem = shop->create_item(users::Actor::console_operator(), d);
    item = gem.id;
    for (int i = 0; i < kBuyers; ++i) users->upsert({1'000'000 + i, "", "P", "ru"});
    db->transact([&](store::Tx& tx) {
      const auto mint = ledger->system_account(tx, "mint:bench", ledger::kCoin, true);
      for (int i = 0; i < kBuyers; ++i) {
        const auto a = ledger->user_account(tx, 1'000'000 + i, ledger::kCoin);
        accounts.push_back(a);
        ledger->move(tx, "fund-" + std::to_string(i), mint, a, 1'000'000'000'000, ledger::kCoin,
                     "bench");
      }
      // The seller's unit for the hot auction.
      const auto units = ledger->system_account(tx, "mint:shop", gem.asset, true);
      ledger->move(tx, "unit", units, ledger->user_account(tx, 1, gem.asset), 1, gem.asset,
                   "bench");
    });
    economy::AuctionDraft a;
    a.item_id = gem.id;
    a.start_price = 100;
    a.increment = 1;
    a.days = 14;
    auction = auctions->create(users::Actor::user(1, users::Role::kUser), a, "hot").id;
  }
  SystemClock clock;
  std::unique_ptr<testing::TempDir> dir;
  std::unique_ptr<store::Database> db;
  std::unique_ptr<events::Outbox> outbox;
  std::unique_ptr<ledger::Ledger> ledger;
  std::unique_ptr<audit::AuditLog> audit;
  std::unique_ptr<users::UserService> users;
  std::unique_ptr<economy::EconomyService> shop;
  std::unique_ptr<economy::TradeService> trades;
  std::unique_ptr<economy::AuctionService> auctions;
  int64_t item = 0;
  int64_t auction = 0;
  std::atomic<int64_t> bid_amount{100};
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

void BM_Trade(benchmark::State& state, store::Engine engine) {
  World& w = world(engine);
  for (auto _ : state) {
    const int64_t n = w.serial.fetch_add(1);
    const int64_t from = 1'000'000 + n % kBuyers;
    const int64_t to = 1'000'000 + (n + 1) % kBuyers;
    const economy::TradeDraft d{to, {1'000, {}}, {900, {}}, "", false};
    const auto t =
        w.trades->offer(users::Actor::user(from, users::Role::kUser), d, "o-" + std::to_string(n));
    benchmark::DoNotOptimize(
        w.trades->accept(users::Actor::user(to, users::Role::kUser), t.id, t.version));
  }
  state.counters["trades/s"] =
      benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
}

void BM_AuctionBid(benchmark::State& state, store::Engine engine) {
  World& w = world(engine);
  int64_t placed = 0;
  int64_t refused = 0;
  for (auto _ : state) {
    const int64_t n = w.serial.fetch_add(1);
    const int64_t amount = w.bid_amount.fetch_add(1);
    try {
      w.auctions->bid(users::Actor::user(1'000'000 + n % kBuyers, users::Role::kUser), w.auction,
                      amount, "b-" + std::to_string(n));
      ++placed;
    } catch (const Error&) {
      ++refused;  // a higher bid committed first
    }
  }
  state.counters["bids/s"] =
      benchmark::Counter(static_cast<double>(placed), benchmark::Counter::kIsRate);
  state.counters["refused/s"] =
      benchmark::Counter(static_cast<double>(refused), benchmark::Counter::kIsRate);
}

BENCHMARK_CAPTURE(BM_LedgerTransfer, sqlite, store::Engine::kSqlite)
    ->Threads(1)
    ->Threads(4)
    ->UseRealTime();
BENCHMARK_CAPTURE(BM_ShopPurchase, sqlite, store::Engine::kSqlite)
    ->Threads(1)
    ->Threads(4)
    ->UseRealTime();
BENCHMARK_CAPTURE(BM_Trade, sqlite, store::Engine::kSqlite)->Threads(1)->Threads(4)->UseRealTime();
BENCHMARK_CAPTURE(BM_AuctionBid, sqlite, store::Engine::kSqlite)
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
BENCHMARK_CAPTURE(BM_Trade, postgres, store::Engine::kPostgres)
    ->Threads(1)
    ->Threads(4)
    ->UseRealTime();
BENCHMARK_CAPTURE(BM_AuctionBid, postgres, store::Engine::kPostgres)
    ->Threads(1)
    ->Threads(4)
    ->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
