// Hit rate of the hot-data cache (issue 5: ≥ 90%) under an API-like load: every request
// authenticates a bearer token (the "token" space: sessions), reads its user ("user") and the
// user's balance ("balance"), as GET /api/v1/users/{id}/balance does; a share of the requests
// are game credits through the ledger, which invalidate the balance at commit. Users are drawn
// from a Zipf distribution (s = 1: a few players are very active, most rarely), as in a chat.
// Runs without a cache, on the in-process cache, on Redis alone (a throwaway redis-server) and on
// the node's memory in front of Redis (the TieredCache lucas serve --redis uses), on
// embedded SQLite or on PostgreSQL (the harness's server, fsync on); prints per-space hit rates
// and requests/s. The TTLs are the production ones (tokens 300 s, users 60 s, balances 30 s), so
// a longer run also counts expiries.
//
//   build/release/bench/cache_bench [users=10000] [requests=200000] [credit_permille=20]
//                                   [sqlite|postgres]
#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <random>
#include <string>
#include <vector>

#include "features/auth/auth.h"
#include "features/users/users.h"
#include "infra/audit/audit.h"
#include "infra/cache/cache.h"
#include "infra/events/outbox.h"
#include "infra/redis/redis.h"
#include "infra/store/migrate.h"
#include "infra/telemetry/metrics.h"
#include "ledger/ledger.h"
#include "tests/support/databases.h"
#include "tests/support/redis_harness.h"

using namespace lucas;

namespace {

enum class Mode { kNone, kMemory, kRedis, kTiered };

int64_t counter(const std::string& text, const std::string& space, const std::string& result) {
  const std::string key =
      "lucas_cache_requests_total{result=\"" + result + "\",space=\"" + space + "\"} ";
  const size_t at = text.find(key);
  return at == std::string::npos ? 0 : std::stoll(text.substr(at + key.size()));
}

class Zipf {
 public:
  explicit Zipf(int n) : cdf_(static_cast<size_t>(n)) {
    double sum = 0;
    for (int i = 0; i < n; ++i) cdf_[static_cast<size_t>(i)] = sum += 1.0 / (i + 1);
    for (auto& c : cdf_) c /= sum;
  }
  int operator()(std::mt19937_64& rng) const {
    const double u = std::uniform_real_distribution<double>(0, 1)(rng);
    return static_cast<int>(std::lower_bound(cdf_.begin(), cdf_.end(), u) - cdf_.begin());
  }

