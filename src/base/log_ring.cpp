#include "base/log_ring.h"

#include <algorithm>

namespace lucas {
namespace {

constexpr std::array<std::string_view, kLogLevels> kNames = {"trace", "debug", "info",
                                                             "warn",  "error", "critical"};

// The longest prefix of `s` of at most `n` bytes that does not end inside a UTF-8 sequence.
std::string_view utf8_prefix(std::string_view s, size_t n) {
  if (s.size() <= n) return s;
  size_t end = n;
  // Step back over continuation bytes (10xxxxxx) to the start of the character that was cut.
  while (end > 0 && (static_cast<unsigned char>(s[end]) & 0xC0) == 0x80) --end;
  return s.substr(0, end);
}

}  // namespace

std::string_view log_level_name(LogLevel level) {
  return kNames.at(static_cast<size_t>(level));
}

std::optional<LogLevel> parse_log_level(std::string_view name) {
  if (name == "warning") return LogLevel::kWarn;
  for (size_t i = 0; i < kNames.size(); ++i) {
    if (kNames[i] == name) return static_cast<LogLevel>(i);
  }
  return std::nullopt;
}

LogRing::LogRing(size_t capacity, size_t max_message_bytes)
    : capacity_(std::max<size_t>(capacity, 1)), max_message_bytes_(max_message_bytes) {}

void LogRing::append(Micros time, LogLevel level, std::string_view message) {
  const std::string_view kept = utf8_prefix(message, max_message_bytes_);
  std::lock_guard lock(mu_);
  if (lines_.size() == capacity_) lines_.pop_front();
  lines_.push_back({++last_, time, level, std::string(kept), kept.size() < message.size()});
  ++counts_.at(static_cast<size_t>(level));
}

LogPage LogRing::read(const LogQuery& query) const {
  LogPage page;
  std::lock_guard lock(mu_);
  page.counts = counts_;
  page.last = last_;
  // A cursor beyond the newest line comes from an earlier run of the process: start over.
  page.restarted = query.after > last_;
  const uint64_t after = page.restarted ? 0 : query.after;
  page.next_after = after;
  if (lines_.empty()) return page;
  page.oldest = lines_.front().seq;
  page.gap = after + 1 < page.oldest;
  if (after == last_) return page;
  // Lines are consecutive: the first one after `after` is at a known index.
  size_t i = after < page.oldest ? 0 : static_cast<size_t>(after + 1 - page.oldest);
  for (; i < lines_.size() && page.lines.size() < query.limit; ++i) {
    const LogLine& line = lines_[i];
    page.next_after = line.seq;
    if (line.level < query.min_level) continue;
    if (!query.contains.empty() && line.message.find(query.contains) == std::string::npos) continue;
    page.lines.push_back(line);
  }
  return page;
}

LogRing& log_ring() {
  static LogRing ring;
  return ring;
}

}  // namespace lucas
