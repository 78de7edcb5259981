// The Telegram face: /top through the bank bot's command registry, in Russian by default and in
// English for English-language users, with period words in both languages, the asker's own line,
// an empty board, and a usage reply for a word it does not know.
#include <gtest/gtest.h>

#include "base/names.h"
#include "features/bank/bank_bot.h"
#include "features/leaderboards/leaderboards_bot.h"
#include "features/parser/parser.h"
#include "infra/telegram/updates.h"
#include "tests/features/leaderboards/lb_fixture.h"
#include "tests/support/bot_door.h"

namespace lucas::leaderboards {
namespace {

using namespace testing;
using nlohmann::json;

struct BotWorld {
  explicit BotWorld(store::Engine engine)
      : lb(engine),
        users(lb.db(), lb.ledger, lb.clock, lucas::normalize_name),
        bank(lb.db(), lb.ledger, users, lb.clock, lucas::normalize_name),
        bot(bank, users, {review::default_game_bots()}, nullptr,
            [this](module::Services& s) { s.put(lb.service); }) {
    store::migrate(lb.db(), {telegram::migrations(), users::migrations(), bank::migrations()},
                   lb.clock);
  }
  // What the bot answers `text` from a user.
  std::string say(int64_t id, const std::string& name, const std::string& lang,
                  const std::string& text) {
    const json u{
        {"update_id", ++update_id},
        {"message",
         {{"message_id", ++message_id},
          {"date", 1},
          {"chat", {{"id", -100}, {"type", "supergroup"}}},
          {"from", {{"id", id}, {"is_bot", false}, {"first_name", name}, {"language_code", lang}}},
          {"text", text}}}};
    std::string out;
    for (const auto& r : bot.handle(telegram::parse_update(u))) out += r.text;
    return out;
  }

  LbWorld lb;
  users::UserService users;
  bank::BankService bank;
  lucas::testing::BotDoor bot;
  int64_t update_id = 0;
  int64_t message_id = 0;
};

class BotTest : public ::testing::TestWithParam<store::Engine> {
 protected:
  BotTest() : w(GetParam()) { w.lb.names = {{1, "Алиса"}, {2, "Bob"}}; }
  BotWorld w;
};

TEST_P(BotTest, TopInRussianByDefault) {
  EXPECT_EQ(w.say(1, "Алиса", "ru", "/top"),
            "🏆 Топ по монетам — за всё время\nВ рейтинге пока никого нет.");
  w.lb.win(1, 1234);
  w.lb.win(2, 500);
  w.lb.outbox.drain();
  EXPECT_EQ(w.say(1, "Алиса", "ru", "/top"),
            "🏆 Топ по монетам — за всё время\n1. Алиса — 12.34 🆕\n2. Bob — 5.00 🆕\n\n"
            "Вы: #1 из 2 — 12.34 🆕");
  EXPECT_EQ(w.say(3, "Кира", "ru", "/top неделя"),
            "🏆 Топ по монетам — эта неделя (2026-W49)\n1. Алиса — 12.34 🆕\n2. Bob — 5.00 🆕\n\n"
            "Вас пока нет в этом рейтинге: выигрывайте в играх и отвечайте «парсинг».");
  EXPECT_NE(w.say(3, "Кира", "ru", "/top@lucas_bank_bot День").find("сегодня (2026-12-04)"),
            std::string::npos);
  EXPECT_NE(w.say(3, "Кира", "ru", "/top месяц").find("этот месяц (2026-12)"), std::string::npos);
  EXPECT_EQ(w.say(3, "Кира", "ru", "/top год"), "Использование: /top [день|неделя|месяц|всё]");
}

TEST_P(BotTest, TopInEnglishWithChangeIndicators) {
  w.lb.clock.set(at("2026-12-03T12:00:00Z"));
  w.lb.win(1, 1000);
  w.lb.win(2, 500);
  w.lb.outbox.drain();
  w.lb.clock.set(at("2026-12-04T00:00:00Z"));
  w.lb.service.rollover();
  w.lb.clock.set(at("2026-12-04T09:00:00Z"));
  w.lb.win(2, 700);
  w.lb.win(1, 100);
  w.lb.win(4, 50);
  w.lb.outbox.drain();
  EXPECT_EQ(w.say(2, "Bob", "en", "/top day"),
            "🏆 Top by coins — today (2026-12-04)\n1. Bob — 7.00 ▲1\n2. Алиса — 1.00 ▼1\n"
            "3. player 4 — 0.50 🆕\n\nYou: #1 of 3 — 7.00 ▲1");
  EXPECT_EQ(w.say(1, "Алиса", "en-GB", "/top all"),
            "🏆 Top by coins — all time\n1. Bob — 12.00 ▲1\n2. Алиса — 11.00 ▼1\n"
            "3. player 4 — 0.50 🆕\n\nYou: #2 of 3 — 11.00 ▼1");
  EXPECT_EQ(w.say(1, "Алиса", "en", "/top forever"), "Usage: /top [day|week|month|all]");
  EXPECT_NE(w.say(1, "Алиса", "en", "/help").find("/top"), std::string::npos);
}

INSTANTIATE_TEST_SUITE_P(Engines, BotTest,
                         ::testing::Values(store::Engine::kSqlite, store::Engine::kPostgres),
                         [](const auto& p) { return lucas::testing::engine_label(p.param); });

}  // namespace
}  // namespace lucas::leaderboards
