// Money is integer minor units in int64_t; never floating point.
// Every arithmetic helper here detects overflow and throws lucas::Error{AMOUNT_OVERFLOW}.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace lucas {

// Largest number of fraction digits a currency may have (10^18 still fits in int64).
inline constexpr int kMaxCurrencyScale = 18;

int64_t checked_add(int64_t a, int64_t b);
int64_t checked_sub(int64_t a, int64_t b);
int64_t checked_mul(int64_t a, int64_t b);
int64_t checked_neg(int64_t a);
int64_t pow10(int scale);  // 10^scale for 0 <= scale <= 18

// Parses an exact decimal string ("12.34", "-0.5", "1000", "+7.10") into minor units of a
// currency with `scale` fraction digits. More fraction digits than the scale, thousands
// separators, exponents, whitespace or anything else is INVALID_AMOUNT; a value that does not
// fit is AMOUNT_OVERFLOW. Nothing is ever rounded.
int64_t parse_amount(std::string_view text, int scale);

// Formats minor units with exactly `scale` fraction digits: format_amount(1234, 2) == "12.34".
std::string format_amount(int64_t minor, int scale);

}  // namespace lucas
