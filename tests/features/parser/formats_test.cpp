// Each documented format with its edge cases (texts written here, names invented).
#include <gtest/gtest.h>

#include "base/names.h"
#include "features/parser/parser.h"

namespace lucas::parser {
namespace {

struct Expect {
  std::optional<std::string> player;
  std::optional<std::string> amount;
  std::string currency;
  std::string type;
};

void check(const std::string& text, const std::string& game, const std::string& kind,
           const std::vector<Expect>& events) {
  const auto r = parse_text(text);
  EXPECT_EQ(r.game, game) << text;
  EXPECT_EQ(r.kind, kind) << text;
  ASSERT_EQ(r.events.size(), events.size()) << to_json(r).dump();
  for (size_t i = 0; i < events.size(); ++i) {
    EXPECT_EQ(r.events[i].player, events[i].player) << to_json(r).dump();
    EXPECT_EQ(r.events[i].amount, events[i].amount) << to_json(r).dump();
    EXPECT_EQ(r.events[i].currency, events[i].currency);
    EXPECT_EQ(r.events[i].type, events[i].type);
  }
}

const std::string kRule = "\xE2\x94\x80\xE2\x94\x80\xE2\x94\x80\xE2\x94\x80\xE2\x94\x80";  // ─────

TEST(GdCards, CardDropV1) {
  check("🃏 НОВАЯ КАРТА 🃏\n" + kRule + "\nИгрок: Mirtol\n" + kRule +
            "\nКарта: \"Foo\"\nОписание: Очки: 5 за 41 454 прыжка\nКатегория: X\n" + kRule +
            "\nРедкость: Редкая (1/65) (30.0%) 🔵\nОчки: +2\nКоллекция: 8/212 карт\n" + kRule +
            "\nЛимит карт сегодня: 2/6",
        "gd_cards", "card_drop", {{"Mirtol", "2", "points", "accrual"}});
}

TEST(GdCards, CardDropV2bAndV3CarryOrbs) {
  check(
      "🃏 НОВАЯ КАРТА 🃏\nИгрок: Mirtol\nРедкость: Эпическая (21/55) (17.0%) 🟣\nОчки: "
      "+3\n"
      "Орбы за дроп: +10\nКоллекция: 124/213 карт\nЭта карта есть у: 1255 игроков\n"
      "Лимит карт сегодня: 1 из 8",
      "gd_cards", "card_drop",
      {{"Mirtol", "3", "points", "accrual"}, {"Mirtol", "10", "orbs", "accrual"}});
  check(
      "🃏 НОВАЯ КАРТА 🃏\nИгрок: Мир\u200bтол\nКарта: AeonAir\n🔵 Редкость: Редкая (1/75) • 30.0%\n"
      "⭐️ Очки: +2\n🤩 Орбы: +5\n🃏 Коллекция: 1/249 карт\n👥 Карта есть у: 254 "
      "игроков",
      "gd_cards", "card_drop",
      {{"Мир\u200bтол", "2", "points", "accrual"}, {"Мир\u200bтол", "5", "orbs", "accrual"}});
}

TEST(GdCards, ChestWithDecimalsAndGiftPrefix) {
  check("Mirtol открыл сундук и получил 1.7 орб", "gd_cards", "chest",
        {{"Mirtol", "1.7", "orbs", "accrual"}});
  check("🎁 Mirtol Two открыл сундук и получил 192 орб", "gd_cards", "chest",
        {{"Mirtol Two", "192", "orbs", "accrual"}});
  check("Mirtol открыл сундук и получил 1.0 орб", "gd_cards", "chest",
        {{"Mirtol", "1.0", "orbs", "accrual"}});
}

TEST(GdCards, OrbSaleNamesNobody) {
  check("Вы успешно продали карты и получили 42.7 орбов.", "gd_cards", "orb_sale",
        {{std::nullopt, "42.7", "orbs", "accrual"}});
}

TEST(GdCards, ProfileBalancesIgnoreTheRank) {
  check("🖥 ПРОФИЛЬ Mirtol\n" + kRule +
            "\nID: 2524 (23.08.2025)\nНик: Mirtol\nСтатусы: Игрок\n"
            "Очки: 216 (#105)\nОрбы: 133.8 (#11482) (играть)\nКлан: X (#49)",
        "gd_cards", "profile",
        {{"Mirtol", "216", "points", "balance"}, {"Mirtol", "133.8", "orbs", "balance"}});
}

TEST(GdCards, CooldownsAndOtherMessagesHaveNoEvents) {
  check("Следующая карта будет доступна через 31 мин. 19 сек.", "gd_cards", "cooldown", {});
  check("Сундук будет доступен через 17м 4с", "gd_cards", "cooldown", {});
  check("КОЛЛЕКЦИЯ Mirtol\n━━━━\n🟣 Эпическая (54/54) - 162 очков",
        "gd_cards", "other", {});
}

TEST(Shmalala, FishingIncludingZero) {
  check(
      "🎣 [Рыбалка] 🎣\n\nРыбак: Vel Ora\nОпыт: +4 (405 / 782)🔋\n\nНа крючке: 🐉 Судак (2.23 кг)\n\n"
      "Монеты: +14 (3947)💰\nЭнергии осталось: 6 ⚡️",
      "shmalala", "fishing", {{"Vel Ora", "14", "coins", "accrual"}});
  check("🎣 [Рыбалка] 🎣\nРыбак: Vel\nМонеты: +0 (3947)\n💰Энергии осталось: 0", "shmalala", "fishing",
        {{"Vel", "0", "coins", "accrual"}});
}

TEST(Shmalala, KarmaNamesWithInvisibleCharactersAndADot) {
  check(
      "Лайк! Вы повысили рейтинг пользователя Vel Ora\xEF\xBF\xBD.\nТеперь его рейтинг: 10 "
      "❤️",
      "shmalala", "karma_like", {{"Vel Ora\xEF\xBF\xBD", "1", "karma", "accrual"}});
  check(
      "Лайк! Вы повысили рейтинг пользователя Данила .\nТеперь его рейтинг: 3 "
      "❤️",
      "shmalala", "karma_like", {{"Данила", "1", "karma", "accrual"}});
  check(
      "Лайк! Вы повысили рейтинг пользователя ..\nТеперь его рейтинг: 1 "
      "❤️",
      "shmalala", "karma_like", {{".", "1", "karma", "accrual"}});
  check(
      "Дизлайк! Вы понизили карму пользователю Г\xE1\x85\xA0леб \u200b\u200b.\nТеперь его рейтинг: "
      "-1 ❌",
      "shmalala", "karma_dislike", {{"Г\xE1\x85\xA0леб \u200b\u200b", "-1", "karma", "accrual"}});
}

TEST(Shmalala, TopListsAndCooldownsCreditNothing) {
  check("[Самые богатые в этом чате]\n\nLicic   5009 монет 💰", "shmalala", "top_list", {});
  check("Vel, вы слишком часто меняете рейтинг пользователя, можно раз в минуту!", "shmalala",
        "cooldown", {});
}

TEST(TrueMafia, GameEndCreditsOnlyTheWinners) {
  check(
      "Игра окончена! \nПобедила Мафия \n\nПобедители: \n    Licic - 🤵🏻 Дон \n    Vel Ora - "
      "🤵🏼 Мафия \n\n"
      "Остальные участники: \n    Tigad - 👨🏼 Мирный житель \n\nИгра длилась: 4 мин. 21 "
      "сек.",
      "true_mafia", "game_end",
      {{"Licic", std::nullopt, "money", "win"}, {"Vel Ora", std::nullopt, "money", "win"}});
}

TEST(TrueMafia, RewardWithProfile) {
  check(
      "Игра завершена\nЗа победу в роли \"👨🏼‍⚕️ Доктор\" тебе начислили 💵 20!\n\n👤 Vel "
      "Ora\n\n"
      "💵 Деньги: 630\n💎 Камни: 0\n\n🛡 Защита: 0",
      "true_mafia", "game_reward",
      {{"Vel Ora", "20", "money", "accrual"},
       {"Vel Ora", "630", "money", "balance"},
       {"Vel Ora", "0", "gems", "balance"}});
}

TEST(BunkerRp, GameEndAndProfile) {
  check(
      "Прошли в бункер:\n1. Verolan\n💼Профессия: Программист\n🃏Карта 1: X\n\n2. .\n💼Профессия: "
      "Судья",
      "bunker_rp", "game_end",
      {{"Verolan", std::nullopt, "money", "win"}, {".", std::nullopt, "money", "win"}});
  check("Не прошли в бункер:\n1. Kto\n💼Профессия: Повар", "bunker_rp", "game_end", {});
  check("👤 Мирон\n\n💵 Деньги: 1250\n💎 Кристаллики: 12\n\nЭкстры:", "bunker_rp", "profile",
        {{"Мирон", "1250", "money", "balance"}, {"Мирон", "12", "crystals", "balance"}});
}

TEST(GusyaCards, ThousandsSeparatorsAndEmDashNegatives) {
  check(
      "🔎 Найдена карточка — «Гусь»!\n\n💎 Редкость • Редкая\n✨ Очки • +3,000 [3,000]\n"
      "💰 Монеты • +7 [7]",
      "gusya_cards", "goose_card",
      {{std::nullopt, "3000", "goose_points", "accrual"},
       {std::nullopt, "7", "goose_coins", "accrual"}});
  check("👻 О, карточка «Гусь» у вас есть\n\n✨ Очки • 1,000 [25,000]\n💰 Монеты • +4 [58]",
        "gusya_cards", "goose_card",
        {{std::nullopt, "1000", "goose_points", "accrual"},
         {std::nullopt, "4", "goose_coins", "accrual"}});
  check(
      "💀 Карточка «Злой гусь» уменьшит очки!\n\n✨ Очки • \xE2\x80\x94"
      "3,000 [52,000]",
      "gusya_cards", "goose_card", {{std::nullopt, "-3000", "goose_points", "accrual"}});
  check("Вы посмотрели, но Гуся не было рядом 🙈\n\n🕐 Возвращайтесь через 2ч. 29мин. 45сек.",
        "gusya_cards", "cooldown", {});
}

TEST(Other, ChatterEmptyAndBrokenTextAreNotGameMessages) {
  check("привет всем, +5 к карме", "other", "none", {});
  check("", "other", "none", {});
  check(std::string("\xFF\xFE\xC3", 3), "other", "none", {});
  check("Профиль: Vel\nБаланс: 17\nТранзакций: 5", "other", "none", {});  // our legacy bot
}

TEST(Normalize, StripsInvisibleCharactersAndFoldsCase) {
  EXPECT_EQ(normalize_name("Г\xE1\x85\xA0леб  Путафаев\u200b\u200d"), "глеб путафаев");
  EXPECT_EQ(normalize_name("  Vel\xEF\xBF\xBD Ora\xEF\xB8\x8F "), "vel ora");
  EXPECT_EQ(normalize_name("\xE1\x85\xA0\xE1\x85\xA0"), "");
  EXPECT_EQ(normalize_name("ＤａｒｋＬｏｒｄ"), "darklord");
}

TEST(Jsonl, RecordsAndErrors) {
  auto ok = nlohmann::json::parse(
      parse_jsonl_line(R"({"id":"a1","text":"Mirtol открыл сундук и получил 2 орб","x":1})"));
  EXPECT_EQ(ok["id"], "a1");
  EXPECT_EQ(ok["game"], "gd_cards");
  EXPECT_EQ(ok["events"][0]["amount"], "2");
  for (const char* bad : {"not json", "[1,2]", R"({"id":7})", R"({"id":7,"text":5})"}) {
    auto e = nlohmann::json::parse(parse_jsonl_line(bad));
    EXPECT_EQ(e["error"]["code"], "INVALID_ARGUMENT") << bad;
  }
  EXPECT_EQ(nlohmann::json::parse(parse_jsonl_line(R"({"id":7})"))["id"], 7);
}

TEST(Reasons, ExplainWhyNothingIsCredited) {
  EXPECT_EQ(no_event_reason(parse_text("Сундук будет доступен через 4с")), "cooldown");
  EXPECT_EQ(no_event_reason(parse_text("hello")), "not_a_game_message");
  EXPECT_EQ(no_event_reason(parse_text("Игра не запущена! \nДля начала новой игры напишите /game")),
            "no_currency");
  EXPECT_EQ(no_event_reason(parse_text("Mirtol открыл сундук и получил 2 орб")), "");
}

}  // namespace
}  // namespace lucas::parser
