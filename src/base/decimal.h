// Exact decimals for amounts read from game messages and for conversion coefficients, and the
// exact conversion "game amount x coefficient -> bank minor units" with the fraction carried.
// No floating point anywhere: a decimal is an integer mantissa and a count of fraction digits.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace lucas {

struct Decimal {
  int64_t mantissa = 0;  // value = mantissa / 10^scale
  int scale = 0;         // 0..9 fraction digits

  // "133.8", "-3000", "+0", "2.50". Same grammar as parse_amount (no separators, no exponent);
  // at most 9 fraction digits and 18 significant digits. INVALID_AMOUNT / AMOUNT_OVERFLOW.
  static Decimal parse(std::string_view text);
  std::string to_string() const;            // canonical: "133.8", "-3000", "2.5"
  bool operator==(const Decimal& o) const;  // by value: 2.50 == 2.5
  int compare(const Decimal& o) const;      // -1, 0, 1
  Decimal minus(const Decimal& o) const;    // exact; AMOUNT_OVERFLOW if it does not fit
};

// Converted amounts are kept in units of 10^-kCarryDigits of a minor unit, so that the part of
// a credit smaller than one minor unit is carried to the next credit instead of being lost.
inline constexpr int kCarryDigits = 9;
inline constexpr int64_t kCarryUnit = 1'000'000'000;  // 10^kCarryDigits

struct Converted {
  int64_t minor = 0;  // whole minor units to credit now (may be negative)
  int64_t carry = 0;  // remainder to keep, 0 <= carry < kCarryUnit
};

// minor + carry/kCarryUnit == carry_in/kCarryUnit + amount * coefficient * 10^currency_scale,
// exactly. Requires amount.scale + coefficient.scale <= currency_scale + kCarryDigits
// (INVALID_AMOUNT otherwise: the product would not be representable exactly) and 0 <= carry_in
// < kCarryUnit. The result is floored, so the carry is never negative.
Converted convert(const Decimal& amount, const Decimal& coefficient, int currency_scale,
                  int64_t carry_in);

}  // namespace lucas
