// The reply to an update that failed every attempt (infra/telegram/failed_updates.h) speaks the
// user's language and answers the message it came with; the console's audited list and retry are
// tested with the whole app (tests/app/intake_test.cpp).
#include <gtest/gtest.h>

#include "base/i18n.h"
#include "infra/telegram/failed_updates.h"
#include "tests/support/telegram_updates.h"

namespace lucas::telegram {
namespace {

using nlohmann::json;

json ping(int64_t update_id, const std::string& lang) {
  return lucas::testing::private_message(update_id, "/ping", lang);
}

TEST(FailedUpdates, TheFailureReplySpeaksTheUsersLanguage) {
  const auto en = update_failure_reply(parse_update(ping(1, "en-GB")));
  ASSERT_TRUE(en.has_value());
  EXPECT_EQ(en->chat_id, 7);
  EXPECT_EQ(en->reply_to_message_id, 50);
  EXPECT_EQ(en->text, i18n::text("en", "update_failed"));
  const auto ru = update_failure_reply(parse_update(ping(2, "")));
  ASSERT_TRUE(ru.has_value());
  EXPECT_EQ(ru->text, i18n::text("ru", "update_failed"));
  EXPECT_NE(ru->text, en->text);
  EXPECT_NE(ru->text, "update_failed");  // the key exists in the catalogue
  EXPECT_FALSE(update_failure_reply(parse_update(json{{"update_id", 3}})));
}

}  // namespace
}  // namespace lucas::telegram
