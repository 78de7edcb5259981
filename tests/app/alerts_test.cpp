// The composition root's admin alerts: events the outbox gave up reach every admin over Telegram,
// at most once per 10 minutes, and nobody when the bot is off.
#include <gtest/gtest.h>

#include "app/app.h"
#include "tests/support/databases.h"

namespace lucas {
namespace {

Config config(const std::string& dir, bool telegram) {
  Config c;
  c.data_dir = dir;
  c.http_rate_limit_per_minute = 0;
  if (telegram) {
    c.telegram_token = "424242:alerts-test";
    c.telegram_api_url = "http://127.0.0.1:9";  // never reached: nothing is pumped here
  }
  return c;
}

std::vector<events::GivenUp> given_up(int n) {
  std::vector<events::GivenUp> out;
  for (int i = 0; i < n; ++i) {
    out.push_back(events::GivenUp{events::Event{100 + i, "ledger.transfer", {}, 0}, 10,
                                  std::string(300, 'x') + "ё", 0});
  }
  return out;
}

TEST(AppAlerts, GivenUpEventsReachEveryAdminAtMostOncePerTenMinutes) {
  testing::TempDir dir;
  app::App app(config(dir.path(), true));
  app.migrate();
  app.users->upsert(users::UserUpdate{1, "boss", "Boss", "ru"});
  app.users->upsert(users::UserUpdate{2, "lead", "Lead", "en"});
  app.users->upsert(users::UserUpdate{3, "pat", "Pat", "ru"});
  app.users->set_role(0, 1, users::Role::kAdmin);
  app.users->set_role(0, 2, users::Role::kAdmin);
  ASSERT_TRUE(app.telegram_enabled());

  EXPECT_FALSE(app.alert_given_up({}));
  EXPECT_TRUE(app.alert_given_up(given_up(3)));
  EXPECT_EQ(app.sender->stats().queued, 2);       // the two admins, not the player
  EXPECT_FALSE(app.alert_given_up(given_up(1)));  // within 10 minutes: folded into the first
  EXPECT_EQ(app.sender->stats().queued, 2);
}

TEST(AppAlerts, TheAlertNamesTheFirstEventInTheAdminsLanguage) {
  auto events = given_up(3);
  events[0].last_error = std::string(199, 'x') + "ё and more";  // ё straddles byte 200
  const std::string ru = app::given_up_alert_text("ru", events, 7);
  EXPECT_NE(ru.find("Не обработано событий: 3"), std::string::npos) << ru;
  EXPECT_NE(ru.find("№100 ledger.transfer"), std::string::npos) << ru;
  EXPECT_NE(ru.find("Всего отложено: 7"), std::string::npos) << ru;
  EXPECT_NE(ru.find(std::string(199, 'x') + "…"), std::string::npos) << ru;  // ё not split
  EXPECT_EQ(ru.find("and more"), std::string::npos);
  const std::string en = app::given_up_alert_text("en", given_up(1), 1);
  EXPECT_NE(en.find("Events given up: 1"), std::string::npos) << en;
  EXPECT_NE(en.find("10 times"), std::string::npos) << en;
}

TEST(AppAlerts, NobodyIsAlertedWithoutTheBot) {
  testing::TempDir dir;
  app::App app(config(dir.path(), false));
  app.migrate();
  EXPECT_FALSE(app.telegram_enabled());
  EXPECT_FALSE(app.alert_given_up(given_up(1)));
}

}  // namespace
}  // namespace lucas
