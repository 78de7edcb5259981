// Auctions' bot face, in Russian by default and English for English-language users: /auction puts
// units up, /auctions lists the open ones with a bid button at the next minimum (none on one's
// own), /bid places a bid once however often the update is redelivered, a buyout says it was
// bought; refusals (too low, own auction, no coins, ended) are explained; bad arguments get the
// usage line.
#include <gtest/gtest.h>

#include "features/economy/auction_bot.h"
#include "tests/features/economy/market_fixture.h"

namespace lucas::economy {
namespace {

using users::Actor;
using users::Role;

users::User person(int64_t id, const std::string& lang) {
  users::User u;
  u.telegram_id = id;
  u.language = lang;
  u.role = Role::kUser;
  return u;
}

class AuctionBotTest : public ::testing::Test, protected testing::Market {
 protected:
  AuctionBotTest() : Market(store::Engine::kSqlite) {
    ItemDraft d = testing::item_draft("dice", 10'000);
    d.name_ru = "Кубик";
    d.name_en = "Die";
    dice = economy.create_item(Actor::console_operator(), d);
    buy(101, dice, 1);
    give(102, 30'000);
  }

  Item dice;
};

TEST_F(AuctionBotTest, PutUpListBidAndBuyOut) {
  const auto alice = person(101, "ru");
  const auto bob = person(102, "en");
  const std::string item = "#" + std::to_string(dice.id);
  const auto made = auction_create_reply(auctions, alice, item + " 100 3 250", "u1");
  EXPECT_NE(made.text.find("1 × Кубик, старт 100.00 (шаг 5.00), на 3 дн."), std::string::npos)
      << made.text;
  const auto open = auctions.list(Actor::user(101, Role::kUser), {});
  ASSERT_EQ(open.size(), 1u);
  const std::string id = std::to_string(open[0].id);
  // A redelivered update puts nothing more up.
  auction_create_reply(auctions, alice, item + " 100 3 250", "u1");
  EXPECT_EQ(auctions.list(Actor::user(101, Role::kUser), {}).size(), 1u);

  const auto listed = auctions_reply(auctions, bob, "");
  EXPECT_NE(listed.text.find("№" + id + " 1 × Die — from 100.00, no bids yet, ends in 72 h"),
            std::string::npos)
      << listed.text;
  ASSERT_EQ(listed.keyboard.size(), 1u);
  EXPECT_EQ(listed.keyboard[0][0].command, "/bid " + id + " 100.00");
  EXPECT_TRUE(auctions_reply(auctions, alice, "").keyboard.empty());  // not on one's own

  EXPECT_EQ(bid_reply(auctions, bob, id + " 100.00", "b1").text,
            "🔨 Your bid of 100.00 leads auction №" + id +
                ". The coins are held until someone outbids you or it ends; the next bid must be "
                "at least 105.00.");
  bid_reply(auctions, bob, id + " 100.00", "b1");  // the same update again
  EXPECT_EQ(auctions.get(open[0].id).bids, 1);
  EXPECT_EQ(bid_reply(auctions, bob, id + " 101", "b2").text,
            "Too low: the bid must be at least 105.00.");
  EXPECT_EQ(bid_reply(auctions, alice, id + " 200", "a1").text, "На свой аукцион ставить нельзя.");
  EXPECT_EQ(bid_reply(auctions, bob, id + " 999", "b3").text,
            "✅ You bought auction №" + id + " outright for 250.00.");
  EXPECT_EQ(w.balance(w.user(102)), 30'000 - 25'000);
  EXPECT_EQ(w.balance(w.user(101)), 25'000 - 2'500);
  EXPECT_EQ(bid_reply(auctions, bob, id + " 300", "b4").text, "This auction is over.");
}

TEST_F(AuctionBotTest, UsageLines) {
  const auto alice = person(101, "ru");
  EXPECT_EQ(auction_create_reply(auctions, alice, "", "u").text.rfind("Чтобы выставить", 0), 0u);
  EXPECT_EQ(auction_create_reply(auctions, alice, "#x 100 3", "u").text.rfind("Чтобы", 0), 0u);
  EXPECT_EQ(bid_reply(auctions, alice, "12", "u").text.rfind("Чтобы сделать ставку", 0), 0u);
  EXPECT_EQ(auctions_reply(auctions, alice, "").text, "Открытых аукционов нет.");
  EXPECT_NE(auction_create_reply(auctions, alice, "#" + std::to_string(dice.id) + " 100 2", "u")
                .text.find("days"),
            std::string::npos);
}

}  // namespace
}  // namespace lucas::economy
