// WebSocket tokens: a token names its user until it expires (by the injected clock); any change
// to it, or another key, makes it worthless.
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include "infra/realtime/token.h"

namespace lucas::realtime {
namespace {

const std::string kKey(32, 'k');
constexpr Micros kStart = 1'790'000'000'000'000;
constexpr Micros kTtl = 300'000'000;

TEST(WsToken, NamesItsUserUntilItExpires) {
  ManualClock clock(kStart);
  TokenSigner signer(kKey, clock, kTtl);
  const auto t = signer.issue(101);
  EXPECT_LE(t.expires_at, kStart + kTtl);
  EXPECT_GT(t.expires_at, kStart + kTtl - 1'000'000);
  auto v = signer.verify(t.token);
  EXPECT_TRUE(v.ok());
  EXPECT_EQ(v.user_id, 101);
  clock.set(t.expires_at - 1);
  EXPECT_TRUE(signer.verify(t.token).ok());
  clock.set(t.expires_at);
  v = signer.verify(t.token);
  EXPECT_EQ(v.result, TokenCheck::kExpired);
  EXPECT_EQ(v.user_id, 101);
  EXPECT_EQ(token_check_name(v.result), "expired");
}

// The API client that obtained a token travels in it (signed), so that revoking the client can
// close the connections it opened; tokens without one (the bot, the console) still verify.
TEST(WsToken, CarriesTheApiClientThatObtainedIt) {
  ManualClock clock(kStart);
  TokenSigner signer(kKey, clock, kTtl);
  auto v = signer.verify(signer.issue(101, "lc_0123456789abcdef01234567").token);
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(v.user_id, 101);
  EXPECT_EQ(v.client_id, "lc_0123456789abcdef01234567");
  v = signer.verify(signer.issue(101).token);
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(v.client_id, "");
  EXPECT_THROW(signer.issue(101, "lc:bad"), std::invalid_argument);
}

TEST(WsToken, EveryTokenIsDifferent) {
  ManualClock clock(kStart);
  TokenSigner signer(kKey, clock, kTtl);
  EXPECT_NE(signer.issue(7).token, signer.issue(7).token);  // the nonce
}

TEST(WsToken, AnotherKeyOrGarbageIsRefused) {
  ManualClock clock(kStart);
  TokenSigner signer(kKey, clock, kTtl);
  TokenSigner other(std::string(32, 'x'), clock, kTtl);
  const auto t = signer.issue(5);
  EXPECT_EQ(other.verify(t.token).result, TokenCheck::kBadSignature);
  EXPECT_EQ(other.verify(t.token).user_id, 0);
  for (const char* bad : {"", ".", "abc", "a.b.c", "!!!.???", "dGVzdA.dGVzdA"}) {
    EXPECT_FALSE(signer.verify(bad).ok()) << bad;
  }
  EXPECT_FALSE(signer.verify(std::string(600, 'a')).ok());
  EXPECT_THROW(TokenSigner("short", clock, kTtl), std::invalid_argument);
  EXPECT_THROW(TokenSigner(kKey, clock, 0), std::invalid_argument);
}

TEST(WsToken, AnotherUserCannotBeSpliced) {
  ManualClock clock(kStart);
  TokenSigner signer(kKey, clock, kTtl);
  const auto a = signer.issue(1);
  const auto b = signer.issue(2);
  // a's payload with b's signature
  const std::string spliced =
      a.token.substr(0, a.token.find('.')) + b.token.substr(b.token.find('.'));
  EXPECT_EQ(signer.verify(spliced).result, TokenCheck::kBadSignature);
}

// For any user and any single changed character, the token no longer verifies as that user.
RC_GTEST_PROP(WsTokenProperty, AnyTamperingIsDetected, (int64_t user, size_t where, char with)) {
  ManualClock clock(kStart);
  TokenSigner signer(kKey, clock, kTtl);
  const auto t = signer.issue(user);
  const auto v = signer.verify(t.token);
  RC_ASSERT(v.ok());
  RC_ASSERT(v.user_id == user);
  std::string forged = t.token;
  const size_t i = where % forged.size();
  RC_PRE(forged[i] != with);
  forged[i] = with;
  const auto f = signer.verify(forged);
  // base64url has no padding: a changed last character may decode to the same bytes only if
  // it differs in unused low bits — then it is still the same user's valid token.
  if (f.ok()) {
    RC_ASSERT(f.user_id == user);
  } else {
    RC_ASSERT(f.user_id == 0);
  }
}

// For any issue time and any moment, a token verifies exactly while now < expires_at.
RC_GTEST_PROP(WsTokenProperty, ValidExactlyUntilExpiry, (uint32_t issued_s, uint32_t later_s)) {
  ManualClock clock(kStart + int64_t{issued_s} * 1'000'000);
  TokenSigner signer(kKey, clock, kTtl);
  const auto t = signer.issue(42);
  clock.advance(int64_t{later_s % 1000} * 1'000'000);
  RC_ASSERT(signer.verify(t.token).ok() == (clock.now() < t.expires_at));
}

}  // namespace
}  // namespace lucas::realtime
