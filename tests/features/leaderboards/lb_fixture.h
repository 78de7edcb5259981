// A migrated database (SQLite or PostgreSQL) with a ledger, an outbox, a bus, a sorted-set index
// of the named implementation, the leaderboard service and the coin board following the outbox.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <map>
#include <memory>
#include <string>

#include "features/leaderboards/leaderboards.h"
#include "infra/cache/redis_sorted_sets.h"
#include "infra/cache/sorted_set.h"
#include "infra/events/bus.h"
#include "infra/events/outbox.h"
#include "infra/jobs/jobs.h"
#include "infra/store/copy.h"
#include "infra/store/migrate.h"
#include "ledger/ledger.h"
#include "tests/support/databases.h"
#include "tests/support/redis_harness.h"

namespace lucas::leaderboards::testing {

constexpr Micros kSec = 1'000'000;
constexpr Micros kHour = 3600 * kSec;
constexpr Micros kDay = 24 * kHour;

inline Micros at(const char* rfc3339) {
  return *parse_rfc3339(rfc3339);
}

// One client for the binary, on the harness's redis-server (database 6).
inline redis::Client& redis_client() {
  static redis::Client client(redis::parse_url(lucas::testing::RedisServer::shared().url(6)));
  client.wait_up(std::chrono::seconds(10));
  return client;
}

// Every sorted-set implementation the board suites run on.
inline std::vector<std::string> index_impls() {
  return {"memory", "redis"};
}
// A new, empty index.
inline std::unique_ptr<cache::SortedSets> make_index(const std::string& impl) {
  if (impl == "memory") return std::make_unique<cache::MemorySortedSets>();
  if (impl == "redis") {
    redis_client().command({"FLUSHDB"});
    return std::make_unique<cache::RedisSortedSets>(redis_client());
  }
  throw std::invalid_argument("unknown sorted-set implementation " + impl);
}

struct Param {
  store::Engine engine;
  std::string index;
};
inline void PrintTo(const Param& p, std::ostream* os) {
  *os << lucas::testing::engine_label(p.engine) << "/" << p.index;
}
inline std::vector<Param> all_params() {
  std::vector<Param> out;
  for (auto e : {store::Engine::kSqlite, store::Engine::kPostgres}) {
    for (const auto& i : index_impls()) out.push_back(Param{e, i});
  }
  return out;
}
inline std::string param_name(const ::testing::TestParamInfo<Param>& p) {
  std::string index = p.param.index;
  index[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(index[0])));
  return lucas::testing::engine_label(p.param.engine) + index;
}

inline std::vector<store::MigrationSet> world_migrations() {
  return {events::migrations(), jobs::migrations(), ledger::migrations(), migrations()};
}

// The coin board's current top (up to 100) as user -> score.
inline std::map<int64_t, int64_t> board_of(LeaderboardService& service, Period p) {
  std::map<int64_t, int64_t> out;
  for (const auto& e : service.top(CoinBoard::kBoard, p, 100).entries) out[e.user_id] = e.score;
  return out;
}

struct LbWorld {
  // A world on a fresh database.
  explicit LbWorld(store::Engine engine, const std::string& index_impl = "memory",
                   Micros start = at("2026-12-04T10:00:00Z"), Options options = {})
      : LbWorld(lucas::testing::fresh_database(engine), nullptr, index_impl, start, options) {}
  // A world on a database that outlives it (one per property, not per case), emptied first.
  LbWorld(store::Database& shared, const std::string& index_impl, Micros start,
          Options options = {})
      : LbWorld(lucas::testing::TestDatabase{}, &shared, index_impl, start, options) {}
  ~LbWorld() {
    outbox.stop();
    service.stop();
  }

 private:
  LbWorld(lucas::testing::TestDatabase own, store::Database* shared, const std::string& index_impl,
          Micros start, const Options& options)
      : t(std::move(own)),
        dbp(shared != nullptr ? shared : t.db.get()),
        clock(start),
        outbox(*dbp, clock),
        ledger(clock, &outbox),
        index(make_index(index_impl)),
        service(*dbp, *index, clock, &bus, names_fn(), options),
        coins(service, ledger, *dbp) {
    store::migrate(*dbp, world_migrations(), clock);
    if (shared != nullptr) {
      const auto tables = store::tables_of(world_migrations());
      const auto seeded = store::seeded_tables(world_migrations());
      dbp->transact([&](store::Tx& tx) {
        for (auto it = tables.rbegin(); it != tables.rend(); ++it) {
          if (std::find(seeded.begin(), seeded.end(), *it) == seeded.end()) {
            tx.exec("DELETE FROM " + *it);
          }
        }
      });
    }
    coins.follow(outbox);
  }

