// Copy rate of `lucas db copy`: a SQLite platform database with N ledger transfers (2N journal
// entries, N outbox events) copied to a local PostgreSQL (COPY) and verified.
//   build/release/bench/copy_bench [transfers=100000]
#include <chrono>
#include <iostream>
#include <random>

#include "features/bank/bank.h"
#include "features/users/users.h"
#include "infra/audit/audit.h"
#include "infra/store/copy.h"
#include "infra/telegram/updates.h"
#include "tests/support/databases.h"
#include "tests/support/pg_harness.h"

int main(int argc, char** argv) {
  using namespace lucas;
  const int64_t n = argc > 1 ? std::stoll(argv[1]) : 100'000;
  const std::vector<store::MigrationSet> sets{events::migrations(),   audit::migrations(),
                                              telegram::migrations(), ledger::migrations(),
                                              users::migrations(),    bank::migrations()};
  testing::TempDir dir;
  auto src = store::Database::open("sqlite:" + dir.path() + "/src.db");
  SystemClock clock;
  store::migrate(*src, sets, clock);
  events::Outbox outbox(*src, clock);
  ledger::Ledger ledger(clock, &outbox);
  std::vector<ledger::AccountId> accounts;
  src->transact([&](store::Tx& tx) {
    const auto mint = ledger.system_account(tx, "mint:bench", ledger::kCoin, true);
    for (int i = 0; i < 100; ++i) {
      accounts.push_back(ledger.user_account(tx, 1000 + i, ledger::kCoin));
      ledger.move(tx, "fund" + std::to_string(i), mint, accounts.back(), 1'000'000'000,
                  ledger::kCoin, "seed");
    }
  });
  std::mt19937 rng(1);
  const auto fill_start = std::chrono::steady_clock::now();
  for (int64_t done = 0; done < n;) {
    src->transact([&](store::Tx& tx) {
      for (int k = 0; k < 1000 && done < n; ++k, ++done) {
        const auto a = accounts[rng() % 100];
        auto b = accounts[rng() % 100];
        if (a == b) b = accounts[(rng() % 99 + 1 + (a - accounts[0])) % 100];
        ledger.move(tx, "t" + std::to_string(done), a, b, 1 + rng() % 1000, ledger::kCoin, "bench");
      }
    });
    std::cerr << "\rfilling: " << done << "/" << n << std::flush;
  }
  std::cerr << "\n";
  const double fill_s =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - fill_start).count();
  auto& pg = testing::PostgresServer::shared(testing::PgHarnessOptions{true});
  auto dst = store::Database::open(pg.create_database());
  const auto report = store::copy_database(*src, *dst, sets, clock, false);
  std::cout << "source: " << n << " transfers written in " << fill_s << " s\n";
  std::cout << "copy to PostgreSQL: " << report.rows << " rows in " << report.seconds
            << " s including verification: " << static_cast<int64_t>(report.rows / report.seconds)
            << " rows/s, " << (report.ok() ? "verified" : "MISMATCH") << "\n";
  return report.ok() ? 0 : 1;
}
