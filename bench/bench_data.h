// Platform data for the data-safety benchmarks: a migrated database holding N ledger transfers
// among 100 funded users (2N journal entries, N outbox events, their audit entries).
#pragma once

#include <chrono>
#include <iostream>
#include <random>
#include <vector>

#include "features/bank/bank.h"
#include "features/users/users.h"
#include "infra/audit/audit.h"
#include "infra/store/copy.h"
#include "infra/telegram/updates.h"

namespace lucas::bench {

inline std::vector<store::MigrationSet> platform_sets() {
  return {events::migrations(), audit::migrations(), telegram::migrations(),
          ledger::migrations(), users::migrations(), bank::migrations()};
}

// Appends `n` transfers (keys "<prefix><i>") in transactions of 1,000; returns the seconds taken.
inline double fill_ledger(store::Database& db, const Clock& clock, int64_t n,
                          const std::string& prefix = "t") {
  events::Outbox outbox(db, clock);
  ledger::Ledger ledger(clock, &outbox);
  std::vector<ledger::AccountId> accounts;
  db.transact([&](store::Tx& tx) {
    const auto mint = ledger.system_account(tx, "mint:bench", ledger::kCoin, true);
    for (int i = 0; i < 100; ++i) {
      accounts.push_back(ledger.user_account(tx, 1000 + i, ledger::kCoin));
      ledger.move(tx, prefix + "fund" + std::to_string(i), mint, accounts.back(), 1'000'000'000,
                  ledger::kCoin, "seed");
    }
  });
  std::mt19937 rng(static_cast<unsigned>(n));
  const auto start = std::chrono::steady_clock::now();
  for (int64_t done = 0; done < n;) {
    db.transact([&](store::Tx& tx) {
      for (int k = 0; k < 1000 && done < n; ++k, ++done) {
        const size_t a = rng() % 100;
        const size_t b = (a + 1 + rng() % 99) % 100;
        ledger.move(tx, prefix + std::to_string(done), accounts[a], accounts[b], 1 + rng() % 1000,
                    ledger::kCoin, "bench");
      }
    });
    std::cerr << "\rfilling: " << done << "/" << n << std::flush;
  }
  std::cerr << "\n";
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

}  // namespace lucas::bench
