// Properties 15 and 16 of trading.
//   15: for any interleaving of offers, edits, accepts, cancels, declines and expiries among
//       three players (coins, a plain item and a numbered one), every trade is all or nothing:
//       after each step every balance equals a model in which a trade moves both sides at once
//       (less the 5 % fee to the fees account) or nothing, and the ledger check (conservation,
//       escrow, numbered instances) passes.
//   16: for any two side values, a trade is flagged low_value exactly when one side is worth
//       less than 10 % of the other — by the rule itself and through the service.
// Also the fee rule: 5 % rounded up, never more than the coins, the receiver's part exact.
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
__extension__ using Wide = __int128;  // exact products to check the rules against

TEST(TradeRules, Property16_AnySidesAreFlaggedExactlyWhenOneIsUnderTenPercentOfTheOther) {
  const bool ok = rc::check("lopsided iff 10 * low < high", [] {
    const int64_t a = *rc::gen::inRange<int64_t>(0, INT64_MAX);
    const int64_t b =
        *rc::gen::oneOf(rc::gen::inRange<int64_t>(0, INT64_MAX),
                        rc::gen::inRange<int64_t>(std::max<int64_t>(0, a / 10 - 2), a / 10 + 2),
                        rc::gen::inRange<int64_t>(0, 1000));
    const Wide low = std::min(a, b);
    const Wide high = std::max(a, b);
    RC_ASSERT(lopsided(a, b) == (low * 10 < high));
    RC_ASSERT(lopsided(a, b) == lopsided(b, a));
  });
  EXPECT_TRUE(ok);
  EXPECT_TRUE(lopsided(99, 1000));
  EXPECT_FALSE(lopsided(100, 1000));  // exactly 10 % is not under it
  EXPECT_FALSE(lopsided(0, 0));
  EXPECT_TRUE(lopsided(0, 1));
}

