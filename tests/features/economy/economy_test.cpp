// The economy's core on SQLite and PostgreSQL: the admins' catalogue (validated, audited, refused
// to players), quotes and purchases (the price charged is the quote's; a repeat buys once),
// hostile players (someone else's quote, a used or expired quote, a reused key, no coins, bad
// quantities: each refused with nothing moved), a limited item bought by 1,000 concurrent buyers
// (exactly its supply sold, serials unique, the ledger balanced), per-user limits, inventories
// and who may read them, the serialized instances' ledger invariant, and the daily repricing
// (Property 14 through the service, with a moved clock).
#include <gtest/gtest.h>

#include <atomic>
#include <cstdlib>
#include <functional>
#include <set>
#include <thread>

#include "features/economy/economy.h"
#include "infra/audit/audit.h"
#include "tests/features/economy/market_fixture.h"
#include "tests/ledger/ledger_fixture.h"

namespace lucas::economy {
namespace {

using ledger::testing::check_text;
using ledger::testing::LedgerWorld;
using testing::error_of;
using testing::reason;
using users::Actor;
using users::Role;

constexpr Micros kDay = 86'400'000'000;

class EconomyTest : public ::testing::TestWithParam<store::Engine> {
 protected:
  EconomyTest() : w(GetParam()), audit(w.clock), service(w.db(), w.ledger, &audit, w.clock) {
    store::migrate(w.db(), {audit::migrations(), migrations()}, w.clock);
  }
  Actor admin() { return Actor::user(900, Role::kAdmin); }
  Actor player(int64_t id) { return Actor::user(id, Role::kUser); }
  void give(int64_t user, int64_t coins) {
    w.move("seed:" + std::to_string(user) + ":" + std::to_string(++seeds), w.mint(), w.user(user),
           coins);
  }
  int64_t coins(int64_t user) { return w.balance(w.user(user)); }
  int64_t units(int64_t user, const Item& item) {
    return w.db().read([&](store::Tx& tx) {
      const auto a = w.ledger.find_user_account(tx, user, item.asset);
      return a ? w.ledger.account(tx, *a).balance : 0;
    });
  }
  int64_t audited(const std::string& action, const std::string& result) {
    return w.db().read([&](store::Tx& tx) {
      audit::Query q;
      q.action = action;
      q.limit = 1000;
      int64_t n = 0;
      for (const auto& e : audit.search(tx, q)) n += e.result == result;
      return n;
    });
  }
  Purchase buy(int64_t user, const Item& item, int64_t quantity, const std::string& key) {
    const Quote q = service.quote(player(user), item.id, quantity);
    return service.buy(player(user), q.id, key);
  }

