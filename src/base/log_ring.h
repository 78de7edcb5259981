// The last lines this process logged, kept in memory for the admin panel's live logs (issue 17):
// a fixed number of lines (older ones are dropped first), each message cut to a byte limit on a
// UTF-8 boundary, each with a sequence number so a reader can ask for "what came after" and tell
// when lines it never saw were dropped. Counts per level since start are kept beside the ring.
// Thread-safe; append() never logs (it is called from the logger itself).
#pragma once

#include <array>
#include <cstdint>
#include <deque>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/clock.h"

namespace lucas {

// The logger's levels, lowest first (spdlog's numbering).
enum class LogLevel { kTrace = 0, kDebug, kInfo, kWarn, kError, kCritical };
inline constexpr size_t kLogLevels = 6;
std::string_view log_level_name(LogLevel level);  // "trace" ... "critical"
// "trace", "debug", "info", "warn" (or "warning"), "error", "critical"; nullopt otherwise.
std::optional<LogLevel> parse_log_level(std::string_view name);

struct LogLine {
  uint64_t seq = 0;  // 1, 2, ... in the order the lines were logged
  Micros time = 0;
  LogLevel level = LogLevel::kInfo;
  std::string message;
  bool cut = false;  // the message was longer than the limit and ends where it was cut
};

struct LogQuery {
  LogQuery(uint64_t after_seq = 0, LogLevel min = LogLevel::kTrace, std::string text = {},
           size_t max_lines = 200)  // NOLINT: {} reads everything
      : after(after_seq), min_level(min), contains(std::move(text)), limit(max_lines) {}
  uint64_t after;        // only lines with a greater seq
  LogLevel min_level;    // only lines at this level or above
  std::string contains;  // only lines whose message contains this (as bytes)
  size_t limit;          // at most this many: the oldest matching ones
};

struct LogPage {
  std::vector<LogLine> lines;  // oldest first
  // The cursor for the next read: the seq of the last line looked at (matching or not), so a
  // filtered reader does not scan the same lines again; `after` when nothing new.
  uint64_t next_after = 0;
  uint64_t oldest = 0;  // the seq of the oldest line still kept (0: none yet)
  uint64_t last = 0;    // the seq of the newest line logged (0: none yet)
  // Lines after `after` were dropped before this read could see them.
  bool gap = false;
  // `after` was beyond the newest line: the process restarted since that cursor was handed out,
  // and the read started from the oldest line kept.
  bool restarted = false;
  std::array<uint64_t, kLogLevels> counts{};  // lines logged per level since start
};

class LogRing {
 public:
  explicit LogRing(size_t capacity = 2000, size_t max_message_bytes = 2000);

  void append(Micros time, LogLevel level, std::string_view message);
  LogPage read(const LogQuery& query) const;
  size_t capacity() const { return capacity_; }

 private:
  const size_t capacity_;
  const size_t max_message_bytes_;
  mutable std::mutex mu_;
  std::deque<LogLine> lines_;
  uint64_t last_ = 0;
  std::array<uint64_t, kLogLevels> counts_{};
};

// The process's ring, fed by the logger that setup_logging() installs (log.h).
LogRing& log_ring();

}  // namespace lucas