TEST(TradeRules, TheFeeIsFivePercentRoundedUpAndTheReceiverGetsTheRest) {
  const bool ok = rc::check("fee = ceil(coins / 20)", [] {
    const int64_t coins = *rc::gen::inRange<int64_t>(kMinTradeCoins, INT64_MAX);
    const int64_t fee = trade_fee(coins);
    RC_ASSERT(static_cast<Wide>(fee) * 20 >= coins);
    RC_ASSERT(static_cast<Wide>(fee - 1) * 20 < coins);
    RC_ASSERT(coins - fee > 0);  // the receiver always gets something
  });
  EXPECT_TRUE(ok);
  EXPECT_EQ(trade_fee(0), 0);
  EXPECT_EQ(trade_fee(100), 5);
  EXPECT_EQ(trade_fee(101), 6);  // 5.05 rounds up
  EXPECT_EQ(trade_fee(15'000), 750);
}

// One world for every case: each case plays with three fresh players.
struct World : testing::Market {
  World() : Market(store::Engine::kSqlite) {
    ItemDraft d = testing::item_draft("gem", 1'000);
    d.min_price = d.max_price = 1'000;
    gem = economy.create_item(Actor::console_operator(), d);
    d = testing::item_draft("badge", 1'000);
    d.min_price = d.max_price = 1'000;
    d.total_supply = 100'000;
    d.serialized = true;
    badge = economy.create_item(Actor::console_operator(), d);
  }
  Item gem, badge;
  int64_t next_user = 1000;
  int64_t keys = 0;
};

struct Holding {
  int64_t coins = 0, gems = 0, badges = 0;
  bool operator==(const Holding& o) const {
    return coins == o.coins && gems == o.gems && badges == o.badges;
  }
};

struct Offer {
  int64_t id;
  int from, to;
  Holding give, want;
};

TEST(TradeRules, Property15_AnyInterleavingIsAllOrNothingAndConservesEverything) {
  World world;
  world.w.clock.advance(30 * kDay);
  const bool ok = rc::check("every trade moves both sides or nothing", [&] {
    auto& trades = world.trades;
    int64_t ids[3];
    std::map<int, Holding> model;
    for (int p = 0; p < 3; ++p) {
      ids[p] = ++world.next_user;
      world.users.upsert({ids[p], "", "P", "ru"});
      Holding h{*rc::gen::inRange<int64_t>(0, 3) * 1'000, *rc::gen::inRange<int64_t>(0, 3),
                *rc::gen::inRange<int64_t>(0, 3)};
      // Coins to buy the items, then the coins the player keeps.
      if (h.coins + h.gems + h.badges > 0) {
        world.w.move("seed:" + std::to_string(ids[p]), world.w.mint(), world.w.user(ids[p]),
                     h.coins + (h.gems + h.badges) * 1'000);
      }
      for (const auto& [item, n] :
           {std::pair{world.gem, h.gems}, std::pair{world.badge, h.badges}}) {
        if (n == 0) continue;
        const Quote q = world.economy.quote(Actor::user(ids[p], Role::kUser), item.id, n);
        world.economy.buy(Actor::user(ids[p], Role::kUser), q.id,
                          "b" + std::to_string(++world.keys));
      }
      model[p] = h;
    }
    const auto actual = [&](int p) {
      return Holding{world.w.balance(world.w.user(ids[p])),
                     world.w.balance(world.w.user(ids[p], world.gem.asset)),
                     world.w.balance(world.w.user(ids[p], world.badge.asset))};
    };
    const auto side = [&](const Holding& h) {
      TradeSide s{h.coins, {}};
      if (h.gems > 0) s.items.push_back({world.gem.id, h.gems, {}, "", ""});
      if (h.badges > 0) s.items.push_back({world.badge.id, h.badges, {}, "", ""});
      return s;
    };
    const auto gen_side = [] {
      return Holding{*rc::gen::elementOf(std::vector<int64_t>{0, 0, 100, 500, 2'000}),
                     *rc::gen::inRange<int64_t>(0, 3), *rc::gen::inRange<int64_t>(0, 2)};
    };
    const auto covers = [](const Holding& have, const Holding& need) {
      return have.coins >= need.coins && have.gems >= need.gems && have.badges >= need.badges;
    };
    std::vector<Offer> open;
    const int steps = *rc::gen::inRange(1, 25);
    for (int step = 0; step < steps; ++step) {
      const int op = *rc::gen::inRange(0, 10);
      if (op < 4 || open.empty()) {  // offer
        const int from = *rc::gen::inRange(0, 3);
        const int to = (from + *rc::gen::inRange(1, 3)) % 3;
        const Holding give = gen_side(), want = gen_side();
        TradeDraft d{ids[to], side(give), side(want), "", true};
        const bool empty = give == Holding{} && want == Holding{};
        try {
          const Trade t = trades.offer(Actor::user(ids[from], Role::kUser), d,
                                       "o" + std::to_string(++world.keys));
          RC_ASSERT(!empty && covers(model[from], give));
          // Property 16 through the service.
          const bool flagged =
              std::find(t.flags.begin(), t.flags.end(), "low_value") != t.flags.end();
          RC_ASSERT(flagged == lopsided(t.give_value, t.want_value));
          RC_ASSERT(t.give_value == give.coins + (give.gems + give.badges) * 1'000);
          model[from].coins -= give.coins;
          model[from].gems -= give.gems;
          model[from].badges -= give.badges;
          open.push_back({t.id, from, to, give, want});
        } catch (const Error& e) {
          const ErrorCode expected =
              empty ? ErrorCode::kInvalidArgument : ErrorCode::kInsufficientFunds;
          RC_ASSERT(e.code() == expected);
          const bool explained = empty || !covers(model[from], give);
          RC_ASSERT(explained);
        }
      } else if (op < 7) {  // accept
        const size_t i = *rc::gen::inRange<size_t>(0, open.size());
        const Offer o = open[i];
        try {
          trades.accept(Actor::user(ids[o.to], Role::kUser), o.id, 1, true);
          RC_ASSERT(covers(model[o.to], o.want));
          Holding& a = model[o.from];
          Holding& b = model[o.to];
          b.coins += o.give.coins - trade_fee(o.give.coins) - o.want.coins;
          b.gems += o.give.gems - o.want.gems;
          b.badges += o.give.badges - o.want.badges;
          a.coins += o.want.coins - trade_fee(o.want.coins);
          a.gems += o.want.gems;
          a.badges += o.want.badges;
          open.erase(open.begin() + static_cast<std::ptrdiff_t>(i));
        } catch (const Error& e) {
          RC_ASSERT(e.code() == ErrorCode::kInsufficientFunds);
          RC_ASSERT(!covers(model[o.to], o.want));
        }
      } else if (op < 9) {  // cancel (initiator) or decline (recipient)
        const size_t i = *rc::gen::inRange<size_t>(0, open.size());
        const Offer o = open[i];
        const bool by_recipient = *rc::gen::arbitrary<bool>();
        const Trade t =
            trades.cancel(Actor::user(ids[by_recipient ? o.to : o.from], Role::kUser), o.id);
        RC_ASSERT(t.state == (by_recipient ? std::string("declined") : std::string("cancelled")));
        model[o.from].coins += o.give.coins;
        model[o.from].gems += o.give.gems;
        model[o.from].badges += o.give.badges;
        open.erase(open.begin() + static_cast<std::ptrdiff_t>(i));
      } else {  // a day passes: every open offer expires
        world.w.clock.advance(kDay);
        trades.expire();
        for (const auto& o : open) {
          RC_ASSERT(trades.get(Actor::user(ids[o.from], Role::kUser), o.id).state == "expired");
          model[o.from].coins += o.give.coins;
          model[o.from].gems += o.give.gems;
          model[o.from].badges += o.give.badges;
        }
        open.clear();
      }
      for (int p = 0; p < 3; ++p) RC_ASSERT(actual(p) == model[p]);
    }
    // Whatever is still open is returned, so each case starts clean.
    for (const auto& o : open) trades.cancel(Actor::user(ids[o.from], Role::kUser), o.id);
    const auto report = world.w.check();
    RC_ASSERT(report.ok());
  });
  EXPECT_TRUE(ok);
  const auto report = world.w.check();
  EXPECT_TRUE(report.ok()) << check_text(report);
}

}  // namespace
}  // namespace lucas::economy