  LedgerWorld w;
  audit::AuditLog audit;
  EconomyService service;
  int seeds = 0;
};

TEST_P(EconomyTest, OnlyAdminsKeepTheCatalogueAndBadFieldsAreNamed) {
  const Error refused =
      error_of([&] { service.create_item(player(101), testing::item_draft("dice")); });
  EXPECT_EQ(refused.code(), ErrorCode::kForbidden);
  EXPECT_EQ(audited("economy.item_create", "denied"), 1);
  EXPECT_EQ(error_of([&] {
              service.create_item(Actor::anonymous(), testing::item_draft("dice"));
            }).code(),
            ErrorCode::kUnauthorized);

  const auto field_of = [&](ItemDraft d) {
    const Error e = error_of([&] { service.create_item(admin(), d); });
    EXPECT_EQ(e.code(), ErrorCode::kInvalidArgument) << e.what();
    return e.details().value("field", std::string());
  };
  auto d = testing::item_draft("Bad Slug");
  EXPECT_EQ(field_of(d), "slug");
  d = testing::item_draft("dice");
  d.rarity = "mythic";
  EXPECT_EQ(field_of(d), "rarity");
  d = testing::item_draft("dice");
  d.min_price = 0;
  EXPECT_EQ(field_of(d), "min_price");
  d = testing::item_draft("dice");
  d.base_price = 100'000;  // above max
  EXPECT_EQ(field_of(d), "base_price");
  d = testing::item_draft("dice");
  d.serialized = true;  // without a supply
  EXPECT_EQ(field_of(d), "serialized");
  d = testing::item_draft("dice");
  d.name_en = "";
  EXPECT_EQ(field_of(d), "name_en");

  const Item dice = service.create_item(admin(), testing::item_draft("dice"));
  EXPECT_EQ(dice.asset, "ITEM_" + std::to_string(dice.id));
  EXPECT_EQ(dice.price, 10'000);
  EXPECT_EQ(audited("economy.item_create", "ok"), 1);
  EXPECT_EQ(error_of([&] { service.create_item(admin(), testing::item_draft("dice")); }).code(),
            ErrorCode::kConflict);

  // Changing: fixed fields refused; new bounds pull the price inside them; audited.
  ItemDraft change;
  change.total_supply = 5;
  EXPECT_EQ(error_of([&] { service.update_item(admin(), dice.id, change); }).code(),
            ErrorCode::kInvalidArgument);
  change = {};
  change.min_price = 20'000;
  change.base_price = 20'000;
  change.seasonal_pct = 150;
  const Item changed = service.update_item(admin(), dice.id, change);
  EXPECT_EQ(changed.price, 20'000);
  EXPECT_EQ(changed.shown(), 30'000);
  EXPECT_EQ(audited("economy.item_update", "ok"), 1);
  EXPECT_EQ(error_of([&] { service.update_item(player(101), dice.id, change); }).code(),
            ErrorCode::kForbidden);
}

TEST_P(EconomyTest, AQuoteIsThePriceChargedAndARepeatBuysOnce) {
  const Item dice = service.create_item(admin(), testing::item_draft("dice"));
  give(101, 100'000);
  const Quote q = service.quote(player(101), dice.id, 3);
  EXPECT_EQ(q.unit_price, 10'000);
  EXPECT_EQ(q.total, 30'000);
  // The price moves after the quote: the quote still holds.
  ItemDraft dearer;
  dearer.base_price = 15'000;
  service.update_item(admin(), dice.id, dearer);
  const Purchase p = service.buy(player(101), q.id, "k1");
  EXPECT_FALSE(p.replayed);
  EXPECT_EQ(p.total, 30'000);
  EXPECT_EQ(coins(101), 70'000);
  EXPECT_EQ(units(101, dice), 3);
  // Hostile: the same key again (a double tap, a retried request) buys nothing more.
  const Purchase again = service.buy(player(101), q.id, "k1");
  EXPECT_TRUE(again.replayed);
  EXPECT_EQ(again.id, p.id);
  EXPECT_EQ(coins(101), 70'000);
  EXPECT_EQ(units(101, dice), 3);
  const auto report = w.check();
  EXPECT_TRUE(report.ok()) << check_text(report);
  EXPECT_EQ(service.item(dice.id).sold, 3);
}

TEST_P(EconomyTest, HostilePlayersAreRefusedAndNothingMoves) {
  const Item dice = service.create_item(admin(), testing::item_draft("dice"));
  give(101, 100'000);
  give(102, 100'000);
  const Quote mine = service.quote(player(101), dice.id, 1);
  // Someone else's quote does not exist for them.
  EXPECT_EQ(error_of([&] { service.buy(player(102), mine.id, "steal"); }).code(),
            ErrorCode::kNotFound);
  EXPECT_EQ(error_of([&] { service.buy(player(102), "q_made_up", "k"); }).code(),
            ErrorCode::kNotFound);
  // Bad quantities and keys.
  for (int64_t n : {int64_t{0}, int64_t{-5}, int64_t{101}}) {
    EXPECT_EQ(error_of([&] { service.quote(player(101), dice.id, n); }).code(),
              ErrorCode::kInvalidArgument)
        << n;
  }
  EXPECT_EQ(error_of([&] { service.buy(player(101), mine.id, ""); }).code(),
            ErrorCode::kInvalidArgument);
  EXPECT_EQ(error_of([&] { service.quote(player(101), 999, 1); }).code(), ErrorCode::kNotFound);
  // A used quote cannot be bought again under another key; a key cannot buy another quote.
  service.buy(player(101), mine.id, "first");
  EXPECT_EQ(reason(error_of([&] { service.buy(player(101), mine.id, "second"); })), "quote_used");
  const Quote other = service.quote(player(101), dice.id, 1);
  EXPECT_EQ(error_of([&] { service.buy(player(101), other.id, "first"); }).code(),
            ErrorCode::kIdempotencyConflict);
  // An expired quote names the current price.
  w.clock.advance(61'000'000);
  const Error expired = error_of([&] { service.buy(player(101), other.id, "late"); });
  EXPECT_EQ(reason(expired), "quote_expired");
  EXPECT_EQ(expired.details()["current"], 10'000);
  // No coins: refused, the quote is not spent, nothing moved.
  const Quote broke = service.quote(player(103), dice.id, 1);
  EXPECT_EQ(error_of([&] { service.buy(player(103), broke.id, "b"); }).code(),
            ErrorCode::kInsufficientFunds);
  EXPECT_EQ(units(103, dice), 0);
  give(103, 10'000);
  EXPECT_EQ(service.buy(player(103), broke.id, "b").total, 10'000);
  // The console is not a player; anonymous is nobody.
  EXPECT_EQ(error_of([&] { service.quote(Actor::anonymous(), dice.id, 1); }).code(),
            ErrorCode::kUnauthorized);
  EXPECT_EQ(coins(101), 90'000);
  EXPECT_EQ(coins(102), 100'000);
  EXPECT_EQ(units(101, dice), 1);
  EXPECT_EQ(units(102, dice), 0);
  const auto report = w.check();
  EXPECT_TRUE(report.ok()) << check_text(report);
}

TEST_P(EconomyTest, ALimitedItemNeverOversellsUnderAThousandConcurrentBuyers) {
  auto d = testing::item_draft("crown", 1'000);
  d.total_supply = 100;
  d.serialized = true;
  const Item crown = service.create_item(admin(), d);
  constexpr int kBuyers = 1000;
  w.db().transact([&](store::Tx& tx) {
    const auto mint = w.ledger.system_account(tx, "mint:test", ledger::kCoin, true);
    for (int i = 0; i < kBuyers; ++i) {
      w.ledger.move(tx, "seed:" + std::to_string(i), mint,
                    w.ledger.user_account(tx, 1000 + i, "COIN"), 1'000, ledger::kCoin, "test");
    }
  });
  const auto left_listed = [&] {
    const auto page = service.browse(Actor::anonymous(), {});
    return page.items.empty() ? std::optional<int64_t>(-1) : page.items[0].item.left();
  };
  EXPECT_EQ(left_listed(), 100);  // the listing's copy of the catalogue is built now
  std::atomic<int> next{0}, bought{0}, sold_out{0}, other{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&] {
      for (int i = next++; i < kBuyers; i = next++) {
        try {
          buy(1000 + i, crown, 1, "crown");
          ++bought;
        } catch (const Error& e) {
          (reason(e) == "sold_out" ? sold_out : other)++;
        }
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(bought.load(), 100);
  EXPECT_EQ(sold_out.load(), kBuyers - 100);
  EXPECT_EQ(other.load(), 0);
  const Item after = service.item(crown.id);
  EXPECT_EQ(after.sold, 100);
  EXPECT_EQ(after.left(), 0);
  EXPECT_EQ(left_listed(), 0);  // purchases drop the listing's copy at once
  std::set<int64_t> serials;
  int64_t holders = 0;
  for (int i = 0; i < kBuyers; ++i) {
    const auto held = service.inventory(player(1000 + i), 1000 + i);
    if (held.empty()) continue;
    ++holders;
    ASSERT_EQ(held.size(), 1u);
    ASSERT_EQ(held[0].serials.size(), 1u);
    serials.insert(held[0].serials[0]);
    EXPECT_EQ(coins(1000 + i), 0);
  }
  EXPECT_EQ(holders, 100);
  EXPECT_EQ(serials.size(), 100u);
  EXPECT_EQ(*serials.begin(), 1);
  EXPECT_EQ(*serials.rbegin(), 100);
  const auto report = w.check();
  EXPECT_TRUE(report.ok()) << check_text(report);
}

TEST_P(EconomyTest, PerUserLimitsAndAvailabilityAreKept) {
  auto d = testing::item_draft("badge", 100);
  d.per_user_limit = 2;
  const Item badge = service.create_item(admin(), d);
  give(101, 10'000);
  buy(101, badge, 2, "a");
  const Error over = error_of([&] { service.quote(player(101), badge.id, 1); });
  EXPECT_EQ(reason(over), "limit");
  EXPECT_EQ(over.details()["may_buy"], 0);
  ItemDraft window;
  window.available_from = w.clock.now() + kDay;
  const Item later = service.update_item(admin(), badge.id, window);
  EXPECT_EQ(reason(error_of([&] { service.quote(player(102), later.id, 1); })), "not_on_sale");
  EXPECT_EQ(service.browse(Actor::anonymous(), {}).total, 0);  // not listed either
  ShopQuery all;
  all.include_inactive = true;
  EXPECT_EQ(service.browse(admin(), all).total, 1);
  EXPECT_EQ(error_of([&] { service.browse(player(101), all); }).code(), ErrorCode::kForbidden);
}

TEST_P(EconomyTest, InventoriesAreTheirOwnersAndAdmins) {
  const Item dice = service.create_item(admin(), testing::item_draft("dice"));
  give(101, 100'000);
  buy(101, dice, 2, "a");
  const auto mine = service.inventory(player(101), 101);
  ASSERT_EQ(mine.size(), 1u);
  EXPECT_EQ(mine[0].quantity, 2);
  EXPECT_EQ(mine[0].item.id, dice.id);
  EXPECT_EQ(error_of([&] { service.inventory(player(102), 101); }).code(), ErrorCode::kForbidden);
  EXPECT_EQ(service.inventory(admin(), 101).size(), 1u);
  Actor scoped = player(101);
  scoped.scopes = std::vector<std::string>{"balance:read"};
  EXPECT_EQ(error_of([&] { service.inventory(scoped, 101); }).code(),
            ErrorCode::kInsufficientScope);
}

// Serialized units are rows naming their owner; the ledger's check proves they match balances,
// so a hand-edited owner (a hostile database edit) is caught.
TEST_P(EconomyTest, TheLedgerCheckCatchesAnInstanceMovedOutsideTheLedger) {
  auto d = testing::item_draft("crown", 100);
  d.total_supply = 10;
  d.serialized = true;
  const Item crown = service.create_item(admin(), d);
  give(101, 10'000);
  EXPECT_EQ(buy(101, crown, 2, "a").serials, (std::vector<int64_t>{1, 2}));
  EXPECT_TRUE(w.check().ok()) << check_text(w.check());
  w.db().transact([&](store::Tx& tx) {
    tx.exec("UPDATE economy_instances SET owner_id = 102 WHERE serial = 2");
  });
  const auto report = w.check();
  ASSERT_FALSE(report.ok());
  EXPECT_NE(check_text(report).find(crown.asset + " user 101: 1 instances, balance 2"),
            std::string::npos)
      << check_text(report);
  EXPECT_NE(check_text(report).find(crown.asset + " user 102: 1 instances, balance 0"),
            std::string::npos)
      << check_text(report);
}

// Property 14 through the service: demand raises the price, quiet lowers it, each day's step is
// within 20 % and the bounds, a rerun the same day changes nothing, and the history is kept.
TEST_P(EconomyTest, Property14_TheDailyRepricingFollowsDemandWithinBounds) {
  const Item dice =
      service.create_item(admin(), testing::item_draft("dice", 10'000));  // bounds 5,000..40,000
  give(101, 100'000'000);
  int64_t last = dice.price;
  for (int day = 1; day <= 10; ++day) {
    for (int i = 0; i < 3 * day; ++i)
      buy(101, dice, 1, "d" + std::to_string(day) + ":" + std::to_string(i));
    w.clock.advance(kDay);
    EXPECT_EQ(service.reprice(), 1);
    EXPECT_EQ(service.reprice(), 0);  // once a day
    const int64_t now = service.item(dice.id).price;
    EXPECT_GE(now, last) << day;  // demand keeps growing
    EXPECT_LE(now * 10, last * 12) << day;
    EXPECT_LE(now, 40'000);
    last = now;
  }
  EXPECT_GT(last, dice.price);
  // The listing's trend: today's price against the latest one at least 7 days old.
  const auto rising = service.price_history(dice.id, 30);
  int64_t week_ago = 0;
  for (const auto& p : rising) {
    if (p.day <= w.clock.now() - 7 * kDay) week_ago = p.price;
  }
  const auto listed = service.browse(Actor::anonymous(), {});
  ASSERT_EQ(listed.items.size(), 1u);
  ASSERT_GT(week_ago, 0);
  EXPECT_EQ(listed.items[0].trend_bp, (last - week_ago) * 10'000 / week_ago);
  EXPECT_GT(listed.items[0].trend_bp, 0);
  // Buying stops: while the last week sells less than the week before, the price falls; once
  // both weeks are empty it stays. Every step within 20 % and the bounds.
  const int64_t peak = last;
  for (int day = 0; day < 20; ++day) {
    w.clock.advance(kDay);
    service.reprice();
    const int64_t now = service.item(dice.id).price;
    EXPECT_LE(std::abs(now - last) * 10, last * 2) << day;
    EXPECT_GE(now, 5'000);
    EXPECT_LE(now, 40'000);
    if (day >= 7) {
      EXPECT_LE(now, last) << day;  // the busy days have left the last week
    }
    if (day >= 14) {
      EXPECT_EQ(now, last) << day;  // two empty weeks: no change
    }
    last = now;
  }
  EXPECT_LT(last, peak);
  const auto history = service.price_history(dice.id, 30);
  EXPECT_EQ(history.size(), 30u);
  EXPECT_EQ(history.back().price, last);
}

INSTANTIATE_TEST_SUITE_P(Engines, EconomyTest,
                         ::testing::Values(store::Engine::kSqlite, store::Engine::kPostgres),
                         [](const auto& p) { return lucas::testing::engine_label(p.param); });

}  // namespace
}  // namespace lucas::economy
