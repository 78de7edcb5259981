// The economy's bot face, in Russian by default and in English for English-language users:
// /shop lists the items with a buy button each and pages; /buy answers a quote with a confirm
// button; pressing it twice buys once; the shop's refusals are explained; /inventory lists the
// items with their serial numbers; bad arguments get the usage line.
#include <gtest/gtest.h>

#include "features/economy/economy_bot.h"
#include "infra/audit/audit.h"
#include "tests/ledger/ledger_fixture.h"

namespace lucas::economy {
namespace {

using ledger::testing::LedgerWorld;
using users::Actor;
using users::Role;

users::User player(int64_t id, const std::string& lang) {
  users::User u;
  u.telegram_id = id;
  u.display_name = "P" + std::to_string(id);
  u.language = lang;
  u.role = Role::kUser;
  return u;
}

class EconomyBotTest : public ::testing::Test {
 protected:
  EconomyBotTest()
      : w(store::Engine::kSqlite), audit(w.clock), service(w.db(), w.ledger, &audit, w.clock) {
    store::migrate(w.db(), {audit::migrations(), migrations()}, w.clock);
    ItemDraft d;
    d.slug = "crown";
    d.name_ru = "Корона";
    d.name_en = "Crown";
    d.category = "cosmetic";
    d.rarity = "legendary";
    d.base_price = 25'000;
    d.min_price = 10'000;
    d.max_price = 50'000;
    d.total_supply = 3;
    d.serialized = true;
    crown = service.create_item(Actor::console_operator(), d);
    w.move("seed", w.mint(), w.user(101), 100'000);
  }
  // The command a button runs.
  static std::string button(const telegram::Reply& r, size_t row = 0) {
    return r.keyboard.at(row).at(0).command;
  }

  LedgerWorld w;
  audit::AuditLog audit;
  EconomyService service;
  Item crown;
};

TEST_F(EconomyBotTest, ShopQuoteConfirmAndInventoryInRussian) {
  const auto ru = player(101, "ru");
  const auto shop = shop_reply(service, ru, "");
  EXPECT_NE(shop.text.find("🛒 Магазин, страница 1"), std::string::npos)
      << shop.text;
  EXPECT_NE(shop.text.find(std::to_string(crown.id) + ". Корона — 250.00 · (осталось 3)"),
            std::string::npos)
      << shop.text;
  EXPECT_EQ(button(shop), "/buy " + std::to_string(crown.id));

  const auto quote = buy_reply(service, ru, std::to_string(crown.id) + " 2");
  EXPECT_EQ(quote.text, "Корона × 2: 250.00 за штуку, всего 500.00 монет. Цена держится минуту.");
  const std::string confirm = button(quote);
  ASSERT_EQ(confirm.rfind("/buyok q_", 0), 0u) << confirm;
  const std::string quote_id = confirm.substr(7);

  EXPECT_EQ(buy_confirm_reply(service, ru, quote_id).text,
            "Куплено: Корона × 2 за 500.00 монет. № 1, № 2");
  // A second press of the same button buys nothing more.
  EXPECT_EQ(buy_confirm_reply(service, ru, quote_id).text,
            "Эта покупка уже сделана: Корона × 2 за 500.00 монет. № 1, № 2");
  EXPECT_EQ(w.balance(w.user(101)), 50'000);
  EXPECT_EQ(inventory_reply(service, ru).text, "🎒 Ваши предметы:\nКорона × 2 (№ 1, № 2)");

  // Only one is left: asking for two is explained, and nothing moves.
  EXPECT_EQ(buy_reply(service, ru, std::to_string(crown.id) + " 2").text,
            "Не хватает предметов: осталось 1.");
  EXPECT_EQ(buy_reply(service, ru, "abc").text,
            "Как купить: /buy <номер предмета> [количество 1–100], например /buy 3 2");
  EXPECT_EQ(buy_reply(service, ru, "999").text, "Такого предмета нет. Список: /shop");
  EXPECT_EQ(buy_confirm_reply(service, ru, "q_made_up").text, "Такого предмета нет. Список: /shop");
  EXPECT_EQ(w.balance(w.user(101)), 50'000);
}

TEST_F(EconomyBotTest, EnglishAndTheRefusals) {
  const auto en = player(102, "en");
  EXPECT_EQ(inventory_reply(service, en).text, "You have no items yet. Have a look at /shop");
  const auto quote = buy_reply(service, en, std::to_string(crown.id));
  EXPECT_EQ(quote.text,
            "Crown × 1: 250.00 each, 250.00 coins in all. The price holds for a minute.");
  // No coins.
  EXPECT_EQ(buy_confirm_reply(service, en, button(quote).substr(7)).text,
            "You do not have enough coins for this.");
  // The quote runs out: the current price is named.
  w.move("seed-en", w.mint(), w.user(102), 100'000);
  w.clock.advance(61'000'000);
  EXPECT_EQ(buy_confirm_reply(service, en, button(quote).substr(7)).text,
            "The price changed. It is 250.00 coins each now — ask again: /buy " +
                std::to_string(crown.id));
  EXPECT_EQ(shop_reply(service, en, "0").text,
            "To browse the shop: /shop or /shop 2 (a page number)");
  EXPECT_EQ(shop_reply(service, en, "2").text, "Nothing is on sale right now.");
}

// Admins change a catalogue field from the chat; the service, not only the command's "admins"
// mark, refuses a player.
TEST_F(EconomyBotTest, AdminsSetCatalogueFieldsFromTheChat) {
  auto admin = player(900, "ru");
  admin.role = Role::kAdmin;
  const std::string id = std::to_string(crown.id);
  EXPECT_EQ(item_set_reply(service, admin, id + " season 150").text,
            "Готово: Корона — цена 375.00 (от 100.00 до 500.00), сезон 150 %, ✅");
  EXPECT_EQ(item_set_reply(service, admin, id + " active off").text,
            "Готово: Корона — цена 375.00 (от 100.00 до 500.00), сезон 150 %, ⛔");
  EXPECT_EQ(item_set_reply(service, admin, id + " min 600").text,
            "Не принято: max_price: must be between 60000 and 1000000000000000");
  EXPECT_EQ(item_set_reply(service, admin, id + " colour red").text.rfind("Как изменить", 0), 0u);
  EXPECT_EQ(item_set_reply(service, admin, "x season 1").text.rfind("Как изменить", 0), 0u);
  EXPECT_EQ(service.item(crown.id).seasonal_pct, 150);
  EXPECT_FALSE(service.item(crown.id).active);
  try {
    item_set_reply(service, player(101, "ru"), id + " season 50");
    ADD_FAILURE() << "a player changed the catalogue";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kForbidden);
  }
  EXPECT_EQ(service.item(crown.id).seasonal_pct, 150);
}

}  // namespace
}  // namespace lucas::economy
