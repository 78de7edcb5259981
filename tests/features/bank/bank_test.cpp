// The bank on SQLite and PostgreSQL: legacy test vectors, once-only crediting, profile deltas,
// wins, player resolution, exact fractions, admin rates; property tests.
#include <gtest/gtest.h>
#include <rapidcheck.h>

#include "features/bank/bank.h"
#include "features/users/users.h"
#include "infra/events/outbox.h"
#include "infra/store/migrate.h"
#include "tests/features/bank/bank_fixture.h"
#include "tests/support/databases.h"

namespace lucas::bank {
namespace {

using fixture::ev;
using fixture::World;

class BankTest : public ::testing::TestWithParam<store::Engine> {
 protected:
  BankTest() : w(GetParam()) {}
  World w;
};

TEST_P(BankTest, LegacyTestVectors) {
  w.user(1, "Glinda");
  // Card Очки +10 with k 2 -> 20.
  w.credit(-100, 1, "gd_cards", "card_drop", {ev("Glinda", "10", "points", "accrual")}, 1);
  EXPECT_EQ(w.balance(1), 2000);
  // Fishing +50 -> 70.
  w.credit(-100, 2, "shmalala", "fishing", {ev("Glinda", "50", "coins", "accrual")}, 1);
  EXPECT_EQ(w.balance(1), 7000);
  // Karma like (k 10) -> 80.
  w.credit(-100, 3, "shmalala", "karma_like", {ev("Glinda", "1", "karma", "accrual")}, 1);
  EXPECT_EQ(w.balance(1), 8000);
  // True Mafia win: 10 money x 15 -> 230.
  w.credit(-100, 4, "true_mafia", "game_end", {ev("Glinda", std::nullopt, "money", "win")}, 1);
  EXPECT_EQ(w.balance(1), 23000);
  // Bunker RP win: 30 money x 20 -> 830.
  auto r =
      w.credit(-100, 5, "bunker_rp", "game_end", {ev("Glinda", std::nullopt, "money", "win")}, 1);
  EXPECT_EQ(w.balance(1), 83000);
  ASSERT_EQ(r.credits.size(), 1u);
  EXPECT_EQ(r.credits[0].how, How::kWin);
  EXPECT_EQ(r.credits[0].minor, 60000);
  EXPECT_EQ(r.credits[0].balance_after, 83000);
  EXPECT_TRUE(w.ledger_ok());
}

TEST_P(BankTest, ProfileDeltasKeepDecimals) {
  w.user(1, "Glinda");
  w.bank.set_rate(0, "gd_cards", "orbs", "2");
  auto first = w.credit(-1, 10, "gd_cards", "profile", {ev("Glinda", "121", "orbs", "balance")}, 1);
  ASSERT_EQ(first.credits.size(), 1u);
  EXPECT_EQ(first.credits[0].how, How::kProfileFirstSeen);
  EXPECT_EQ(w.balance(1), 0);
  auto second =
      w.credit(-1, 11, "gd_cards", "profile", {ev("Glinda", "133.8", "orbs", "balance")}, 1);
  EXPECT_EQ(second.credits[0].how, How::kProfileDelta);
  EXPECT_EQ(second.credits[0].game_amount, "12.8");
  EXPECT_EQ(w.balance(1), 2560);  // +25.60
  auto same =
      w.credit(-1, 12, "gd_cards", "profile", {ev("Glinda", "133.8", "orbs", "balance")}, 1);
  EXPECT_EQ(same.credits[0].how, How::kProfileUnchanged);
  auto down = w.credit(-1, 13, "gd_cards", "profile", {ev("Glinda", "130", "orbs", "balance")}, 1);
  EXPECT_EQ(down.credits[0].minor, -760);
  EXPECT_EQ(w.balance(1), 1800);
  EXPECT_TRUE(w.ledger_ok());
}

TEST_P(BankTest, AccrualsKeepTheProfileBaselineInStep) {
  w.user(1, "Glinda");
  w.credit(-1, 1, "gd_cards", "profile", {ev("Glinda", "100", "points", "balance")}, 1);
  w.credit(-1, 2, "gd_cards", "card_drop", {ev("Glinda", "10", "points", "accrual")}, 1);
  EXPECT_EQ(w.balance(1), 2000);
  // The profile now shows 110: already credited through the card, nothing more.
  auto r = w.credit(-1, 3, "gd_cards", "profile", {ev("Glinda", "110", "points", "balance")}, 1);
  EXPECT_EQ(r.credits[0].how, How::kProfileUnchanged);
  EXPECT_EQ(w.balance(1), 2000);
}

TEST_P(BankTest, EachMessageIsCreditedOnceWhoeverAsks) {
  w.user(1, "Glinda");
  w.user(2, "Other");
  auto a = w.credit(-5, 77, "gd_cards", "card_drop", {ev("Glinda", "10", "points", "accrual")}, 1);
  EXPECT_FALSE(a.already_processed);
  auto b = w.credit(-5, 77, "gd_cards", "card_drop", {ev("Glinda", "10", "points", "accrual")}, 2);
  EXPECT_TRUE(b.already_processed);
  EXPECT_TRUE(b.credits.empty());
  EXPECT_EQ(w.balance(1), 2000);
  // The same message id in another chat is another message.
  w.credit(-6, 77, "gd_cards", "card_drop", {ev("Glinda", "10", "points", "accrual")}, 1);
  EXPECT_EQ(w.balance(1), 4000);
}

TEST_P(BankTest, PaysANamedPlayerOnlyOnEvidence) {
  w.user(1, "Replier");
  w.users.upsert({2, "", "Glinda\u200b", "ru"});  // a unique display name, but no link
  // 1. text_mention: a new user is created for the mentioned id, and the nickname is verified.
  auto r = w.credit(-1, 1, "gd_cards", "card_drop", {ev("NickX", "5", "points", "accrual")}, 1,
                    {Mention{"NickX", 555, "Real Name", "realname"}});
  EXPECT_EQ(r.credits[0].user_id, 555);
  EXPECT_EQ(r.credits[0].evidence, "mention");
  EXPECT_EQ(w.users.get(555).display_name, "Real Name");
  r = w.credit(-1, 2, "gd_cards", "card_drop", {ev("nickx", "5", "points", "accrual")}, 1);
  EXPECT_EQ(r.credits[0].user_id, 555) << "the mention verified the link";
  EXPECT_EQ(r.credits[0].evidence, "link");
  EXPECT_EQ(w.balance(555), 2000);
  // 2. a unique display name is not evidence: the credit waits, the replier gets nothing.
  r = w.credit(-1, 3, "shmalala", "fishing", {ev("Glinda", "3", "coins", "accrual")}, 1);
  EXPECT_EQ(r.credits[0].user_id, 0);
  EXPECT_TRUE(r.credits[0].unclaimed);
  EXPECT_EQ(w.balance(2), 0);
  EXPECT_EQ(w.balance(1), 0);
  // 3. a message that names nobody belongs to the replier.
  r = w.credit(-1, 7, "gd_cards", "orb_sale", {ev(std::nullopt, "25", "orbs", "accrual")}, 1);
  EXPECT_EQ(r.credits[0].user_id, 1);
  EXPECT_EQ(r.credits[0].evidence, "replier");
  EXPECT_EQ(w.balance(1), 2500);
  EXPECT_TRUE(w.ledger_ok());
}

TEST_P(BankTest, DebitsThePlayerCannotCoverAreRefusedNotForced) {
  w.user(1, "Glinda");
  auto r =
      w.credit(-1, 1, "shmalala", "karma_dislike", {ev("Glinda", "-1", "karma", "accrual")}, 1);
  ASSERT_EQ(r.credits.size(), 1u);
  EXPECT_EQ(r.credits[0].how, How::kRefused);
  EXPECT_EQ(w.balance(1), 0);
  w.credit(-1, 2, "shmalala", "fishing", {ev("Glinda", "50", "coins", "accrual")}, 1);
  r = w.credit(-1, 3, "shmalala", "karma_dislike", {ev("Glinda", "-1", "karma", "accrual")}, 1);
  EXPECT_EQ(r.credits[0].how, How::kAccrual);
  EXPECT_EQ(w.balance(1), 4000);
  EXPECT_TRUE(w.ledger_ok());
}

TEST_P(BankTest, FractionsAreCarriedNotLost) {
  w.user(1, "Glinda");
  for (int i = 0; i < 10; ++i) {
    w.credit(-1, 100 + i, "gd_cards", "chest", {ev("Glinda", "0.001", "orbs", "accrual")}, 1);
  }
  EXPECT_EQ(w.balance(1), 1);  // 10 x 0.001 = 0.01 coin
}

TEST_P(BankTest, UnconvertedCurrenciesCreditNothing) {
  w.user(1, "Glinda");
  auto r =
      w.credit(-1, 1, "true_mafia", "profile",
               {ev("Glinda", "500", "money", "balance"), ev("Glinda", "7", "gems", "balance")}, 1);
  ASSERT_EQ(r.credits.size(), 2u);
  auto r2 =
      w.credit(-1, 2, "true_mafia", "profile",
               {ev("Glinda", "500", "money", "balance"), ev("Glinda", "9", "gems", "balance")}, 1);
  EXPECT_EQ(r2.credits[1].how, How::kNotConverted);
  EXPECT_EQ(w.balance(1), 0);
}

TEST_P(BankTest, RatesAreAdminOnlyAndValidated) {
  w.user(1, "Plain");
  w.user(2, "Boss", users::Role::kAdmin);
  EXPECT_THROW(w.bank.set_rate(1, "gd_cards", "points", "3"), Error);
  EXPECT_THROW(w.bank.set_rate(2, "gd_cards", "karma", "3"), Error);
  EXPECT_THROW(w.bank.set_rate(2, "chess", "points", "3"), Error);
  EXPECT_THROW(w.bank.set_rate(2, "gd_cards", "points", "-1"), Error);
  EXPECT_THROW(w.bank.set_rate(2, "gd_cards", "points", "1.23456"), Error);
  EXPECT_EQ(w.bank.set_rate(2, "gd_cards", "points", "2.5").k.to_string(), "2.5");
  bool found = false;
  for (const auto& r : w.bank.rates()) {
    if (r.game == "gd_cards" && r.currency == "points") found = r.k.to_string() == "2.5";
  }
  EXPECT_TRUE(found);
  EXPECT_THROW(w.credit(-1, 1, "gd_cards", "card_drop", {ev("Plain", "1", "karma", "accrual")}, 1),
               Error);
}

INSTANTIATE_TEST_SUITE_P(Engines, BankTest,
                         ::testing::Values(store::Engine::kSqlite, store::Engine::kPostgres),
                         [](const auto& p) { return lucas::testing::engine_label(p.param); });

// --- properties (SQLite: the ledger's own suites cover both engines)

TEST(BankProperty, CreditingTheSameMessageNTimesCreditsOnce) {
  World w(store::Engine::kSqlite);
  w.user(1, "Glinda");
  int64_t msg = 0;
  EXPECT_TRUE(rc::check("same message N times credits once", [&] {
    const int n = *rc::gen::inRange(1, 6);
    const int64_t amount = *rc::gen::inRange<int64_t>(0, 100'000);
    const int64_t before = w.balance(1);
    ++msg;
    for (int i = 0; i < n; ++i) {
      w.credit(-9, msg, "gd_cards", "card_drop",
               {ev("Glinda", std::to_string(amount), "points", "accrual")}, 1);
    }
    RC_ASSERT(w.balance(1) - before == amount * 2 * 100);
  }));
}

TEST(BankProperty, ProfileDeltasSumToLastMinusFirst) {
  World w(store::Engine::kSqlite);
  int64_t user = 100;
  EXPECT_TRUE(rc::check("profile deltas sum to last - first", [&] {
    ++user;
    w.user(user, "P" + std::to_string(user));
    // Balances only grow here, so no debit can be refused.
    auto steps = *rc::gen::container<std::vector<int64_t>>(rc::gen::inRange<int64_t>(0, 50'000));
    int64_t shown = *rc::gen::inRange<int64_t>(0, 1'000'000);
    const int64_t first = shown;
    int64_t msg = user * 1000;
    auto show = [&](int64_t tenths) {
      const std::string amount = std::to_string(tenths / 10) + "." + std::to_string(tenths % 10);
      w.credit(-3, ++msg, "gd_cards", "profile",
               {ev("P" + std::to_string(user), amount, "orbs", "balance")}, user);
    };
    show(shown);
    for (int64_t s : steps) {
      shown += s;
      show(shown);
    }
    // k(orbs) = 1: (last - first) tenths of an orb = (last - first) * 10 minor units.
    RC_ASSERT(w.balance(user) == (shown - first) * 10);
    RC_ASSERT(w.ledger_ok());
  }));
}

TEST(BankProperty, LedgerInvariantsHoldAfterAnyMixOfParses) {
  World w(store::Engine::kSqlite);
  for (int i = 1; i <= 3; ++i) w.user(i, "U" + std::to_string(i));
  int64_t msg = 0;
  EXPECT_TRUE(rc::check("ledger invariants after any mix of parses", [&] {
    const auto n = *rc::gen::inRange(1, 20);
    for (int i = 0; i < n; ++i) {
      const int who = *rc::gen::inRange(1, 4);
      const std::string name = "U" + std::to_string(who);
      const int kind = *rc::gen::inRange(0, 5);
      const int64_t amount = *rc::gen::inRange<int64_t>(0, 5'000);
      const int64_t chat = -1 - *rc::gen::inRange(0, 2);
      const int64_t m = *rc::gen::inRange<int64_t>(0, 3) == 0 ? msg : ++msg;  // some repeats
      switch (kind) {
        case 0:
          w.credit(chat, m, "gd_cards", "card_drop",
                   {ev(name, std::to_string(amount), "points", "accrual")}, who);
          break;
        case 1:
          w.credit(chat, m, "gd_cards", "profile",
                   {ev(name, std::to_string(amount) + ".5", "orbs", "balance")}, who);
          break;
        case 2:
          w.credit(chat, m, "shmalala", "karma_dislike", {ev(name, "-1", "karma", "accrual")}, who);
          break;
        case 3:
          w.credit(chat, m, "true_mafia", "game_end", {ev(name, std::nullopt, "money", "win")},
                   who);
          break;
        default:
          w.credit(chat, m, "gusya_cards", "goose_card",
                   {ev(std::nullopt, "-" + std::to_string(amount), "goose_coins", "accrual")}, who);
          break;
      }
    }
    for (int i = 1; i <= 3; ++i) RC_ASSERT(w.balance(i) >= 0);
    RC_ASSERT(w.ledger_ok());
  }));
}

}  // namespace
}  // namespace lucas::bank