 private:
  std::vector<double> cdf_;
};

void run(store::Engine engine, Mode mode, int n_users, int requests, int credit_permille) {
  auto t = testing::fresh_database(engine);
  SystemClock clock;
  store::migrate(*t.db,
                 {events::migrations(), ledger::migrations(), users::migrations(),
                  audit::migrations(), auth::migrations()},
                 clock);
  telemetry::Registry metrics;
  events::Outbox outbox(*t.db, clock);
  ledger::Ledger ledger(clock, &outbox);
  users::UserService users(*t.db, ledger, clock);
  auth::AuthService auth(*t.db, users, clock, nullptr);
  std::unique_ptr<redis::Client> client;
  std::unique_ptr<cache::MemoryCache> node;
  std::unique_ptr<cache::Cache> shared, cache;  // cache may be a TieredCache over the two
  if (mode == Mode::kRedis || mode == Mode::kTiered) {
    client =
        std::make_unique<redis::Client>(redis::parse_url(testing::RedisServer::shared().url(3)));
    client->wait_up(std::chrono::seconds(10));
    client->command({"FLUSHDB"});
    if (mode == Mode::kRedis) {
      cache = std::make_unique<cache::RedisCache>(*client);
    } else {  // as lucas serve --redis runs it
      shared = std::make_unique<cache::RedisCache>(*client);
      node = std::make_unique<cache::MemoryCache>(clock);
      cache = std::make_unique<cache::TieredCache>(*node, *shared, cache::TieredCache::kNearTtl);
    }
  } else if (mode == Mode::kMemory) {
    cache = std::make_unique<cache::MemoryCache>(clock);
  }
  if (cache) {
    users.enable_cache(*cache, outbox, &metrics);
    auth.enable_cache(*cache, outbox, &metrics);
  }
  std::vector<std::string> tokens;
  tokens.reserve(static_cast<size_t>(n_users));
  for (int i = 0; i < n_users; ++i) {
    const int64_t id = 1000 + i;
    users.upsert({id, "p" + std::to_string(i), "Игрок " + std::to_string(i), "ru"});
    tokens.push_back(auth.issue_console_token(id, 24 * 3600).token);
  }
  const auto credit = [&](int64_t id, int64_t amount, const std::string& key) {
    t.db->transact([&](store::Tx& tx) {
      const auto mint = ledger.system_account(tx, "mint:gd_cards", ledger::kCoin, true);
      ledger.move(tx, key, mint, ledger.user_account(tx, id, ledger::kCoin), amount, ledger::kCoin,
                  "bank.accrual");
    });
  };
  for (int i = 0; i < n_users; ++i) credit(1000 + i, 100, "seed" + std::to_string(i));

  Zipf zipf(n_users);
  std::mt19937_64 rng(42);
  int credits = 0;
  int64_t checksum = 0;
  int serial = 0;
  const auto serve = [&](int count) {
    for (int r = 0; r < count; ++r) {
      const int u = zipf(rng);
      const int64_t id = 1000 + u;
      if (static_cast<int>(rng() % 1000) < credit_permille) {
        credit(id, 1 + static_cast<int64_t>(rng() % 500), "c" + std::to_string(++serial));
        ++credits;
        continue;
      }
      const auto p = auth.authenticate(tokens[static_cast<size_t>(u)], "127.0.0.1");
      // As the endpoint does: the read decision (it reads the user) and the balance.
      checksum += users.balance(p, p.user_id).amount;
    }
  };
  // A warm-up of a quarter of the requests first: a server runs for days, so the figures are the
  // steady state's (the cold-start misses are printed apart).
  serve(requests / 4);
  const std::string warm = metrics.render();
  credits = 0;
  const auto t0 = std::chrono::steady_clock::now();
  serve(requests);
  const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  const char* label = mode == Mode::kNone     ? "no cache"
                      : mode == Mode::kMemory ? "in-process"
                      : mode == Mode::kRedis  ? "Redis only"
                                              : "node+Redis";
  std::printf("%-8s %-10s %d users, %d requests (%d credits) in %.2f s: %.0f requests/s",
              testing::engine_label(engine).c_str(), label, n_users, requests, credits, s,
              requests / s);
  const std::string text = metrics.render();
  for (const char* space : {"token", "user", "balance"}) {
    const int64_t h0 = counter(warm, space, "hit"), m0 = counter(warm, space, "miss");
    const int64_t h = counter(text, space, "hit") - h0, m = counter(text, space, "miss") - m0;
    if (h + m > 0) {
      std::printf("; %s hit rate %.1f%% (warm-up %.1f%%)", space, 100.0 * h / (h + m),
                  100.0 * h0 / std::max<int64_t>(1, h0 + m0));
    }
  }
  std::printf(" (checksum %lld)\n", static_cast<long long>(checksum));
}

}  // namespace

int main(int argc, char** argv) {
  spdlog::set_level(spdlog::level::warn);
  const int n_users = argc > 1 ? std::stoi(argv[1]) : 10'000;
  const int requests = argc > 2 ? std::stoi(argv[2]) : 200'000;
  const int credit_permille = argc > 3 ? std::stoi(argv[3]) : 20;
  const std::string engine = argc > 4 ? argv[4] : "sqlite";
  if (n_users < 1 || requests < 1 || credit_permille < 0 || credit_permille > 1000 ||
      (engine != "sqlite" && engine != "postgres")) {
    std::fprintf(stderr,
                 "usage: cache_bench [users>0] [requests>0] [credit_permille 0..1000] "
                 "[sqlite|postgres]\n");
    return 2;
  }
  for (const Mode m : {Mode::kNone, Mode::kMemory, Mode::kRedis, Mode::kTiered}) {
    run(engine == "sqlite" ? store::Engine::kSqlite : store::Engine::kPostgres, m, n_users,
        requests, credit_permille);
  }
  return 0;
}
