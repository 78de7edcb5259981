// Auctions on SQLite and PostgreSQL: units held at creation, bids holding coins and the outbid's
// released at once (with a notification), anti-sniping with a moved clock, buyout, settlement
// exactly once (10 % house fee rounded up), unsold and withdrawn auctions returning the units;
// hostile players refused with nothing moved; 200 concurrent bidders on one auction leave one
// winner and every other hold released; and the ledger check (coins, items, numbered instances)
// passes after everything.
#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "tests/features/economy/market_fixture.h"

namespace lucas::economy {
namespace {

using testing::error_of;
using testing::reason;
using users::Actor;
using users::Role;

constexpr Micros kDay = 86'400'000'000;
constexpr Micros kMinute = 60'000'000;

class AuctionTest : public ::testing::TestWithParam<store::Engine>, protected testing::Market {
 protected:
  AuctionTest() : Market(GetParam()) {
    crown = item("crown", 10'000, 300, true);
    dice = item("dice", 1'000);
  }
  int64_t house() { return system_coins("fees:auction"); }
  AuctionDraft draft(const Item& i, int64_t start, std::optional<int64_t> buyout = std::nullopt) {
    AuctionDraft d;
    d.item_id = i.id;
    d.start_price = start;
    d.increment = 500;
    d.buyout = buyout;
    d.days = 1;
    return d;
  }

  Item crown, dice;
};

TEST_P(AuctionTest, BidsHoldCoinsTheOutbidGetsThemBackAndTheWinnerPaysOnce) {
  buy(101, crown, 2);  // № 1, 2
  AuctionDraft d = draft(crown, 10'000);
  d.serials = {2};
  const Auction a = auctions.create(player(101), d, "k");
  EXPECT_EQ(a.state, "open");
  EXPECT_EQ(units(101, crown), 1);
  EXPECT_EQ(a.next_min, 10'000);
  give(102, 50'000);
  give(103, 50'000);
  EXPECT_EQ(auctions.bid(player(102), a.id, 10'000, "b1").state, "leading");
  EXPECT_EQ(coins(102), 40'000);  // held
  EXPECT_EQ(reason(error_of([&] { auctions.bid(player(103), a.id, 10'400, "b2"); })),
            "bid_too_low");
  auctions.bid(player(103), a.id, 12'000, "b3");
  EXPECT_EQ(coins(102), 50'000);  // released at once
  EXPECT_EQ(coins(103), 38'000);
  EXPECT_EQ(dm_keys(102), std::vector<std::string>{"auction_dm_outbid"});
  EXPECT_EQ(auctions.get(a.id).next_min, 12'500);
  // A repeat of a bid's key moves nothing.
  EXPECT_TRUE(auctions.bid(player(103), a.id, 12'000, "b3").replayed);
  EXPECT_EQ(coins(103), 38'000);
  expect_balanced();

  w.clock.advance(kDay);
  EXPECT_EQ(auctions.settle_due(), 1);
  EXPECT_EQ(auctions.settle_due(), 0);  // exactly once
  const Auction sold = auctions.get(a.id);
  EXPECT_EQ(sold.state, "sold");
  EXPECT_EQ(sold.fee, 1'200);
  EXPECT_EQ(coins(103), 38'000);
  EXPECT_EQ(units(103, crown), 1);
  EXPECT_EQ(coins(101), 12'000 - 1'200);
  EXPECT_EQ(house(), 1'200);
  EXPECT_EQ(coins(102), 50'000);
  const auto held = economy.inventory(Actor::console_operator(), 103);
  ASSERT_EQ(held.size(), 1u);
  EXPECT_EQ(held[0].serials, std::vector<int64_t>{2});
  const auto winner = dm_keys(103);
  EXPECT_NE(std::find(winner.begin(), winner.end(), "auction_dm_won"), winner.end());
  const auto seller = dm_keys(101);
  EXPECT_NE(std::find(seller.begin(), seller.end(), "auction_dm_sold"), seller.end());
  expect_balanced();
}

TEST_P(AuctionTest, ALateBidExtendsTheEndAndABuyoutEndsItAtOnce) {
  buy(101, dice, 2);
  give(102, 100'000);
  const Auction a = auctions.create(player(101), draft(dice, 1'000), "a");
  w.clock.advance(kDay - 10 * kMinute);
  auctions.bid(player(102), a.id, 1'000, "early");
  EXPECT_EQ(auctions.get(a.id).ends_at, a.ends_at);  // not in the last 2 minutes
  w.clock.advance(9 * kMinute);                      // one minute left
  auctions.bid(player(102), a.id, 2'000, "late");
  EXPECT_EQ(auctions.get(a.id).ends_at, a.ends_at + 2 * kMinute);
  w.clock.advance(90'000'000);  // past the old end, before the new one
  EXPECT_EQ(auctions.settle_due(), 0);
  EXPECT_EQ(auctions.get(a.id).state, "open");
  w.clock.advance(2 * kMinute);
  EXPECT_EQ(auctions.settle_due(), 1);
  EXPECT_EQ(coins(102), 100'000 - 2'000);  // the raise replaced the bidder's own hold

  const Auction b = auctions.create(player(101), draft(dice, 1'000, 5'000), "b");
  const Bid won = auctions.bid(player(102), b.id, 9'000, "buy");  // taken at the buyout
  EXPECT_EQ(won.state, "won");
  EXPECT_EQ(won.amount, 5'000);
  EXPECT_EQ(auctions.get(b.id).state, "sold");
  EXPECT_EQ(reason(error_of([&] { auctions.bid(player(102), b.id, 6'000, "after"); })), "not_open");
  EXPECT_EQ(units(102, dice), 2);
  EXPECT_EQ(coins(102), 100'000 - 2'000 - 5'000);
  expect_balanced();
}

TEST_P(AuctionTest, UnsoldAndWithdrawnAuctionsReturnTheUnits) {
  buy(101, crown, 2);
  const Auction a = auctions.create(player(101), draft(crown, 5'000), "a");
  const Auction b = auctions.create(player(101), draft(crown, 5'000), "b");
  EXPECT_EQ(units(101, crown), 0);
  EXPECT_EQ(auctions.cancel(player(101), b.id).state, "cancelled");
  EXPECT_EQ(units(101, crown), 1);
  w.clock.advance(kDay);
  EXPECT_EQ(auctions.settle_due(), 1);
  EXPECT_EQ(auctions.get(a.id).state, "unsold");
  EXPECT_EQ(units(101, crown), 2);
  EXPECT_EQ(dm_keys(101), std::vector<std::string>{"auction_dm_unsold"});
  expect_balanced();
}

TEST_P(AuctionTest, HostilePlayersAreRefusedAndNothingMoves) {
  buy(101, dice, 1);
  give(102, 3'000);
  const Auction a = auctions.create(player(101), draft(dice, 2'000), "a");
  EXPECT_EQ(error_of([&] { auctions.bid(player(101), a.id, 5'000, "self"); }).code(),
            ErrorCode::kForbidden);
  EXPECT_EQ(error_of([&] { auctions.bid(player(102), a.id, 5'000, "poor"); }).code(),
            ErrorCode::kInsufficientFunds);
  auctions.bid(player(102), a.id, 2'000, "ok");
  EXPECT_EQ(error_of([&] { auctions.bid(player(102), a.id, 2'600, "ok"); }).code(),
            ErrorCode::kIdempotencyConflict);
  EXPECT_EQ(reason(error_of([&] { auctions.cancel(player(101), a.id); })), "has_bids");
  EXPECT_EQ(error_of([&] { auctions.cancel(player(102), a.id); }).code(), ErrorCode::kForbidden);
  EXPECT_EQ(error_of([&] { auctions.bid(player(102), 999, 2'000, "x"); }).code(),
            ErrorCode::kNotFound);
  EXPECT_EQ(error_of([&] { auctions.bid(Actor::anonymous(), a.id, 9'000, "x"); }).code(),
            ErrorCode::kUnauthorized);
  Actor scoped = player(102);
  scoped.scopes = std::vector<std::string>{"trade:write"};
  EXPECT_EQ(error_of([&] { auctions.bid(scoped, a.id, 9'000, "x"); }).code(),
            ErrorCode::kInsufficientScope);
  // Bad drafts: days, prices, a buyout under the start, units one does not have.
  AuctionDraft d = draft(dice, 2'000);
  d.days = 2;
  EXPECT_EQ(error_of([&] { auctions.create(player(101), d, "d"); }).code(),
            ErrorCode::kInvalidArgument);
  EXPECT_EQ(error_of([&] { auctions.create(player(101), draft(dice, 50), "p"); }).code(),
            ErrorCode::kInvalidArgument);
  EXPECT_EQ(error_of([&] { auctions.create(player(101), draft(dice, 2'000, 1'000), "u"); }).code(),
            ErrorCode::kInvalidArgument);
  EXPECT_EQ(error_of([&] { auctions.create(player(101), draft(dice, 2'000), "n"); }).code(),
            ErrorCode::kInsufficientFunds);  // the one die is already up
  buy(101, crown, 1);                        // № 1
  AuctionDraft serial = draft(crown, 2'000);
  serial.serials = {7};  // not 101's
  EXPECT_EQ(reason(error_of([&] { auctions.create(player(101), serial, "s"); })),
            "serial_not_owned");
  EXPECT_EQ(units(101, crown), 1);
  ItemDraft lock;
  lock.tradeable = false;
  economy.update_item(Actor::console_operator(), dice.id, lock);
  buy(104, dice, 1);
  EXPECT_EQ(reason(error_of([&] { auctions.create(player(104), draft(dice, 2'000), "t"); })),
            "not_tradeable");
  // After the end nobody bids.
  w.clock.advance(kDay);
  EXPECT_EQ(reason(error_of([&] { auctions.bid(player(102), a.id, 9'000, "late"); })), "ended");
  EXPECT_EQ(coins(102), 1'000);
  expect_balanced();
}

TEST_P(AuctionTest, TwoHundredConcurrentBiddersLeaveOneWinnerAndEveryOtherHoldReleased) {
  buy(101, crown, 1);
  const Auction a = auctions.create(player(101), draft(crown, 1'000), "a");
  constexpr int kBidders = 200;
  for (int i = 0; i < kBidders; ++i) give(1000 + i, 1'000'000);
  std::atomic<int> placed{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < kBidders; ++i) {
    threads.emplace_back([&, i] {
      // Each bidder tries a few raises until one lands or they give up.
      for (int attempt = 0; attempt < 3; ++attempt) {
        try {
          const int64_t next = auctions.get(a.id).next_min;
          auctions.bid(player(1000 + i), a.id, next + (i % 7) * 100,
                       "b" + std::to_string(i) + ":" + std::to_string(attempt));
          ++placed;
          return;
        } catch (const Error&) {
        }
      }
    });
  }
  for (auto& t : threads) t.join();
  ASSERT_GT(placed.load(), 0);
  const Auction open = auctions.get(a.id);
  EXPECT_EQ(open.bids, placed.load());
  w.clock.advance(2 * kDay);
  EXPECT_EQ(auctions.settle_due(), 1);
  const Auction sold = auctions.get(a.id);
  ASSERT_EQ(sold.state, "sold");
  int winners = 0;
  for (int i = 0; i < kBidders; ++i) {
    const int64_t id = 1000 + i;
    if (sold.top_bidder == id) {
      ++winners;
      EXPECT_EQ(coins(id), 1'000'000 - sold.top_amount);
      EXPECT_EQ(units(id, crown), 1);
    } else {
      EXPECT_EQ(coins(id), 1'000'000) << id;  // every other hold released
    }
  }
  EXPECT_EQ(winners, 1);
  EXPECT_EQ(coins(101), sold.top_amount - auction_fee(sold.top_amount));
  expect_balanced();
}

INSTANTIATE_TEST_SUITE_P(Engines, AuctionTest,
                         ::testing::Values(store::Engine::kSqlite, store::Engine::kPostgres),
                         [](const auto& p) { return lucas::testing::engine_label(p.param); });

}  // namespace
}  // namespace lucas::economy
