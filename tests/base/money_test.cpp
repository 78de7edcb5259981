#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <limits>

#include "base/error.h"
#include "base/money.h"

namespace lucas {
namespace {

constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
constexpr int64_t kMin = std::numeric_limits<int64_t>::min();
__extension__ using Wide = __int128;  // exact reference arithmetic for the properties

ErrorCode code_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const Error& e) {
    return e.code();
  }
  return ErrorCode::kInternal;
}

TEST(Money, ParsesExactDecimals) {
  EXPECT_EQ(parse_amount("12.34", 2), 1234);
  EXPECT_EQ(parse_amount("12.3", 2), 1230);
  EXPECT_EQ(parse_amount("12", 2), 1200);
  EXPECT_EQ(parse_amount("-0.05", 2), -5);
  EXPECT_EQ(parse_amount("+7.10", 2), 710);
  EXPECT_EQ(parse_amount("0", 0), 0);
  EXPECT_EQ(parse_amount("92233720368547758.07", 2), kMax);
  EXPECT_EQ(parse_amount("-92233720368547758.08", 2), kMin);
}

TEST(Money, RefusesAnythingInexactOrMalformed) {
  for (const char* bad : {"", "-", ".5", "5.", "1.234", "1,5", "1 000", "1e3", "abc", "12.3.4",
                          "--1", " 1", "0x10", "١٢"}) {
    EXPECT_EQ(code_of([&] { parse_amount(bad, 2); }), ErrorCode::kInvalidAmount) << bad;
  }
  EXPECT_EQ(code_of([&] { parse_amount("92233720368547758.08", 2); }), ErrorCode::kAmountOverflow);
  EXPECT_EQ(code_of([&] { parse_amount("99999999999999999999", 0); }), ErrorCode::kAmountOverflow);
  EXPECT_EQ(code_of([&] { parse_amount("1", 19); }), ErrorCode::kInvalidArgument);
}

TEST(Money, FormatsWithTheCurrencyScale) {
  EXPECT_EQ(format_amount(1234, 2), "12.34");
  EXPECT_EQ(format_amount(5, 2), "0.05");
  EXPECT_EQ(format_amount(-5, 2), "-0.05");
  EXPECT_EQ(format_amount(0, 2), "0.00");
  EXPECT_EQ(format_amount(42, 0), "42");
  EXPECT_EQ(format_amount(kMin, 2), "-92233720368547758.08");
  EXPECT_EQ(format_amount(kMax, 18), "9.223372036854775807");
}

TEST(Money, CheckedArithmeticDetectsOverflow) {
  EXPECT_EQ(checked_add(kMax - 1, 1), kMax);
  EXPECT_EQ(code_of([] { checked_add(kMax, 1); }), ErrorCode::kAmountOverflow);
  EXPECT_EQ(code_of([] { checked_sub(kMin, 1); }), ErrorCode::kAmountOverflow);
  EXPECT_EQ(code_of([] { checked_mul(kMax / 2 + 1, 2); }), ErrorCode::kAmountOverflow);
  EXPECT_EQ(code_of([] { checked_neg(kMin); }), ErrorCode::kAmountOverflow);
  EXPECT_EQ(checked_neg(kMax), -kMax);
  EXPECT_EQ(pow10(0), 1);
  EXPECT_EQ(pow10(18), 1'000'000'000'000'000'000);
}

// For any amount and scale, formatting then parsing gives the amount back.
RC_GTEST_PROP(MoneyProperty, FormatThenParseRoundTrips, (int64_t minor)) {
  const int scale = *rc::gen::inRange(0, 19);
  RC_ASSERT(parse_amount(format_amount(minor, scale), scale) == minor);
}

// For any two amounts, checked_add either equals the exact sum or refuses; it never wraps.
RC_GTEST_PROP(MoneyProperty, CheckedAddNeverWraps, (int64_t a, int64_t b)) {
  const Wide exact = static_cast<Wide>(a) + b;
  if (exact > kMax || exact < kMin) {
    RC_ASSERT_THROWS_AS(checked_add(a, b), Error);
  } else {
    RC_ASSERT(static_cast<Wide>(checked_add(a, b)) == exact);
  }
}

RC_GTEST_PROP(MoneyProperty, CheckedMulNeverWraps, (int64_t a, int64_t b)) {
  const Wide exact = static_cast<Wide>(a) * b;
  if (exact > kMax || exact < kMin) {
    RC_ASSERT_THROWS_AS(checked_mul(a, b), Error);
  } else {
    RC_ASSERT(static_cast<Wide>(checked_mul(a, b)) == exact);
  }
}

}  // namespace
}  // namespace lucas
