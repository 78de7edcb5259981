#include "base/clock.h"

#include <fmt/format.h>
#include <chrono>
#include <ctime>

namespace lucas {

Micros SystemClock::now() const {
  using namespace std::chrono;
  return duration_cast<microseconds>(system_clock::now().time_since_epoch()).count();
}

std::string format_rfc3339(Micros t) {
  Micros secs = t / 1'000'000;
  Micros frac = t % 1'000'000;
  if (frac < 0) {
    frac += 1'000'000;
    secs -= 1;
  }
  std::time_t tt = static_cast<std::time_t>(secs);
  std::tm tm{};
  gmtime_r(&tt, &tm);
  std::string out = fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}", tm.tm_year + 1900,
                                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
  if (frac != 0) out += fmt::format(".{:06}", frac);
  out += 'Z';
  return out;
}

std::optional<Micros> parse_rfc3339(std::string_view t) {
  auto digits = [&](size_t pos, size_t n) -> std::optional<int> {
    if (pos + n > t.size()) return std::nullopt;
    int v = 0;
    for (size_t i = pos; i < pos + n; ++i) {
      if (t[i] < '0' || t[i] > '9') return std::nullopt;
      v = v * 10 + (t[i] - '0');
    }
    return v;
  };
  auto y = digits(0, 4), mo = digits(5, 2), d = digits(8, 2);
  if (!y || !mo || !d || t.size() < 10 || t[4] != '-' || t[7] != '-') return std::nullopt;
  if (*mo < 1 || *mo > 12 || *d < 1 || *d > 31) return std::nullopt;
  std::tm tm{};
  tm.tm_year = *y - 1900;
  tm.tm_mon = *mo - 1;
  tm.tm_mday = *d;
  Micros frac = 0;
  if (t.size() > 10) {
    auto h = digits(11, 2), mi = digits(14, 2), se = digits(17, 2);
    if (t[10] != 'T' || !h || !mi || !se || t[13] != ':' || t[16] != ':' || *h > 23 || *mi > 59 ||
        *se > 60) {
      return std::nullopt;
    }
    tm.tm_hour = *h;
    tm.tm_min = *mi;
    tm.tm_sec = *se;
    size_t pos = 19;
    if (pos < t.size() && t[pos] == '.') {
      Micros scale = 100'000;
      for (++pos; pos < t.size() && t[pos] >= '0' && t[pos] <= '9'; ++pos) {
        frac += (t[pos] - '0') * scale;
        scale /= 10;
      }
    }
    if (pos + 1 != t.size() || t[pos] != 'Z') return std::nullopt;
  }
  return static_cast<Micros>(timegm(&tm)) * 1'000'000 + frac;
}

}  // namespace lucas
