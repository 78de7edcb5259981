// Ledger behaviour on SQLite and PostgreSQL.
#include <gtest/gtest.h>

#include <limits>

#include "base/error.h"
#include "tests/ledger/ledger_fixture.h"

namespace lucas::ledger {
namespace {

using testing::check_text;
using testing::LedgerWorld;

ErrorCode code_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const Error& e) {
    return e.code();
  }
  ADD_FAILURE() << "expected an error";
  return ErrorCode::kInternal;
}

class LedgerTest : public ::testing::TestWithParam<store::Engine> {
 protected:
  LedgerTest() : w(GetParam()) {}
  LedgerWorld w;
};

TEST_P(LedgerTest, MintsAndMovesMoney) {
  const auto mint = w.mint();
  const auto alice = w.user(1);
  const auto bob = w.user(2);
  auto t = w.move("k1", mint, alice, 10'000);
  EXPECT_FALSE(t.replayed);
  ASSERT_EQ(t.entries.size(), 2u);
  w.move("k2", alice, bob, 2'550);
  EXPECT_EQ(w.balance(alice), 7'450);
  EXPECT_EQ(w.balance(bob), 2'550);
  EXPECT_EQ(w.balance(mint), -10'000);
  auto report = w.check();
  EXPECT_TRUE(report.ok()) << check_text(report);
  EXPECT_EQ(report.transfers, 2);
  EXPECT_EQ(report.entries, 4);
  EXPECT_EQ(report.currency_sums.at("COIN"), 0);
}

TEST_P(LedgerTest, RepeatedKeyReturnsTheFirstResultAndMovesNothing) {
  const auto mint = w.mint();
  const auto alice = w.user(1);
  auto first = w.move("same", mint, alice, 500);
  auto again = w.move("same", mint, alice, 500);
  EXPECT_TRUE(again.replayed);
  EXPECT_EQ(again.id, first.id);
  ASSERT_EQ(again.entries.size(), first.entries.size());
  EXPECT_EQ(again.entries[1].balance_after, first.entries[1].balance_after);
  EXPECT_EQ(w.balance(alice), 500);
  // The same key for a different request is refused, and still moves nothing.
  EXPECT_EQ(code_of([&] { w.move("same", mint, alice, 501); }), ErrorCode::kIdempotencyConflict);
  EXPECT_EQ(w.balance(alice), 500);
}

TEST_P(LedgerTest, InsufficientFundsMovesNothingAndKeepsTheTransactionUsable) {
  const auto mint = w.mint();
  const auto alice = w.user(1);
  const auto bob = w.user(2);
  w.move("fund", mint, alice, 100);
  w.db().transact([&](store::Tx& tx) {
    try {
      w.ledger.move(tx, "too-much", alice, bob, 101, kCoin, "test");
      ADD_FAILURE() << "expected INSUFFICIENT_FUNDS";
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), ErrorCode::kInsufficientFunds);
      EXPECT_EQ(e.details().at("balance"), 100);
    }
    // Same transaction, still usable: a smaller transfer succeeds.
    w.ledger.move(tx, "ok", alice, bob, 40, kCoin, "test");
  });
  EXPECT_EQ(w.balance(alice), 60);
  EXPECT_EQ(w.balance(bob), 40);
  // The refused key was not consumed.
  w.move("too-much", alice, bob, 60);
  EXPECT_EQ(w.balance(alice), 0);
  EXPECT_TRUE(w.check().ok());
}

TEST_P(LedgerTest, RejectsMalformedTransfers) {
  const auto mint = w.mint();
  const auto alice = w.user(1);
  const auto gem_user = w.db().transact([&](store::Tx& tx) {
    w.ledger.add_currency(tx, Currency{"GEM", 0, "Gem"});
    return w.ledger.user_account(tx, 1, "GEM");
  });
  auto transfer = [&](TransferRequest r) {
    w.db().transact([&](store::Tx& tx) { w.ledger.transfer(tx, r); });
  };
  EXPECT_EQ(code_of([&] {
              transfer({"a", "COIN", {{mint, -5}}, "r"});
            }),
            ErrorCode::kInvalidArgument);
  EXPECT_EQ(code_of([&] {
              transfer({"a", "COIN", {{mint, -5}, {alice, 4}}, "r"});
            }),
            ErrorCode::kInvalidAmount);
  EXPECT_EQ(code_of([&] {
              transfer({"a", "COIN", {{mint, 0}, {alice, 0}}, "r"});
            }),
            ErrorCode::kInvalidAmount);
  EXPECT_EQ(code_of([&] {
              transfer({"a", "COIN", {{alice, -5}, {alice, 5}}, "r"});
            }),
            ErrorCode::kInvalidArgument);
  EXPECT_EQ(code_of([&] {
              transfer({"", "COIN", {{mint, -5}, {alice, 5}}, "r"});
            }),
            ErrorCode::kInvalidArgument);
  EXPECT_EQ(code_of([&] {
              transfer({"a", "COIN", {{mint, -5}, {alice, 5}}, ""});
            }),
            ErrorCode::kInvalidArgument);
  EXPECT_EQ(code_of([&] {
              transfer({"a", "XYZ", {{mint, -5}, {alice, 5}}, "r"});
            }),
            ErrorCode::kNotFound);
  EXPECT_EQ(code_of([&] {
              transfer({"a", "COIN", {{mint, -5}, {999'999, 5}}, "r"});
            }),
            ErrorCode::kNotFound);
  EXPECT_EQ(code_of([&] {
              transfer({"a", "COIN", {{mint, -5}, {gem_user, 5}}, "r"});
            }),
            ErrorCode::kInvalidArgument);
  EXPECT_EQ(code_of([&] { w.move("neg", mint, alice, -5); }), ErrorCode::kInvalidAmount);
  EXPECT_EQ(w.balance(alice), 0);
  auto r = w.check();
  EXPECT_TRUE(r.ok()) << check_text(r);
  EXPECT_EQ(r.transfers, 0);
}

TEST_P(LedgerTest, OverflowIsRefusedAndChangesNothing) {
  const auto mint = w.mint();
  const auto alice = w.user(1);
  constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
  w.move("max", mint, alice, kMax);  // mint goes to -MAX, still representable
  EXPECT_EQ(w.balance(alice), kMax);
  EXPECT_EQ(code_of([&] { w.move("plus-one", mint, alice, 1); }), ErrorCode::kAmountOverflow);
  EXPECT_EQ(w.balance(alice), kMax);
  EXPECT_EQ(w.balance(mint), -kMax);
  const auto bob = w.user(2);
  w.move("back", alice, bob, kMax);
  EXPECT_EQ(w.balance(bob), kMax);
}

TEST_P(LedgerTest, MultiLegTransferMovesAtomically) {
  const auto mint = w.mint();
  const auto a = w.user(1), b = w.user(2), c = w.user(3);
  w.move("fund", mint, a, 1'000);
  w.db().transact([&](store::Tx& tx) {
    w.ledger.transfer(tx, {"split", "COIN", {{a, -900}, {b, 600}, {c, 300}}, "split"});
  });
  EXPECT_EQ(w.balance(a), 100);
  EXPECT_EQ(w.balance(b), 600);
  EXPECT_EQ(w.balance(c), 300);
  // One overdrawn leg refuses the whole transfer.
  EXPECT_EQ(code_of([&] {
              w.db().transact([&](store::Tx& tx) {
                w.ledger.transfer(tx, {"bad", "COIN", {{b, -100}, {c, -400}, {a, 500}}, "x"});
              });
            }),
            ErrorCode::kInsufficientFunds);
  EXPECT_EQ(w.balance(a), 100);
  EXPECT_EQ(w.balance(b), 600);
  EXPECT_EQ(w.balance(c), 300);
}

TEST_P(LedgerTest, HoldThenPostPaysOutAndReturnsTheRest) {
  const auto mint = w.mint();
  const auto buyer = w.user(1), seller = w.user(2), fees = w.db().transact([&](store::Tx&tx) {
    return w.ledger.system_account(tx, "fees", kCoin);
  });
  w.move("fund", mint, buyer, 1'000);
  auto h = w.db().transact(
      [&](store::Tx& tx) { return w.ledger.hold(tx, "bid", buyer, 700, kCoin, "auction.bid"); });
  EXPECT_EQ(h.status, "pending");
  EXPECT_EQ(w.balance(buyer), 300);
  EXPECT_EQ(
      code_of([&] {
        w.db().transact([&](store::Tx& tx) { w.ledger.hold(tx, "bid2", buyer, 301, kCoin, "x"); });
      }),
      ErrorCode::kInsufficientFunds);
  auto again = w.db().transact(
      [&](store::Tx& tx) { return w.ledger.hold(tx, "bid", buyer, 700, kCoin, "auction.bid"); });
  EXPECT_TRUE(again.replayed);
  EXPECT_EQ(again.id, h.id);
  EXPECT_TRUE(w.check().ok());

  auto post = [&](const std::string& key) {
    return w.db().transact([&](store::Tx& tx) {
      return w.ledger.post(tx, key, h.id, {{seller, 540}, {fees, 60}}, "auction.settle");
    });
  };
  auto t = post("settle");
  EXPECT_FALSE(t.replayed);
  EXPECT_EQ(w.balance(seller), 540);
  EXPECT_EQ(w.balance(fees), 60);
  EXPECT_EQ(w.balance(buyer), 400);  // 100 of the hold came back
  EXPECT_TRUE(post("settle").replayed);
  EXPECT_EQ(code_of([&] { post("settle-other"); }), ErrorCode::kHoldNotPending);
  EXPECT_EQ(code_of([&] {
              w.db().transact([&](store::Tx& tx) { w.ledger.void_hold(tx, "v", h.id, "x"); });
            }),
            ErrorCode::kHoldNotPending);
  EXPECT_EQ(w.db().read([&](store::Tx& tx) { return w.ledger.get_hold(tx, h.id).status; }),
            "posted");
  auto r = w.check();
  EXPECT_TRUE(r.ok()) << check_text(r);
}

TEST_P(LedgerTest, VoidReturnsTheHold) {
  const auto mint = w.mint();
  const auto buyer = w.user(1);
  w.move("fund", mint, buyer, 1'000);
  auto h = w.db().transact(
      [&](store::Tx& tx) { return w.ledger.hold(tx, "h", buyer, 250, kCoin, "trade.offer"); });
  EXPECT_EQ(w.balance(buyer), 750);
  w.db().transact([&](store::Tx& tx) { w.ledger.void_hold(tx, "cancel", h.id, "trade.cancel"); });
  EXPECT_EQ(w.balance(buyer), 1'000);
  EXPECT_EQ(
      code_of([&] {
        w.db().transact([&](store::Tx& tx) { w.ledger.post(tx, "late", h.id, {{buyer, 1}}, "x"); });
      }),
      ErrorCode::kHoldNotPending);
  EXPECT_EQ(
      code_of([&] { w.db().transact([&](store::Tx& tx) { w.ledger.get_hold(tx, 424242); }); }),
      ErrorCode::kNotFound);
  EXPECT_TRUE(w.check().ok());
}

TEST_P(LedgerTest, PostingMoreThanTheHoldIsRefused) {
  const auto mint = w.mint();
  const auto a = w.user(1), b = w.user(2);
  w.move("fund", mint, a, 100);
  auto h =
      w.db().transact([&](store::Tx& tx) { return w.ledger.hold(tx, "h", a, 50, kCoin, "x"); });
  EXPECT_EQ(code_of([&] {
              w.db().transact([&](store::Tx& tx) { w.ledger.post(tx, "p", h.id, {{b, 51}}, "x"); });
            }),
            ErrorCode::kInvalidAmount);
  EXPECT_EQ(w.balance(b), 0);
  EXPECT_TRUE(w.check().ok());
}

TEST_P(LedgerTest, HistoryPagesNewestFirst) {
  const auto mint = w.mint();
  const auto alice = w.user(1);
  for (int i = 1; i <= 25; ++i) {
    w.clock.advance(1'000'000);
    w.move("t" + std::to_string(i), mint, alice, i);
  }
  std::vector<int64_t> amounts;
  std::optional<std::string> cursor;
  int pages = 0;
  do {
    auto page = w.db().read([&](store::Tx& tx) { return w.ledger.history(tx, alice, cursor, 10); });
    for (const auto& item : page.items) amounts.push_back(item.amount);
    cursor = page.next_cursor;
    ++pages;
  } while (cursor);
  EXPECT_EQ(pages, 3);
  ASSERT_EQ(amounts.size(), 25u);
  for (int i = 0; i < 25; ++i) EXPECT_EQ(amounts[static_cast<size_t>(i)], 25 - i);
  EXPECT_EQ(code_of([&] {
              w.db().read([&](store::Tx& tx) { w.ledger.history(tx, alice, "!!bad", 10); });
            }),
            ErrorCode::kInvalidArgument);
  EXPECT_EQ(code_of([&] {
              w.db().read([&](store::Tx& tx) { w.ledger.history(tx, alice, std::nullopt, 0); });
            }),
            ErrorCode::kInvalidArgument);
}

TEST_P(LedgerTest, CheckFindsTamperedRows) {
  const auto mint = w.mint();
  const auto alice = w.user(1);
  w.move("fund", mint, alice, 1'000);
  ASSERT_TRUE(w.check().ok());
  w.db().transact([&](store::Tx& tx) {
    tx.exec("UPDATE accounts SET balance = balance + 1 WHERE id = $1", {store::Value{alice}});
  });
  auto r = w.check();
  EXPECT_FALSE(r.ok());
  const auto text = check_text(r);
  EXPECT_NE(text.find("sums to 1"), std::string::npos) << text;
  EXPECT_NE(text.find("differs from its journal"), std::string::npos) << text;
  w.db().transact([&](store::Tx& tx) {
    tx.exec("UPDATE accounts SET balance = balance - 1 WHERE id = $1", {store::Value{alice}});
    tx.exec("DELETE FROM entries WHERE account_id = $1", {store::Value{mint}});
  });
  const auto text2 = check_text(w.check());
  EXPECT_NE(text2.find("unbalanced"), std::string::npos) << text2;
}

TEST_P(LedgerTest, TransfersPublishEventsAfterCommitOnly) {
  std::vector<nlohmann::json> seen;
  w.outbox.subscribe("ledger.transfer", [&](const events::Event& e) { seen.push_back(e.payload); });
  const auto mint = w.mint();
  const auto alice = w.user(1);
  w.move("fund", mint, alice, 300);
  EXPECT_THROW(w.db().transact([&](store::Tx& tx) {
    w.ledger.move(tx, "rolled-back", mint, alice, 5, kCoin, "x");
    throw std::runtime_error("abort");
  }),
               std::runtime_error);
  EXPECT_EQ(w.outbox.drain(), 1);
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(seen[0].at("legs").size(), 2u);
  EXPECT_EQ(seen[0].at("currency"), "COIN");
  EXPECT_EQ(w.outbox.drain(), 0);  // dispatched once
  EXPECT_EQ(w.metrics.counter("lucas_ledger_transfers_total", "", {{"kind", "transfer"}}).value(),
            1);
}

TEST_P(LedgerTest, CurrenciesAreSeparate) {
  const auto coin_mint = w.mint();
  w.db().transact([&](store::Tx& tx) { w.ledger.add_currency(tx, Currency{"GEM", 0, "Gem"}); });
  const auto gem_mint = w.mint("GEM");
  const auto coin = w.user(1), gem = w.user(1, "GEM");
  EXPECT_NE(coin, gem);
  w.move("c", coin_mint, coin, 150);
  w.move("g", gem_mint, gem, 3, "GEM");
  auto r = w.check();
  EXPECT_TRUE(r.ok()) << check_text(r);
  EXPECT_EQ(r.currency_sums.size(), 2u);
  EXPECT_EQ(code_of([&] {
              w.db().transact([&](store::Tx& tx) {
                w.ledger.add_currency(tx, Currency{"GEM", 2, "Gem"});
              });
            }),
            ErrorCode::kConflict);
}

INSTANTIATE_TEST_SUITE_P(Engines, LedgerTest,
                         ::testing::Values(store::Engine::kSqlite, store::Engine::kPostgres),
                         [](const auto& p) { return lucas::testing::engine_label(p.param); });

}  // namespace
}  // namespace lucas::ledger
