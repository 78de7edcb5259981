#include "base/decimal.h"

#include <limits>

#include "base/error.h"
#include "base/money.h"

namespace lucas {
namespace {

__extension__ using Wide = __int128;

constexpr int kMaxScale = 9;

Wide wide_pow10(int n) {
  Wide r = 1;
  for (int i = 0; i < n; ++i) r *= 10;
  return r;
}

int64_t narrow(Wide v, std::string_view what) {
  if (v > std::numeric_limits<int64_t>::max() || v < std::numeric_limits<int64_t>::min()) {
    throw Error(ErrorCode::kAmountOverflow, std::string(what) + " does not fit in 64 bits");
  }
  return static_cast<int64_t>(v);
}

// Floor division for a positive divisor.
Wide floor_div(Wide a, Wide b) {
  Wide q = a / b;
  if ((a % b) != 0 && a < 0) --q;
  return q;
}

}  // namespace

Decimal Decimal::parse(std::string_view text) {
  const size_t dot = text.find('.');
  const int scale = dot == std::string_view::npos ? 0 : static_cast<int>(text.size() - dot - 1);
  if (scale > kMaxScale) {
    throw Error(ErrorCode::kInvalidAmount,
                "'" + std::string(text.substr(0, 40)) + "' has more than 9 fraction digits");
  }
  return Decimal{parse_amount(text, scale), scale};
}

std::string Decimal::to_string() const {
  Decimal d = *this;
  while (d.scale > 0 && d.mantissa % 10 == 0) {
    d.mantissa /= 10;
    --d.scale;
  }
  return format_amount(d.mantissa, d.scale);
}

int Decimal::compare(const Decimal& o) const {
  const int s = std::max(scale, o.scale);
  const Wide a = static_cast<Wide>(mantissa) * wide_pow10(s - scale);
  const Wide b = static_cast<Wide>(o.mantissa) * wide_pow10(s - o.scale);
  return a < b ? -1 : (a > b ? 1 : 0);
}

bool Decimal::operator==(const Decimal& o) const {
  return compare(o) == 0;
}

Decimal Decimal::minus(const Decimal& o) const {
  const int s = std::max(scale, o.scale);
  const Wide a = static_cast<Wide>(mantissa) * wide_pow10(s - scale);
  const Wide b = static_cast<Wide>(o.mantissa) * wide_pow10(s - o.scale);
  return Decimal{narrow(a - b, "difference"), s};
}

Converted convert(const Decimal& amount, const Decimal& coefficient, int currency_scale,
                  int64_t carry_in) {
  if (carry_in < 0 || carry_in >= kCarryUnit) {
    throw Error(ErrorCode::kInvalidArgument, "carry out of range");
  }
  const int shift = currency_scale + kCarryDigits - amount.scale - coefficient.scale;
  if (shift < 0) {
    throw Error(ErrorCode::kInvalidAmount,
                "amount x coefficient has more fraction digits than can be credited exactly",
                {{"amount", amount.to_string()}, {"coefficient", coefficient.to_string()}});
  }
  // |mantissas| < 10^18 each, so the product < 10^36 and the shift keeps it within 2^127 as long
  // as the result is creditable at all (checked by narrow below).
  Wide units = static_cast<Wide>(amount.mantissa) * coefficient.mantissa;
  const Wide limit = static_cast<Wide>(std::numeric_limits<int64_t>::max()) * kCarryUnit;
  for (int i = 0; i < shift; ++i) {
    units *= 10;
    if (units > limit || units < -limit) {
      throw Error(ErrorCode::kAmountOverflow, "converted amount is too large");
    }
  }
  units += carry_in;
  const Wide minor = floor_div(units, kCarryUnit);
  return Converted{narrow(minor, "converted amount"),
                   static_cast<int64_t>(units - minor * kCarryUnit)};
}

}  // namespace lucas
