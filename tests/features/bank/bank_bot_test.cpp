// The Telegram face of the bank, from update JSON to reply texts, on both engines: trust,
// once-only crediting, forwards, mentions, commands, languages, and update_id deduplication.
#include <gtest/gtest.h>

#include "features/bank/bank_bot.h"
#include "features/parser/parser.h"
#include "infra/events/outbox.h"
#include "infra/store/migrate.h"
#include "infra/telegram/updates.h"
#include "tests/features/bank/bank_fixture.h"
#include "tests/support/databases.h"

namespace lucas::bank {
namespace {

using fixture::BotWorld;
using fixture::kCard;
using nlohmann::json;

class BankBotTest : public ::testing::TestWithParam<store::Engine> {
 protected:
  BankBotTest() : w(GetParam()) {}
  BotWorld w;
};

TEST_P(BankBotTest, CreditsAGameBotMessageOnceAndRefusesForgeries) {
  const auto ann = w.person(7, "Ann");
  w.users.upsert({7, "", "Ann", "ru"});
  w.bank.import_link(7, "gd_cards", "Mirtol");
  const auto card = w.game_message(500, kCard, w.game_bot());
  const std::string first = w.say(w.update(ann, "парсинг", card));
  EXPECT_NE(first.find("✅ Зачислено 4.00 монет игроку Mirtol"), std::string::npos) << first;
  EXPECT_NE(first.find("✅ Зачислено 5.00 монет"), std::string::npos) << first;  // orbs k 1
  EXPECT_EQ(w.balance(7), 900);  // 2 points x 2 + 5 orbs x 1
  // Repeats, by anyone, in any spelling of the trigger, are refused.
  const std::string again = w.say(w.update(w.person(8, "Bob"), "/parse@lucas_bank_bot", card));
  EXPECT_NE(again.find("уже было обработано"), std::string::npos) << again;
  EXPECT_EQ(w.balance(7), 900);
  // The same text typed by a person is refused.
  const auto forged = w.game_message(501, kCard, ann);
  EXPECT_NE(w.say(w.update(ann, "Парсинг", forged)).find("не игровой бот"), std::string::npos);
  // A bot that is not a game bot is refused too.
  const auto other_bot = w.game_message(502, kCard, w.game_bot("some_other_bot", 901));
  EXPECT_NE(w.say(w.update(ann, "парсинг", other_bot)).find("не игровой бот"), std::string::npos);
  EXPECT_EQ(w.balance(7), 900);
}

TEST_P(BankBotTest, ForwardsFromAGameBotCountOnceWhoeverForwards) {
  w.users.upsert({7, "", "Ann", "ru"});
  w.bank.import_link(7, "true_mafia", "Ann");
  const json origin{{"forward_origin",
                     {{"type", "user"},
                      {"date", w.now_s() - 3600},
                      {"sender_user", w.game_bot("TrueMafiaBot", 902)}}}};
  const std::string reward =
      "Игра завершена\nЗа победу в роли \"Доктор\" тебе начислили 💵 20!\n\n👤 Ann\n\n💵 Деньги: 630\n💎 Камни: 0";
  auto fwd1 = w.game_message(600, reward, w.person(7, "Ann"), origin);
  const std::string r1 = w.say(w.update(w.person(7, "Ann"), "парсинг", fwd1));
  EXPECT_NE(r1.find("✅ Зачислено 300.00 монет"), std::string::npos) << r1;  // 20 x 15
  // Another forward of the same original (new message id) is the same game message.
  auto fwd2 = w.game_message(601, reward, w.person(8, "Bob"), origin);
  EXPECT_NE(w.say(w.update(w.person(8, "Bob"), "парсинг", fwd2)).find("уже было обработано"),
            std::string::npos);
  // A forward of a person's message is not trusted.
  const json from_person{
      {"forward_origin",
       {{"type", "user"}, {"date", w.now_s() - 3000}, {"sender_user", w.person(9, "Eve")}}}};
  EXPECT_NE(w.say(w.update(w.person(7, "Ann"), "парсинг",
                           w.game_message(602, reward, w.person(7, "Ann"), from_person)))
                .find("не игровой бот"),
            std::string::npos);
  EXPECT_EQ(w.balance(7), 30000);
}

TEST_P(BankBotTest, TextMentionNamesThePlayer) {
  const std::string caption =
      "🃏 НОВАЯ КАРТА 🃏\nИгрок: 😀Nick\n⭐️ Очки: +3";
  const json extra{{"caption_entities", json::array({{{"type", "text_mention"},
                                                      {"offset", 19},
                                                      {"length", 6},
                                                      {"user", w.person(55, "Real Player")}}})}};
  // Offsets count UTF-16 units: "🃏 НОВАЯ КАРТА 🃏\n" is 17 of them, "Игрок: " 7 more... find it:
  const std::string before = "🃏 НОВАЯ КАРТА 🃏\nИгрок: ";
  int units = 0;
  for (size_t i = 0; i < before.size();) {
    const auto c = static_cast<unsigned char>(before[i]);
    const size_t len = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : 4;
    units += len == 4 ? 2 : 1;
    i += len;
  }
  json e = extra;
  e["caption_entities"][0]["offset"] = units;
  const std::string out =
      w.say(w.update(w.person(7, "Ann"), "парсинг", w.game_message(700, caption, w.game_bot(), e)));
  EXPECT_NE(out.find("😀Nick"), std::string::npos) << out;
  EXPECT_EQ(w.balance(55), 600);
  EXPECT_EQ(w.balance(7), 0) << "the replier is not the player";
  EXPECT_EQ(w.users.get(55).display_name, "Real Player");
  // The mention verified the nickname: later messages naming it without a mention pay 55 too.
  const auto links = w.bank.links_of(55, 55).links;
  ASSERT_EQ(links.size(), 1u);
  EXPECT_EQ(links[0].nickname, "😀Nick");
  EXPECT_EQ(links[0].evidence, "mention");
}

TEST_P(BankBotTest, ExplainsMessagesWithoutCredits) {
  const auto ann = w.person(7, "Ann");
  EXPECT_NE(w.say(w.update(ann, "парсинг")).find("Ответьте на сообщение игры"), std::string::npos);
  const auto cooldown = w.game_message(800, "Сундук будет доступен через 4с", w.game_bot());
  EXPECT_NE(w.say(w.update(ann, "парсинг", cooldown)).find("таймере ожидания"), std::string::npos);
  // A Shmalala format sent by the GD Cards bot does not match its bot.
  const auto wrong =
      w.game_message(801, "Лайк! Вы повысили рейтинг пользователя Ann.", w.game_bot());
  EXPECT_NE(w.say(w.update(ann, "парсинг", wrong)).find("не соответствует"), std::string::npos);
}

TEST_P(BankBotTest, CommandsInBothLanguages) {
  const auto ann = w.person(7, "Ann");
  const auto bob = w.person(8, "Bob", "en-US");
  EXPECT_NE(w.say(w.update(ann, "/start")).find("Привет, Ann"), std::string::npos);
  EXPECT_NE(w.say(w.update(bob, "/start")).find("Hi, Bob"), std::string::npos);
  EXPECT_EQ(w.say(w.update(ann, "/balance")), "Баланс: 0.00 монет");
  EXPECT_EQ(w.say(w.update(bob, "/balance@lucas_bank_bot")), "Balance: 0.00 coins");
  EXPECT_EQ(w.say(w.update(bob, "/balance@someone_elses_bot")), "");  // not for us
  EXPECT_EQ(w.say(w.update(ann, "/ping")), "🏓 Понг");
  EXPECT_NE(w.say(w.update(ann, "/history")).find("Операций пока нет"), std::string::npos);
  EXPECT_NE(w.say(w.update(ann, "/link gd_cards Mirtol")).find("Mirtol"), std::string::npos);
  EXPECT_NE(w.say(w.update(ann, "/link chess x")).find("unknown game"), std::string::npos);
  EXPECT_NE(w.say(w.update(ann, "/help")).find("/balance"), std::string::npos);
  EXPECT_EQ(w.say(w.update(ann, "/help")).find("/grant"), std::string::npos);  // not an admin
  EXPECT_EQ(w.say(w.update(ann, "just chatting")), "");
}

TEST_P(BankBotTest, AdminCommandsAreCheckedAtTheDoorAndInTheService) {
  const auto ann = w.person(7, "Ann");
  const auto boss = w.person(1, "Boss");
  w.say(w.update(ann, "/start"));
  w.say(w.update(boss, "/start"));
  w.users.set_role(0, 1, users::Role::kAdmin);
  EXPECT_NE(w.say(w.update(ann, "/rate gd_cards points 3")).find("Недостаточно прав"),
            std::string::npos);
  EXPECT_NE(w.say(w.update(ann, "/grant 7 100 gift")).find("Недостаточно прав"), std::string::npos);
  EXPECT_EQ(w.balance(7), 0);
  // The front door refuses by the command's declared role; the services refuse on their own too
  // (the REST API and any other face reach them without the door).
  EXPECT_THROW(w.bank.set_rate(7, "gd_cards", "points", "3"), Error);
  EXPECT_THROW(w.users.adjust(7, "k", 7, 100, ledger::kCoin, "gift"), Error);
  EXPECT_EQ(w.balance(7), 0);
  EXPECT_EQ(w.say(w.update(boss, "/rate gd_cards points 3")), "Курс gd_cards/points = 3");
  const std::string g = w.say(w.update(boss, "/grant 7 12.50 за турнир"));
  EXPECT_NE(g.find("начислено 12.50 монет"), std::string::npos) << g;
  EXPECT_EQ(w.balance(7), 1250);
  EXPECT_NE(w.say(w.update(boss, "/grant 7 -2.50 штраф")).find("списано 2.50"), std::string::npos);
  EXPECT_EQ(w.balance(7), 1000);
  EXPECT_NE(w.say(w.update(boss, "/grant 7 -100 too much")).find("insufficient"),
            std::string::npos);
  EXPECT_NE(w.say(w.update(boss, "/grant 7 1.234 x")).find("fraction digits"), std::string::npos);
  EXPECT_NE(w.say(w.update(boss, "/grant 424242 1 x")).find("не найден"), std::string::npos);
  EXPECT_NE(w.say(w.update(boss, "/help")).find("/grant"), std::string::npos);
  EXPECT_EQ(w.balance(7), 1000);
}

TEST_P(BankBotTest, AGameBotUsernameIsBoundToItsFirstId) {
  w.users.upsert({7, "", "Mirtol", "ru"});
  w.bank.import_link(7, "gd_cards", "Mirtol");
  const auto ann = w.person(7, "Mirtol");
  EXPECT_NE(
      w.say(w.update(ann, "парсинг", w.game_message(900, kCard, w.game_bot("gdcardsBot", 900))))
          .find("Зачислено"),
      std::string::npos);
  // Another bot now answering to the same username is not the game bot we know.
  EXPECT_NE(
      w.say(w.update(ann, "парсинг", w.game_message(901, kCard, w.game_bot("GDcardsBot", 666))))
          .find("не игровой бот"),
      std::string::npos);
  EXPECT_EQ(w.balance(7), 900);
}

TEST_P(BankBotTest, StatsAndWinRewardsForAdmins) {
  w.say(w.update(w.person(1, "Boss"), "/start"));
  w.users.set_role(0, 1, users::Role::kAdmin);
  w.users.upsert({7, "", "Licic", "ru"});
  w.bank.import_link(7, "true_mafia", "Licic");
  const auto boss = w.person(1, "Boss");
  EXPECT_NE(w.say(w.update(w.person(7, "Licic"), "/stats")).find("Недостаточно прав"),
            std::string::npos);
  EXPECT_EQ(w.say(w.update(boss, "/rate true_mafia win 12")),
            "Награда победителю в true_mafia: 12");
  const std::string end =
      "Игра окончена!\nПобедила Мафия\n\nПобедители:\n    Licic - Дон\n\nИгра длилась: 4 мин.";
  const auto mafia = w.game_bot("TrueMafiaBot", 902);
  const std::string r =
      w.say(w.update(w.person(7, "Licic"), "парсинг", w.game_message(910, end, mafia)));
  EXPECT_NE(r.find("Зачислено 180.00 монет игроку Licic"), std::string::npos) << r;  // 12 x 15
  const std::string stats = w.say(w.update(boss, "/stats"));
  EXPECT_NE(stats.find("Сообщений обработано: 1"), std::string::npos) << stats;
  EXPECT_NE(stats.find("Начислено за игры: 180.00"), std::string::npos) << stats;
}

TEST_P(BankBotTest, TelegramRetriesOfAnUpdateActOnce) {
  int handled = 0;
  telegram::UpdateQueue queue(*w.t.db, w.clock, [&](const telegram::Update&) { ++handled; });
  const auto u = w.update(w.person(7, "Ann"), "/ping");
  EXPECT_EQ(queue.accept(u), telegram::UpdateQueue::Accepted::kQueued);
  EXPECT_EQ(queue.accept(u), telegram::UpdateQueue::Accepted::kDuplicate);
  EXPECT_THROW(queue.accept(json::parse(R"({"nope": 1})")), Error);
  EXPECT_EQ(queue.drain(), 1);
  EXPECT_EQ(handled, 1);
}

TEST_P(BankBotTest, TooManyCommandsGetOneLocalizedAnswer) {
  ratelimit::MemoryLimiter limiter(w.clock);
  lucas::testing::BotDoor limited(w.bank, w.users, review::DeskOptions{review::default_game_bots()},
                                  &limiter);
  auto say = [&](const json& u) {
    std::string out;
    for (const auto& r : limited.handle(telegram::parse_update(u))) out += r.text;
    return out;
  };
  const auto bob = w.person(8, "Bob", "en");
  for (int i = 0; i < 20; ++i) EXPECT_EQ(say(w.update(bob, "/ping")), "🏓 Pong");
  EXPECT_EQ(say(w.update(bob, "/ping")), "⏳ Too fast. Try again in 60 s.");
  EXPECT_EQ(say(w.update(bob, "/ping")), "");        // silent while it goes on
  EXPECT_EQ(say(w.update(bob, "hello there")), "");  // chatter is not counted or answered
  EXPECT_EQ(say(w.update(w.person(7, "Ann"), "/ping")),
            "🏓 Понг");  // others are not affected
  w.clock.advance(61'000'000);
  EXPECT_EQ(say(w.update(bob, "/ping")), "🏓 Pong");
}

struct ScriptedUpdates : telegram::BotApi {
  std::vector<json> batches;
  std::vector<int64_t> offsets;
  telegram::ApiResult call(const std::string& method, const json& p) override {
    telegram::ApiResult r;
    if (method != "getUpdates") return r;
    offsets.push_back(p.at("offset").get<int64_t>());
    r.ok = true;
    r.result = batches.empty() ? json::array() : batches.front();
    if (!batches.empty()) batches.erase(batches.begin());
    return r;
  }
};

TEST_P(BankBotTest, LongPollingAdvancesTheOffsetAndActsOncePerUpdate) {
  int handled = 0;
  telegram::UpdateQueue queue(*w.t.db, w.clock, [&](const telegram::Update&) { ++handled; });
  ScriptedUpdates api;
  const auto a = w.update(w.person(7, "Ann"), "/ping");
  const auto b = w.update(w.person(7, "Ann"), "/balance");
  api.batches = {json::array({a, b}), json::array({b}), json::array({json{{"junk", 1}}})};
  telegram::Poller poller(api, queue);
  EXPECT_EQ(poller.poll_once(0), 2);
  EXPECT_EQ(poller.poll_once(0), 0);  // Telegram delivered b again: not acted on twice
  EXPECT_EQ(poller.poll_once(0), 0);  // a malformed update is skipped, not fatal
  ASSERT_EQ(api.offsets.size(), 3u);
  EXPECT_EQ(api.offsets[0], 0);
  EXPECT_EQ(api.offsets[1], b["update_id"].get<int64_t>() + 1);
  EXPECT_EQ(queue.drain(), 2);
  EXPECT_EQ(handled, 2);
}

INSTANTIATE_TEST_SUITE_P(Engines, BankBotTest,
                         ::testing::Values(store::Engine::kSqlite, store::Engine::kPostgres),
                         [](const auto& p) { return lucas::testing::engine_label(p.param); });

}  // namespace
}  // namespace lucas::bank
