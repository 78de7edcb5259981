// All time is read through an injected Clock; tests move a ManualClock.
// Timestamps are microseconds since the Unix epoch, UTC.
#pragma once

#include <atomic>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace lucas {

using Micros = int64_t;

class Clock {
 public:
  virtual ~Clock() = default;
  virtual Micros now() const = 0;
};

class SystemClock final : public Clock {
 public:
  Micros now() const override;
};

class ManualClock final : public Clock {
 public:
  explicit ManualClock(Micros start) : now_(start) {}
  Micros now() const override { return now_.load(); }
  void set(Micros t) { now_.store(t); }
  void advance(Micros d) { now_.fetch_add(d); }

 private:
  std::atomic<Micros> now_;
};

// "2026-11-24T20:01:33.123456Z" (fraction omitted when zero).
std::string format_rfc3339(Micros t);

// "2026-11-24", "2026-11-24T20:01:33Z" or "2026-11-24T20:01:33.5Z" (UTC) -> micros; nullopt
// for anything else.
std::optional<Micros> parse_rfc3339(std::string_view text);

}  // namespace lucas
