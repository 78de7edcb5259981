// The economy's bot faces read their arguments the same way: words split on spaces, whole
// numbers without signs or spaces.
#pragma once

#include <charconv>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace lucas::economy::bot_args {

inline std::optional<int64_t> number(std::string_view s) {
  int64_t v = 0;
  const auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (s.empty() || ec != std::errc() || p != s.data() + s.size()) return std::nullopt;
  return v;
}

inline std::vector<std::string> words(const std::string& args) {
  std::vector<std::string> out;
  size_t i = 0;
  while (i < args.size()) {
    const size_t start = args.find_first_not_of(' ', i);
    if (start == std::string::npos) break;
    const size_t end = args.find(' ', start);
    out.push_back(args.substr(start, end == std::string::npos ? end : end - start));
    i = end == std::string::npos ? args.size() : end;
  }
  return out;
}

}  // namespace lucas::economy::bot_args
