#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include "base/decimal.h"
#include "base/error.h"

namespace lucas {
namespace {

Decimal d(const char* s) {
  return Decimal::parse(s);
}

TEST(Decimal, ParsesAndPrintsCanonically) {
  EXPECT_EQ(d("133.8").mantissa, 1338);
  EXPECT_EQ(d("133.8").scale, 1);
  EXPECT_EQ(d("2.50").to_string(), "2.5");
  EXPECT_EQ(d("-3000").to_string(), "-3000");
  EXPECT_EQ(d("+0").to_string(), "0");
  EXPECT_TRUE(d("2.50") == d("2.5"));
  EXPECT_EQ(d("133.8").minus(d("121")).to_string(), "12.8");
  EXPECT_EQ(d("1").compare(d("0.999")), 1);
  EXPECT_THROW(d("1.0000000001"), Error);
  EXPECT_THROW(d("3,000"), Error);
}

// The legacy's pinned vectors, in minor units of COIN (scale 2).
TEST(Decimal, ConvertsLegacyVectorsExactly) {
  EXPECT_EQ(convert(d("10"), d("2"), 2, 0).minor, 2000);      // card +10, k 2 -> 20 coins
  EXPECT_EQ(convert(d("12.8"), d("2"), 2, 0).minor, 2560);    // profile delta 133.8-121
  EXPECT_EQ(convert(d("-12.8"), d("2"), 2, 0).minor, -2560);  // negative delta
  EXPECT_EQ(convert(d("1"), d("10"), 2, 0).minor, 1000);      // karma k 10
  EXPECT_EQ(convert(d("0.9"), d("1"), 2, 0).minor, 90);       // legacy C truncated this to 0
}

TEST(Decimal, CarriesFractionsOfAMinorUnit) {
  // 0.001 coin is a tenth of a minor unit: ten of them make one minor unit.
  int64_t carry = 0;
  int64_t credited = 0;
  for (int i = 0; i < 10; ++i) {
    const auto c = convert(d("0.001"), d("1"), 2, carry);
    credited += c.minor;
    carry = c.carry;
  }
  EXPECT_EQ(credited, 1);
  EXPECT_EQ(carry, 0);
  const auto neg = convert(d("-0.001"), d("1"), 2, 0);
  EXPECT_EQ(neg.minor, -1);
  EXPECT_EQ(neg.carry, kCarryUnit - kCarryUnit / 10);
}

TEST(Decimal, RefusesWhatCannotBeExact) {
  EXPECT_THROW(convert(d("0.000000001"), d("0.001"), 0, 0), Error);
  EXPECT_THROW(convert(d("999999999999999999"), d("999999999"), 2, 0), Error);
  EXPECT_THROW(convert(d("1"), d("1"), 2, -1), Error);
}

// For any sequence of amounts, what is credited plus the final carry equals the exact total
// times the coefficient: nothing is lost or invented by rounding.
RC_GTEST_PROP(DecimalProperty, ConversionLosesNothing, ()) {
  const auto amounts = *rc::gen::container<std::vector<int64_t>>(
      rc::gen::inRange<int64_t>(-1'000'000'000, 1'000'000'000));
  const int amount_scale = *rc::gen::inRange(0, 4);
  const Decimal k{*rc::gen::inRange<int64_t>(1, 100'000), *rc::gen::inRange(0, 4)};
  int64_t carry = 0;
  __extension__ using Wide = __int128;
  Wide credited = 0, exact = 0;  // in 10^-9 minor units
  for (int64_t m : amounts) {
    const Decimal a{m, amount_scale};
    const auto c = convert(a, k, 2, carry);
    RC_ASSERT(c.carry >= 0);
    RC_ASSERT(c.carry < kCarryUnit);
    credited += static_cast<Wide>(c.minor) * kCarryUnit;
    carry = c.carry;
    Wide units = static_cast<Wide>(m) * k.mantissa;
    for (int i = 0; i < 2 + kCarryDigits - amount_scale - k.scale; ++i) units *= 10;
    exact += units;
  }
  RC_ASSERT(credited + carry == exact);
}

}  // namespace
}  // namespace lucas
