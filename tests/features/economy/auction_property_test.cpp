// Property 19 of auctions: for any sequence of bids (any bidders, amounts valid or not, time
// passing, a buyout or none), coins are conserved and exactly the winner pays — the final highest
// bid, of which the seller gets all but the 10 % house fee (rounded up) — every other bidder ends
// with what they had, the units go to the winner (or back to the seller), and the ledger check
// passes. Also the pure rules: the fee, the least next bid and the anti-sniping end.
#include <gtest/gtest.h>
#include <rapidcheck.h>

#include <map>

#include "tests/features/economy/market_fixture.h"

namespace lucas::economy {
namespace {

using ledger::testing::check_text;
using users::Actor;
using users::Role;

constexpr Micros kDay = 86'400'000'000;
constexpr Micros kMinute = 60'000'000;

TEST(AuctionRules, TheFeeTheNextBidAndTheEndAsDocumented) {
  const bool ok = rc::check("fee = ceil(price / 10)", [] {
    const int64_t price = *rc::gen::inRange<int64_t>(kMinAuctionPrice, INT64_MAX);
    const int64_t fee = auction_fee(price);
    RC_ASSERT(fee >= price / 10);
    RC_ASSERT(fee - price / 10 <= 1);
    RC_ASSERT((price % 10 == 0) == (fee == price / 10));
    RC_ASSERT(price - fee > 0);
  });
  EXPECT_TRUE(ok);
  EXPECT_EQ(auction_fee(12'000), 1'200);
  EXPECT_EQ(auction_fee(12'001), 1'201);
  EXPECT_EQ(min_next_bid(1'000, 500, std::nullopt), 1'000);
  EXPECT_EQ(min_next_bid(1'000, 500, 1'200), 1'700);
  EXPECT_EQ(end_after_bid(10 * kMinute, 7 * kMinute), 10 * kMinute);
  EXPECT_EQ(end_after_bid(10 * kMinute, 8 * kMinute), 12 * kMinute);  // exactly 2 minutes left
  EXPECT_TRUE(valid_auction_days(14));
  EXPECT_FALSE(valid_auction_days(2));
}

TEST(AuctionRules, Property19_AnyBidSequenceConservesCoinsAndOnlyTheWinnerPays) {
  testing::Market market(store::Engine::kSqlite);
  auto& w = market.w;
  auto& economy = market.economy;
  auto& auctions = market.auctions;
  ItemDraft d = testing::item_draft("relic", 1'000);
  d.min_price = d.max_price = 1'000;
  d.total_supply = 100'000;
  d.serialized = true;
  const Item relic = economy.create_item(Actor::console_operator(), d);
  const auto fees = [&] { return market.system_coins("fees:auction"); };
  int64_t next_user = 5000;
  int64_t keys = 0;

  const bool ok = rc::check("only the winner pays, the final highest bid", [&] {
    const int64_t seller = ++next_user;
    w.move("s" + std::to_string(seller), w.mint(), w.user(seller), 1'000);
    const Quote q = economy.quote(Actor::user(seller, Role::kUser), relic.id, 1);
    economy.buy(Actor::user(seller, Role::kUser), q.id, "q" + std::to_string(++keys));
    const int n = *rc::gen::inRange(1, 6);
    std::map<int64_t, int64_t> start;  // bidder -> coins before
    std::vector<int64_t> bidders;
    for (int i = 0; i < n; ++i) {
      const int64_t b = ++next_user;
      const int64_t coins = *rc::gen::inRange<int64_t>(0, 20) * 1'000;
      if (coins > 0) w.move("c" + std::to_string(b), w.mint(), w.user(b), coins);
      start[b] = coins;
      bidders.push_back(b);
    }
    AuctionDraft draft;
    draft.item_id = relic.id;
    draft.start_price = *rc::gen::inRange<int64_t>(1, 10) * 500;
    draft.increment = *rc::gen::inRange<int64_t>(1, 5) * 100;
    if (*rc::gen::arbitrary<bool>()) {
      draft.buyout = draft.start_price + *rc::gen::inRange<int64_t>(1, 20) * 500;
    }
    const Auction a =
        auctions.create(Actor::user(seller, Role::kUser), draft, "a" + std::to_string(++keys));
    const int64_t fees_before = fees();
    std::optional<int64_t> top;
    std::optional<int64_t> leader;
    bool ended = false;
    const int steps = *rc::gen::inRange(0, 20);
    for (int s = 0; s < steps; ++s) {
      if (*rc::gen::inRange(0, 6) == 0)
        w.clock.advance(*rc::gen::inRange<int64_t>(1, 600) * kMinute);
      const int64_t who = *rc::gen::elementOf(bidders);
      const int64_t amount = *rc::gen::inRange<int64_t>(1, 25) * 500;
      const Auction now = auctions.get(a.id);
      try {
        const Bid b =
            auctions.bid(Actor::user(who, Role::kUser), a.id, amount, "b" + std::to_string(++keys));
        RC_ASSERT(!ended && now.state == "open");
        RC_ASSERT(amount >= now.next_min);
        top = b.amount;
        leader = who;
        if (b.state == "won") ended = true;
      } catch (const Error& e) {
        // Refused for a reason the model knows, and nothing moved.
        const bool explained = now.state != "open" || w.clock.now() >= now.ends_at ||
                               amount < now.next_min || e.code() == ErrorCode::kInsufficientFunds;
        RC_ASSERT(explained);
      }
    }
    w.clock.advance(15 * kDay);
    auctions.settle_due();
    const Auction done = auctions.get(a.id);
    for (const auto& [b, coins] : start) {
      const int64_t now = w.balance(w.user(b));
      if (leader && b == *leader) {
        RC_ASSERT(now == coins - *top);
        RC_ASSERT(w.balance(w.user(b, relic.asset)) == 1);
      } else {
        RC_ASSERT(now == coins);
      }
    }
    if (top) {
      RC_ASSERT(done.state == std::string("sold"));
      RC_ASSERT(done.top_bidder == leader);
      RC_ASSERT(w.balance(w.user(seller)) == *top - auction_fee(*top));
      RC_ASSERT(fees() - fees_before == auction_fee(*top));
    } else {
      RC_ASSERT(done.state == std::string("unsold"));
      RC_ASSERT(w.balance(w.user(seller, relic.asset)) == 1);
      RC_ASSERT(w.balance(w.user(seller)) == 0);
    }
    RC_ASSERT(w.check().ok());
  });
  EXPECT_TRUE(ok);
  const auto report = w.check();
  EXPECT_TRUE(report.ok()) << check_text(report);
}

}  // namespace
}  // namespace lucas::economy
