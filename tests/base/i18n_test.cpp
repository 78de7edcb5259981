#include <gtest/gtest.h>

#include "base/i18n.h"

namespace lucas::i18n {
namespace {

TEST(I18n, EveryLanguageHasEveryKey) {
  const auto all = catalogues();
  ASSERT_TRUE(all.count("ru"));
  ASSERT_TRUE(all.count("en"));
  for (const auto& [key, text] : all.at("ru")) {
    EXPECT_TRUE(all.at("en").count(key)) << "en lacks " << key;
    EXPECT_FALSE(text.empty()) << key;
  }
  EXPECT_EQ(all.at("ru").size(), all.at("en").size());
}

TEST(I18n, RussianByDefaultEnglishForEnglishUsers) {
  EXPECT_EQ(language_for("en"), "en");
  EXPECT_EQ(language_for("en-GB"), "en");
  EXPECT_EQ(language_for("ru"), "ru");
  EXPECT_EQ(language_for("uk"), "ru");
  EXPECT_EQ(language_for(""), "ru");
  EXPECT_EQ(text("ru", "balance", {{"balance", "1.00"}}), "Баланс: 1.00 монет");
  EXPECT_EQ(text("en", "balance", {{"balance", "1.00"}}), "Balance: 1.00 coins");
  EXPECT_EQ(text("de", "ping"), text("ru", "ping"));  // unknown language: Russian
  EXPECT_EQ(text("ru", "no-such-key"), "no-such-key");
  EXPECT_EQ(text("ru", "balance"), "Баланс: {balance} монет");  // missing args stay visible
}

}  // namespace
}  // namespace lucas::i18n
