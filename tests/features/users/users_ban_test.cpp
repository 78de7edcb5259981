// Bans on SQLite and PostgreSQL: who may ban whom (checked in the service), a reason, an optional
// end by the clock, audited, in the user record, through the cache at once, and the bot's one
// refusal per command of a banned user.
#include <gtest/gtest.h>

#include "base/names.h"
#include "features/bank/bank_bot.h"
#include "features/parser/parser.h"
#include "features/users/users.h"
#include "infra/cache/cache.h"
#include "infra/events/outbox.h"
#include "infra/store/migrate.h"
#include "infra/telegram/updates.h"
#include "tests/support/bot_door.h"
#include "tests/support/databases.h"

namespace lucas::users {
namespace {

constexpr Micros kDay = 86'400'000'000;

struct World {
  explicit World(store::Engine e)
      : t(lucas::testing::fresh_database(e)),
        clock(1'767'225'600'000'000),  // 2026-01-01
        log(clock),
        outbox(*t.db, clock),
        ledger(clock, &outbox),
        cache(clock),
        users(*t.db, ledger, clock, lucas::normalize_name, &log),
        bank(*t.db, ledger, users, clock, lucas::normalize_name) {
    store::migrate(*t.db,
                   {events::migrations(), audit::migrations(), telegram::migrations(),
                    ledger::migrations(), users::migrations(), bank::migrations()},
                   clock);
    users.enable_cache(cache, outbox);
    outbox.subscribe_everywhere(
        "users.banned", [this](const events::Event& ev) { banned_events.push_back(ev.payload); });
    for (auto [id, role] : {std::pair{1, Role::kOwner},
                            {2, Role::kAdmin},
                            {3, Role::kAdmin},
                            {4, Role::kModerator},
                            {5, Role::kUser},
                            {6, Role::kUser}}) {
      users.upsert({id, "u" + std::to_string(id), "User " + std::to_string(id), "ru"});
      if (role != Role::kUser) users.set_role(0, id, role);
    }
  }
  ErrorCode code_of(const std::function<void()>& f) {
    try {
      f();
    } catch (const Error& e) {
      return e.code();
    }
    return ErrorCode::kInternal;
  }
  std::vector<audit::Entry> audit_of(const std::string& action) {
    return t.db->read([&](store::Tx& tx) {
      audit::Query q;
      q.action = action;
      return log.search(tx, q);
    });
  }

  lucas::testing::TestDatabase t;
  ManualClock clock;
  audit::AuditLog log;
  events::Outbox outbox;
  ledger::Ledger ledger;
  cache::MemoryCache cache;
  UserService users;
  bank::BankService bank;
  std::vector<nlohmann::json> banned_events;
};

class UsersBanTest : public ::testing::TestWithParam<store::Engine> {
 protected:
  UsersBanTest() : w(GetParam()) {}
  World w;
};

TEST_P(UsersBanTest, AdminsBanOnlyUsersBelowTheirOwnRole) {
  EXPECT_EQ(w.code_of([&] { w.users.ban(4, 5, "spam", std::nullopt); }), ErrorCode::kForbidden);
  EXPECT_EQ(w.code_of([&] { w.users.ban(5, 6, "spam", std::nullopt); }), ErrorCode::kForbidden);
  EXPECT_EQ(w.code_of([&] { w.users.ban(2, 3, "rival", std::nullopt); }), ErrorCode::kForbidden);
  EXPECT_EQ(w.code_of([&] { w.users.ban(2, 1, "coup", std::nullopt); }), ErrorCode::kForbidden);
  EXPECT_EQ(w.code_of([&] { w.users.ban(2, 2, "me", std::nullopt); }), ErrorCode::kForbidden);
  EXPECT_FALSE(w.users.get(5).ban.has_value());  // refused attempts changed nothing
  EXPECT_TRUE(w.users.ban(2, 4, "abuse", std::nullopt).ban.has_value());  // admin > moderator
  EXPECT_TRUE(w.users.ban(2, 5, "spam", std::nullopt).ban.has_value());
  EXPECT_TRUE(w.users.ban(1, 3, "rogue admin", std::nullopt).ban.has_value());  // the owner
  EXPECT_TRUE(w.users.ban(0, 6, "from the console", std::nullopt).ban.has_value());
  EXPECT_EQ(w.code_of([&] { w.users.unban(4, 5); }), ErrorCode::kForbidden);
  EXPECT_EQ(w.code_of([&] { w.users.unban(2, 3); }), ErrorCode::kForbidden);
}

TEST_P(UsersBanTest, BadInputIsRefusedAndChangesNothing) {
  EXPECT_EQ(w.code_of([&] { w.users.ban(2, 5, " ", std::nullopt); }), ErrorCode::kInvalidArgument);
  EXPECT_EQ(w.code_of([&] { w.users.ban(2, 5, std::string(501, 'x'), std::nullopt); }),
            ErrorCode::kInvalidArgument);
  EXPECT_EQ(w.code_of([&] { w.users.ban(2, 5, "spam", w.clock.now()); }),
            ErrorCode::kInvalidArgument);  // an end in the past (or now)
  EXPECT_EQ(w.code_of([&] { w.users.ban(2, 999, "spam", std::nullopt); }), ErrorCode::kNotFound);
  EXPECT_EQ(w.code_of([&] { w.users.unban(2, 5); }), ErrorCode::kConflict);  // not banned
  EXPECT_FALSE(w.users.get(5).ban.has_value());
  EXPECT_TRUE(w.audit_of("admin.ban").empty());
  EXPECT_TRUE(w.banned_events.empty());
}

TEST_P(UsersBanTest, ABanIsRecordedAuditedAndSeenAtOnceThroughTheCache) {
  EXPECT_NO_THROW(UserService::require_not_banned(w.users.get(5)));  // cached now
  const Micros until = w.clock.now() + 7 * kDay;
  w.clock.advance(1'000'000);
  w.users.ban(2, 5, "spam in the group", until, "10.0.0.2");
  const User u = w.users.get(5);  // no stale cached copy
  ASSERT_TRUE(u.ban.has_value());
  EXPECT_EQ(u.ban->reason, "spam in the group");
  EXPECT_EQ(u.ban->banned_by, 2);
  EXPECT_EQ(u.ban->banned_at, w.clock.now());
  EXPECT_EQ(u.ban->until, until);
  const auto j = to_json(u);
  EXPECT_EQ(j["ban"]["reason"], "spam in the group");
  EXPECT_EQ(j["ban"]["until"], "2026-01-08T00:00:00Z");
  EXPECT_TRUE(to_json(w.users.get(6))["ban"].is_null());
  try {
    w.users.require_not_banned(5);
    ADD_FAILURE() << "a banned user passed";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kUserBanned);
    EXPECT_EQ(http_status(e.code()), 403);
    EXPECT_EQ(error_code_name(e.code()), "USER_BANNED");
    EXPECT_NE(std::string(e.what()).find("2026-01-08T00:00:00Z"), std::string::npos);
  }
  const auto entries = w.audit_of("admin.ban");
  ASSERT_EQ(entries.size(), 1u);
  EXPECT_EQ(entries[0].actor, 2);
  EXPECT_EQ(entries[0].target, "user:5");
  EXPECT_EQ(entries[0].ip, "10.0.0.2");
  EXPECT_EQ(entries[0].details["reason"], "spam in the group");
  ASSERT_EQ(w.banned_events.size(), 1u);  // every node closes the user's WebSocket connections
  EXPECT_EQ(w.banned_events[0]["telegram_id"], 5);

