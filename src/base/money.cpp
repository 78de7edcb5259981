#include "base/money.h"

#include <limits>

#include "base/error.h"

namespace lucas {
namespace {
[[noreturn]] void overflow(const char* op) {
  throw Error(ErrorCode::kAmountOverflow, std::string("amount overflow in ") + op);
}
}  // namespace

int64_t checked_add(int64_t a, int64_t b) {
  int64_t r = 0;
  if (__builtin_add_overflow(a, b, &r)) overflow("addition");
  return r;
}

int64_t checked_sub(int64_t a, int64_t b) {
  int64_t r = 0;
  if (__builtin_sub_overflow(a, b, &r)) overflow("subtraction");
  return r;
}

int64_t checked_mul(int64_t a, int64_t b) {
  int64_t r = 0;
  if (__builtin_mul_overflow(a, b, &r)) overflow("multiplication");
  return r;
}

int64_t checked_neg(int64_t a) {
  if (a == std::numeric_limits<int64_t>::min()) overflow("negation");
  return -a;
}

int64_t pow10(int scale) {
  if (scale < 0 || scale > kMaxCurrencyScale) {
    throw Error(ErrorCode::kInvalidArgument, "currency scale must be between 0 and 18");
  }
  int64_t r = 1;
  for (int i = 0; i < scale; ++i) r *= 10;
  return r;
}

int64_t parse_amount(std::string_view text, int scale) {
  const int64_t unit = pow10(scale);
  auto invalid = [&](const std::string& why) -> Error {
    return Error(ErrorCode::kInvalidAmount,
                 "invalid amount '" + std::string(text.substr(0, 64)) + "': " + why,
                 {{"amount", std::string(text.substr(0, 64))}, {"scale", scale}});
  };
  std::string_view s = text;
  bool negative = false;
  if (!s.empty() && (s.front() == '-' || s.front() == '+')) {
    negative = s.front() == '-';
    s.remove_prefix(1);
  }
  if (s.empty()) throw invalid("no digits");
  const size_t dot = s.find('.');
  std::string_view whole = s.substr(0, dot);
  std::string_view frac = dot == std::string_view::npos ? std::string_view{} : s.substr(dot + 1);
  if (whole.empty()) throw invalid("no digits before the decimal point");
  if (dot != std::string_view::npos && frac.empty()) throw invalid("no digits after the point");
  if (static_cast<int>(frac.size()) > scale) {
    throw invalid("at most " + std::to_string(scale) + " fraction digits are allowed");
  }
  // Accumulate as a negative number so that INT64_MIN is representable.
  int64_t acc = 0;
  auto push = [&](char c) {
    if (c < '0' || c > '9') throw invalid("only digits and one decimal point are allowed");
    int64_t r = 0;
    if (__builtin_mul_overflow(acc, int64_t{10}, &r) || __builtin_sub_overflow(r, c - '0', &r)) {
      throw Error(ErrorCode::kAmountOverflow,
                  "amount '" + std::string(text.substr(0, 64)) + "' is too large");
    }
    acc = r;
  };
  for (char c : whole) push(c);
  for (char c : frac) push(c);
  for (int i = static_cast<int>(frac.size()); i < scale; ++i) push('0');
  (void)unit;
  if (negative) return acc;
  if (acc == std::numeric_limits<int64_t>::min()) {
    throw Error(ErrorCode::kAmountOverflow,
                "amount '" + std::string(text.substr(0, 64)) + "' is too large");
  }
  return -acc;
}

std::string format_amount(int64_t minor, int scale) {
  const int64_t unit = pow10(scale);
  // Work in unsigned to handle INT64_MIN.
  const bool negative = minor < 0;
  const uint64_t mag =
      negative ? uint64_t{0} - static_cast<uint64_t>(minor) : static_cast<uint64_t>(minor);
  const uint64_t u = static_cast<uint64_t>(unit);
  std::string out = negative ? "-" : "";
  out += std::to_string(mag / u);
  if (scale > 0) {
    std::string frac = std::to_string(mag % u);
    out += '.';
    out.append(static_cast<size_t>(scale) - frac.size(), '0');
    out += frac;
  }
  return out;
}

}  // namespace lucas
