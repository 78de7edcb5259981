#include "features/parser/text.h"

#include <string.h>  // memmem (GNU)

namespace lucas::parser::text {

std::vector<std::string_view> lines(std::string_view s) {
  std::vector<std::string_view> out;
  size_t start = 0;
  for (;;) {
    const size_t nl = s.find('\n', start);
    std::string_view line = s.substr(start, nl == std::string_view::npos ? s.npos : nl - start);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    out.push_back(line);
    if (nl == std::string_view::npos) break;
    start = nl + 1;
  }
  return out;
}

std::string_view trim(std::string_view s) {
  auto ws = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; };
  while (!s.empty() && ws(s.front())) s.remove_prefix(1);
  while (!s.empty() && ws(s.back())) s.remove_suffix(1);
  return s;
}

bool contains(std::string_view s, std::string_view what) {
  if (what.empty()) return true;
  // glibc's memmem, not string_view::find: find stops at every occurrence of the first byte,
  // and a Cyrillic marker's first byte (0xD0/0xD1) starts half of the bytes of Russian text.
  return memmem(s.data(), s.size(), what.data(), what.size()) != nullptr;
}

bool is_decoration(std::string_view prefix) {
  for (size_t i = 0; i < prefix.size(); ++i) {
    const auto c = static_cast<unsigned char>(prefix[i]);
    if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) return false;
    if (c == 0xD0 || c == 0xD1) return false;  // Cyrillic letters
  }
  return true;
}

std::optional<std::string_view> after_marker(std::string_view line, std::string_view marker) {
  const size_t at = line.find(marker);
  if (at == line.npos || !is_decoration(line.substr(0, at))) return std::nullopt;
  return line.substr(at + marker.size());
}

std::optional<std::string> amount_at(std::string_view s, bool* had_sign) {
  size_t i = 0;
  while (i < s.size() && (s[i] == ' ' || s[i] == '\t')) ++i;
  bool negative = false;
  bool sign = false;
  auto starts = [&](std::string_view p) { return s.substr(i, p.size()) == p; };
  if (starts("+")) {
    sign = true;
    ++i;
  } else if (starts("-")) {
    sign = negative = true;
    ++i;
  } else if (starts("\xE2\x80\x94") || starts("\xE2\x80\x93") || starts("\xE2\x88\x92")) {
    sign = negative = true;  // em dash, en dash, minus sign
    i += 3;
  }
  std::string digits;
  bool seen_digit = false;
  bool seen_dot = false;
  for (; i < s.size(); ++i) {
    const char c = s[i];
    if (c >= '0' && c <= '9') {
      digits += c;
      seen_digit = true;
    } else if (c == ',' && seen_digit && !seen_dot && i + 1 < s.size() && s[i + 1] >= '0' &&
               s[i + 1] <= '9') {
      continue;  // thousands separator
    } else if (c == '.' && seen_digit && !seen_dot && i + 1 < s.size() && s[i + 1] >= '0' &&
               s[i + 1] <= '9') {
      digits += '.';
      seen_dot = true;
    } else {
      break;
    }
  }
  if (!seen_digit) return std::nullopt;
  if (had_sign != nullptr) *had_sign = sign;
  // "-0" is just "0".
  const bool zero = digits.find_first_not_of("0.") == std::string::npos;
  return (negative && !zero ? "-" : "") + digits;
}

}  // namespace lucas::parser::text
