// Fixtures of the bank's suites: the service (World) and its Telegram face (BotWorld), on a
// fresh SQLite or PostgreSQL database.
#pragma once

#include <gtest/gtest.h>

#include "base/names.h"
#include "features/bank/bank.h"
#include "features/bank/bank_bot.h"
#include "features/parser/parser.h"
#include "features/users/users.h"
#include "infra/events/outbox.h"
#include "infra/store/migrate.h"
#include "infra/telegram/updates.h"
#include "tests/support/bot_door.h"
#include "tests/support/databases.h"

namespace lucas::bank::fixture {

using nlohmann::json;

struct World {
  explicit World(store::Engine engine)
      : t(lucas::testing::fresh_database(engine)),
        clock(1'767'225'600'000'000),
        ledger(clock),
        users(*t.db, ledger, clock, lucas::normalize_name),
        bank(*t.db, ledger, users, clock, lucas::normalize_name) {
    store::migrate(
        *t.db,
        {events::migrations(), ledger::migrations(), users::migrations(), bank::migrations()},
        clock);
  }
  // A player whose name is a verified nickname in every game (as the legacy import links them).
  users::User user(int64_t id, const std::string& name, users::Role role = users::Role::kUser) {
    users.upsert({id, "", name, "ru"});
    if (role != users::Role::kUser) users.set_role(0, id, role);
    for (const auto& [game, _] : game_currencies()) bank.import_link(id, game, name);
    return *users.find(id);
  }
  int64_t balance(int64_t id) { return users.balance(id).amount; }
  // A game message: each (chat, msg) is one game result (its text and date derive from them).
  static GameMessage message(int64_t chat, int64_t msg, Micros now) {
    GameMessage m;
    m.chat_id = chat;
    m.message_id = msg;
    m.bot_id = 900;
    m.origin_date = now / 1'000'000 - 60;
    m.text = "result " + std::to_string(chat) + "/" + std::to_string(msg);
    return m;
  }
  CreditReport credit(int64_t chat, int64_t msg, const std::string& game, const std::string& kind,
                      std::vector<parser::Event> events, int64_t replier,
                      std::vector<Mention> mentions = {}) {
    GameMessage m = message(chat, msg, clock.now());
    m.parsed = parser::ParseResult{game, kind, std::move(events)};
    m.mentions = std::move(mentions);
    m.replier_id = replier;
    return bank.credit(m);
  }
  bool ledger_ok() {
    return t.db->read([&](store::Tx& tx) { return ledger.check(tx).ok(); });
  }

  lucas::testing::TestDatabase t;
  ManualClock clock;
  ledger::Ledger ledger;
  users::UserService users;
  BankService bank;
};

inline parser::Event ev(std::optional<std::string> player, std::optional<std::string> amount,
                        std::string currency, std::string type) {
  return parser::Event{std::move(player), std::move(amount), std::move(currency), std::move(type)};
}

inline const char* kCard =
    "🃏 НОВАЯ КАРТА 🃏\n───────────────\nИгрок: Mirtol\nКарта: AeonAir\n───────────────\n"
    "🔵 Редкость: Редкая (1/75) • 30.0%\n⭐️ Очки: +2\n🤩 Орбы: +5\n🃏 Коллекция: 1/249 карт";

struct BotWorld {
  explicit BotWorld(store::Engine engine)
      : t(lucas::testing::fresh_database(engine)),
        clock(1'767'225'600'000'000),
        ledger(clock),
        users(*t.db, ledger, clock, lucas::normalize_name),
        bank(*t.db, ledger, users, clock, lucas::normalize_name),
        bot(bank, users) {
    store::migrate(*t.db,
                   {events::migrations(), telegram::migrations(), ledger::migrations(),
                    users::migrations(), bank::migrations()},
                   clock);
  }

  json person(int64_t id, const std::string& name, const std::string& lang = "ru") {
    return {{"id", id}, {"is_bot", false}, {"first_name", name}, {"language_code", lang}};
  }
  json game_bot(const std::string& username = "gdcardsBot", int64_t id = 900) {
    return {{"id", id}, {"is_bot", true}, {"first_name", "GDcards"}, {"username", username}};
  }
  // A reply by `from` with `text` to `replied` in chat -100.
  json update(const json& from, const std::string& text, const json& replied = nullptr) {
    json m{{"message_id", ++message_id},
           {"date", 1},
           {"chat", {{"id", -100}, {"type", "supergroup"}}},
           {"from", from},
           {"text", text}};
    if (!replied.is_null()) m["reply_to_message"] = replied;
    return {{"update_id", ++update_id}, {"message", m}};
  }
  // Sent a minute ago by default (older than 48 h credits nothing).
  int64_t now_s() const { return clock.now() / 1'000'000; }
  json game_message(int64_t id, const std::string& caption, const json& from,
                    json extra = json::object()) {
    json m{{"message_id", id},
           {"date", now_s() - 60},
           {"chat", {{"id", -100}, {"type", "supergroup"}}},
           {"from", from},
           {"caption", caption}};
    m.update(extra);
    return m;
  }
  std::string say(const json& u) {
    std::string out;
    for (const auto& r : bot.handle(telegram::parse_update(u))) out += r.text;
    return out;
  }
  int64_t balance(int64_t id) { return users.balance(id).amount; }

  lucas::testing::TestDatabase t;
  ManualClock clock;
  ledger::Ledger ledger;
  users::UserService users;
  BankService bank;
  lucas::testing::BotDoor bot;
  int64_t message_id = 1000;
  int64_t update_id = 0;
};

}  // namespace lucas::bank::fixture
