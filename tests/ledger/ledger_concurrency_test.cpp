// 8 threads x 1,000 random transfers among 50 accounts, on each engine: every invariant holds at
// the end and the journal holds exactly the transfers that reported success.
#include <gtest/gtest.h>

#include <atomic>
#include <random>
#include <thread>

#include "tests/ledger/ledger_fixture.h"

namespace lucas::ledger {
namespace {

class LedgerConcurrency : public ::testing::TestWithParam<store::Engine> {};

TEST_P(LedgerConcurrency, EightThreadsThousandTransfersEach) {
  store::Options options;
  options.pool_size = 10;
  testing::LedgerWorld w(GetParam(), options);
  constexpr int kAccounts = 50;
  constexpr int kThreads = 8;
  constexpr int kPerThread = 1'000;
  constexpr int64_t kFunding = 10'000;  // 100.00 each: small enough that some transfers fail
  const AccountId mint = w.mint();
  std::vector<AccountId> accounts;
  for (int i = 0; i < kAccounts; ++i) {
    accounts.push_back(w.user(10'000 + i));
    w.move("fund-" + std::to_string(i), mint, accounts.back(), kFunding);
  }
  std::atomic<int> done{0}, refused{0}, other{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      std::mt19937_64 rng(static_cast<uint64_t>(t) * 7919 + 17);
      std::uniform_int_distribution<int> pick(0, kAccounts - 1);
      std::uniform_int_distribution<int64_t> amount(1, 3'000);
      for (int i = 0; i < kPerThread; ++i) {
        const int a = pick(rng);
        int b = pick(rng);
        if (b == a) b = (a + 1) % kAccounts;
        try {
          w.move("t" + std::to_string(t) + "-" + std::to_string(i),
                 accounts[static_cast<size_t>(a)], accounts[static_cast<size_t>(b)], amount(rng));
          ++done;
        } catch (const Error& e) {
          if (e.code() == ErrorCode::kInsufficientFunds) {
            ++refused;
          } else {
            ++other;
            ADD_FAILURE() << error_code_name(e.code()) << ": " << e.what();
          }
        }
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(other.load(), 0);
  EXPECT_EQ(done + refused, kThreads * kPerThread);
  EXPECT_GT(done.load(), kThreads * kPerThread / 2);
  auto report = w.check();
  EXPECT_TRUE(report.ok()) << testing::check_text(report);
  EXPECT_EQ(report.transfers, kAccounts + done.load());
  EXPECT_EQ(report.entries, 2 * (kAccounts + done.load()));
  int64_t total = 0;
  for (auto a : accounts) {
    const int64_t b = w.balance(a);
    EXPECT_GE(b, 0);
    total += b;
  }
  EXPECT_EQ(total, kAccounts * kFunding);
}

INSTANTIATE_TEST_SUITE_P(Engines, LedgerConcurrency,
                         ::testing::Values(store::Engine::kSqlite, store::Engine::kPostgres),
                         [](const auto& p) { return lucas::testing::engine_label(p.param); });

}  // namespace
}  // namespace lucas::ledger
