// Ledger transfers per second next to the raw insert rate of the same rows, on SQLite (WAL,
// synchronous=NORMAL) and PostgreSQL (a local server, fsync on, synchronous_commit off), with 1
// and 4 threads. Each iteration is one committed database transaction.
//   build/release/bench/ledger_bench --benchmark_min_time=3
#include <benchmark/benchmark.h>

#include <atomic>
#include <map>
#include <memory>
#include <mutex>
#include <random>

#include "bench/bench_db.h"
#include "infra/events/outbox.h"
#include "infra/store/migrate.h"
#include "ledger/ledger.h"

namespace {
using namespace lucas;

constexpr int kAccounts = 1'000;

struct World {
  explicit World(store::Engine engine) {
    auto opened = bench::open_bench_database(engine);
    dir = std::move(opened.dir);
    db = std::move(opened.db);
    outbox = std::make_unique<events::Outbox>(*db, clock);
    ledger = std::make_unique<ledger::Ledger>(clock, outbox.get(), nullptr);
    store::migrate(*db, {events::migrations(), ledger::migrations()}, clock);
    db->transact([&](store::Tx& tx) {
      tx.exec_script(store::render_dialect(
          "CREATE TABLE raw_transfers (id {{id}}, idempotency_key TEXT NOT NULL UNIQUE,"
          " request_hash TEXT NOT NULL, currency TEXT NOT NULL, kind TEXT NOT NULL,"
          " reason TEXT NOT NULL, metadata TEXT NOT NULL, created_at BIGINT NOT NULL);"
          "CREATE TABLE raw_entries (id {{id}}, transfer_id BIGINT NOT NULL,"
          " account_id BIGINT NOT NULL, amount BIGINT NOT NULL, balance_after BIGINT NOT NULL);"
          "CREATE INDEX raw_entries_by_account ON raw_entries (account_id, id);"
          "CREATE TABLE raw_outbox (id {{id}}, topic TEXT NOT NULL, payload TEXT NOT NULL,"
          " created_at BIGINT NOT NULL, dispatched_at BIGINT);",
          tx.engine()));
    });
    db->transact([&](store::Tx& tx) {
      const auto mint = ledger->system_account(tx, "mint:bench", ledger::kCoin, true);
      for (int i = 0; i < kAccounts; ++i) {
        const auto a = ledger->user_account(tx, 1'000'000 + i, ledger::kCoin);
        accounts.push_back(a);
        ledger->move(tx, "fund-" + std::to_string(i), mint, a, 1'000'000'000, ledger::kCoin,
                     "bench");
      }
    });
  }
  SystemClock clock;
  std::unique_ptr<testing::TempDir> dir;
  std::unique_ptr<store::Database> db;
  std::unique_ptr<events::Outbox> outbox;
  std::unique_ptr<ledger::Ledger> ledger;
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
  std::mt19937 rng(static_cast<unsigned>(state.thread_index()) + 1);
  std::uniform_int_distribution<size_t> pick(0, w.accounts.size() - 1);
  for (auto _ : state) {
    const auto a = w.accounts[pick(rng)];
    auto b = w.accounts[pick(rng)];
    if (a == b) b = w.accounts[(pick(rng) + 1) % w.accounts.size()];
    const std::string key = "bench-" + std::to_string(w.serial.fetch_add(1));
    w.db->transact([&](store::Tx& tx) {
      w.ledger->move(tx, key, a, b, 1 + static_cast<int64_t>(rng() % 1000), ledger::kCoin, "bench");
    });
  }
  state.counters["transfers/s"] =
      benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
}

// The same rows a transfer writes (1 transfer, 2 entries, 1 outbox event), inserted plainly:
// no balance update, no idempotency check, no savepoint.
void BM_RawInsert(benchmark::State& state, store::Engine engine) {
  World& w = world(engine);
  std::mt19937 rng(static_cast<unsigned>(state.thread_index()) + 101);
  std::uniform_int_distribution<size_t> pick(0, w.accounts.size() - 1);
  for (auto _ : state) {
    const std::string key = "raw-" + std::to_string(w.serial.fetch_add(1));
    const int64_t amount = 1 + static_cast<int64_t>(rng() % 1000);
    w.db->transact([&](store::Tx& tx) {
      const int64_t id =
          tx.exec(
                "INSERT INTO raw_transfers (idempotency_key, request_hash, currency, kind,"
                " reason, metadata, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
                {store::Value{key}, store::Value{std::string(64, 'f')}, store::Value{"COIN"},
                 store::Value{"transfer"}, store::Value{"bench"}, store::Value{"{}"},
                 store::Value{int64_t{0}}})
              .one()
              .i64(0);
      for (int64_t sign : {-1, 1}) {
        tx.exec(
            "INSERT INTO raw_entries (transfer_id, account_id, amount, balance_after)"
            " VALUES ($1, $2, $3, $4)",
            {store::Value{id}, store::Value{w.accounts[pick(rng)]}, store::Value{sign * amount},
             store::Value{int64_t{0}}});
      }
      tx.exec("INSERT INTO raw_outbox (topic, payload, created_at) VALUES ($1, $2, $3)",
              {store::Value{"ledger.transfer"}, store::Value{std::string(150, 'x')},
               store::Value{int64_t{0}}});
    });
  }
  state.counters["rows_sets/s"] =
      benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
}

BENCHMARK_CAPTURE(BM_LedgerTransfer, sqlite, store::Engine::kSqlite)
    ->Threads(1)
    ->Threads(4)
    ->UseRealTime();
BENCHMARK_CAPTURE(BM_RawInsert, sqlite, store::Engine::kSqlite)
    ->Threads(1)
    ->Threads(4)
    ->UseRealTime();
BENCHMARK_CAPTURE(BM_LedgerTransfer, postgres, store::Engine::kPostgres)
    ->Threads(1)
    ->Threads(4)
    ->UseRealTime();
BENCHMARK_CAPTURE(BM_RawInsert, postgres, store::Engine::kPostgres)
    ->Threads(1)
    ->Threads(4)
    ->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
