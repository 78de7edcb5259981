// Trading's bot face, in Russian by default and English for English-language users: /trade reads
// "#3x2 50 for #7" and offers it (with a Cancel button), a lopsided offer asks for confirmation
// with a button that repeats it confirmed; /trades lists open offers with Accept/Decline or
// Cancel buttons and finished ones; /tradeok accepts (pressing twice settles once) and /tradeno
// declines; the refusals are explained; bad arguments get the usage line.
#include <gtest/gtest.h>

#include "features/economy/trade_bot.h"
#include "tests/features/economy/market_fixture.h"

namespace lucas::economy {
namespace {

using users::Actor;
using users::Role;

class TradeBotTest : public ::testing::Test, protected testing::Market {
 protected:
  TradeBotTest() : Market(store::Engine::kSqlite) {
    alice = users.upsert({101, "alice", "Алиса", "ru"});
    bob = users.upsert({102, "bob", "Bob", "en"});
    w.clock.advance(30 * 86'400'000'000LL);
    ItemDraft d = testing::item_draft("dice", 10'000);
    d.name_ru = "Кубик";
    d.name_en = "Die";
    dice = economy.create_item(Actor::console_operator(), d);
    buy(101, dice, 2);
    give(101, 10'000);
    give(102, 20'000);
  }
  static std::string button(const telegram::Reply& r, size_t row = 0, size_t col = 0) {
    return r.keyboard.at(row).at(col).command;
  }

  users::User alice, bob;
  Item dice;
};

TEST_F(TradeBotTest, ParsesSides) {
  const auto s = parse_trade_side("#3x2 12.50 #7");
  ASSERT_TRUE(s);
  EXPECT_EQ(s->coins, 1'250);
  ASSERT_EQ(s->items.size(), 2u);
  EXPECT_EQ(s->items[0].item_id, 3);
  EXPECT_EQ(s->items[0].quantity, 2);
  EXPECT_EQ(s->items[1].item_id, 7);
  EXPECT_EQ(s->items[1].quantity, 1);
  EXPECT_EQ(parse_trade_side("#4×3")->items.at(0).quantity, 3);
  EXPECT_TRUE(parse_trade_side("-")->empty());
  EXPECT_FALSE(parse_trade_side("#3 #3"));
  EXPECT_FALSE(parse_trade_side("10 20"));
  EXPECT_FALSE(parse_trade_side("#x"));
  EXPECT_FALSE(parse_trade_side("abc"));
}

TEST_F(TradeBotTest, OfferListAcceptInBothLanguages) {
  const std::string id = std::to_string(dice.id);
  const auto made = trade_reply(trades, users, alice, "@bob #" + id + "x2 за 150", "u1");
  EXPECT_NE(made.text.find("🤝 Предложение №"), std::string::npos) << made.text;
  EXPECT_NE(made.text.find("вы отдаёте 2 × Кубик и получаете 150.00 монет"), std::string::npos)
      << made.text;
  EXPECT_NE(made.text.find("Комиссия с получаемых монет: 7.50"), std::string::npos) << made.text;
  ASSERT_EQ(button(made).rfind("/tradeno ", 0), 0u);
  const std::string trade_id = button(made).substr(9);
  // The same update redelivered offers once.
  trade_reply(trades, users, alice, "@bob #" + id + "x2 за 150", "u1");
  EXPECT_EQ(trades.list(Actor::user(101, Role::kUser), {}).size(), 1u);

  const auto open = trades_reply(trades, bob, "");
  EXPECT_NE(open.text.find("🤝 Open trade offers:"), std::string::npos) << open.text;
  EXPECT_NE(open.text.find("№" + trade_id + " from #101: you get 2 × Die, you give 150.00 coins"),
            std::string::npos)
      << open.text;
  EXPECT_EQ(button(open, 0, 0), "/tradeok " + trade_id + " 1");
  EXPECT_EQ(button(open, 0, 1), "/tradeno " + trade_id);

  const auto done = trade_accept_reply(trades, bob, trade_id + " 1");
  EXPECT_EQ(done.text, "✅ Trade №" + trade_id + " is done: you got 2 × Die and gave 150.00 coins.");
  EXPECT_EQ(trade_accept_reply(trades, bob, trade_id + " 1").text,
            "Trade №" + trade_id + " was already done: you got 2 × Die and gave 150.00 coins.");
  EXPECT_EQ(w.balance(w.user(102)), 5'000);
  EXPECT_EQ(w.balance(w.user(101)), 10'000 + 15'000 - 750);
  EXPECT_NE(trades_reply(trades, alice, "done").text.find("состоялся"), std::string::npos);
  EXPECT_EQ(trades_reply(trades, alice, "").text, "Здесь обменов нет.");
}

TEST_F(TradeBotTest, LopsidedOffersAskForConfirmationAndRefusalsAreExplained) {
  const std::string id = std::to_string(dice.id);
  const auto warn = trade_reply(trades, users, alice, "@bob #" + id + " for 1", "u1");
  EXPECT_NE(
      warn.text.find(
          "⚠️ Вы отдаёте больше чем в десять раз дороже"),
      std::string::npos)
      << warn.text;
  EXPECT_NE(warn.text.find("100.00 против 1.00"), std::string::npos) << warn.text;
  EXPECT_EQ(button(warn), "/trade @bob #" + id + " for 1 !");
  EXPECT_TRUE(trades.list(Actor::user(101, Role::kUser), {}).empty());
  const auto made = trade_reply(trades, users, alice, "@bob #" + id + " for 1 !", "u2");
  const std::string trade_id = button(made).substr(9);
  EXPECT_NE(made.text.find("🤝"), std::string::npos) << made.text;

  EXPECT_EQ(trade_accept_reply(trades, bob, trade_id + " 7").text,
            "The offer has changed since you saw it: look at the new version in /trades and "
            "accept that one.");
  EXPECT_EQ(trade_cancel_reply(trades, bob, trade_id).text,
            "You declined trade №" + trade_id + "; everything went back to its owner.");
  EXPECT_EQ(trade_cancel_reply(trades, bob, trade_id).text, "This trade is already declined.");
  EXPECT_EQ(trade_reply(trades, users, alice, "@nobody 10 for 20", "u3").text,
            "Я не знаю @nobody: пусть сначала напишет мне.");
  EXPECT_EQ(trade_reply(trades, users, alice, "@bob #" + id + "x9 for 1000", "u4").text,
            "Не хватает монет или предметов для этого обмена.");
  EXPECT_EQ(trade_reply(trades, users, alice, "@bob 10", "u5").text.rfind("Чтобы предложить", 0),
            0u);
  EXPECT_EQ(trade_accept_reply(trades, bob, "x").text.rfind("To accept", 0), 0u);
  EXPECT_EQ(trade_cancel_reply(trades, bob, "").text.rfind("To decline", 0), 0u);
  EXPECT_EQ(trade_accept_reply(trades, bob, "999 1").text, "No such trade or item.");
  EXPECT_EQ(w.balance(w.user(101, dice.asset)), 2);
}

}  // namespace
}  // namespace lucas::economy
