// A migrated database on either engine with a ledger and an outbox.
#pragma once

#include <gtest/gtest.h>

#include "infra/events/outbox.h"
#include "infra/store/migrate.h"
#include "ledger/ledger.h"
#include "tests/support/databases.h"

namespace lucas::ledger::testing {

struct LedgerWorld {
  explicit LedgerWorld(store::Engine engine, store::Options options = {})
      : t(lucas::testing::fresh_database(engine, options)),
        clock(1'767'225'600'000'000),  // 2026-01-01T00:00:00Z
        outbox(*t.db, clock),
        ledger(clock, &outbox, &metrics) {
    store::migrate(*t.db, {events::migrations(), migrations()}, clock);
  }
  store::Database& db() { return *t.db; }

  AccountId user(int64_t id, std::string_view currency = kCoin) {
    return db().transact([&](store::Tx& tx) { return ledger.user_account(tx, id, currency); });
  }
  AccountId mint(std::string_view currency = kCoin) {
    return db().transact(
        [&](store::Tx& tx) { return ledger.system_account(tx, "mint:test", currency, true); });
  }
  int64_t balance(AccountId id) {
    return db().read([&](store::Tx& tx) { return ledger.account(tx, id).balance; });
  }
  Transfer move(const std::string& key, AccountId from, AccountId to, int64_t amount,
                std::string_view currency = kCoin) {
    return db().transact(
        [&](store::Tx& tx) { return ledger.move(tx, key, from, to, amount, currency, "test"); });
  }
  CheckReport check() {
    return db().read([&](store::Tx& tx) { return ledger.check(tx); });
  }

  lucas::testing::TestDatabase t;
  ManualClock clock;
  telemetry::Registry metrics;
  events::Outbox outbox;
  Ledger ledger;
};

inline std::string check_text(const CheckReport& r) {
  std::string s;
  for (const auto& p : r.problems) s += p + "\n";
  return s;
}

}  // namespace lucas::ledger::testing
