// The admins' alert about given-up outbox events (infra/events/given_up_alert.h): the text names
// the first event in the admin's language with its error cut on a character boundary, and the
// admins are told at most once per 10 minutes of clock time. Who is told, and how, is the app's
// (tests/app/alerts_test.cpp).
#include <gtest/gtest.h>

#include "infra/events/given_up_alert.h"

namespace lucas::events {
namespace {

std::vector<GivenUp> given_up(int n) {
  std::vector<GivenUp> out;
  for (int i = 0; i < n; ++i) {
    out.push_back(
        GivenUp{Event{100 + i, "ledger.transfer", {}, 0}, 10, std::string(300, 'x') + "ё", 0});
  }
  return out;
}

TEST(GivenUpAlert, TheTextNamesTheFirstEventInTheAdminsLanguage) {
  auto events = given_up(3);
  events[0].last_error = std::string(199, 'x') + "ё and more";  // ё straddles byte 200
  const std::string ru = given_up_alert_text("ru", events, 7);
  EXPECT_NE(ru.find("Не обработано событий: 3"), std::string::npos) << ru;
  EXPECT_NE(ru.find("№100 ledger.transfer"), std::string::npos) << ru;
  EXPECT_NE(ru.find("Всего отложено: 7"), std::string::npos) << ru;
  EXPECT_NE(ru.find(std::string(199, 'x') + "…"), std::string::npos) << ru;  // ё not split
  EXPECT_EQ(ru.find("and more"), std::string::npos);
  const std::string en = given_up_alert_text("en", given_up(1), 1);
  EXPECT_NE(en.find("Events given up: 1"), std::string::npos) << en;
  EXPECT_NE(en.find("10 times"), std::string::npos) << en;
}

TEST(GivenUpAlert, AdminsAreToldAtMostOncePerTenMinutes) {
  ManualClock clock(1'000'000'000);
  int64_t total = 3;
  std::vector<std::string> told;
  GivenUpAlert alert(
      clock, [&] { return total; },
      [&](const GivenUpAlert::LocalizedText& text) { told.push_back(text("en")); });
  EXPECT_FALSE(alert.alert({}));  // nothing given up: nothing to say, and no quiet time begins
  EXPECT_TRUE(told.empty());
  EXPECT_TRUE(alert.alert(given_up(3)));
  ASSERT_EQ(told.size(), 1u);
  EXPECT_EQ(told[0], given_up_alert_text("en", given_up(3), 3));
  clock.advance(GivenUpAlert::kQuiet - 1);
  total = 4;
  EXPECT_FALSE(alert.alert(given_up(1)));  // within 10 minutes: folded into the first
  EXPECT_EQ(told.size(), 1u);
  clock.advance(1);
  EXPECT_TRUE(alert.alert(given_up(1)));
  ASSERT_EQ(told.size(), 2u);
  EXPECT_NE(told[1].find("Set aside in all: 4"), std::string::npos) << told[1];
}

}  // namespace
}  // namespace lucas::events
