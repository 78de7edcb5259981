#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include "base/clock.h"
#include "base/ids.h"

namespace lucas {
namespace {

TEST(Clock, FormatsRfc3339Utc) {
  EXPECT_EQ(format_rfc3339(0), "1970-01-01T00:00:00Z");
  EXPECT_EQ(format_rfc3339(1'767'225'600'000'000), "2026-01-01T00:00:00Z");
  EXPECT_EQ(format_rfc3339(1'767'225'600'000'001), "2026-01-01T00:00:00.000001Z");
  EXPECT_EQ(format_rfc3339(-1), "1969-12-31T23:59:59.999999Z");
}

TEST(Clock, ManualClockMovesOnlyWhenTold) {
  ManualClock c(100);
  EXPECT_EQ(c.now(), 100);
  c.advance(50);
  EXPECT_EQ(c.now(), 150);
  c.set(7);
  EXPECT_EQ(c.now(), 7);
}

TEST(Ids, RandomHexHasTheRequestedLengthAndDiffers) {
  const auto a = random_hex(8), b = random_hex(8);
  EXPECT_EQ(a.size(), 16u);
  EXPECT_NE(a, b);
  EXPECT_EQ(a.find_first_not_of("0123456789abcdef"), std::string::npos);
}

TEST(Ids, Sha256KnownVector) {
  EXPECT_EQ(sha256_hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  // The reused context starts afresh each time.
  EXPECT_EQ(sha256_hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(sha256_hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(Ids, Base64UrlRejectsForeignCharacters) {
  EXPECT_FALSE(base64url_decode("ab+/").has_value());
  EXPECT_EQ(base64url_encode("e:42"), "ZTo0Mg");
}

// For any byte string, base64url decoding inverts encoding.
RC_GTEST_PROP(IdsProperty, Base64UrlRoundTrips, (const std::string& data)) {
  const auto decoded = base64url_decode(base64url_encode(data));
  RC_ASSERT(decoded.has_value());
  RC_ASSERT(*decoded == data);
}

}  // namespace
}  // namespace lucas