 public:
  store::Database& db() { return *dbp; }

  NamesFn names_fn() {
    return [this](const std::vector<int64_t>& ids) {
      std::map<int64_t, std::string> out;
      for (int64_t id : ids) {
        if (auto it = names.find(id); it != names.end()) out[id] = it->second;
      }
      return out;
    };
  }

  ledger::AccountId account(int64_t user) {
    return db().transact(
        [&](store::Tx& tx) { return ledger.user_account(tx, user, ledger::kCoin); });
  }
  ledger::AccountId system(const std::string& role) {
    return db().transact(
        [&](store::Tx& tx) { return ledger.system_account(tx, role, ledger::kCoin, true); });
  }
  ledger::Transfer move(ledger::AccountId from, ledger::AccountId to, int64_t amount,
                        const std::string& reason) {
    const std::string key = "t" + std::to_string(++serial);
    return db().transact([&](store::Tx& tx) {
      return ledger.move(tx, key, from, to, amount, ledger::kCoin, reason);
    });
  }
  // A game win credited by the bank (counts everywhere).
  ledger::Transfer win(int64_t user, int64_t amount, const std::string& game = "gd_cards") {
    return move(system("mint:" + game), account(user), amount, "bank.accrual");
  }
  // A game loss debited by the bank (counts, negatively).
  ledger::Transfer lose(int64_t user, int64_t amount, const std::string& game = "gd_cards") {
    return move(account(user), system("mint:" + game), amount, "bank.profile");
  }
  ledger::Transfer grant(int64_t user, int64_t amount) {
    return move(system("mint:admin"), account(user), amount, "admin.grant");
  }
  ledger::Transfer opening(int64_t user, int64_t amount) {
    return move(system("mint:legacy"), account(user), amount, "legacy.opening_balance");
  }
  // Between two users, even under a counted reason: never counts.
  ledger::Transfer give(int64_t from, int64_t to, int64_t amount,
                        const std::string& reason = "bank.accrual") {
    return move(account(from), account(to), amount, reason);
  }

  // The current top (up to 100) as user -> score.
  std::map<int64_t, int64_t> board(Period p) { return board_of(service, p); }
  std::vector<std::pair<int64_t, int64_t>> archive(const std::string& period_id) {
    return db().read([&](store::Tx& tx) {
      std::vector<std::pair<int64_t, int64_t>> rows;
      for (const auto& r : tx.exec("SELECT user_id, score FROM lb_archive WHERE board = 'coins'"
                                   " AND period_id = $1 ORDER BY place",
                                   {store::Value{period_id}})
                               .rows) {
        rows.emplace_back(r.i64(0), r.i64(1));
      }
      return rows;
    });
  }

  lucas::testing::TestDatabase t;
  store::Database* dbp;
  ManualClock clock;
  events::Outbox outbox;
  ledger::Ledger ledger;
  events::LocalBus bus;
  std::unique_ptr<cache::SortedSets> index;
  std::map<int64_t, std::string> names;
  LeaderboardService service;
  CoinBoard coins;
  int serial = 0;
};

// Another node (or process) on the world's database: its own outbox, ledger, service and coin
// board, over the index it is given.
struct Node {
  Node(LbWorld& world, cache::SortedSets& index)
      : w(world),
        outbox(w.db(), w.clock),
        ledger(w.clock, &outbox),
        service(w.db(), index, w.clock, nullptr, {}),
        coins(service, ledger, w.db()) {
    coins.follow(outbox);
  }
  ~Node() {
    outbox.stop();
    service.stop();
  }
  // A game win committed on this node (its outbox dispatches it at drain()).
  void win(int64_t user, int64_t amount) {
    w.db().transact([&](store::Tx& tx) {
      const auto mint = ledger.system_account(tx, "mint:gd_cards", ledger::kCoin, true);
      ledger.move(tx, "node" + std::to_string(++w.serial), mint,
                  ledger.user_account(tx, user, ledger::kCoin), amount, ledger::kCoin,
                  "bank.accrual");
    });
  }
  std::map<int64_t, int64_t> board(Period p) { return board_of(service, p); }

  LbWorld& w;
  events::Outbox outbox;
  ledger::Ledger ledger;
  LeaderboardService service;
  CoinBoard coins;
};

// The model's order: score descending, then user id descending.
inline std::vector<std::pair<int64_t, int64_t>> ranked(const std::map<int64_t, int64_t>& scores) {
  std::vector<std::pair<int64_t, int64_t>> v(scores.begin(), scores.end());
  std::sort(v.begin(), v.end(), [](const auto& a, const auto& b) {
    return a.second != b.second ? a.second > b.second : a.first > b.first;
  });
  return v;
}

}  // namespace lucas::leaderboards::testing
