// The composition root's admin alerts: events the outbox gave up reach every admin over Telegram,
// at most once per 10 minutes, and nobody when the bot is off. The alert's text and quiet time
// are tested in tests/infra/events/given_up_alert_test.cpp.
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

  ASSERT_NE(app.given_up_alert.get(), nullptr);
  EXPECT_FALSE(app.given_up_alert->alert({}));
  EXPECT_TRUE(app.given_up_alert->alert(given_up(3)));
  EXPECT_EQ(app.sender->stats().queued, 2);              // the two admins, not the player
  EXPECT_FALSE(app.given_up_alert->alert(given_up(1)));  // within 10 minutes: folded in the first
  EXPECT_EQ(app.sender->stats().queued, 2);
}

TEST(AppAlerts, NobodyIsAlertedWithoutTheBot) {
  testing::TempDir dir;
  app::App app(config(dir.path(), false));
  app.migrate();
  EXPECT_FALSE(app.telegram_enabled());
  EXPECT_EQ(app.given_up_alert.get(), nullptr);
  EXPECT_FALSE(app.tell_admins([](const std::string&) { return std::string("hi"); }));
}

}  // namespace
}  // namespace lucas
