// Telegram's sign-in data, checked as Telegram specifies: the Mini App's initData (secret =
// HMAC-SHA256("WebAppData", token)) and the Login Widget's fields (secret = SHA-256(token)).
// The reference hashes below were computed independently (Python's hmac and hashlib), so these
// tests fail if our data-check-string or key derivation drifts from the specification.
#include <gtest/gtest.h>

#include <cctype>

#include "base/ids.h"
#include "features/sessions/telegram_login.h"

namespace lucas::sessions {
namespace {

constexpr char kToken[] = "123456:ABC-test-token";
constexpr Micros kAuthDate = 1'767'225'600'000'000;  // 2026-01-01T00:00:00Z
constexpr Micros kDay = 86'400'000'000;
constexpr char kUser[] =
    R"({"id":101,"first_name":"Алиса","last_name":"","username":"alice","language_code":"en"})";
// As Telegram sends it: URL-encoded, with the hash of the spec's data-check-string.
constexpr char kInitData[] =
    "query_id=AAHdF6IQAAAAAN0XohDhrOrc&user=%7B%22id%22%3A101%2C%22first_name%22%3A%22%D0%90%D0%"
    "BB%D0%B8%D1%81%D0%B0%22%2C%22last_name%22%3A%22%22%2C%22username%22%3A%22alice%22%2C%22langu"
    "age_code%22%3A%22en%22%7D&auth_date=1767225600&hash="
    "cefce951c53f35d6275d7b090cd2e9f6068dc2882056f524b8641ba756a3b91c";

LoginCheck check(std::string_view data, Micros now = kAuthDate + 1'000'000,
                 std::string_view token = kToken) {
  return check_webapp_init_data(data, token, now, kDay);
}

std::string signed_with(std::map<std::string, std::string> fields,
                        std::string_view token = kToken) {
  return sign_webapp_init_data(std::move(fields), token);
}

TEST(WebAppInitData, TheSpecificationsHashIsAccepted) {
  const auto c = check(kInitData);
  ASSERT_TRUE(c.ok()) << refusal_name(c.refusal);
  EXPECT_EQ(c.user.id, 101);
  EXPECT_EQ(c.user.first_name, "Алиса");
  EXPECT_EQ(c.user.username, "alice");
  EXPECT_EQ(c.user.language_code, "en");
  EXPECT_EQ(c.user.display_name(), "Алиса");
  EXPECT_EQ(c.auth_date, kAuthDate);
  // Our signer (used by tests) agrees with the reference.
  const auto ours = signed_with(
      {{"query_id", "AAHdF6IQAAAAAN0XohDhrOrc"}, {"user", kUser}, {"auth_date", "1767225600"}});
  EXPECT_NE(ours.find("&hash=cefce951c53f35d6275d7b090cd2e9f6068dc2882056f524b8641ba756a3b91c&"),
            std::string::npos)
      << ours;
  EXPECT_TRUE(check(ours).ok());
}

TEST(WebAppInitData, AForgedHashIsRefused) {
  std::string forged = kInitData;
  forged.back() = forged.back() == 'c' ? 'd' : 'c';
  EXPECT_EQ(check(forged).refusal, Refusal::kBadHash);
  // Upper-case hex of the right hash is not the hash Telegram sends.
  std::string upper = kInitData;
  for (size_t i = upper.find("hash=") + 5; i < upper.size(); ++i) {
    upper[i] = static_cast<char>(std::toupper(static_cast<unsigned char>(upper[i])));
  }
  EXPECT_EQ(check(upper).refusal, Refusal::kBadHash);
}

TEST(WebAppInitData, AnotherBotsTokenIsRefused) {
  EXPECT_EQ(check(kInitData, kAuthDate, "654321:other-token").refusal, Refusal::kBadHash);
  EXPECT_EQ(check(kInitData, kAuthDate, "").refusal, Refusal::kBadHash);
  // The widget's key derivation is not the Mini App's.
  std::map<std::string, std::string> fields = *parse_query(kInitData);
  EXPECT_EQ(check_login_widget(fields, kToken, kAuthDate, kDay).refusal, Refusal::kBadHash);
}

TEST(WebAppInitData, TamperedUserJsonIsRefused) {
  std::string tampered = kInitData;
  const size_t at = tampered.find("%3A101");
  tampered.replace(at, 6, "%3A102");  // another user id, same hash
  EXPECT_EQ(check(tampered).refusal, Refusal::kBadHash);
  // A field added after signing changes the data-check-string too.
  EXPECT_EQ(check(std::string(kInitData) + "&can_send_after=0").refusal, Refusal::kBadHash);
}

TEST(WebAppInitData, StaleOrFutureAuthDatesAreRefused) {
  EXPECT_TRUE(check(kInitData, kAuthDate + kDay).ok());  // exactly the allowed age
  EXPECT_EQ(check(kInitData, kAuthDate + kDay + 1).refusal, Refusal::kStale);
  EXPECT_EQ(
      check_webapp_init_data(kInitData, kToken, kAuthDate + 3'600'000'001, 3'600'000'000).refusal,
      Refusal::kStale);
  EXPECT_TRUE(check(kInitData, kAuthDate - 59'000'000).ok());  // a little clock skew
  EXPECT_EQ(check(kInitData, kAuthDate - 61'000'000).refusal, Refusal::kFuture);
}

TEST(WebAppInitData, MissingFieldsAreRefused) {
  EXPECT_EQ(check("").refusal, Refusal::kMalformed);
  EXPECT_EQ(check("user=%ZZ&hash=00").refusal, Refusal::kMalformed);
  EXPECT_EQ(check("a=1&a=1&hash=00").refusal, Refusal::kMalformed);
  EXPECT_EQ(check("user=x&auth_date=1767225600").refusal, Refusal::kNoHash);
  EXPECT_EQ(check("user=x&auth_date=1767225600&hash=").refusal, Refusal::kNoHash);
  // Correctly signed, but without what a sign-in needs.
  EXPECT_EQ(check(signed_with({{"user", kUser}})).refusal, Refusal::kNoAuthDate);
  EXPECT_EQ(check(signed_with({{"user", kUser}, {"auth_date", "soon"}})).refusal,
            Refusal::kNoAuthDate);
  EXPECT_EQ(check(signed_with({{"auth_date", "1767225600"}})).refusal, Refusal::kNoUser);
  EXPECT_EQ(check(signed_with({{"auth_date", "1767225600"}, {"user", "not json"}})).refusal,
            Refusal::kNoUser);
  EXPECT_EQ(check(signed_with({{"auth_date", "1767225600"}, {"user", R"({"id":"101"})"}})).refusal,
            Refusal::kNoUser);
  EXPECT_EQ(check(signed_with({{"auth_date", "1767225600"}, {"user", R"({"id":-5})"}})).refusal,
            Refusal::kNoUser);
  EXPECT_TRUE(check(signed_with({{"auth_date", "1767225600"}, {"user", R"({"id":5})"}})).ok());
}

TEST(DataCheckString, SortsKeysAndSkipsTheHash) {
  EXPECT_EQ(data_check_string({{"b", "2"}, {"hash", "x"}, {"a", "1\n"}, {"auth_date", "3"}}),
            "a=1\n\nauth_date=3\nb=2");
  const auto q = parse_query("a=x+y%20z&&b=&c");
  ASSERT_TRUE(q.has_value());
  EXPECT_EQ(q->at("a"), "x y z");
  EXPECT_EQ(q->at("b"), "");
  EXPECT_EQ(q->at("c"), "");
  EXPECT_TRUE(equal_constant_time("abc", "abc"));
  EXPECT_FALSE(equal_constant_time("abc", "abd"));
  EXPECT_FALSE(equal_constant_time("abc", "abcd"));
  EXPECT_FALSE(equal_constant_time("", "a"));
}

std::map<std::string, std::string> widget() {
  return {{"id", "101"},
          {"first_name", "Alice"},
          {"username", "alice"},
          {"auth_date", "1767225600"},
          {"hash", "a6305038aa7ef98a7b45dab0a96381a239ea4600e57213974ba7200dca80aebf"}};
}

TEST(LoginWidget, TheSpecificationsHashIsAccepted) {
  const auto c = check_login_widget(widget(), kToken, kAuthDate, kDay);
  ASSERT_TRUE(c.ok()) << refusal_name(c.refusal);
  EXPECT_EQ(c.user.id, 101);
  EXPECT_EQ(c.user.display_name(), "Alice");
}

TEST(LoginWidget, ForgedTamperedStaleAndIncompleteDataIsRefused) {
  auto w = widget();
  w["id"] = "102";
  EXPECT_EQ(check_login_widget(w, kToken, kAuthDate, kDay).refusal, Refusal::kBadHash);
  w = widget();
  w["hash"][0] = 'b';
  EXPECT_EQ(check_login_widget(w, kToken, kAuthDate, kDay).refusal, Refusal::kBadHash);
  EXPECT_EQ(check_login_widget(widget(), "654321:other", kAuthDate, kDay).refusal,
            Refusal::kBadHash);
  EXPECT_EQ(check_login_widget(widget(), kToken, kAuthDate + kDay + 1, kDay).refusal,
            Refusal::kStale);
  w = widget();
  w.erase("hash");
  EXPECT_EQ(check_login_widget(w, kToken, kAuthDate, kDay).refusal, Refusal::kNoHash);
  w = widget();
  w.erase("auth_date");
  EXPECT_EQ(check_login_widget(w, kToken, kAuthDate, kDay).refusal, Refusal::kBadHash);
}

}  // namespace
}  // namespace lucas::sessions