  w.users.unban(3, 5, "10.0.0.3");
  EXPECT_FALSE(w.users.get(5).ban.has_value());
  EXPECT_NO_THROW(w.users.require_not_banned(5));
  EXPECT_EQ(w.audit_of("admin.unban").size(), 1u);
}

TEST_P(UsersBanTest, ATimedBanEndsByTheClock) {
  w.users.ban(2, 5, "cool down", w.clock.now() + kDay);
  w.users.ban(2, 6, "for good", std::nullopt);
  w.clock.advance(kDay - 1);
  EXPECT_EQ(w.code_of([&] { w.users.require_not_banned(5); }), ErrorCode::kUserBanned);
  w.clock.advance(1);
  EXPECT_NO_THROW(w.users.require_not_banned(5));
  EXPECT_FALSE(w.users.get(5).ban.has_value());
  EXPECT_TRUE(to_json(w.users.get(5))["ban"].is_null());
  w.clock.advance(365 * kDay);
  EXPECT_EQ(w.code_of([&] { w.users.require_not_banned(6); }), ErrorCode::kUserBanned);
}

TEST_P(UsersBanTest, TheBotAnswersABannedUsersCommandsWithOneLocalizedRefusal) {
  lucas::testing::BotDoor bot(w.bank, w.users);
  int64_t update_id = 0;
  const auto say = [&](int64_t from, const std::string& lang, const std::string& text) {
    const nlohmann::json u{
        {"update_id", ++update_id},
        {"message",
         {{"message_id", 100 + update_id},
          {"date", 1},
          {"chat", {{"id", from}, {"type", "private"}}},
          {"from", {{"id", from}, {"is_bot", false}, {"first_name", "U"}, {"language_code", lang}}},
          {"text", text}}}};
    return bot.handle(telegram::parse_update(u));
  };
  ASSERT_EQ(say(5, "ru", "/balance").size(), 1u);
  EXPECT_NE(say(5, "ru", "/balance")[0].text.find("Баланс"), std::string::npos);
  w.users.ban(2, 5, "спам", w.clock.now() + kDay);
  w.users.ban(2, 6, "spam", std::nullopt);
  for (const char* command : {"/balance", "/history", "/link gd_cards Mirtol", "парсинг"}) {
    const auto replies = say(5, "ru", command);
    ASSERT_EQ(replies.size(), 1u) << command;
    EXPECT_EQ(replies[0].text, "⛔ Вы заблокированы до 2026-01-02T00:00:00Z. Причина: спам")
        << command;
  }
  const auto en = say(6, "en", "/balance");
  ASSERT_EQ(en.size(), 1u);
  EXPECT_EQ(en[0].text, "⛔ You are banned. Reason: spam");
  EXPECT_TRUE(say(6, "en", "just chatting").empty());  // chatter stays unanswered
  w.clock.advance(kDay);
  EXPECT_NE(say(5, "ru", "/balance")[0].text.find("Баланс"), std::string::npos);  // it ended
}

INSTANTIATE_TEST_SUITE_P(Engines, UsersBanTest,
                         ::testing::Values(store::Engine::kSqlite, store::Engine::kPostgres),
                         [](const auto& p) { return lucas::testing::engine_label(p.param); });

}  // namespace
}  // namespace lucas::users
